#include "app/reconcile.h"

#include <algorithm>
#include <map>

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/area.h"
#include "app/internal/audit.h"
#include "app/internal/scope.h"
#include "app/loans.h"
#include "network/network.h"
#include "network/oversight.h"
#include "savings/savings.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/oversight_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_RECONCILE_REJECTIONS(X)                    \
  X(kUnitUnknown, "UNIT_UNKNOWN")                       \
  X(kUnitAmbiguous, "UNIT_AMBIGUOUS")                   \
  X(kBusinessDateMissing, "BUSINESS_DATE_MISSING")      \
  X(kDateAfterBusinessDate, "DATE_AFTER_BUSINESS_DATE") \
  X(kCampaignCodeFormat, "CAMPAIGN_CODE_FORMAT")        \
  X(kCampaignCodeDuplicate, "CAMPAIGN_CODE_DUPLICATE")  \
  X(kCampaignExists, "CAMPAIGN_EXISTS")                 \
  X(kCampaignEmpty, "CAMPAIGN_EMPTY")                   \
  X(kCampaignTooLarge, "CAMPAIGN_TOO_LARGE")            \
  X(kCampaignUnknown, "CAMPAIGN_UNKNOWN")               \
  X(kBorrowerUnknown, "BORROWER_UNKNOWN")               \
  X(kBorrowerNotInCampaign, "BORROWER_NOT_IN_CAMPAIGN") \
  X(kGroupNotInCampaign, "GROUP_NOT_IN_CAMPAIGN")       \
  X(kAssociationUnknown, "ASSOCIATION_UNKNOWN")         \
  X(kAlreadyAnswered, "RECONCILE_ALREADY_ANSWERED")     \
  X(kNoteInvalid, "NOTE_INVALID")                       \
  X(kNotADiscrepancy, "RECONCILE_NOT_A_DISCREPANCY")    \
  X(kAlreadyResolved, "RECONCILE_ALREADY_RESOLVED")     \
  X(kProgressByInvalid, "PROGRESS_BY_INVALID")
TDCS_DEFINE_REJECTIONS(ReconcileRejection, TDCS_RECONCILE_REJECTIONS)
#undef TDCS_RECONCILE_REJECTIONS

Result<int> ParseAssociationCode(const std::string& text, const std::string& field) {
  if (auto a = network::ParseAssociation(text)) return static_cast<int>(*a);
  return MakeError(
      ReconcileRejection::kAssociationUnknown, field,
      "Hội '" + text +
          "' không hợp lệ (11 Nông dân, 12 Phụ nữ, 13 Cựu chiến binh, 14 "
          "Thanh niên)",
      "Association '" + text + "' is invalid (11 farmers, 12 women, 13 veterans, 14 youth)");
}

