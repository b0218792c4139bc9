#include "app/inspect.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "app/access.h"
#include "app/internal/access.h"
#include "app/internal/area.h"
#include "app/internal/audit.h"
#include "app/internal/scope.h"
#include "app/loans.h"
#include "network/oversight.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/oversight_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_INSPECTION_REJECTIONS(X)                      \
  X(kOfficeUnknown, "OFFICE_UNKNOWN")                      \
  X(kUnitUnknown, "UNIT_UNKNOWN")                          \
  X(kUnitAmbiguous, "UNIT_AMBIGUOUS")                      \
  X(kBusinessDateMissing, "BUSINESS_DATE_MISSING")         \
  X(kDateAfterBusinessDate, "DATE_AFTER_BUSINESS_DATE")    \
  X(kYearInvalid, "INSPECTION_YEAR_INVALID")               \
  X(kLoanUnknown, "LOAN_UNKNOWN")                          \
  X(kGroupUnknown, "GROUP_UNKNOWN")                        \
  X(kSubjectRequired, "INSPECTION_SUBJECT_REQUIRED")       \
  X(kResultInvalid, "INSPECTION_RESULT_INVALID")           \
  X(kNoteInvalid, "NOTE_INVALID")                          \
  X(kBeforeDisbursement, "INSPECTION_BEFORE_DISBURSEMENT") \
  X(kAssociationUnknown, "ASSOCIATION_UNKNOWN")            \
  X(kIdempotencyKeyReused, "IDEMPOTENCY_KEY_REUSED")
TDCS_DEFINE_REJECTIONS(InspectionRejection, TDCS_INSPECTION_REJECTIONS)
#undef TDCS_INSPECTION_REJECTIONS

namespace {

Result<Date> Today(store::Database& db) {
  auto today = store::LoanStore(db).BusinessDate();
  if (!today)
    return MakeError(InspectionRejection::kBusinessDateMissing, "db",
                     "Cơ sở dữ liệu chưa có ngày làm việc",
                     "The database has no business date yet");
  return *today;
}

// `on` not after the business date.
Status NotAfterToday(store::Database& db, Date on) {
  auto today = Today(db);
  if (!today.ok()) return today.error();
  if (on > today.value())
    return MakeError(
        InspectionRejection::kDateAfterBusinessDate, "date",
        "Ngày " + on.ToVietnamese() + " sau ngày làm việc " + today.value().ToVietnamese(),
        "The date " + on.ToIso() + " is after the business date " + today.value().ToIso());
  return Status::Ok();
}

Status CheckAssociation(int association) {
  if (association == 0 || (association >= 11 && association <= 14)) return Status::Ok();
  return MakeError(InspectionRejection::kAssociationUnknown, "association",
                   "Hội " + std::to_string(association) +
                       " không hợp lệ (11 Nông dân, 12 Phụ nữ, 13 Cựu chiến binh, 14 Thanh niên)",
                   "Association " + std::to_string(association) +
                       " is invalid (11 farmers, 12 women, 13 veterans, 14 youth)");
}

// The office, if it lies in the actor's area (RULES §14.2; an association
// officer's lists are further their association's).
Result<int64_t> Office(store::Database& db, const Context& context, const std::string& code,
                       Date on) {
  auto office = store::NetworkStore(db).FindUnit("office", code);
  if (office) {
    ScopeCheck check(db, context.actor);
    if (check.national() ||
        check.Area({{store::AreaKind::kOffice, office->id}, "office", code}, ScopeDate(db, on)))
      return office->id;
  }
  return MakeError(InspectionRejection::kOfficeUnknown, "office",
                   "Phòng giao dịch '" + code + "' không tồn tại",
                   "Office '" + code + "' does not exist");
}

// The association a list is of: the one asked, or the association
// officer's own (another's is not theirs to see).
Result<int> ListAssociation(const Context& context, int asked) {
  if (auto s = CheckAssociation(asked); !s.ok()) return s.error();
  if (context.actor.association == 0) return asked;
  if (asked != 0 && asked != context.actor.association)
    return MakeError(InspectionRejection::kAssociationUnknown, "association",
                     "Hội " + std::to_string(asked) + " không thuộc phạm vi của người dùng",
                     "Association " + std::to_string(asked) + " is not the user's");
  return context.actor.association;
}

template <typename Line>
void ByAssociationGroupLoan(std::vector<Line>& lines) {
  std::stable_sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) {
    return std::tie(a.association, a.group_code, a.loan_code) <
           std::tie(b.association, b.group_code, b.loan_code);
  });
}

}  // namespace

