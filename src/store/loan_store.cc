#include "store/loan_store.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>

#include "base/check.h"
#include "store/calendar_store.h"
#include "store/partition.h"

namespace tdcs::store {
namespace {

void BindDate(Statement& st, int index, const std::optional<Date>& d) {
  if (d)
    st.BindText(index, d->ToIso());
  else
    st.BindNull(index);
}
std::optional<Date> ReadDate(const Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return Date::Parse(st.GetText(column));
}

std::string StateKey(loans::InstallmentState s) {
  switch (s) {
    case loans::InstallmentState::kFuture:
      return "f";
    case loans::InstallmentState::kDue:
      return "d";
    case loans::InstallmentState::kOverdue:
      return "o";
    case loans::InstallmentState::kPaid:
      return "p";
  }
  return "f";
}

}  // namespace

std::string Int128ToString(__int128 value) {
  if (value == 0) return "0";
  const bool negative = value < 0;
  unsigned __int128 v = negative ? -static_cast<unsigned __int128>(value) : value;
  std::string out;
  while (v > 0) {
    out.insert(out.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return negative ? "-" + out : out;
}

__int128 Int128FromString(const std::string& text) {
  __int128 v = 0;
  bool negative = false;
  for (char c : text) {
    if (c == '-')
      negative = true;
    else if (c >= '0' && c <= '9')
      v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

// Installments as "due-days:shares:amount:paid:state;…" (due as days since 1970).
std::string EncodeInstallments(const std::vector<loans::Installment>& installments) {
  std::string out;
  for (const auto& i : installments) {
    if (!out.empty()) out += ';';
    out += std::to_string(i.due.days()) + ":" + std::to_string(i.shares) + ":" +
           std::to_string(i.amount.dong()) + ":" + std::to_string(i.paid.dong()) + ":" +
           StateKey(i.state);
  }
  return out;
}

std::vector<loans::Installment> DecodeInstallments(const std::string& text) {
  std::vector<loans::Installment> out;
  const char* p = text.data();
  const char* const end = p + text.size();
  // One field of an item: a number and the separator after it.
  auto number = [&](auto& value, char separator) {
    auto [next, ec] = std::from_chars(p, end, value);
    TDCS_CHECK_MSG(ec == std::errc() && next < end && *next == separator,
                   "a loan's installments are not in their stored form");
    p = next + 1;
  };
  while (p < end) {
    if (*p == ';') {
      ++p;
      continue;
    }
    int64_t due = 0, amount = 0, paid = 0;
    int shares = 0;
    number(due, ':');
    number(shares, ':');
    number(amount, ':');
    number(paid, ':');
    TDCS_CHECK_MSG(p < end, "a loan's installments are not in their stored form");
    const char state = *p++;
    TDCS_CHECK_MSG(p == end || *p == ';', "a loan's installments are not in their stored form");
    loans::Installment i;
    i.due = Date::FromDays(static_cast<int32_t>(due));
    i.shares = shares;
    i.amount = Money::Dong(amount);
    i.paid = Money::Dong(paid);
    i.state = state == 'd'   ? loans::InstallmentState::kDue
              : state == 'o' ? loans::InstallmentState::kOverdue
              : state == 'p' ? loans::InstallmentState::kPaid
                             : loans::InstallmentState::kFuture;
    out.push_back(i);
  }
  return out;
}

int64_t LoanStore::ReserveIds(const std::string& sequence, int64_t count) {
  if (count == 1) return ids_.Next(sequence);
  return db_.ReserveIdBlock(sequence, count);
}

constexpr const char* kInsertEntry =
    "INSERT INTO journal_entry (id, entry_date, kind, loan_id, txn_id, reverses_entry_id, "
    "chain_seq, prev_hash, entry_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertPosting =
    "INSERT INTO posting (entry_id, account_code, program_code, fund_source, office_id, loan_id, "
    "borrower_id, amount_dong) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpsertBalance =
    "INSERT INTO ledger_balance (account_code, program_code, fund_source, office_id, balance_dong) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_code, program_code, fund_source, office_id) "
    "DO UPDATE SET balance_dong = ledger_balance.balance_dong + excluded.balance_dong";

int64_t LoanStore::PostEntry(const ledger::Entry& entry, int64_t loan_id, int64_t txn_id,
                             int64_t reverses_entry_id) {
  if (entry.postings.empty()) return 0;
  Money sum;
  for (const auto& p : entry.postings) sum += p.amount;
  TDCS_CHECK_MSG(sum.IsZero(), "unbalanced entry reached the store");
  // In the range of its loan, or of the household whose savings it moves.
  const int64_t id = InRangeOf(loan_id != 0 ? loan_id : entry.postings.front().borrower_id,
                               ReserveIds("journal_entry", 1));
  ChainHead& head = Head();
  const std::string date = entry.date.ToIso();
  const EntryView view{head.seq + 1, id, date, entry.kind, loan_id, txn_id, reverses_entry_id};
  std::vector<PostingView> postings;
  postings.reserve(entry.postings.size());
  for (const auto& p : entry.postings)
    postings.push_back({p.account, p.program, p.fund_source, p.office_id, p.loan_id, p.borrower_id,
                        p.amount.dong()});
  const ChainHash hash = EntryHash(view, postings, head.hash);
  auto& e = db_.Cached(kInsertEntry);
  e.BindInt(1, id);
  e.BindText(2, date);
  e.BindText(3, entry.kind);
  e.BindInt(4, loan_id);
  e.BindInt(5, txn_id);
  e.BindInt(6, reverses_entry_id);
  HexBuffer previous_hex, hash_hex;
  e.BindInt(7, view.chain_seq);
  e.BindText(8, ToHex(head.hash, previous_hex));
  e.BindText(9, ToHex(hash, hash_hex));
  e.Run();
  head = {view.chain_seq, hash, id};
  if (defer_balances_)
    head_unwritten_ = true;
  else
    WriteChainHead(db_, head);
  for (const auto& p : entry.postings) {
    auto& st = db_.Cached(kInsertPosting);
    st.BindInt(1, id);
    st.BindText(2, p.account);
    st.BindText(3, p.program);
    st.BindInt(4, p.fund_source);
    st.BindInt(5, p.office_id);
    st.BindInt(6, p.loan_id);
    st.BindInt(7, p.borrower_id);
    st.BindInt(8, p.amount.dong());
    st.Run();
    if (defer_balances_) {
      pending_balances_[std::make_tuple(p.account, p.program, p.fund_source, p.office_id)] +=
          p.amount.dong();
    } else {
      WriteBalance(p.account, p.program, p.fund_source, p.office_id, p.amount.dong());
    }
  }
  if (loan_id != 0) ReportEntry(entry, loan_id);
  return id;
}

void LoanStore::WriteBalance(const std::string& account, const std::string& program,
                             int fund_source, int64_t office_id, int64_t delta) {
  auto& b = db_.Cached(kUpsertBalance);
  b.BindText(1, account);
  b.BindText(2, program);
  b.BindInt(3, fund_source);
  b.BindInt(4, office_id);
  b.BindInt(5, delta);
  b.Run();
}

ChainHead& LoanStore::Head() {
  TDCS_CHECK_MSG(db_.InTransaction(), "a journal entry posted outside a transaction");
  if (!head_ || head_transaction_ != db_.TransactionSerial()) {
    head_ = LockChainHead(db_);
    head_transaction_ = db_.TransactionSerial();
    head_unwritten_ = false;
  }
  return *head_;
}

void LoanStore::FlushBalances() {
  for (const auto& [key, delta] : pending_balances_)
    if (delta != 0)
      WriteBalance(std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), delta);
  pending_balances_.clear();
  reports_.Flush();
  // A head from a transaction that has ended is not this transaction's to write.
  if (head_unwritten_ && head_transaction_ == db_.TransactionSerial()) WriteChainHead(db_, *head_);
  head_unwritten_ = false;
}

constexpr const char* kLoanPostingTotals =
    "SELECT account_code, SUM(amount_dong) FROM posting WHERE loan_id = ? GROUP BY account_code";
std::map<std::string, Money> LoanStore::LoanPostingTotals(int64_t loan_id) {
  std::map<std::string, Money> out;
  auto& st = db_.Cached(kLoanPostingTotals);
  st.BindInt(1, loan_id);
  while (st.Step()) out[st.GetText(0)] = Money::Dong(st.GetInt(1));
  return out;
}

// The state columns, in the order BindLoanState binds them.
// The state columns an update writes, in the order BindLoanState binds them.
// The borrower is not among them: it changes only by inheritance (and its
// reversal), through SetLoanBorrower, so the end of day does not touch its index.
#define TDCS_LOAN_UPDATE_COLUMNS                                                            \
  "status, disbursed_on, overdue_rule, disbursed_dong, normal_dong, overdue_dong, "         \
  "frozen_dong, interest_unpaid_dong, accrual, accrued_to, processed_to, next_event_date, " \
  "extension_months, frozen_from, frozen_until, frozen_months, installments, "              \
  "interest_charge"
constexpr int kLoanStateColumns = 18;

// `with_disbursed_on` false: the update leaves the disbursement date (and its
// index, which SQLite rewrites for every column an UPDATE sets, changed or
// not) as it is.
void BindLoanState(Statement& st, int first, const loans::Loan& l, bool with_disbursed_on = true) {
  int i = first;
  st.BindText(i++, std::string(loans::LoanStatusKey(l.status)));
  if (with_disbursed_on) BindDate(st, i++, l.disbursed_on);
  st.BindText(i++, l.rule == loans::OverdueRule::kPerInstallment ? "installment" : "maturity");
  st.BindInt(i++, l.disbursed.dong());
  st.BindInt(i++, l.normal.dong());
  st.BindInt(i++, l.overdue.dong());
  st.BindInt(i++, l.frozen.dong());
  st.BindInt(i++, l.interest_unpaid.dong());
  st.BindText(i++, Int128ToString(l.accrual));
  BindDate(st, i++, l.disbursed_on ? std::optional<Date>(l.accrued_to) : std::nullopt);
  BindDate(st, i++, l.disbursed_on ? std::optional<Date>(l.processed_to) : std::nullopt);
  BindDate(st, i++, loans::NextEventDate(l));
  st.BindInt(i++, l.extension_months);
  BindDate(st, i++, l.frozen_from);
  BindDate(st, i++, l.frozen_until);
  st.BindInt(i++, l.frozen_months);
  st.BindText(i++, EncodeInstallments(l.installments));
  st.BindText(i++, l.terms.charge_at_month_end ? "month_end" : "collection");
  TDCS_CHECK(i == first + kLoanStateColumns - (with_disbursed_on ? 0 : 1));
}

std::string InsertLoanSql() {
  std::string columns =
      "id, code, approved_borrower_id, office_id, program_code, fund_source, approved_dong, "
      "term_months, every_months, grace_months, session_day, applied_on, group_reviewed_on, "
      "commune_certified_on, decided_on, rejection_reason, borrower_id, "
      "point_id, group_id, association_code, " TDCS_LOAN_UPDATE_COLUMNS;
  std::string values;
  for (int k = 0; k < 20 + kLoanStateColumns; ++k) values += k ? ", ?" : "?";
  return "INSERT INTO loan (" + columns + ") VALUES (" + values + ")";
}

void LoanStore::InsertLoan(const loans::Loan& loan, const LoanApplication& a) {
  static const std::string sql = InsertLoanSql();
  auto& st = db_.Cached(sql);
  const auto& t = loan.terms;
  st.BindInt(1, t.loan_id);
  st.BindText(2, a.code);
  st.BindInt(3, t.borrower_id);
  st.BindInt(4, t.office_id);
  st.BindText(5, t.program);
  st.BindInt(6, t.fund_source);
  st.BindInt(7, t.approved.dong());
  st.BindInt(8, t.term_months);
  st.BindInt(9, t.every_months);
  st.BindInt(10, t.grace_months);
  st.BindInt(11, t.session_day);
  st.BindText(12, a.applied_on.ToIso());
  BindDate(st, 13, a.group_reviewed_on);
  BindDate(st, 14, a.commune_certified_on);
  BindDate(st, 15, a.decided_on);
  if (a.rejection_reason.empty())
    st.BindNull(16);
  else
    st.BindText(16, a.rejection_reason);
  st.BindInt(17, t.borrower_id);
  if (t.point_id == 0)
    st.BindNull(18);
  else
    st.BindInt(18, t.point_id);
  if (t.group_id == 0)
    st.BindNull(19);
  else
    st.BindInt(19, t.group_id);
  st.BindInt(20, t.association);
  BindLoanState(st, 21, loan);
  st.Run();
  NoteReportLoan(loan, true);
}

constexpr const char* kUpdateLoan =
    "UPDATE loan SET (" TDCS_LOAN_UPDATE_COLUMNS
    ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?";

// The same update without the disbursement date.
const std::string& UpdateLoanKeepingDisbursedOnSql() {
  static const std::string kSql = [] {
    std::string sql = kUpdateLoan;
    const std::string column = "disbursed_on, ";
    sql.erase(sql.find(column), column.size());
    sql.erase(sql.find("?, "), 3);
    return sql;
  }();
  return kSql;
}

// A loan's disbursement date as this transaction last read or wrote it,
// shared by every store of the transaction (Database::Memo: dropped at its
// end and after any rollback).
std::string StoredDisbursementMemo(int64_t loan_id) {
  return "loan-disbursed:" + std::to_string(loan_id);
}

void LoanStore::NoteStored(const loans::Loan& l) {
  if (db_.engine() != Engine::kSqlite || !db_.InWriteTransaction()) return;
  db_.SetMemo(StoredDisbursementMemo(l.terms.loan_id),
              std::make_shared<const std::optional<Date>>(l.disbursed_on));
}

void LoanStore::UpdateLoan(const loans::Loan& l) {
  const int64_t id = l.terms.loan_id;
  ahead_loans_.erase(id);  // what was read ahead is no longer it
  // On SQLite, a disbursement date this transaction knows to be stored (read
  // from the row or written to it, by any store, no rollback since; only
  // this update writes the column) and unchanged is left out of the update.
  // PostgreSQL holds a row's updates and sends them merged as one
  // statement, so it always sets every column.
  bool with_disbursed_on = true;
  if (db_.engine() == Engine::kSqlite)
    if (const auto stored = std::static_pointer_cast<const std::optional<Date>>(
            db_.Memo(StoredDisbursementMemo(id)));
        stored && *stored == l.disbursed_on)
      with_disbursed_on = false;
  auto& st = db_.Cached(with_disbursed_on ? std::string_view(kUpdateLoan)
                                          : std::string_view(UpdateLoanKeepingDisbursedOnSql()));
  BindLoanState(st, 1, l, with_disbursed_on);
  st.BindInt(kLoanStateColumns + (with_disbursed_on ? 1 : 0), id);
  st.Run();
  NoteStored(l);
}

constexpr const char* kLoadLoan =
    "SELECT id, borrower_id, office_id, program_code, fund_source, approved_dong, term_months, "
    "every_months, grace_months, session_day, status, disbursed_on, overdue_rule, disbursed_dong, "
    "normal_dong, overdue_dong, frozen_dong, interest_unpaid_dong, accrual, accrued_to, "
    "processed_to, extension_months, frozen_from, frozen_until, frozen_months, installments, "
    "interest_charge, point_id, group_id, association_code FROM loan WHERE id = ?";
void LoanStore::SetLoanBorrower(int64_t loan_id, int64_t borrower_id) {
  ahead_loans_.erase(loan_id);
  auto& st = db_.Cached("UPDATE loan SET borrower_id = ? WHERE id = ?");
  st.BindInt(1, borrower_id);
  st.BindInt(2, loan_id);
  st.Run();
}

namespace {

loans::Loan ReadLoan(const Statement& st) {
  loans::Loan l;
  auto& t = l.terms;
  t.loan_id = st.GetInt(0);
  t.borrower_id = st.GetInt(1);
  t.office_id = st.GetInt(2);
  t.program = st.GetText(3);
  t.fund_source = static_cast<int>(st.GetInt(4));
  t.approved = Money::Dong(st.GetInt(5));
  t.term_months = static_cast<int>(st.GetInt(6));
  t.every_months = static_cast<int>(st.GetInt(7));
  t.grace_months = static_cast<int>(st.GetInt(8));
  t.session_day = static_cast<int>(st.GetInt(9));
  l.status = *loans::ParseLoanStatus(st.GetText(10));
  l.disbursed_on = ReadDate(st, 11);
  l.rule = st.GetText(12) == "installment" ? loans::OverdueRule::kPerInstallment
                                           : loans::OverdueRule::kAtMaturity;
  l.disbursed = Money::Dong(st.GetInt(13));
  l.normal = Money::Dong(st.GetInt(14));
  l.overdue = Money::Dong(st.GetInt(15));
  l.frozen = Money::Dong(st.GetInt(16));
  l.interest_unpaid = Money::Dong(st.GetInt(17));
  l.accrual = Int128FromString(st.GetText(18));
  l.accrued_to = ReadDate(st, 19).value_or(Date());
  l.processed_to = ReadDate(st, 20).value_or(Date());
  l.extension_months = static_cast<int>(st.GetInt(21));
  l.frozen_from = ReadDate(st, 22);
  l.frozen_until = ReadDate(st, 23);
  l.frozen_months = static_cast<int>(st.GetInt(24));
  l.installments = DecodeInstallments(st.GetText(25));
  t.charge_at_month_end = st.GetText(26) == "month_end";
  t.point_id = st.IsNull(27) ? 0 : st.GetInt(27);
  t.group_id = st.IsNull(28) ? 0 : st.GetInt(28);
  t.association = static_cast<int>(st.GetInt(29));
  return l;
}

}  // namespace

std::optional<loans::Loan> LoanStore::LoadLoan(int64_t loan_id) {
  if (ReadAheadValid()) {
    auto it = ahead_loans_.find(loan_id);
    if (it != ahead_loans_.end()) {
      loans::Loan l = std::move(it->second);
      ahead_loans_.erase(it);
      NoteReportLoan(l, false);  // (its disbursement date noted when read ahead)
      return l;
    }
  }
  auto& st = db_.Cached(kLoadLoan);
  st.BindInt(1, loan_id);
  if (!st.Step()) return std::nullopt;
  loans::Loan l = ReadLoan(st);
  st.Reset();
  AttachSessionMoves(l);
  NoteReportLoan(l, false);
  NoteStored(l);
  return l;
}

namespace {

reports::LoanPlace PlaceOf(const loans::LoanTerms& t) {
  reports::LoanPlace place;
  place.group_id = t.group_id;
  place.point_id = t.point_id;
  place.office_id = t.office_id;
  place.association = t.association;
  place.program = t.program;
  place.fund_source = t.fund_source;
  place.term_months = t.term_months;
  place.loan_id = t.loan_id;
  return place;
}

}  // namespace

void LoanStore::NoteReportLoan(const loans::Loan& loan, bool is_new) {
  if (!db_.InWriteTransaction()) return;  // a reader posts nothing
  if (report_transaction_ != db_.TransactionSerial() || db_.RolledBackSince(report_transaction_)) {
    report_loans_.clear();
    report_transaction_ = db_.TransactionSerial();
  }
  // Once noted, what the transaction's own postings did is what counts.
  if (report_loans_.count(loan.terms.loan_id)) return;
  ReportLoan r;
  r.place = PlaceOf(loan.terms);
  r.position.principal = is_new ? 0 : loan.Principal().dong();
  r.position.disbursed = is_new ? 0 : loan.disbursed.dong();
  r.position.borrower_id = loan.terms.borrower_id;
  report_loans_.emplace(loan.terms.loan_id, std::move(r));
}

LoanStore::ReportLoan& LoanStore::ReportLoanOf(int64_t loan_id) {
  if (report_transaction_ != db_.TransactionSerial() || db_.RolledBackSince(report_transaction_)) {
    report_loans_.clear();
    report_transaction_ = db_.TransactionSerial();
  }
  auto it = report_loans_.find(loan_id);
  if (it != report_loans_.end()) return it->second;
  // Not loaded through this store (or the transaction rolled back to a
  // savepoint since): its row, which every action updates right after its
  // entry, so it holds what the loan's postings so far add up to.
  auto& st = db_.Cached(
      "SELECT COALESCE(group_id, 0), COALESCE(point_id, 0), office_id, association_code, "
      "program_code, fund_source, term_months, normal_dong + overdue_dong + frozen_dong, "
      "borrower_id, disbursed_dong FROM loan WHERE id = ?");
  st.BindInt(1, loan_id);
  TDCS_CHECK_MSG(st.Step(), "an entry for a loan that does not exist");
  ReportLoan r;
  r.place.group_id = st.GetInt(0);
  r.place.point_id = st.GetInt(1);
  r.place.office_id = st.GetInt(2);
  r.place.association = static_cast<int>(st.GetInt(3));
  r.place.program = st.GetText(4);
  r.place.fund_source = static_cast<int>(st.GetInt(5));
  r.place.term_months = static_cast<int>(st.GetInt(6));
  r.position.principal = st.GetInt(7);
  r.position.borrower_id = st.GetInt(8);
  r.position.disbursed = st.GetInt(9);
  r.place.loan_id = loan_id;
  st.Reset();
  return report_loans_.emplace(loan_id, std::move(r)).first->second;
}

void LoanStore::ReportEntry(const ledger::Entry& entry, int64_t loan_id) {
  ReportLoan& loan = ReportLoanOf(loan_id);
  reports_.Add(loan.place, entry.date, reports::LoanEntryEffect(loan.place, loan.position, entry));
  if (!defer_balances_) reports_.Flush();
}

std::optional<int64_t> LoanStore::FindLoanId(const std::string& code) {
  if (ReadAheadValid()) {
    auto it = ahead_loan_ids_.find(code);
    if (it != ahead_loan_ids_.end()) return it->second;
  }
  return db_.LookupInt("SELECT id FROM loan WHERE code = ?", code);
}

void LoanStore::StartReadAhead() {
  if (ReadAheadValid()) return;
  ahead_transaction_ = db_.TransactionSerial();
  ahead_loan_ids_.clear();
  ahead_loans_.clear();
  ahead_keys_.clear();
}

bool LoanStore::ReadAheadValid() const {
  return db_.InTransaction() && ahead_transaction_ == db_.TransactionSerial() &&
         !db_.RolledBackSince(ahead_transaction_);
}

std::vector<int64_t> LoanStore::FindLoanIds(const std::vector<std::string>& codes) {
  StartReadAhead();
  std::vector<int64_t> ids;
  // PostgreSQL: the key table of loan codes (one index, never updated) rather
  // than the code index of every branch partition of loan; joined to loan,
  // since the codes of a detached (archived) branch stay in the key table.
  const char* head = db_.engine() == Engine::kPostgres
                         ? "SELECT k.code, k.loan_id FROM unique_loan_code k JOIN loan l ON "
                           "l.id = k.loan_id WHERE k.code"
                         : "SELECT code, id FROM loan WHERE code";
  QueryIn(db_, head, "", {}, codes, [&](const Statement& st) {
    if (ahead_loan_ids_.emplace(st.GetText(0), st.GetInt(1)).second) ids.push_back(st.GetInt(1));
  });
  return ids;
}

std::map<int64_t, int64_t> LoanStore::LoanPoints(const std::vector<int64_t>& loan_ids) {
  std::map<int64_t, int64_t> out;
  QueryIn(db_, "SELECT id, point_id FROM loan WHERE id", "", {}, loan_ids,
          [&](const Statement& st) { out[st.GetInt(0)] = st.IsNull(1) ? 0 : st.GetInt(1); });
  return out;
}

std::optional<int64_t> LoanStore::LoanPoint(int64_t loan_id) {
  if (ReadAheadValid())
    if (auto it = ahead_loans_.find(loan_id); it != ahead_loans_.end())
      return it->second.terms.point_id;
  auto& st = db_.Cached("SELECT point_id FROM loan WHERE id = ?");
  st.BindInt(1, loan_id);
  std::optional<int64_t> point;
  if (st.Step()) point = st.IsNull(0) ? 0 : st.GetInt(0);
  st.Reset();
  return point;
}

std::vector<loans::Loan> LoanStore::LoadLoans(const std::vector<int64_t>& loan_ids) {
  std::vector<loans::Loan> out;
  out.reserve(loan_ids.size());
  std::set<int64_t> seen;
  QueryIn(db_, std::string_view(kLoadLoan).substr(0, std::string_view(kLoadLoan).rfind(" = ?")), "",
          {}, loan_ids, [&](const Statement& st) {
            if (seen.insert(st.GetInt(0)).second) out.push_back(ReadLoan(st));
          });
  AttachSessionMoves(out);
  return out;
}

void LoanStore::AttachSessionMoves(std::vector<loans::Loan>& loans) {
  std::vector<int64_t> unknown;
  for (const auto& l : loans)
    if (l.terms.point_id != 0 && !session_moves_.count(l.terms.point_id) &&
        (unknown.empty() || unknown.back() != l.terms.point_id))
      unknown.push_back(l.terms.point_id);
  if (!unknown.empty()) {
    std::sort(unknown.begin(), unknown.end());
    unknown.erase(std::unique(unknown.begin(), unknown.end()), unknown.end());
    auto found = SessionMovesOf(db_, unknown);
    for (int64_t point : unknown) {
      loans::SessionMoves& moves = session_moves_[point];
      for (const auto& row : found[point]) moves.push_back(row.move);
    }
  }
  for (auto& l : loans)
    if (l.terms.point_id != 0) l.terms.session_moves = session_moves_.at(l.terms.point_id);
}

void LoanStore::AttachSessionMoves(loans::Loan& loan) {
  if (loan.terms.point_id == 0) return;
  std::vector<loans::Loan> one;
  one.push_back(std::move(loan));
  AttachSessionMoves(one);
  loan = std::move(one.front());
}

std::optional<Date> LoanStore::WakeLoansOfPoint(int64_t point_id, int session_day, Date day) {
  // Found through the (session_day, id) index; the update locks them, so a
  // payment on one of them waits for the move, or the move for it.
  auto& wake = db_.Cached(
      "UPDATE loan SET next_event_date = CASE WHEN next_event_date IS NULL OR next_event_date > ? "
      "THEN ? ELSE next_event_date END WHERE session_day = ? AND point_id = ? AND status = "
      "'active'");
  wake.BindText(1, day.ToIso());
  wake.BindText(2, day.ToIso());
  wake.BindInt(3, session_day);
  wake.BindInt(4, point_id);
  wake.Run();
  // The latest transaction of any of them (a payment may be dated ahead of
  // the business date): what it posted was computed on the calendar then.
  // A transaction's id is in its loan's range (partitions by branch).
  auto& last = db_.Cached(
      "SELECT MAX(t.txn_date) FROM loan l JOIN loan_txn t ON t.loan_id = l.id "
      "AND t.id >= (l.id >> 40) << 40 AND t.id < ((l.id >> 40) + 1) << 40 "
      "WHERE l.session_day = ? AND l.point_id = ? AND l.status = 'active'");
  last.BindInt(1, session_day);
  last.BindInt(2, point_id);
  std::optional<Date> out;
  if (last.Step() && !last.IsNull(0)) out = Date::Parse(last.GetText(0));
  last.Reset();
  return out;
}

void LoanStore::ReadAheadLoans(const std::vector<int64_t>& loan_ids) {
  StartReadAhead();
  for (auto& loan : LoadLoans(loan_ids)) {
    const int64_t id = loan.terms.loan_id;
    NoteStored(loan);
    ahead_loans_.insert_or_assign(id, std::move(loan));
  }
}

void LoanStore::ReadAheadIdempotencyKeys(const std::vector<IdempotencyKey>& keys) {
  StartReadAhead();
  std::map<std::pair<std::string, std::string>, std::vector<std::string>> by_kind;
  for (const auto& k : keys) {
    by_kind[{k.actor, k.kind}].push_back(k.key);
    ahead_keys_.try_emplace(IdempotencyLockName(k));
  }
  for (const auto& [actor_kind, list] : by_kind)
    QueryIn(
        db_,
        "SELECT key, request, result FROM idempotency_record WHERE actor = ? AND kind = ? "
        "AND key",
        "", {actor_kind.first, actor_kind.second}, list, [&](const Statement& st) {
          ahead_keys_[IdempotencyLockName({actor_kind.first, actor_kind.second, st.GetText(0)})] =
              std::make_pair(st.GetText(1), st.GetText(2));
        });
}

int64_t LoanStore::ApprovedBorrower(int64_t loan_id) {
  return db_.LookupInt("SELECT approved_borrower_id FROM loan WHERE id = ?", loan_id).value_or(0);
}

std::string LoanStore::LoanCode(int64_t loan_id) {
  return db_.LookupText("SELECT code FROM loan WHERE id = ?", loan_id).value_or("");
}

// Ordered by the indexed event date, so a day reads only the loans due: the
// caller brings each past `date`, so the next call returns the next ones.
constexpr const char* kLoansWithEvents =
    "SELECT id FROM loan WHERE next_event_date <= ? ORDER BY next_event_date, id LIMIT ?";
std::vector<int64_t> LoanStore::LoansWithEventsBy(Date date, int limit) {
  auto& st = db_.Cached(kLoansWithEvents);
  st.BindText(1, date.ToIso());
  st.BindInt(2, limit);
  std::vector<int64_t> out;
  while (st.Step()) out.push_back(st.GetInt(0));
  return out;
}

constexpr const char* kApprovedInYear =
    "SELECT COALESCE(SUM(approved_dong), 0) FROM loan WHERE office_id = ? AND program_code = ? "
    "AND decided_on >= ? AND decided_on < ? AND status <> 'rejected'";
Money LoanStore::ApprovedInYear(int64_t office_id, const std::string& program, int year) {
  auto& st = db_.Cached(kApprovedInYear);
  st.BindInt(1, office_id);
  st.BindText(2, program);
  st.BindText(3, Date::FromCivil(year, 1, 1)->ToIso());
  st.BindText(4, Date::FromCivil(year + 1, 1, 1)->ToIso());
  st.Step();
  const Money m = Money::Dong(st.GetInt(0));
  st.Reset();
  return m;
}

std::optional<Money> LoanStore::CapitalPlan(int64_t office_id, const std::string& program,
                                            int year) {
  auto& st = db_.Cached(
      "SELECT amount_dong FROM capital_plan WHERE office_id = ? AND program_code = ? AND "
      "plan_year = ?");
  st.BindInt(1, office_id);
  st.BindText(2, program);
  st.BindInt(3, year);
  if (!st.Step()) return std::nullopt;
  const Money m = Money::Dong(st.GetInt(0));
  st.Reset();
  return m;
}

void LoanStore::SetCapitalPlan(int64_t office_id, const std::string& program, int year,
                               Money amount) {
  auto& st = db_.Cached(
      "INSERT INTO capital_plan (office_id, program_code, plan_year, amount_dong) VALUES "
      "(?, ?, ?, ?) ON CONFLICT (office_id, program_code, plan_year) DO UPDATE SET "
      "amount_dong = excluded.amount_dong");
  st.BindInt(1, office_id);
  st.BindText(2, program);
  st.BindInt(3, year);
  st.BindInt(4, amount.dong());
  st.Run();
}

// In the order of the (session_day, id) index, which the day fixes to id
// order: ordered by id alone, a planner may walk a partition's whole key
// index instead, filtering (PostgreSQL did, 50 ms a page).
constexpr const char* kLoansOfSessionDay =
    "SELECT id, code FROM loan WHERE session_day = ? AND id > ? AND status = 'active' "
    "ORDER BY session_day, id LIMIT ?";
std::vector<std::pair<int64_t, std::string>> LoanStore::ActiveLoansOfSessionDay(int session_day,
                                                                                int64_t after_id,
                                                                                int limit) {
  auto& st = db_.Cached(kLoansOfSessionDay);
  st.BindInt(1, session_day);
  st.BindInt(2, after_id);
  st.BindInt(3, limit);
  std::vector<std::pair<int64_t, std::string>> out;
  while (st.Step()) out.emplace_back(st.GetInt(0), st.GetText(1));
  return out;
}

constexpr const char* kInsertTxn =
    "INSERT INTO loan_txn (id, loan_id, txn_date, kind, amount_dong, months, party_id, entry_id, "
    "reverses, reversed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)";
int64_t LoanStore::AddTxn(LoanTxn& t) {
  if (t.id == 0) t.id = InRangeOf(t.loan_id, ReserveIds("loan_txn", 1));
  auto& st = db_.Cached(kInsertTxn);
  st.BindInt(1, t.id);
  st.BindInt(2, t.loan_id);
  st.BindText(3, t.date.ToIso());
  st.BindText(4, t.kind);
  st.BindInt(5, t.amount.dong());
  st.BindInt(6, t.months);
  st.BindInt(7, t.party_id);
  if (t.entry_id)
    st.BindInt(8, t.entry_id);
  else
    st.BindNull(8);
  if (t.reverses)
    st.BindInt(9, t.reverses);
  else
    st.BindNull(9);
  st.Run();
  if (t.opening) {
    const loans::OpeningBalance& o = *t.opening;
    auto& op = db_.Cached(
        "INSERT INTO loan_opening (txn_id, balance_on, disbursed_on, disbursed_dong, normal_dong, "
        "overdue_dong, frozen_dong, principal_due_dong, interest_owed_dong, next_due, "
        "frozen_from, frozen_until, frozen_overdue_dong, extension_months) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    op.BindInt(1, t.id);
    op.BindText(2, o.on.ToIso());
    op.BindText(3, o.disbursed_on.ToIso());
    op.BindInt(4, o.disbursed.dong());
    op.BindInt(5, o.normal.dong());
    op.BindInt(6, o.overdue.dong());
    op.BindInt(7, o.frozen.dong());
    op.BindInt(8, o.principal_due.dong());
    op.BindInt(9, o.interest_owed.dong());
    auto iso = [](const std::optional<Date>& d) {
      return d ? std::optional<std::string>(d->ToIso()) : std::nullopt;
    };
    op.BindOptionalText(10, iso(o.next_due));
    op.BindOptionalText(11, iso(o.frozen_from));
    op.BindOptionalText(12, iso(o.frozen_until));
    op.BindInt(13, o.frozen_overdue.dong());
    op.BindInt(14, o.extension_months);
    op.Run();
  }
  return t.id;
}

void LoanStore::RecordTxn(LoanTxn& t, const ledger::Entry& entry, int64_t reverses_entry_id) {
  if (t.id == 0) t.id = InRangeOf(t.loan_id, ReserveIds("loan_txn", 1));
  t.entry_id = PostEntry(entry, t.loan_id, t.id, reverses_entry_id);
  AddTxn(t);
}

loans::RecordedAction ActionOf(const LoanTxn& t) {
  loans::RecordedAction a{t.kind, t.date, t.amount, t.months, t.party_id, t.opening};
  return a;
}

constexpr const char* kTxns =
    "SELECT t.id, t.loan_id, t.txn_date, t.kind, t.amount_dong, t.months, t.party_id, "
    "t.entry_id, t.reverses, t.reversed_by, o.balance_on, o.disbursed_on, o.disbursed_dong, "
    "o.normal_dong, o.overdue_dong, o.frozen_dong, o.principal_due_dong, o.interest_owed_dong, "
    "o.next_due, o.frozen_from, o.frozen_until, o.frozen_overdue_dong, o.extension_months "
    "FROM loan_txn t "
    "LEFT JOIN loan_opening o ON o.txn_id = t.id WHERE t.loan_id = ? ORDER BY t.id";
namespace {

LoanTxn ReadTxn(const Statement& st) {
  LoanTxn t;
  t.id = st.GetInt(0);
  t.loan_id = st.GetInt(1);
  t.date = *Date::Parse(st.GetText(2));
  t.kind = st.GetText(3);
  t.amount = Money::Dong(st.GetInt(4));
  t.months = static_cast<int>(st.GetInt(5));
  t.party_id = st.GetInt(6);
  t.entry_id = st.IsNull(7) ? 0 : st.GetInt(7);
  t.reverses = st.IsNull(8) ? 0 : st.GetInt(8);
  t.reversed_by = st.IsNull(9) ? 0 : st.GetInt(9);
  if (!st.IsNull(10)) {
    loans::OpeningBalance o;
    o.on = *Date::Parse(st.GetText(10));
    o.disbursed_on = *Date::Parse(st.GetText(11));
    o.disbursed = Money::Dong(st.GetInt(12));
    o.normal = Money::Dong(st.GetInt(13));
    o.overdue = Money::Dong(st.GetInt(14));
    o.frozen = Money::Dong(st.GetInt(15));
    o.principal_due = Money::Dong(st.GetInt(16));
    o.interest_owed = Money::Dong(st.GetInt(17));
    auto date = [&](int column) {
      return st.IsNull(column) ? std::nullopt : Date::Parse(st.GetText(column));
    };
    o.next_due = date(18);
    o.frozen_from = date(19);
    o.frozen_until = date(20);
    o.frozen_overdue = Money::Dong(st.GetInt(21));
    o.extension_months = static_cast<int>(st.GetInt(22));
    t.opening = o;
  }
  return t;
}

}  // namespace

std::vector<LoanTxn> LoanStore::Txns(int64_t loan_id) {
  auto& st = db_.Cached(kTxns);
  st.BindInt(1, loan_id);
  std::vector<LoanTxn> out;
  while (st.Step()) out.push_back(ReadTxn(st));
  return out;
}

std::map<int64_t, std::vector<LoanTxn>> LoanStore::TxnsOfLoans(const std::vector<int64_t>& ids) {
  const std::string_view sql(kTxns);
  const size_t where = sql.find(" = ? ORDER BY");
  std::map<int64_t, std::vector<LoanTxn>> out;
  // By loan, then id: the order of the index on (loan_id, id), so that the
  // engine walks the index for each key instead of the whole table in id order.
  QueryIn(db_, sql.substr(0, where), " ORDER BY t.loan_id, t.id", {}, ids,
          [&](const Statement& st) {
            LoanTxn t = ReadTxn(st);
            out[t.loan_id].push_back(std::move(t));
          });
  return out;
}

std::map<int64_t, std::pair<std::string, int64_t>> LoanStore::CodesAndApprovedBorrowers(
    const std::vector<int64_t>& ids) {
  std::map<int64_t, std::pair<std::string, int64_t>> out;
  QueryIn(db_, "SELECT id, code, approved_borrower_id FROM loan WHERE id", "", {}, ids,
          [&](const Statement& st) {
            out[st.GetInt(0)] = {st.GetText(1), st.GetInt(2)};
          });
  return out;
}

void LoanStore::MarkReversed(int64_t txn_id, int64_t reversed_by) {
  auto& st = db_.Cached("UPDATE loan_txn SET reversed_by = ? WHERE id = ?");
  st.BindInt(1, reversed_by);
  st.BindInt(2, txn_id);
  st.Run();
}

constexpr const char* kProgramRates =
    "SELECT valid_from, rate_millionths, overdue_rate_percent FROM program_version "
    "WHERE program_code = ? ORDER BY valid_from";
const loans::RateTimeline& LoanStore::Rates(const std::string& program) {
  auto it = rates_.find(program);
  if (it != rates_.end()) return it->second;
  loans::RateTimeline timeline;
  auto& st = db_.Cached(kProgramRates);
  st.BindText(1, program);
  while (st.Step())
    timeline.push_back({*Date::Parse(st.GetText(0)), Rate::PerMonthMillionths(st.GetInt(1)),
                        static_cast<int>(st.GetInt(2))});
  return rates_[program] = std::move(timeline);
}

constexpr const char* kLoadSavings =
    "SELECT id, office_id, balance_dong, accrual, accrued_to FROM savings_account "
    "WHERE borrower_id = ?";
namespace {
savings::Account ReadSavings(const Statement& st, int64_t borrower_id) {
  savings::Account a;
  a.id = st.GetInt(0);
  a.borrower_id = borrower_id;
  a.office_id = st.GetInt(1);
  a.balance = Money::Dong(st.GetInt(2));
  a.accrual = Int128FromString(st.GetText(3));
  a.accrued_to = *Date::Parse(st.GetText(4));
  return a;
}
}  // namespace

std::optional<savings::Account> LoanStore::LoadSavings(int64_t borrower_id) {
  auto& st = db_.Cached(kLoadSavings);
  st.BindInt(1, borrower_id);
  if (!st.Step()) return std::nullopt;
  savings::Account a = ReadSavings(st, borrower_id);
  st.Reset();
  return a;
}

std::vector<savings::Account> LoanStore::LoadSavingsOf(const std::vector<int64_t>& borrower_ids) {
  const std::string_view sql(kLoadSavings);
  std::string head = "SELECT id, office_id, balance_dong, accrual, accrued_to, borrower_id " +
                     std::string(sql.substr(sql.find("FROM")));
  head.resize(head.rfind(" = ?"));
  std::vector<savings::Account> out;
  std::set<int64_t> seen;
  QueryIn(db_, head, "", {}, borrower_ids, [&](const Statement& st) {
    if (seen.insert(st.GetInt(0)).second) out.push_back(ReadSavings(st, st.GetInt(5)));
  });
  return out;
}

void LoanStore::SaveSavings(savings::Account& a) {
  if (a.id == 0) {
    a.id = InRangeOf(a.borrower_id, ReserveIds("savings_account", 1));
    auto& st = db_.Cached(
        "INSERT INTO savings_account (id, borrower_id, office_id, balance_dong, accrual, "
        "accrued_to) VALUES (?, ?, ?, ?, ?, ?)");
    st.BindInt(1, a.id);
    st.BindInt(2, a.borrower_id);
    st.BindInt(3, a.office_id);
    st.BindInt(4, a.balance.dong());
    st.BindText(5, Int128ToString(a.accrual));
    st.BindText(6, a.accrued_to.ToIso());
    st.Run();
    return;
  }
  auto& st = db_.Cached(
      "UPDATE savings_account SET balance_dong = ?, accrual = ?, accrued_to = ? WHERE id = ?");
  st.BindInt(1, a.balance.dong());
  st.BindText(2, Int128ToString(a.accrual));
  st.BindText(3, a.accrued_to.ToIso());
  st.BindInt(4, a.id);
  st.Run();
}

int64_t LoanStore::AddSavingsTxn(int64_t account_id, Date date, const std::string& kind,
                                 Money amount, int64_t entry_id, int64_t reverses, int64_t id) {
  if (id == 0) id = InRangeOf(account_id, ReserveIds("savings_txn", 1));
  auto& st = db_.Cached(
      "INSERT INTO savings_txn (id, account_id, txn_date, kind, amount_dong, entry_id, reverses) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.BindInt(1, id);
  st.BindInt(2, account_id);
  st.BindText(3, date.ToIso());
  st.BindText(4, kind);
  st.BindInt(5, amount.dong());
  if (entry_id)
    st.BindInt(6, entry_id);
  else
    st.BindNull(6);
  if (reverses)
    st.BindInt(7, reverses);
  else
    st.BindNull(7);
  st.Run();
  return id;
}

namespace {
constexpr const char* kSavingsTxnColumns =
    "SELECT id, txn_date, kind, amount_dong, entry_id, reverses, reversed_by, account_id "
    "FROM savings_txn WHERE account_id";
SavingsTxn ReadSavingsTxn(const Statement& st) {
  SavingsTxn t;
  t.id = st.GetInt(0);
  t.date = *Date::Parse(st.GetText(1));
  t.kind = st.GetText(2);
  t.amount = Money::Dong(st.GetInt(3));
  t.entry_id = st.IsNull(4) ? 0 : st.GetInt(4);
  t.reverses = st.IsNull(5) ? 0 : st.GetInt(5);
  t.reversed_by = st.IsNull(6) ? 0 : st.GetInt(6);
  t.account_id = st.GetInt(7);
  return t;
}
}  // namespace

std::vector<SavingsTxn> LoanStore::SavingsTxns(int64_t account_id) {
  auto& st = db_.Cached(std::string(kSavingsTxnColumns) + " = ? ORDER BY id");
  st.BindInt(1, account_id);
  std::vector<SavingsTxn> out;
  while (st.Step()) out.push_back(ReadSavingsTxn(st));
  return out;
}

std::map<int64_t, std::vector<SavingsTxn>> LoanStore::SavingsTxnsOf(
    const std::vector<int64_t>& account_ids) {
  std::map<int64_t, std::vector<SavingsTxn>> out;
  QueryIn(db_, kSavingsTxnColumns, " ORDER BY account_id, id", {}, account_ids,
          [&](const Statement& st) {
            SavingsTxn t = ReadSavingsTxn(st);
            out[t.account_id].push_back(std::move(t));
          });
  return out;
}

void LoanStore::MarkSavingsReversed(int64_t txn_id, int64_t reversed_by) {
  auto& st = db_.Cached("UPDATE savings_txn SET reversed_by = ? WHERE id = ?");
  st.BindInt(1, reversed_by);
  st.BindInt(2, txn_id);
  st.Run();
}

std::vector<savings::Account> LoanStore::SavingsAccountsToCredit(Date day, int64_t after_id,
                                                                 int limit) {
  auto& st = db_.Cached(
      "SELECT id, borrower_id, office_id, balance_dong, accrual, accrued_to FROM savings_account "
      "WHERE id > ? AND accrued_to < ? AND (balance_dong <> 0 OR accrual <> '0') ORDER BY id "
      "LIMIT ?");
  st.BindInt(1, after_id);
  st.BindText(2, day.ToIso());
  st.BindInt(3, limit);
  std::vector<savings::Account> out;
  while (st.Step()) {
    savings::Account a;
    a.id = st.GetInt(0);
    a.borrower_id = st.GetInt(1);
    a.office_id = st.GetInt(2);
    a.balance = Money::Dong(st.GetInt(3));
    a.accrual = Int128FromString(st.GetText(4));
    a.accrued_to = *Date::Parse(st.GetText(5));
    out.push_back(a);
  }
  return out;
}

std::vector<int64_t> LoanStore::SavingsBorrowers() {
  auto st = db_.Prepare("SELECT borrower_id FROM savings_account ORDER BY id");
  std::vector<int64_t> out;
  while (st->Step()) out.push_back(st->GetInt(0));
  return out;
}

const savings::RateTimeline& LoanStore::SavingsRates() {
  if (savings_rates_) return *savings_rates_;
  savings::RateTimeline timeline;
  auto& st = db_.Cached("SELECT valid_from, rate_millionths FROM savings_rate ORDER BY valid_from");
  while (st.Step())
    timeline.push_back({*Date::Parse(st.GetText(0)), Rate::PerMonthMillionths(st.GetInt(1))});
  savings_rates_ = std::move(timeline);
  return *savings_rates_;
}

const HolidayCalendar& LoanStore::Holidays() {
  if (!holidays_) holidays_ = HolidaysOf(db_);
  return *holidays_;
}

void LoanStore::SetSavingsRate(Date from, Rate rate) {
  auto& st = db_.Cached(
      "INSERT INTO savings_rate (valid_from, rate_millionths) VALUES (?, ?) ON CONFLICT "
      "(valid_from) DO UPDATE SET rate_millionths = excluded.rate_millionths");
  st.BindText(1, from.ToIso());
  st.BindInt(2, rate.per_month_millionths());
  st.Run();
  savings_rates_.reset();
}

std::optional<Date> LoanStore::AppliedOn(int64_t loan_id) {
  auto text = db_.LookupText("SELECT applied_on FROM loan WHERE id = ?", loan_id);
  if (!text) return std::nullopt;
  return Date::Parse(*text);
}

std::optional<Date> LoanStore::DecidedOn(int64_t loan_id) {
  auto text = db_.LookupText("SELECT decided_on FROM loan WHERE id = ? AND decided_on IS NOT NULL",
                             loan_id);
  if (!text) return std::nullopt;
  return Date::Parse(*text);
}

void LoanStore::SaveOutcomes(int64_t loan_id, const std::map<std::string, int>& outcomes) {
  if (outcomes.empty()) return;
  // Remembered for the writer of the model, which counts them at the loan's
  // first principal (in a bulk load, in this same transaction): no read back.
  if (saved_outcomes_transaction_ != db_.TransactionSerial()) {
    saved_outcomes_.clear();
    saved_outcomes_transaction_ = db_.TransactionSerial();
  }
  saved_outcomes_[loan_id] = outcomes;
  reports_.UseOutcomes(&saved_outcomes_, false);
  for (const auto& [kind, count] : outcomes) {
    auto& st = db_.Cached("INSERT INTO loan_outcome (loan_id, kind, count) VALUES (?, ?, ?)");
    st.BindInt(1, loan_id);
    st.BindText(2, kind);
    st.BindInt(3, count);
    st.Run();
  }
}

void LoanStore::SaveStudyMonths(int64_t loan_id, int study_months) {
  auto& st =
      db_.Cached("INSERT INTO loan_application_detail (loan_id, study_months) VALUES (?, ?)");
  st.BindInt(1, loan_id);
  st.BindInt(2, study_months);
  st.Run();
}

int LoanStore::StudyMonths(int64_t loan_id) {
  return static_cast<int>(
      db_.LookupInt("SELECT study_months FROM loan_application_detail WHERE loan_id = ?", loan_id)
          .value_or(0));
}

void LoanStore::RecordDecision(int64_t loan_id, loans::LoanStatus status, Date decided_on,
                               const std::string& rejection_reason) {
  auto& st =
      db_.Cached("UPDATE loan SET status = ?, decided_on = ?, rejection_reason = ? WHERE id = ?");
  st.BindText(1, std::string(loans::LoanStatusKey(status)));
  st.BindText(2, decided_on.ToIso());
  if (rejection_reason.empty())
    st.BindNull(3);
  else
    st.BindText(3, rejection_reason);
  st.BindInt(4, loan_id);
  st.Run();
}

void LoanStore::LockLoan(int64_t loan_id) {
  if (db_.engine() != Engine::kPostgres) return;
  std::string held = "loan-row:" + std::to_string(loan_id);
  if (db_.HeldInTransaction(held)) return;
  auto& st = db_.Cached("SELECT id FROM loan WHERE id = ? FOR UPDATE");
  st.BindInt(1, loan_id);
  st.Run();
  db_.NoteHeldInTransaction(std::move(held));
}

void LoanStore::LockLoans(const std::vector<int64_t>& loan_ids) {
  if (db_.engine() != Engine::kPostgres) return;
  std::vector<int64_t> wanted;
  wanted.reserve(loan_ids.size());
  for (int64_t id : loan_ids)
    if (!db_.HeldInTransaction("loan-row:" + std::to_string(id))) wanted.push_back(id);
  if (wanted.size() < 2) {
    for (int64_t id : wanted) LockLoan(id);
    return;
  }
  TDCS_CHECK(std::is_sorted(wanted.begin(), wanted.end()));
  // FOR UPDATE locks the rows as the sort hands them over: in id order.
  QueryIn(db_, "SELECT id FROM loan WHERE id", " ORDER BY id FOR UPDATE", {}, wanted,
          [](const Statement&) {});
  for (int64_t id : wanted) db_.NoteHeldInTransaction("loan-row:" + std::to_string(id));
}

std::string LoanStore::IdempotencyLockName(const IdempotencyKey& key) {
  return "idempotency:" + std::to_string(key.actor.size()) + ":" + key.actor + ":" +
         std::to_string(key.kind.size()) + ":" + key.kind + ":" + key.key;
}

std::optional<std::pair<std::string, std::string>> LoanStore::FindIdempotencyKey(
    const IdempotencyKey& key) {
  if (ReadAheadValid()) {
    auto it = ahead_keys_.find(IdempotencyLockName(key));
    if (it != ahead_keys_.end()) return it->second;
  }
  auto& st = db_.Cached(
      "SELECT request, result FROM idempotency_record WHERE actor = ? AND kind = ? AND key = ?");
  st.BindText(1, key.actor);
  st.BindText(2, key.kind);
  st.BindText(3, key.key);
  if (!st.Step()) return std::nullopt;
  auto out = std::make_pair(st.GetText(0), st.GetText(1));
  st.Reset();
  return out;
}

void LoanStore::SaveIdempotencyKey(const IdempotencyKey& key, const std::string& request,
                                   const std::string& result) {
  auto& st = db_.Cached(
      "INSERT INTO idempotency_record (actor, kind, key, request, result) VALUES (?, ?, ?, ?, ?)");
  st.BindText(1, key.actor);
  st.BindText(2, key.kind);
  st.BindText(3, key.key);
  st.BindText(4, request);
  st.BindText(5, result);
  st.Run();
  if (ReadAheadValid()) {
    auto it = ahead_keys_.find(IdempotencyLockName(key));
    if (it != ahead_keys_.end()) it->second = std::make_pair(request, result);
  }
}

std::optional<LoanStore::LoanBrief> LoanStore::BriefOf(int64_t loan_id) {
  auto& st =
      db_.Cached("SELECT borrower_id, office_id, status, approved_dong FROM loan WHERE id = ?");
  st.BindInt(1, loan_id);
  std::optional<LoanBrief> out;
  if (st.Step()) out = LoanBrief{st.GetInt(0), st.GetInt(1), st.GetText(2), st.GetInt(3)};
  st.Reset();
  return out;
}

std::optional<Date> LoanStore::BusinessDate() {
  auto& st = db_.Cached("SELECT current_date_iso FROM business_date WHERE id = 1");
  if (!st.Step()) return std::nullopt;
  auto d = Date::Parse(st.GetText(0));
  st.Reset();
  return d;
}

Date LoanStore::SetBusinessDate(Date date) {
  // The row is written only forward: ISO dates compare as text.
  auto& st = db_.Cached(
      "INSERT INTO business_date (id, current_date_iso) VALUES (1, ?) ON CONFLICT (id) DO UPDATE "
      "SET current_date_iso = excluded.current_date_iso "
      "WHERE business_date.current_date_iso < excluded.current_date_iso");
  st.BindText(1, date.ToIso());
  st.Run();
  return BusinessDate().value_or(date);
}

std::optional<Date> LoanStore::MaxAccruedTo(const std::string& program) {
  auto& st = db_.Cached("SELECT MAX(accrued_to) FROM loan WHERE program_code = ?");
  st.BindText(1, program);
  std::optional<Date> out;
  if (st.Step() && !st.IsNull(0)) out = Date::Parse(st.GetText(0));
  st.Reset();
  return out;
}

std::optional<Date> LoanStore::MaxSavingsAccruedTo() {
  auto& st = db_.Cached("SELECT MAX(accrued_to) FROM savings_account");
  std::optional<Date> out;
  if (st.Step() && !st.IsNull(0)) out = Date::Parse(st.GetText(0));
  st.Reset();
  return out;
}

constexpr const char* kListLoansColumns =
    "SELECT l.code, b.code, l.program_code, l.status, l.approved_dong, "
    "l.normal_dong + l.overdue_dong + l.frozen_dong FROM loan l JOIN borrower b ON b.id = "
    "l.borrower_id ";
constexpr const char* kListByBorrower = "WHERE l.borrower_id = ?";
constexpr const char* kListByOffice = "WHERE l.office_id = ?";
constexpr const char* kListByGroup =
    "WHERE l.borrower_id IN (SELECT borrower_id FROM membership WHERE group_id = ? "
    "AND valid_from <= ? AND (valid_to IS NULL OR valid_to > ?))";

Money LoanStore::HouseholdExposure(int64_t borrower_id, int64_t except_loan_id) {
  auto& st = db_.Cached(
      "SELECT COALESCE(SUM(CASE WHEN status = 'approved' THEN approved_dong "
      "WHEN status = 'active' THEN normal_dong + overdue_dong + frozen_dong + "
      "CASE WHEN approved_dong > disbursed_dong THEN approved_dong - disbursed_dong ELSE 0 END "
      "WHEN status = 'applied' AND EXISTS (SELECT 1 FROM pending_request p WHERE "
      "p.loan_code = loan.code AND p.kind = 'approve' AND p.status = 'pending') "
      "THEN approved_dong ELSE 0 END), 0) "
      "FROM loan WHERE borrower_id = ? AND id <> ?");
  st.BindInt(1, borrower_id);
  st.BindInt(2, except_loan_id);
  st.Step();
  const Money out = Money::Dong(st.GetInt(0));
  st.Reset();
  return out;
}

std::vector<int64_t> LoanStore::EntryIdsOfLoan(int64_t loan_id) {
  auto& st = db_.Cached("SELECT id FROM journal_entry WHERE loan_id = ? ORDER BY id");
  st.BindInt(1, loan_id);
  std::vector<int64_t> out;
  while (st.Step()) out.push_back(st.GetInt(0));
  st.Reset();
  return out;
}

std::vector<std::pair<std::string, int64_t>> LoanStore::PostingsOfNewEntries(
    int64_t loan_id, const std::vector<int64_t>& before) {
  std::map<std::string, int64_t> sums;
  for (const int64_t entry : EntryIdsOfLoan(loan_id)) {
    if (std::binary_search(before.begin(), before.end(), entry)) continue;
    auto& st = db_.Cached("SELECT account_code, amount_dong FROM posting WHERE entry_id = ?");
    st.BindInt(1, entry);
    while (st.Step()) sums[st.GetText(0)] += st.GetInt(1);
    st.Reset();
  }
  return {sums.begin(), sums.end()};
}

std::vector<LoanStore::LoanListRow> LoanStore::ListLoans(const LoanFilter& f, int limit) {
  const char* where = f.borrower_id ? kListByBorrower : f.group_id ? kListByGroup : kListByOffice;
  auto& st = db_.Cached(std::string(kListLoansColumns) + where +
                        (f.status.empty() ? "" : " AND l.status = ?") + " ORDER BY l.code LIMIT ?");
  int i = 1;
  st.BindInt(i++, f.borrower_id ? f.borrower_id : f.group_id ? f.group_id : f.office_id);
  if (f.group_id) {
    st.BindText(i++, f.on.ToIso());
    st.BindText(i++, f.on.ToIso());
  }
  if (!f.status.empty()) st.BindText(i++, f.status);
  st.BindInt(i, limit);
  std::vector<LoanListRow> out;
  while (st.Step())
    out.push_back({st.GetText(0), st.GetText(1), st.GetText(2), st.GetText(3),
                   Money::Dong(st.GetInt(4)), Money::Dong(st.GetInt(5))});
  st.Reset();
  return out;
}

constexpr const char* kPortfolio =
    "SELECT COALESCE(SUM(normal_dong + overdue_dong + frozen_dong), 0), "
    "COALESCE(SUM(overdue_dong), 0), COALESCE(SUM(frozen_dong), 0), COUNT(DISTINCT CASE WHEN "
    "normal_dong + overdue_dong + frozen_dong > 0 THEN borrower_id END) FROM loan";
LoanStore::PortfolioTotals LoanStore::Portfolio() {
  auto& st = db_.Cached(kPortfolio);
  PortfolioTotals t;
  if (st.Step()) {
    t.principal = Money::Dong(st.GetInt(0));
    t.overdue = Money::Dong(st.GetInt(1));
    t.frozen = Money::Dong(st.GetInt(2));
    t.customers = st.GetInt(3);
  }
  st.Reset();
  return t;
}

constexpr const char* kAggregateTotal = "SELECT COALESCE(SUM(balance_dong), 0) FROM ledger_balance";
int64_t LoanStore::AggregateTotal() { return db_.QueryInt(kAggregateTotal).value_or(0); }

constexpr const char* kRecordCloseRun =
    "INSERT INTO close_run (run_date, status, loans, entries) VALUES (?, 'done', ?, ?) "
    "ON CONFLICT (run_date) DO UPDATE SET status = 'done', loans = close_run.loans + "
    "excluded.loans, entries = close_run.entries + excluded.entries";
void LoanStore::RecordCloseRun(Date day, int64_t loans, int64_t entries) {
  auto& st = db_.Cached(kRecordCloseRun);
  st.BindText(1, day.ToIso());
  st.BindInt(2, loans);
  st.BindInt(3, entries);
  st.Run();
}

std::optional<std::string> LoanStore::BatchState(const std::string& name) {
  auto& st = db_.Cached("SELECT value FROM batch_state WHERE name = ?");
  st.BindText(1, name);
  if (!st.Step()) return std::nullopt;
  auto value = st.GetText(0);
  st.Reset();
  return value;
}

void LoanStore::SetBatchState(const std::string& name, const std::string& value) {
  auto& st = db_.Cached(
      "INSERT INTO batch_state (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET "
      "value = excluded.value");
  st.BindText(1, name);
  st.BindText(2, value);
  st.Run();
}

}  // namespace tdcs::store