namespace {

Error BusinessDateMissing() {
  return MakeError(ReconcileRejection::kBusinessDateMissing, "db",
                   "Cơ sở dữ liệu chưa có ngày làm việc", "The database has no business date yet");
}

Result<Date> Today(store::Database& db) {
  auto today = store::LoanStore(db).BusinessDate();
  if (!today) return BusinessDateMissing();
  return *today;
}

Error CampaignUnknown(const std::string& code);

Result<store::CampaignRow> Campaign(store::Database& db, const std::string& code) {
  if (auto c = store::FindCampaign(db, code)) return *c;
  return CampaignUnknown(code);
}

bool CodeFits(const std::string& code) {
  return !code.empty() && code.size() <= 40 && std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// A savings account's balance on `on` (interest accrued so far included):
// the account as stored when nothing was done to it after `on`, else its
// movements dated up to `on` replayed (a movement reversed after `on` still
// counts then).
Money SavingsOn(store::LoanStore& store, int64_t borrower_id, Date on) {
  auto account = store.LoadSavings(borrower_id);
  if (!account) return Money::Zero();
  const auto& rates = store.SavingsRates();
  if (account->accrued_to <= on) return savings::BalanceOn(*account, on, rates);
  const auto txns = store.SavingsTxns(account->id);
  std::map<int64_t, Date> reversed_on;
  for (const auto& t : txns)
    if (t.kind == "reverse") reversed_on[t.reverses] = t.date;
  std::vector<savings::Movement> movements;
  for (const auto& t : txns) {
    if (t.kind == "reverse" || t.date > on) continue;
    if (auto r = reversed_on.find(t.id); r != reversed_on.end() && r->second <= on) continue;
    movements.push_back({t.kind, t.date, t.amount});
  }
  savings::Account replayed;
  replayed.id = account->id;
  replayed.borrower_id = account->borrower_id;
  replayed.office_id = account->office_id;
  auto replay = savings::Replay(replayed, movements, on, rates);
  TDCS_CHECK_MSG(replay.ok(), "a savings account whose movements do not replay");
  return savings::BalanceOn(replayed, on, rates);
}

std::string Yyyymmdd(Date d) {
  std::string iso = d.ToIso();
  iso.erase(std::remove(iso.begin(), iso.end(), '-'), iso.end());
  return iso;
}

// Whether a line lies in the actor's area (RULES §14.2): its group's place
// on the business date.
class LineScope {
 public:
  LineScope(store::Database& db, const Context& context, Date as_of)
      : check_(db, context.actor), on_(ScopeDate(db, as_of)) {}
  bool Holds(const store::ReconcileLineRow& line) { return check_.Group(line.group_id, on_); }

 private:
  ScopeCheck check_;
  Date on_;
};

Error CampaignUnknown(const std::string& code) {
  return MakeError(ReconcileRejection::kCampaignUnknown, "campaign",
                   "Không có đợt đối chiếu '" + code + "'",
                   "No reconciliation campaign '" + code + "'");
}

// A campaign's lines in the actor's area; a campaign with none there is
// not there for them (CAMPAIGN_UNKNOWN).
Result<std::vector<store::ReconcileLineRow>> VisibleLines(store::Database& db,
                                                          const Context& context,
                                                          const store::CampaignRow& campaign) {
  auto lines = store::ReconcileLines(db, campaign.id);
  LineScope scope(db, context, campaign.as_of);
  std::erase_if(lines, [&](const store::ReconcileLineRow& l) { return !scope.Holds(l); });
  if (lines.empty()) return CampaignUnknown(campaign.code);
  return lines;
}

ReconcileLine LineOf(const store::ReconcileLineRow& r) {
  ReconcileLine l;
  l.group_code = r.group_code;
  l.association = r.association;
  l.point_code = r.point_code;
  l.office_code = r.office_code;
  l.borrower_code = r.borrower_code;
  l.borrower_name = r.borrower_name;
  l.principal = r.principal;
  l.interest = r.interest;
  l.savings = r.savings;
  l.answer = r.answer;
  l.note = r.note;
  l.answered_on = r.answered_on;
  l.answered_by = r.answered_by;
  l.resolution = r.resolution;
  l.resolved_on = r.resolved_on;
  l.resolved_by = r.resolved_by;
  return l;
}

}  // namespace

Result<ReconcileOpened> OpenReconciliation(Connection& connection, const Context& context,
                                           const ReconcileOpenRequest& r) {
  // The office opens a campaign, for a unit of its area.
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  auto today = Today(db);
  if (!today.ok()) return today.error();
  if (r.as_of > today.value())
    return MakeError(ReconcileRejection::kDateAfterBusinessDate, "date",
                     "Ngày đối chiếu " + r.as_of.ToVietnamese() + " sau ngày làm việc " +
                         today.value().ToVietnamese(),
                     "The reconciliation date " + r.as_of.ToIso() + " is after the business date " +
                         today.value().ToIso());
  ScopeCheck check(db, context.actor);
  const Date scope_on = ScopeDate(db, r.as_of);
  const auto in_area = [&](const ResolvedArea& u) {
    return check.national() || check.Area(u, scope_on);
  };
  auto area = ResolveArea(db, r.unit, r.as_of, ReconcileRejection::kUnitUnknown,
                          ReconcileRejection::kUnitAmbiguous, "unit", in_area);
  if (!area.ok()) return area.error();
  const ResolvedArea& a = area.value();
  if (!in_area(a))
    return MakeError(ReconcileRejection::kUnitUnknown, "unit", "Không có đơn vị '" + r.unit + "'",
                     "No unit '" + r.unit + "'");
  const std::string code = r.code.empty() ? "DC-" + a.code + "-" + Yyyymmdd(r.as_of) : r.code;
  if (!CodeFits(code))
    return MakeError(ReconcileRejection::kCampaignCodeFormat, "code",
                     "Mã đợt đối chiếu '" + code + "' không hợp lệ (1–40 ký tự A–Z a–z 0–9 - _)",
                     "Campaign code '" + code + "' is invalid (1–40 of A–Z a–z 0–9 - _)");
  // One campaign of a unit and date, one of a code, whoever opens them.
  db.LockKey("reconcile:" + a.kind + ":" + a.code + ":" + r.as_of.ToIso());
  db.LockKey("reconcile-code:" + code);
  if (auto other = store::FindCampaignOf(db, a.kind, a.code, r.as_of))
    return MakeError(ReconcileRejection::kCampaignExists, "unit",
                     "Đơn vị " + a.code + " đã có đợt đối chiếu ngày " + r.as_of.ToVietnamese() +
                         " (" + other->code + ")",
                     "Unit " + a.code + " has a reconciliation of " + r.as_of.ToIso() +
                         " already (" + other->code + ")");
  if (store::FindCampaign(db, code))
    return MakeError(ReconcileRejection::kCampaignCodeDuplicate, "code",
                     "Mã đợt đối chiếu '" + code + "' đã có",
                     "Campaign code '" + code + "' exists already");
  store::LoanStore loans(db);
  std::vector<store::ReconcileLineRow> lines;
  ReconcileOpened out;
  std::string last_group;
  const auto members = store::MembersInArea(db, a.area, r.as_of);
  // A campaign is opened in one transaction, every household's loans
  // replayed to its date: a branch at most (the seeds' largest, 254,076).
  if (members.size() > kCampaignHouseholdsMax)
    return MakeError(ReconcileRejection::kCampaignTooLarge, "unit",
                     "Đơn vị " + a.code + " có " + std::to_string(members.size()) + " hộ, quá " +
                         std::to_string(kCampaignHouseholdsMax) +
                         " hộ một đợt: mở đợt theo chi nhánh hoặc phòng giao dịch",
                     "Unit " + a.code + " has " + std::to_string(members.size()) +
                         " households, over " + std::to_string(kCampaignHouseholdsMax) +
                         " a campaign: open one per branch or office");
  for (const auto& m : members) {
    store::ReconcileLineRow line;
    line.borrower_id = m.borrower_id;
    line.group_id = m.group_id;
    line.association = m.association;
    line.point_id = m.point_id;
    line.office_id = m.office_id;
    for (const auto& loan_code : store::LoanCodesOfBorrower(db, m.borrower_id, r.as_of)) {
      auto view = ViewLoan(connection, context, loan_code, r.as_of);
      if (!view.ok() && (view.error().code == "LOAN_NOT_YET_APPLIED" ||
                         view.error().code == "LOAN_NOT_YET_TAKEN_OVER"))
        continue;
      if (!view.ok()) return view.error();
      // The household's own loans on the date (an heir's from the day taken over).
      if (view.value().status != "active" || view.value().borrower_code != m.borrower_code)
        continue;
      line.principal += view.value().principal;
      line.interest += view.value().interest_due;
    }
    line.savings = SavingsOn(loans, m.borrower_id, r.as_of);
    if (line.principal.IsZero() && line.interest.IsZero() && line.savings.IsZero()) continue;
    out.principal += line.principal;
    out.interest += line.interest;
    out.savings += line.savings;
    if (m.group_code != last_group) ++out.groups;
    last_group = m.group_code;
    lines.push_back(std::move(line));
  }
  if (lines.empty())
    return MakeError(ReconcileRejection::kCampaignEmpty, "unit",
                     "Ngày " + r.as_of.ToVietnamese() + " không hộ nào của " + a.code +
                         " còn dư nợ, nợ lãi hay tiền gửi: không có gì để đối chiếu",
                     "On " + r.as_of.ToIso() + " no household of " + a.code +
                         " owes or has saved anything: there is nothing to reconcile");
  store::CampaignRow campaign;
  campaign.code = code;
  campaign.unit_kind = a.kind;
  campaign.unit_code = a.code;
  campaign.as_of = r.as_of;
  campaign.opened_on = today.value();
  campaign.opened_by = context.actor.login;
  store::AddCampaign(db, campaign);
  for (auto& l : lines) l.campaign_id = campaign.id;
  store::AddReconcileLines(db, lines);
  RecordAudit(db, context, "reconcile.open", "campaign:" + code, {},
              AuditState()
                  .Add("unit", a.kind + ":" + a.code)
                  .Add("as_of", r.as_of.ToIso())
                  .Add("households", static_cast<int64_t>(lines.size()))
                  .Add("principal_dong", out.principal.dong())
                  .Add("interest_dong", out.interest.dong())
                  .Add("savings_dong", out.savings.dong()));
  tx.Commit();
  out.code = code;
  out.unit_kind = a.kind;
  out.unit_code = a.code;
  out.as_of = r.as_of;
  out.households = static_cast<int64_t>(lines.size());
  return out;
}

Result<ReconcileList> ListReconciliation(Connection& connection, const Context& context,
                                         const std::string& code, const std::string& group_code,
                                         int association) {
  if (auto denied = Require(context.actor, Permission::kRead); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  auto campaign = Campaign(db, code);
  if (!campaign.ok()) return campaign.error();
  const auto& c = campaign.value();
  auto visible = VisibleLines(db, context, c);
  if (!visible.ok()) return visible.error();
  ReconcileList out{c.code, c.unit_kind, c.unit_code, c.as_of, {}};
  for (const auto& row : visible.value()) {
    if (!group_code.empty() && row.group_code != group_code) continue;
    if (association != 0 && row.association != association) continue;
    out.lines.push_back(LineOf(row));
  }
  if (!group_code.empty() && out.lines.empty())
    return MakeError(ReconcileRejection::kGroupNotInCampaign, "group",
                     "Đợt " + code + " không có hộ nào của tổ " + group_code +
                         (association ? " thuộc hội " + std::to_string(association) : ""),
                     "Campaign " + code + " has no household of group " + group_code +
                         (association ? " of association " + std::to_string(association) : ""));
  return out;
}

namespace {

// The line of a borrower in a campaign, locked for a write; the business date.
struct LineToWrite {
  store::CampaignRow campaign;
  store::ReconcileLineRow line;
  Date today;
};

Result<LineToWrite> LineForWrite(store::Database& db, const Context& context,
                                 const std::string& code, const std::string& borrower_code) {
  auto today = Today(db);
  if (!today.ok()) return today.error();
  auto campaign = Campaign(db, code);
  if (!campaign.ok()) return campaign.error();
  // A campaign with nothing in the actor's area is not there for them; a
  // household outside it, as one that does not exist. (The line's own
  // group first: the whole campaign is read only for an error.)
  const auto unknown = [&]() -> Error {
    if (auto visible = VisibleLines(db, context, campaign.value()); !visible.ok())
      return visible.error();
    return MakeError(ReconcileRejection::kBorrowerUnknown, "borrower",
                     "Không có hộ vay '" + borrower_code + "'",
                     "No borrower '" + borrower_code + "'");
  };
  auto borrower = store::NetworkStore(db).FindBorrowerIdByCode(borrower_code);
  if (!borrower) return unknown();
  // Answers and resolutions of a line one at a time.
  db.LockKey("reconcile-line:" + std::to_string(campaign.value().id) + ":" +
             std::to_string(*borrower));
  auto line = store::ReconcileLine(db, campaign.value().id, *borrower);
  if (line && !LineScope(db, context, campaign.value().as_of).Holds(*line)) return unknown();
  if (!line) {
    if (ScopeCheck check(db, context.actor);
        !check.Borrower(*borrower, ScopeDate(db, campaign.value().as_of)))
      return unknown();
    if (auto visible = VisibleLines(db, context, campaign.value()); !visible.ok())
      return visible.error();
    return MakeError(ReconcileRejection::kBorrowerNotInCampaign, "borrower",
                     "Hộ " + borrower_code + " không có trong đợt đối chiếu " + code,
                     "Borrower " + borrower_code + " is not in reconciliation campaign " + code);
  }
  return LineToWrite{campaign.value(), *line, today.value()};
}

Error NoteInvalid(const std::string& field, const std::string& what_vi,
                  const std::string& what_en) {
  return MakeError(ReconcileRejection::kNoteInvalid, field,
                   what_vi + " không được trống, tối đa 500 byte, không có ký tự điều khiển",
                   what_en + " must not be empty, at most 500 bytes, without control characters");
}

}  // namespace

Status AnswerReconciliation(Connection& connection, const Context& context,
                            const ReconcileAnswerRequest& r) {
  // The association (or the office) records what the household answered.
  if (auto denied = Require(context.actor, Permission::kEntrusted); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  if (!r.confirmed && (r.note.empty() || !network::NoteFits(r.note)))
    return NoteInvalid("note", "Ghi chú chênh lệch", "A discrepancy's note");
  if (r.confirmed && !network::NoteFits(r.note)) return NoteInvalid("note", "Ghi chú", "A note");
  auto target = LineForWrite(db, context, r.campaign, r.borrower_code);
  if (!target.ok()) return target.error();
  const auto& line = target.value().line;
  if (!line.answer.empty())
    return MakeError(ReconcileRejection::kAlreadyAnswered, "borrower",
                     "Hộ " + r.borrower_code + " đã trả lời ngày " +
                         (line.answered_on ? line.answered_on->ToVietnamese() : std::string()) +
                         " (" + (line.answer == "confirmed" ? "xác nhận đúng" : "có chênh lệch") +
                         ")",
                     "Borrower " + r.borrower_code + " answered on " +
                         (line.answered_on ? line.answered_on->ToIso() : std::string()) +
                         " already (" + line.answer + ")");
  store::SaveReconcileAnswer(db, line.campaign_id, line.borrower_id,
                             r.confirmed ? "confirmed" : "discrepancy", r.note,
                             target.value().today, context.actor.login);
  RecordAudit(
      db, context, "reconcile.answer", "campaign:" + r.campaign + ":" + r.borrower_code,
      AuditState().Add("answer", ""),
      AuditState().Add("answer", r.confirmed ? "confirmed" : "discrepancy").Add("note", r.note));
  tx.Commit();
  return Status::Ok();
}

Status ResolveReconciliation(Connection& connection, const Context& context,
                             const std::string& code, const std::string& borrower_code,
                             const std::string& resolution) {
  // The office resolves a discrepancy.
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  if (resolution.empty() || !network::NoteFits(resolution))
    return NoteInvalid("resolution", "Cách xử lý", "A resolution");
  auto target = LineForWrite(db, context, code, borrower_code);
  if (!target.ok()) return target.error();
  const auto& line = target.value().line;
  if (line.answer != "discrepancy")
    return MakeError(ReconcileRejection::kNotADiscrepancy, "borrower",
                     "Chỉ xử lý được chênh lệch: hộ " + borrower_code +
                         (line.answer.empty() ? " chưa trả lời" : " đã xác nhận đúng"),
                     "Only a discrepancy is resolved: borrower " + borrower_code +
                         (line.answer.empty() ? " has not answered" : " confirmed the figures"));
  if (line.resolved_on)
    return MakeError(ReconcileRejection::kAlreadyResolved, "borrower",
                     "Chênh lệch của hộ " + borrower_code + " đã xử lý ngày " +
                         line.resolved_on->ToVietnamese() + " (" + line.resolved_by + ")",
                     "Borrower " + borrower_code + "'s discrepancy was resolved on " +
                         line.resolved_on->ToIso() + " already (" + line.resolved_by + ")");
  store::SaveReconcileResolution(db, line.campaign_id, line.borrower_id, resolution,
                                 target.value().today, context.actor.login);
  RecordAudit(db, context, "reconcile.resolve", "campaign:" + code + ":" + borrower_code,
              AuditState().Add("answer", line.answer).Add("note", line.note),
              AuditState().Add("resolution", resolution));
  tx.Commit();
  return Status::Ok();
}

Result<ReconcileProgress> ReconciliationProgress(Connection& connection, const Context& context,
                                                 const std::string& code, const std::string& by) {
  if (auto denied = Require(context.actor, Permission::kReport); !denied.ok())
    return denied.error();
  if (by != "office" && by != "point" && by != "group" && by != "association")
    return MakeError(ReconcileRejection::kProgressByInvalid, "by",
                     "Tiến độ theo '" + by + "' không hợp lệ (office, point, group, association)",
                     "Progress by '" + by + "' is invalid (office, point, group, association)");
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  auto campaign = Campaign(db, code);
  if (!campaign.ok()) return campaign.error();
  ReconcileProgress out;
  out.code = campaign.value().code;
  out.as_of = campaign.value().as_of;
  std::map<std::string, ReconcileProgressRow> rows;
  auto count = [](ReconcileProgressRow& row, const store::ReconcileLineRow& l) {
    ++row.households;
    if (!l.answer.empty()) ++row.answered;
    if (l.answer == "confirmed") ++row.confirmed;
    if (l.answer == "discrepancy") ++row.discrepancies;
    if (l.answer == "discrepancy" && l.resolved_on) ++row.resolved;
  };
  auto visible = VisibleLines(db, context, campaign.value());
  if (!visible.ok()) return visible.error();
  for (const auto& l : visible.value()) {
    std::string unit = by == "office" ? l.office_code : by == "point" ? l.point_code : l.group_code;
    if (by == "association")
      unit =
          std::to_string(l.association) + " " +
          std::string(network::AssociationNameVi(static_cast<network::Association>(l.association)));
    auto& row = rows[unit];
    row.unit = unit;
    count(row, l);
    count(out.total, l);
  }
  auto finish = [](ReconcileProgressRow& row) {
    row.percent = network::PercentRounded(row.answered, row.households);
    row.text = network::HouseholdProgress(row.answered, row.households);
  };
  for (auto& [unit, row] : rows) {
    finish(row);
    out.rows.push_back(row);
  }
  out.total.unit = "total";
  finish(out.total);
  return out;
}

}  // namespace tdcs::app