Result<std::vector<NewLoanToInspect>> NewLoansToInspect(Connection& connection,
                                                        const Context& context,
                                                        const std::string& office_code, Date on,
                                                        int asked_association) {
  if (auto denied = Require(context.actor, Permission::kRead); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  auto chosen = ListAssociation(context, asked_association);
  if (!chosen.ok()) return chosen.error();
  const int association = chosen.value();
  auto office = Office(db, context, office_code, on);
  if (!office.ok()) return office.error();
  if (auto s = NotAfterToday(db, on); !s.ok()) return s.error();
  std::vector<NewLoanToInspect> out;
  for (const auto& l :
       store::LoansDisbursedBetween(db, office.value(), network::NewLoanWindowStart(on), on)) {
    NewLoanToInspect n;
    if (auto group = store::GroupOfBorrowerOn(db, l.borrower_id, on)) {
      n.association = group->association;
      n.group_code = group->group_code;
    }
    if (association != 0 && n.association != association) continue;
    n.loan_code = l.loan_code;
    n.borrower_code = l.borrower_code;
    n.program = l.program;
    n.disbursed_on = l.disbursed_on;
    n.deadline = network::NewLoanDeadline(l.disbursed_on);
    n.days_left = DaysBetween(on, n.deadline);
    n.inspected_on = store::LoanInspectedBetween(db, l.loan_id, l.disbursed_on, on);
    out.push_back(std::move(n));
  }
  ByAssociationGroupLoan(out);
  return out;
}

Result<std::vector<DormantLoan>> DormantLoans(Connection& connection, const Context& context,
                                              const std::string& office_code, Date on,
                                              int asked_association) {
  if (auto denied = Require(context.actor, Permission::kRead); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  auto chosen = ListAssociation(context, asked_association);
  if (!chosen.ok()) return chosen.error();
  const int association = chosen.value();
  auto office = Office(db, context, office_code, on);
  if (!office.ok()) return office.error();
  if (auto s = NotAfterToday(db, on); !s.ok()) return s.error();
  const Date cutoff = network::DormantCutoff(on);
  std::vector<DormantLoan> out;
  for (const auto& l :
       store::LoansWithoutTransactions(db, office.value(), cutoff, on, network::kStudentProgram)) {
    DormantLoan d;
    if (auto group = store::GroupOfBorrowerOn(db, l.borrower_id, on)) {
      d.association = group->association;
      d.group_code = group->group_code;
    }
    if (association != 0 && d.association != association) continue;
    // Active and not frozen on the day, as the loan view has it.
    auto view = ViewLoan(connection, context, l.loan_code, on);
    // A loan taken over after `on`: TDCS holds nothing of it then.
    if (!view.ok() && view.error().code == "LOAN_NOT_YET_TAKEN_OVER") continue;
    if (!view.ok()) return view.error();
    if (view.value().status != "active" || !view.value().frozen.IsZero()) continue;
    d.loan_code = l.loan_code;
    d.borrower_code = l.borrower_code;
    d.program = l.program;
    d.disbursed_on = l.disbursed_on;
    d.last_transaction = store::LastLoanTxnOn(db, l.loan_id, on);
    d.principal = view.value().principal;
    d.inspected_on = store::LoanInspectedBetween(db, l.loan_id, cutoff, on);
    out.push_back(std::move(d));
  }
  ByAssociationGroupLoan(out);
  return out;
}

Result<PlanResult> PlanInspections(Connection& connection, const Context& context,
                                   const PlanRequest& r) {
  // The office plans its year, for a unit of its area.
  if (auto denied = Require(context.actor, Permission::kLend); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  auto today = Today(db);
  if (!today.ok()) return today.error();
  const int this_year = today.value().year();
  if (r.year < this_year || r.year > this_year + 1)
    return MakeError(InspectionRejection::kYearInvalid, "year",
                     "Kế hoạch kiểm tra lập cho năm " + std::to_string(this_year) + " hoặc " +
                         std::to_string(this_year + 1) + ", không phải " + std::to_string(r.year),
                     "An inspection plan is for " + std::to_string(this_year) + " or " +
                         std::to_string(this_year + 1) + ", not " + std::to_string(r.year));
  const Date on = r.year == this_year ? today.value() : Date::MonthDayClamped(r.year, 1, 1);
  ScopeCheck check(db, context.actor);
  const Date scope_on = ScopeDate(db, on);
  const auto in_area = [&](const ResolvedArea& u) {
    return check.national() || check.Area(u, scope_on);
  };
  auto area = ResolveArea(db, r.unit, on, InspectionRejection::kUnitUnknown,
                          InspectionRejection::kUnitAmbiguous, "unit", in_area);
  if (!area.ok()) return area.error();
  if (!in_area(area.value()))
    return MakeError(InspectionRejection::kUnitUnknown, "unit", "Không có đơn vị '" + r.unit + "'",
                     "No unit '" + r.unit + "'");
  // One plan of a year written at a time: the months continue in turn.
  db.LockKey("inspection-plan:" + std::to_string(r.year));
  PlanResult out;
  std::vector<store::AreaGroup> to_add;
  for (auto& g : store::GroupsInArea(db, area.value().area, on)) {
    if (store::InPlan(db, r.year, g.group_id))
      ++out.already;
    else
      to_add.push_back(std::move(g));
  }
  const auto months =
      network::SpreadOverMonths(to_add.size(), static_cast<size_t>(store::PlanSize(db, r.year)));
  std::vector<store::PlanEntryRow> rows;
  for (size_t i = 0; i < to_add.size(); ++i) {
    store::PlanEntryRow row;
    row.year = r.year;
    row.group_id = to_add[i].group_id;
    row.month = months[i];
    row.association = to_add[i].association;
    row.planned_on = today.value();
    row.planned_by = context.actor.login;
    rows.push_back(row);
    out.entries.push_back(
        {months[i], to_add[i].association, to_add[i].group_code, to_add[i].group_name, {}});
  }
  store::AddPlanEntries(db, rows);
  out.added = static_cast<int64_t>(rows.size());
  RecordAudit(db, context, "inspection.plan",
              "plan:" + std::to_string(r.year) + ":" + area.value().kind + ":" + area.value().code,
              {}, AuditState().Add("added", out.added).Add("already", out.already));
  tx.Commit();
  return out;
}

Result<std::vector<PlanEntry>> InspectionPlan(Connection& connection, const Context& context,
                                              int year, int asked_association) {
  if (auto denied = Require(context.actor, Permission::kRead); !denied.ok()) return denied.error();
  store::Database& db = Db(connection);
  store::ReadTransaction tx(db);
  auto chosen = ListAssociation(context, asked_association);
  if (!chosen.ok()) return chosen.error();
  const int association = chosen.value();
  ScopeCheck check(db, context.actor);
  const auto today = store::LoanStore(db).BusinessDate();
  const Date on = ScopeDate(db, today ? *today : Date::MonthDayClamped(year, 1, 1));
  std::vector<PlanEntry> out;
  for (auto& row : store::PlanOf(db, year)) {
    if (association != 0 && row.association != association) continue;
    if (!check.Group(row.group_id, on)) continue;
    out.push_back({row.month, row.association, row.group_code, row.group_name, row.done_on});
  }
  std::stable_sort(out.begin(), out.end(), [](const PlanEntry& a, const PlanEntry& b) {
    return std::tie(a.association, a.month, a.group_code) <
           std::tie(b.association, b.month, b.group_code);
  });
  return out;
}

Result<int64_t> RecordInspection(Connection& connection, const Context& context,
                                 const InspectionRecordRequest& r) {
  // The association's or the office's inspector records what they found.
  if (auto denied = Require(context.actor, Permission::kEntrusted); !denied.ok())
    return denied.error();
  store::Database& db = Db(connection);
  store::Transaction tx(db);
  if (r.loan_code.empty() == r.group_code.empty())
    return MakeError(InspectionRejection::kSubjectRequired, "loan",
                     "Ghi kết quả kiểm tra của một khoản vay hoặc một tổ (chỉ một)",
                     "An inspection is of one loan or of one group (exactly one)");
  if (r.result != "ok" && r.result != "issue")
    return MakeError(InspectionRejection::kResultInvalid, "result",
                     "Kết quả '" + r.result + "' không hợp lệ (ok: đạt, issue: có tồn tại)",
                     "Result '" + r.result + "' is invalid (ok, or issue)");
  if (!network::NoteFits(r.note))
    return MakeError(InspectionRejection::kNoteInvalid, "note",
                     "Ghi chú tối đa 500 byte, không có ký tự điều khiển",
                     "A note is at most 500 bytes, without control characters");
  auto today = Today(db);
  if (!today.ok()) return today.error();
  if (auto s = NotAfterToday(db, r.date); !s.ok()) return s.error();
  // Sent again under its key (a client that lost the answer): the first
  // record's id, nothing recorded twice.
  store::LoanStore keys(db);
  const store::LoanStore::IdempotencyKey idempotency{context.actor.login, "inspection",
                                                     context.idempotency_key};
  const std::string request = r.loan_code + "|" + r.group_code + "|" + r.date.ToIso() + "|" +
                              r.result + "|" + std::to_string(r.note.size()) + ":" + r.note;
  if (!idempotency.key.empty()) {
    db.LockKey(store::LoanStore::IdempotencyLockName(idempotency));
    if (auto seen = keys.FindIdempotencyKey(idempotency)) {
      if (seen->first != request)
        return MakeError(InspectionRejection::kIdempotencyKeyReused, "Idempotency-Key",
                         "Khóa chống trùng đã dùng cho một yêu cầu khác",
                         "The idempotency key was used for a different request");
      return std::stoll(seen->second);
    }
  }
  store::InspectionRow row;
  row.inspected_on = r.date;
  row.result = r.result;
  row.note = r.note;
  row.inspector = context.actor.login;
  row.recorded_on = today.value();
  if (!r.loan_code.empty()) {
    auto loan = store::LoanStore(db).FindLoanId(r.loan_code);
    const auto facts = loan ? ReadLoanFacts(db, *loan) : std::nullopt;
    if (!loan || !facts || !ScopeCheck(db, context.actor).Loan(*facts, ScopeDate(db, r.date)))
      return MakeError(InspectionRejection::kLoanUnknown, "loan",
                       "Không có khoản vay '" + r.loan_code + "'", "No loan '" + r.loan_code + "'");
    const auto disbursed = store::LoanDisbursedOn(db, *loan);
    if (!disbursed || *disbursed > r.date)
      return MakeError(InspectionRejection::kBeforeDisbursement, "date",
                       "Khoản vay " + r.loan_code +
                           (disbursed ? " giải ngân ngày " + disbursed->ToVietnamese() +
                                            ", sau ngày kiểm tra " + r.date.ToVietnamese()
                                      : std::string(" chưa giải ngân")),
                       "Loan " + r.loan_code +
                           (disbursed ? " was disbursed on " + disbursed->ToIso() +
                                            ", after the inspection date " + r.date.ToIso()
                                      : std::string(" is not disbursed")));
    row.subject = "loan";
    row.loan_id = *loan;
  } else {
    auto group = store::NetworkStore(db).FindUnit("savings_group", r.group_code);
    if (!group || !group->period.Contains(r.date) ||
        !ScopeCheck(db, context.actor).Group(group->id, ScopeDate(db, r.date)))
      return MakeError(InspectionRejection::kGroupUnknown, "group",
                       "Không có tổ '" + r.group_code + "' hoạt động ngày " + r.date.ToVietnamese(),
                       "No group '" + r.group_code + "' open on " + r.date.ToIso());
    row.subject = "group";
    row.group_id = group->id;
  }
  store::AddInspection(db, row);
  if (!idempotency.key.empty())
    keys.SaveIdempotencyKey(idempotency, request, std::to_string(row.id));
  RecordAudit(db, context, "inspection.record",
              r.loan_code.empty() ? "group:" + r.group_code : "loan:" + r.loan_code, {},
              AuditState()
                  .Add("id", row.id)
                  .Add("date", r.date.ToIso())
                  .Add("result", r.result)
                  .Add("note", r.note));
  tx.Commit();
  return row.id;
}

}  // namespace tdcs::app
