#include "store/ledger_checks.h"

#include "ledger/ledger.h"

namespace tdcs::store {
namespace {

constexpr const char* kEntryCount = "SELECT COUNT(*) FROM journal_entry";
constexpr const char* kLoanCount = "SELECT COUNT(*) FROM loan";
constexpr const char* kSavingsCount = "SELECT COUNT(*) FROM savings_account";
constexpr const char* kUnbalancedEntries =
    "SELECT entry_id, SUM(amount_dong) FROM posting GROUP BY entry_id HAVING SUM(amount_dong) <> 0 "
    "ORDER BY entry_id";
constexpr const char* kLedgerTotal = "SELECT COALESCE(SUM(amount_dong), 0) FROM posting";
constexpr const char* kPostingsWithoutEntry =
    "SELECT p.entry_id, COUNT(*) FROM posting p WHERE NOT EXISTS (SELECT 1 FROM journal_entry e "
    "WHERE e.id = p.entry_id) GROUP BY p.entry_id ORDER BY p.entry_id";
constexpr const char* kAggregateMismatch =
    "SELECT b.account_code, b.program_code, b.fund_source, b.office_id, b.balance_dong, "
    "COALESCE(p.total, 0) FROM ledger_balance b LEFT JOIN (SELECT account_code, program_code, "
    "fund_source, office_id, SUM(amount_dong) AS total FROM posting GROUP BY account_code, "
    "program_code, fund_source, office_id) p ON p.account_code = b.account_code AND "
    "p.program_code = b.program_code AND p.fund_source = b.fund_source AND "
    "p.office_id = b.office_id WHERE b.balance_dong <> COALESCE(p.total, 0)";
constexpr const char* kPostingsWithoutAggregate =
    "SELECT COUNT(*) FROM (SELECT DISTINCT account_code, program_code, fund_source, office_id "
    "FROM posting) p WHERE NOT EXISTS (SELECT 1 FROM ledger_balance b WHERE "
    "b.account_code = p.account_code AND b.program_code = p.program_code AND "
    "b.fund_source = p.fund_source AND b.office_id = p.office_id)";
constexpr const char* kUnknownAccounts =
    "SELECT DISTINCT account_code FROM posting WHERE account_code NOT IN "
    "(SELECT code FROM ledger_account)";
// Each loan's state against its postings, account by account.
constexpr const char* kLoanMismatch =
    "SELECT l.code, l.normal_dong, l.overdue_dong, l.frozen_dong, l.interest_unpaid_dong, "
    "COALESCE(p.normal, 0), COALESCE(p.overdue, 0), COALESCE(p.frozen, 0), COALESCE(p.interest, 0) "
    "FROM loan l LEFT JOIN (SELECT loan_id, "
    "SUM(CASE WHEN account_code = 'LOAN_NORMAL' THEN amount_dong ELSE 0 END) AS normal, "
    "SUM(CASE WHEN account_code = 'LOAN_OVERDUE' THEN amount_dong ELSE 0 END) AS overdue, "
    "SUM(CASE WHEN account_code = 'LOAN_FROZEN' THEN amount_dong ELSE 0 END) AS frozen, "
    "SUM(CASE WHEN account_code = 'INTEREST_RECEIVABLE' THEN amount_dong ELSE 0 END) AS interest "
    "FROM posting WHERE loan_id <> 0 GROUP BY loan_id) p ON p.loan_id = l.id "
    "WHERE l.normal_dong <> COALESCE(p.normal, 0) OR l.overdue_dong <> COALESCE(p.overdue, 0) "
    "OR l.frozen_dong <> COALESCE(p.frozen, 0) OR l.interest_unpaid_dong <> COALESCE(p.interest, "
    "0)";
constexpr const char* kSavingsMismatch =
    "SELECT s.id, s.balance_dong, COALESCE(-p.total, 0) FROM savings_account s LEFT JOIN "
    "(SELECT borrower_id, SUM(amount_dong) AS total FROM posting WHERE account_code = "
    "'MEMBER_SAVINGS' GROUP BY borrower_id) p ON p.borrower_id = s.borrower_id "
    "WHERE s.balance_dong <> COALESCE(-p.total, 0)";
constexpr const char* kChainHead =
    "SELECT last_seq, last_hash, last_entry_id FROM journal_chain WHERE id = 1";
constexpr const char* kUnchainedCount =
    "SELECT COUNT(*) FROM journal_entry WHERE chain_seq IS NULL";
constexpr const char* kUnchainedIds =
    "SELECT id FROM journal_entry WHERE chain_seq IS NULL ORDER BY id LIMIT ?";
// Pages of transactions are ranges of ids, found first: a range scan of the
// primary key comes out in order, where LIMIT on a grouped join made SQLite
// sort every row. The rows are one per posting of the entry named (posting
// columns NULL when there is none); the legs are summed as they are read.
constexpr const char* kLoanTxnPageEnd =
    "SELECT MAX(id) FROM (SELECT id FROM loan_txn WHERE id > ? ORDER BY id LIMIT ?) page";
constexpr const char* kLoanTxnLinks =
    "SELECT t.id, t.loan_id, t.kind, t.txn_date, t.amount_dong, t.entry_id, r.entry_id, e.id, "
    "e.loan_id, e.txn_id, e.reverses_entry_id, e.kind, e.entry_date, p.account_code, p.loan_id, "
    "p.amount_dong FROM loan_txn t LEFT JOIN loan_txn r ON r.id = t.reverses "
    "LEFT JOIN journal_entry e ON e.id = t.entry_id LEFT JOIN posting p ON p.entry_id = e.id "
    "WHERE t.id > ? AND t.id <= ? ORDER BY t.id";
constexpr const char* kSavingsTxnPageEnd =
    "SELECT MAX(id) FROM (SELECT id FROM savings_txn WHERE id > ? ORDER BY id LIMIT ?) page";
constexpr const char* kSavingsTxnLinks =
    "SELECT s.id, s.account_id, a.borrower_id, s.kind, s.txn_date, s.amount_dong, s.entry_id, "
    "e.id, e.loan_id, e.txn_id, e.kind, e.entry_date, p.account_code, p.borrower_id, "
    "p.amount_dong FROM savings_txn s LEFT JOIN savings_account a ON a.id = s.account_id "
    "LEFT JOIN journal_entry e ON e.id = s.entry_id LEFT JOIN posting p ON p.entry_id = e.id "
    "WHERE s.id > ? AND s.id <= ? ORDER BY s.id";
constexpr const char* kDisbursedLoans =
    "SELECT id FROM loan WHERE disbursed_on IS NOT NULL ORDER BY id";
// Summed as read: a loan has a few postings, and GROUP BY cost a sort per loan.

std::optional<int64_t> OptionalInt(const Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return st.GetInt(column);
}

// Reads `id, loan_id, txn_id, reverses_entry_id?, kind, date` from `first`.
LinkedEntry ReadLinkedEntry(const Statement& st, int first, bool with_reverses) {
  LinkedEntry e;
  int c = first;
  e.id = OptionalInt(st, c++);
  e.loan_id = OptionalInt(st, c++);
  e.txn_id = OptionalInt(st, c++);
  if (with_reverses) e.reverses_entry_id = OptionalInt(st, c++);
  e.kind = st.GetOptionalText(c++).value_or("");
  e.date = st.GetOptionalText(c++).value_or("");
  return e;
}

}  // namespace

BookCounts CountBooks(Database& db) {
  return {db.QueryInt(kEntryCount).value_or(0), db.QueryInt(kLoanCount).value_or(0),
          db.QueryInt(kSavingsCount).value_or(0)};
}

std::vector<EntrySum> UnbalancedEntries(Database& db) {
  std::vector<EntrySum> out;
  auto st = db.Prepare(kUnbalancedEntries);
  while (st->Step()) out.push_back({st->GetInt(0), st->GetInt(1)});
  return out;
}

int64_t LedgerTotal(Database& db) { return db.QueryInt(kLedgerTotal).value_or(0); }

std::vector<PostingCount> PostingsWithoutEntry(Database& db) {
  std::vector<PostingCount> out;
  auto st = db.Prepare(kPostingsWithoutEntry);
  while (st->Step()) out.push_back({st->GetInt(0), st->GetInt(1)});
  return out;
}

std::vector<AggregateRow> AggregateMismatches(Database& db) {
  std::vector<AggregateRow> out;
  auto st = db.Prepare(kAggregateMismatch);
  while (st->Step())
    out.push_back({st->GetText(0), st->GetText(1), st->GetInt(2), st->GetInt(3), st->GetInt(4),
                   st->GetInt(5)});
  return out;
}

int64_t DimensionsWithoutAggregate(Database& db) {
  return db.QueryInt(kPostingsWithoutAggregate).value_or(0);
}

std::vector<std::string> UnknownAccounts(Database& db) {
  std::vector<std::string> out;
  auto st = db.Prepare(kUnknownAccounts);
  while (st->Step()) out.push_back(st->GetText(0));
  return out;
}

std::vector<LoanBalances> LoanMismatches(Database& db) {
  std::vector<LoanBalances> out;
  auto st = db.Prepare(kLoanMismatch);
  while (st->Step()) {
    LoanBalances b;
    b.code = st->GetText(0);
    for (int k = 0; k < 4; ++k) {
      b.stored[k] = st->GetInt(1 + k);
      b.posted[k] = st->GetInt(5 + k);
    }
    out.push_back(std::move(b));
  }
  return out;
}

std::vector<SavingsBalance> SavingsMismatches(Database& db) {
  std::vector<SavingsBalance> out;
  auto st = db.Prepare(kSavingsMismatch);
  while (st->Step()) out.push_back({st->GetInt(0), st->GetInt(1), st->GetInt(2)});
  return out;
}

std::optional<StoredChainHead> ReadStoredChainHead(Database& db) {
  auto st = db.Prepare(kChainHead);
  if (!st->Step()) return std::nullopt;
  return StoredChainHead{st->GetInt(0), st->GetText(1), st->GetInt(2)};
}

int64_t UnchainedEntryCount(Database& db) { return db.QueryInt(kUnchainedCount).value_or(0); }

std::vector<int64_t> UnchainedEntryIds(Database& db, int limit) {
  std::vector<int64_t> out;
  auto st = db.Prepare(kUnchainedIds);
  st->BindInt(1, limit);
  while (st->Step()) out.push_back(st->GetInt(0));
  return out;
}

namespace {

// A posting of the linked entry, as read from `first`: account, the loan or
// borrower it is of, amount.
struct LegRow {
  std::string account;
  int64_t owner = 0, amount = 0;
};
std::optional<LegRow> ReadLeg(const Statement& st, int first) {
  if (st.IsNull(first)) return std::nullopt;
  return LegRow{st.GetText(first), st.GetInt(first + 1), st.GetInt(first + 2)};
}

LoanTxnLink ReadLoanTxnLink(const Statement& st) {
  LoanTxnLink l;
  l.txn_id = st.GetInt(0);
  l.loan_id = st.GetInt(1);
  l.kind = st.GetText(2);
  l.date = st.GetText(3);
  l.amount = st.GetInt(4);
  l.entry_id = OptionalInt(st, 5);
  l.reversed_entry_id = OptionalInt(st, 6);
  l.entry = ReadLinkedEntry(st, 7, true);
  return l;
}

// Only the transaction's own loan's postings can carry its amount.
void AddLeg(LoanTxnLink& l, const LegRow& p) {
  if (p.owner != l.loan_id) return;
  if (p.account == ledger::account::kCashPoint) l.cash += p.amount;
  if (p.account == ledger::account::kMemberSavings) l.member_savings += p.amount;
  if (p.account == ledger::account::kOpeningBalance) l.opening_balance += p.amount;
}

SavingsTxnLink ReadSavingsTxnLink(const Statement& st) {
  SavingsTxnLink l;
  l.txn_id = st.GetInt(0);
  l.account_id = st.GetInt(1);
  l.borrower_id = OptionalInt(st, 2);
  l.kind = st.GetText(3);
  l.date = st.GetText(4);
  l.amount = st.GetInt(5);
  l.entry_id = OptionalInt(st, 6);
  l.entry = ReadLinkedEntry(st, 7, false);
  return l;
}

// Cash of the account's borrower only.
void AddLeg(SavingsTxnLink& l, const LegRow& p) {
  if (p.account == ledger::account::kCashPoint && l.borrower_id && p.owner == *l.borrower_id)
    l.cash += p.amount;
}

// Reads a page of links: rows of one transaction come together, one per posting.
template <typename Link, typename Read>
std::vector<Link> LinksPage(Database& db, const char* page_end, const char* links, int64_t after,
                            int limit, Read read, int leg_column) {
  std::vector<Link> out;
  const auto end = PageEnd(db, page_end, after, limit);
  if (!end) return out;
  auto& st = db.Cached(links);
  st.BindInt(1, after);
  st.BindInt(2, *end);
  while (st.Step()) {
    if (out.empty() || out.back().txn_id != st.GetInt(0)) out.push_back(read(st));
    if (auto leg = ReadLeg(st, leg_column)) AddLeg(out.back(), *leg);
  }
  st.Reset();
  return out;
}

}  // namespace

std::vector<LoanTxnLink> LoanTxnLinksAfter(Database& db, int64_t after_txn_id, int limit) {
  return LinksPage<LoanTxnLink>(db, kLoanTxnPageEnd, kLoanTxnLinks, after_txn_id, limit,
                                ReadLoanTxnLink, 13);
}

std::vector<SavingsTxnLink> SavingsTxnLinksAfter(Database& db, int64_t after_txn_id, int limit) {
  return LinksPage<SavingsTxnLink>(db, kSavingsTxnPageEnd, kSavingsTxnLinks, after_txn_id, limit,
                                   ReadSavingsTxnLink, 12);
}

std::vector<int64_t> DisbursedLoanIds(Database& db) {
  std::vector<int64_t> out;
  auto st = db.Prepare(kDisbursedLoans);
  while (st->Step()) out.push_back(st->GetInt(0));
  return out;
}

std::map<int64_t, EntryPostings> LoanPostingsByEntry(Database& db,
                                                     const std::vector<int64_t>& loan_ids) {
  std::map<int64_t, EntryPostings> out;
  QueryIn(db, "SELECT loan_id, entry_id, account_code, amount_dong FROM posting WHERE loan_id", "",
          {}, loan_ids, [&](const Statement& st) {
            out[st.GetInt(0)][st.GetInt(1)][st.GetText(2)] += st.GetInt(3);
          });
  return out;
}

}  // namespace tdcs::store
