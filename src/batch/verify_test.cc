// `tdcs verify` against a book tampered with by hand, on SQLite and on
// PostgreSQL (TDCS_TEST_DB, tests/test_db.h): each change made directly in
// SQL must be reported, naming the entry, chain position, transaction or
// field; and two writers at once must leave a chain that verifies.
#include "batch/verify.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

#include "app/import.h"
#include "app/loans.h"
#include "app/setup.h"
#include "batch/close.h"
#include "ledger/ledger.h"
#include "store/audit_store.h"
#include "store/loan_store.h"
#include "test_db.h"

namespace tdcs::batch {
namespace {

const Date kStart = *Date::Parse("2024-03-22");
const Date kSession = *Date::Parse("2024-04-07");  // the commune point's session day

struct Book {
  std::string target;
  std::unique_ptr<app::Connection> connection;
  store::Database* db = nullptr;  // the connection's database, for tampering
};

const app::Context kContext = app::SystemContext();

void ImportNetwork(app::Connection& db, int borrowers) {
  std::string csv = testing::kBorrowersHeader;
  for (int i = 1; i <= borrowers; ++i)
    csv += testing::BorrowerRow(i, "Trần Thị Mai", "0000001", "member", "2024-01-02");
  for (auto [kind, text] : {std::pair{app::ImportKind::kNetwork, std::string(testing::kNetworkCsv)},
                            std::pair{app::ImportKind::kGroups, std::string(testing::kGroupsCsv)},
                            std::pair{app::ImportKind::kBorrowers, csv}}) {
    std::istringstream in(text);
    ASSERT_TRUE(app::Import(db, kContext, kind, in).ok());
  }
}

void ApproveAndDisburse(app::Connection& db, const std::string& code, const std::string& borrower) {
  app::LoanApplicationRequest r;
  r.code = code;
  r.borrower_code = borrower;
  r.program = "01";
  r.amount = Money::Dong(50'000'000);
  r.term_months = 36;
  r.every_months = 6;
  r.date = kStart;
  ASSERT_TRUE(app::ApproveLoan(db, kContext, r).ok());
  ASSERT_TRUE(app::ActOnLoan(db, kContext, {app::LoanActionKind::kDisburse, code, kStart}).ok());
}

void Pay(app::Connection& db, const std::string& code, int64_t amount) {
  auto r = app::ActOnLoan(db, kContext,
                          {app::LoanActionKind::kPay, code, kSession, Money::Dong(amount)});
  ASSERT_TRUE(r.ok()) << r.error().ToString();
}

// Three loans disbursed on 22/03/2024; at the session of 07/04/2024 L1 pays,
// borrower 4 deposits savings, and L2 pays last (its entry ends the chain).
Book LoanBook() {
  Book b;
  b.target = testing::NewTestTarget();
  b.connection = app::Connection::Open(b.target);
  b.db = &testing::DbOf(*b.connection);
  app::Connection& c = *b.connection;
  app::InitDatabase(c);
  ImportNetwork(c, 4);
  EXPECT_TRUE(CloseTo(*b.db, kStart).ok());
  ApproveAndDisburse(c, "L1", "0000000001");
  ApproveAndDisburse(c, "L2", "0000000002");
  ApproveAndDisburse(c, "L3", "0000000003");
  EXPECT_TRUE(CloseTo(*b.db, kSession).ok());
  Pay(c, "L1", 1'146'667);  // interest 146.667 (RULES §4.4) and 1.000.000 principal
  EXPECT_TRUE(app::ActOnSavings(
                  c, kContext,
                  {app::SavingsActionKind::kDeposit, "0000000004", Money::Dong(50'000), kSession})
                  .ok());
  Pay(c, "L2", 1'146'667);
  return b;
}

int64_t Int(store::Database& db, const std::string& sql) { return *db.QueryInt(sql); }

std::string Text(store::Database& db, const std::string& sql) {
  auto st = db.Prepare(sql);
  EXPECT_TRUE(st->Step()) << sql;
  return st->GetText(0);
}

std::string N(int64_t v) { return std::to_string(v); }

std::string TxnWhere(const std::string& loan, const std::string& kind) {
  return "FROM loan_txn t JOIN loan l ON l.id = t.loan_id WHERE l.code = '" + loan +
         "' AND t.kind = '" + kind + "'";
}
int64_t TxnOf(store::Database& db, const std::string& loan, const std::string& kind) {
  return Int(db, "SELECT t.id " + TxnWhere(loan, kind));
}
int64_t EntryOf(store::Database& db, const std::string& loan, const std::string& kind) {
  return Int(db, "SELECT t.entry_id " + TxnWhere(loan, kind));
}
int64_t SeqOf(store::Database& db, int64_t entry) {
  return Int(db, "SELECT chain_seq FROM journal_entry WHERE id = " + N(entry));
}
int64_t EntryAt(store::Database& db, int64_t seq) {
  return Int(db, "SELECT id FROM journal_entry WHERE chain_seq = " + N(seq));
}

void DeleteEntry(store::Database& db, int64_t entry) {
  db.ExecScript("DELETE FROM posting WHERE entry_id = " + N(entry) +
                "; DELETE FROM journal_entry WHERE id = " + N(entry));
}

std::string All(const VerifyReport& report) {
  std::string all;
  for (const auto& p : report.problems) all += p + "\n";
  return all;
}

#define EXPECT_REPORTS(all, text) EXPECT_NE((all).find(text), std::string::npos) << (all)
#define EXPECT_NOT_REPORTED(all, text) EXPECT_EQ((all).find(text), std::string::npos) << (all)

TEST(VerifyTampering, ACleanBookVerifiesWithItsHead) {
  auto b = LoanBook();
  const auto report = Verify(*b.db, true);
  EXPECT_TRUE(report.ok()) << All(report);
  EXPECT_EQ(report.chain_length, report.entries);
  EXPECT_EQ(report.chain_head, Text(*b.db, "SELECT last_hash FROM journal_chain"));
}

TEST(VerifyTampering, ADeletedEntryIsNamedByItsPosition) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  const int64_t entry = EntryOf(db, "L1", "pay");
  const int64_t seq = SeqOf(db, entry);
  const int64_t before = EntryAt(db, seq - 1), after = EntryAt(db, seq + 1);
  DeleteEntry(db, entry);
  const std::string all = All(Verify(db));
  EXPECT_REPORTS(all, "the journal chain is missing position " + N(seq) + " after entry " +
                          N(before) + " at position " + N(seq - 1) + ", before entry " + N(after) +
                          " at position " + N(seq + 1));
  EXPECT_REPORTS(all, "loan L1, transaction " + N(TxnOf(db, "L1", "pay")) +
                          " (pay on 2024-04-07): its journal entry " + N(entry) +
                          " does not exist");
}

TEST(VerifyTampering, AChangedEntryDateIsNamed) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  const int64_t entry = EntryOf(db, "L1", "pay");
  db.ExecScript("UPDATE journal_entry SET entry_date = '2024-04-08' WHERE id = " + N(entry));
  const std::string all = All(Verify(db));
  EXPECT_REPORTS(all, "entry " + N(entry) + " at position " + N(SeqOf(db, entry)) +
                          ": its contents do not match its hash");
  EXPECT_REPORTS(all, "its journal entry " + N(entry) + " is dated 2024-04-08");
}

TEST(VerifyTampering, PostingsChangedWithTheirAggregatesAreCaught) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  const int64_t entry = EntryOf(db, "L2", "disburse");
  // Everything the old checks compare still agrees: the entry balances, the
  // aggregate equals its postings, the loan equals its postings.
  db.ExecScript(
      "UPDATE posting SET amount_dong = amount_dong + 1000 WHERE account_code = 'LOAN_NORMAL' "
      "AND entry_id = " +
      N(entry) +
      ";"
      "UPDATE posting SET amount_dong = amount_dong - 1000 WHERE account_code = 'CASH_POINT' "
      "AND entry_id = " +
      N(entry) +
      ";"
      "UPDATE ledger_balance SET balance_dong = balance_dong + 1000 "
      "WHERE account_code = 'LOAN_NORMAL' AND program_code = '01';"
      "UPDATE ledger_balance SET balance_dong = balance_dong - 1000 "
      "WHERE account_code = 'CASH_POINT' AND program_code = '01';"
      "UPDATE loan SET normal_dong = normal_dong + 1000 WHERE code = 'L2'");
  const std::string all = All(Verify(db, true));
  EXPECT_NOT_REPORTED(all, "does not balance");
  EXPECT_NOT_REPORTED(all, "aggregate");
  EXPECT_NOT_REPORTED(all, "but its postings sum to");
  EXPECT_REPORTS(all, "entry " + N(entry) + " at position " + N(SeqOf(db, entry)) +
                          ": its contents do not match its hash");
  EXPECT_REPORTS(all, "loan L2, transaction " + N(TxnOf(db, "L2", "disburse")) +
                          " (disburse on 2024-03-22): amount 50.000.000 but its journal entry " +
                          N(entry) + " pays out in cash 50.001.000");
  // The replay names the transaction and the field.
  EXPECT_REPORTS(all, "entry " + N(entry) +
                          ": normal principal (LOAN_NORMAL) is 50.000.000 in the replay but "
                          "50.001.000 in the entry");
  EXPECT_REPORTS(all, "loan L2 after its last transaction " + N(TxnOf(db, "L2", "pay")) +
                          " (pay): normal principal is stored as 49.001.000 but the replay "
                          "gives 49.000.000");
}

TEST(VerifyTampering, AChangedTransactionAmountIsNamed) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  const int64_t txn = TxnOf(db, "L1", "pay");
  const int64_t entry = EntryOf(db, "L1", "pay");
  db.ExecScript("UPDATE loan_txn SET amount_dong = amount_dong + 1 WHERE id = " + N(txn));
  const std::string all = All(Verify(db, true));
  EXPECT_REPORTS(all, "loan L1, transaction " + N(txn) +
                          " (pay on 2024-04-07): amount 1.146.668 but its journal entry " +
                          N(entry) + " takes in cash 1.146.667");
  EXPECT_REPORTS(all, "loan L1, transaction " + N(txn) + " (pay on 2024-04-07), entry " + N(entry) +
                          ": normal principal (LOAN_NORMAL)");
  EXPECT_REPORTS(all, "normal principal is stored as 49.000.000 but the replay gives 48.999.999");
}

TEST(VerifyTampering, TheReplayNamesADifferentInstallment) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  db.ExecScript(
      "UPDATE loan SET installments = REPLACE(installments, ':f', ':p') WHERE code = 'L3'");
  const std::string all = All(Verify(db, true));
  EXPECT_REPORTS(all, "loan L3, installment 1 (due 2024-09-22): stored ");
}

