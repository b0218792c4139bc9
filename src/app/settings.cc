#include "app/settings.h"

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/audit.h"
#include "store/calendar_store.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/program_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_SETTING_REJECTIONS(X)                 \
  X(kSettingNameInvalid, "SETTING_NAME_INVALID")   \
  X(kRateChangeBackdated, "RATE_CHANGE_BACKDATED") \
  X(kOfficeUnknown, "OFFICE_UNKNOWN")              \
  X(kAmountNotPositive, "AMOUNT_NOT_POSITIVE")
TDCS_DEFINE_REJECTIONS(SettingRejection, TDCS_SETTING_REJECTIONS)
#undef TDCS_SETTING_REJECTIONS

Status SetSetting(Connection& connection, const Context& context, const std::string& name,
                  Date from, const std::string& value) {
  if (auto denied = Require(context.actor, Permission::kSettings); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  if (name.empty() || name.size() > 64)
    return MakeError(SettingRejection::kSettingNameInvalid, "name", "Tên tham số không hợp lệ",
                     "The setting's name is invalid");
  store::Transaction tx(db);
  store::SaveSetting(db, name, from, value);
  RecordAudit(db, context, "setting.set", "setting:" + name, {},
              AuditState().Add("from", from.ToIso()).Add("value", value));
  tx.Commit();
  return Status::Ok();
}

Status SetSavingsRate(Connection& connection, const Context& context, Date from, Rate rate) {
  if (auto denied = Require(context.actor, Permission::kSettings); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  db.LockKey("savings-rate");
  // Interest already earned is never recomputed: the new rate starts after
  // every account's accrued interest and not before the business date.
  store::LoanStore store(db);
  std::optional<Date> floor = store.MaxSavingsAccruedTo();
  if (auto today = store.BusinessDate(); today && (!floor || *floor < *today)) floor = today;
  if (floor && from < *floor)
    return MakeError(SettingRejection::kRateChangeBackdated, "from",
                     "Ngày hiệu lực lãi suất tiết kiệm " + from.ToVietnamese() + " trước ngày " +
                         floor->ToVietnamese() + " đã tính lãi",
                     "The savings rate's effective date " + from.ToIso() + " is before " +
                         floor->ToIso() + ", already accrued");
  store::LoanStore(db).SetSavingsRate(from, rate);
  RecordAudit(
      db, context, "setting.savings_rate", "savings", {},
      AuditState().Add("from", from.ToIso()).Add("rate_millionths", rate.per_month_millionths()));
  tx.Commit();
  return Status::Ok();
}

Status SetCapitalPlan(Connection& connection, const Context& context,
                      const std::string& office_code, const std::string& program, int year,
                      Money amount) {
  if (auto denied = Require(context.actor, Permission::kSettings); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  auto office = store::NetworkStore(db).FindUnit("office", office_code);
  if (!office)
    return MakeError(SettingRejection::kOfficeUnknown, "office",
                     "Phòng giao dịch '" + office_code + "' không tồn tại",
                     "Office '" + office_code + "' does not exist");
  if (amount.dong() < 0)
    return MakeError(SettingRejection::kAmountNotPositive, "amount", "Kế hoạch vốn không được âm",
                     "A capital plan cannot be negative");
  db.LockKey("capital-plan:" + std::to_string(office->id) + ":" + program + ":" +
             std::to_string(year));
  store::LoanStore(db).SetCapitalPlan(office->id, program, year, amount);
  RecordAudit(db, context, "setting.capital_plan",
              "office:" + office_code + ":" + program + ":" + std::to_string(year), {},
              AuditState().Add("amount_dong", amount.dong()));
  tx.Commit();
  return Status::Ok();
}

Status AddHoliday(Connection& connection, const Context& context, const Holiday& holiday) {
  if (auto denied = Require(context.actor, Permission::kSettings); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  store::SaveHoliday(db, holiday);
  RecordAudit(db, context, "setting.holiday", "holiday:" + holiday.date.ToIso(), {},
              AuditState()
                  .Add("valid_from", holiday.valid_from.ToIso())
                  .Add("valid_to", holiday.valid_to ? holiday.valid_to->ToIso() : std::string())
                  .Add("name_vi", holiday.name_vi)
                  .Add("name_en", holiday.name_en));
  tx.Commit();
  return Status::Ok();
}

PortfolioTotals CurrentPortfolio(Connection& connection, const Context&) {
  const auto t = store::LoanStore(Db(connection)).Portfolio();
  return PortfolioTotals{t.principal, t.overdue, t.frozen, t.customers};
}

Result<std::vector<programs::ProgramVersion>> ProgramsOn(Connection& connection,
                                                         const Context& context, Date on) {
  if (auto denied = Require(context.actor, Permission::kRead); !denied.ok()) return denied.error();
  std::vector<programs::ProgramVersion> out;
  for (const auto& [code, versions] : store::ReadPrograms(Db(connection)))
    if (const auto* v = programs::VersionOn(versions, on)) out.push_back(*v);
  return out;
}

}  // namespace tdcs::app