TEST(VerifyTampering, ATransactionPointedAtAnotherLoansEntryIsNamed) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  const int64_t other = EntryOf(db, "L2", "pay");
  db.ExecScript("UPDATE loan_txn SET entry_id = " + N(other) +
                " WHERE id = " + N(TxnOf(db, "L1", "pay")));
  const std::string all = All(Verify(db));
  EXPECT_REPORTS(all, "loan L1, transaction " + N(TxnOf(db, "L1", "pay")) +
                          " (pay on 2024-04-07): its journal entry " + N(other) +
                          " belongs to loan L2, not to the transaction's loan");
}

TEST(VerifyTampering, ASavingsTransactionIsCheckedAgainstItsEntry) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  db.ExecScript("UPDATE savings_txn SET amount_dong = 60000");
  const std::string all = All(Verify(db));
  EXPECT_REPORTS(all, "(deposit on 2024-04-07): amount 60.000 but its journal entry");
  EXPECT_REPORTS(all, "moves the member's cash by 50.000");
}

TEST(VerifyTampering, ADeletedLastEntryIsCaughtByTheHead) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  const int64_t last = Int(db, "SELECT last_entry_id FROM journal_chain");
  const int64_t seq = SeqOf(db, last);
  ASSERT_EQ(last, EntryOf(db, "L2", "pay"));
  DeleteEntry(db, last);
  const std::string all = All(Verify(db));
  EXPECT_REPORTS(all, "the chain head records entry " + N(last) + " at position " + N(seq) +
                          " but the last entry is entry " + N(EntryAt(db, seq - 1)) +
                          " at position " + N(seq - 1));
}

// The limit of a chain kept in the database itself: a tail cut off together
// with its head is a shorter chain that holds (docs/ARCHITECTURE.md). The
// transaction that named the entry is what still shows it.
TEST(VerifyTampering, ATailCutWithItsHeadIsCaughtByItsTransaction) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  const int64_t last = Int(db, "SELECT last_entry_id FROM journal_chain");
  const int64_t seq = SeqOf(db, last);
  const int64_t previous = EntryAt(db, seq - 1);
  const std::string previous_hash =
      Text(db, "SELECT entry_hash FROM journal_entry WHERE id = " + N(previous));
  DeleteEntry(db, last);
  db.ExecScript("UPDATE journal_chain SET last_seq = " + N(seq - 1) + ", last_hash = '" +
                previous_hash + "', last_entry_id = " + N(previous));
  const std::string all = All(Verify(db));
  EXPECT_NOT_REPORTED(all, "chain");
  EXPECT_REPORTS(all, "loan L2, transaction " + N(TxnOf(db, "L2", "pay")) +
                          " (pay on 2024-04-07): its journal entry " + N(last) + " does not exist");
  EXPECT_REPORTS(all, "loan L2: normal principal is 49.000.000 but its postings sum to 50.000.000");
}

// Two connections post to different loans at the same time.
TEST(VerifyConcurrency, TwoWritersAtOnceLeaveOneChain) {
  auto b = LoanBook();
  auto pay_many = [&](const std::string& code) {
    auto db = app::Connection::Open(b.target);
    for (int k = 0; k < 20; ++k) Pay(*db, code, 1'000);
  };
  std::thread first(pay_many, "L1"), second(pay_many, "L3");
  first.join();
  second.join();
  const auto report = Verify(*b.db, true);
  EXPECT_TRUE(report.ok()) << All(report);
  EXPECT_EQ(report.chain_length, report.entries);
}

ledger::Entry CashEntry(int64_t office_id, int64_t amount) {
  ledger::Posting dims;
  dims.office_id = office_id;
  std::vector<ledger::Posting> postings;
  ledger::AddTransfer(postings, dims, ledger::account::kCashPoint, ledger::account::kOpeningBalance,
                      Money::Dong(amount));
  return ledger::BuildEntry(kStart, "test", std::move(postings));
}

// The chain head is the one row both transactions share (ids are reserved
// beforehand, offices differ): the second writer must wait for the first to
// commit instead of appending at the same position.
TEST(VerifyConcurrency, TheSecondWriterWaitsForTheHead) {
  const std::string target = testing::NewTestTarget();
  app::InitDatabase(*app::Connection::Open(target));
  auto a = store::Open(target);
  auto b = store::Open(target);
  store::LoanStore first(*a), second(*b);
  for (auto [db, store] : {std::pair{a.get(), &first}, std::pair{b.get(), &second}}) {
    store::Transaction tx(*db);
    store->ReserveIds("journal_entry", 1);
    tx.Commit();
  }
  std::atomic<bool> first_posted{false}, first_committing{false}, second_saw_commit{false};
  std::thread writer_a([&] {
    store::Transaction tx(*a);
    first.PostEntry(CashEntry(1, 100), 0, 0);
    first_posted = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    first.PostEntry(CashEntry(1, 200), 0, 0);
    first_committing = true;
    tx.Commit();
  });
  std::thread writer_b([&] {
    while (!first_posted) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    store::Transaction tx(*b);  // SQLite waits here (BEGIN IMMEDIATE), PostgreSQL at the head
    second.PostEntry(CashEntry(2, 300), 0, 0);
    second_saw_commit = first_committing.load();
    second.PostEntry(CashEntry(2, 400), 0, 0);
    tx.Commit();
  });
  writer_a.join();
  writer_b.join();
  EXPECT_TRUE(second_saw_commit);
  const auto report = Verify(*a);
  EXPECT_TRUE(report.ok()) << All(report);
  EXPECT_EQ(report.chain_length, 4);
}

// The audit trail (docs/RULES.md §15): every write of the book above left a
// record; a record changed, taken out, swapped with another or cut from the
// end is named by its position.
TEST(VerifyAuditTrail, ACleanTrailVerifies) {
  auto b = LoanBook();
  const auto report = Verify(*b.db);
  EXPECT_TRUE(report.ok()) << All(report);
  EXPECT_GE(report.audit_records, 3);  // the approval, the disbursement, the payment
  EXPECT_EQ(report.audit_records, Int(*b.db, "SELECT COUNT(*) FROM audit_record"));
  EXPECT_EQ(report.audit_head, Text(*b.db, "SELECT last_hash FROM audit_head"));
  EXPECT_EQ(Int(*b.db,
                "SELECT COUNT(*) FROM audit_record WHERE action = 'loan.pay' AND "
                "subject = 'loan:L1' AND actor = 'system'"),
            1);
}

TEST(VerifyAuditTrail, AChangedRecordIsNamed) {
  auto b = LoanBook();
  b.db->ExecScript("UPDATE audit_record SET after_state = '{}' WHERE seq = 2");
  EXPECT_REPORTS(All(Verify(*b.db)), "audit record 2 was altered");
}

TEST(VerifyAuditTrail, ADeletedRecordIsNamed) {
  auto b = LoanBook();
  b.db->ExecScript("DELETE FROM audit_record WHERE seq = 2");
  EXPECT_REPORTS(All(Verify(*b.db)), "audit record 2 is missing");
}

TEST(VerifyAuditTrail, TheLastRecordDeletedIsNamed) {
  auto b = LoanBook();
  const int64_t last = Int(*b.db, "SELECT MAX(seq) FROM audit_record");
  b.db->ExecScript("DELETE FROM audit_record WHERE seq = " + N(last));
  EXPECT_REPORTS(All(Verify(*b.db)), "record " + N(last) + " was deleted");
}

TEST(VerifyAuditTrail, SwappedRecordsAreNamed) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  // Records 1 and 2 change places, each keeping its own hashes.
  db.ExecScript("UPDATE audit_record SET seq = -1 WHERE seq = 1");
  db.ExecScript("UPDATE audit_record SET seq = 1 WHERE seq = 2");
  db.ExecScript("UPDATE audit_record SET seq = 2 WHERE seq = -1");
  EXPECT_REPORTS(All(Verify(db)), "audit record 1 does not link to the record before it");
}

// A savepoint rolled back takes back the records added after it; the
// transaction's others are written at its commit, and a rollback writes none.
TEST(AuditTrail, RecordsFollowTheirTransaction) {
  auto b = LoanBook();
  store::Database& db = *b.db;
  const int64_t before = Int(db, "SELECT COUNT(*) FROM audit_record");
  auto record = [](const std::string& action) {
    store::AuditRecord r;
    r.at_micros = 1;
    r.actor = "tester";
    r.action = action;
    return r;
  };
  {
    store::Transaction outer(db);
    store::AppendAudit(db, record("test.kept"));
    {
      store::Transaction inner(db);
      store::AppendAudit(db, record("test.dropped"));
    }  // rolled back to its savepoint
    store::AppendAudit(db, record("test.kept_too"));
    outer.Commit();
  }
  {
    store::Transaction lost(db);
    store::AppendAudit(db, record("test.lost"));
  }
  EXPECT_EQ(Int(db, "SELECT COUNT(*) FROM audit_record"), before + 2);
  EXPECT_EQ(Int(db, "SELECT COUNT(*) FROM audit_record WHERE action LIKE 'test.kept%'"), 2);
  EXPECT_TRUE(Verify(db).ok());
}

}  // namespace
}  // namespace tdcs::batch
