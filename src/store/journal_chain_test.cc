// The journal chain in the store: the encoding the hash covers, how
// PostEntry appends and keeps the head, deferred heads and rollbacks, sealing
// of entries from before the chain, and the read snapshot verify relies on.
// Runs on SQLite and on PostgreSQL (TDCS_TEST_DB, tests/test_db.h).
#include "store/journal_chain.h"

#include <gtest/gtest.h>

#include "app/setup.h"
#include "ledger/ledger.h"
#include "store/ledger_checks.h"
#include "store/loan_store.h"
#include "test_db.h"

namespace tdcs::store {
namespace {

EntryView Entry(std::string_view date, std::string_view kind) {
  return EntryView{7, 42, date, kind, 3, 5, 0};
}

std::vector<PostingView> TwoPostings() {
  return {{"CASH_POINT", "01", 1, 9, 3, 11, 1'000}, {"LOAN_NORMAL", "01", 1, 9, 3, 11, -1'000}};
}

ChainHash HashOf(const EntryView& e, std::vector<PostingView> postings,
                 const ChainHash& previous = kGenesisHash) {
  return EntryHash(e, postings, previous);
}

TEST(JournalChain, HexRoundTripsAndRejectsMalformedText) {
  ChainHash h{};
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(i * 9);
  EXPECT_EQ(ChainHashFromHex(ToHex(h)), h);
  EXPECT_EQ(ToHex(kGenesisHash), std::string(64, '0'));
  EXPECT_FALSE(ChainHashFromHex("abc"));
  EXPECT_FALSE(ChainHashFromHex(std::string(63, '0') + "g"));
}

// The format is frozen: every stored chain depends on these bytes.
TEST(JournalChain, HashOfAKnownEntryNeverChanges) {
  EXPECT_EQ(ToHex(HashOf(Entry("2024-04-07", "pay"), TwoPostings())),
            "b48a876249c417a806733b2265f0f6c1ed4dc5232f9a78bb60e9e63c5c6c6368");
}

TEST(JournalChain, FieldsCannotRunIntoEachOther) {
  // The same characters split differently between date and kind.
  EXPECT_NE(HashOf(Entry("2024-04-07", "pay"), TwoPostings()),
            HashOf(Entry("2024-04-07p", "ay"), TwoPostings()));
  auto a = TwoPostings(), b = TwoPostings();
  a[0].account = "CASH_POINT01";
  a[0].program = "";
  EXPECT_NE(HashOf(Entry("2024-04-07", "pay"), a), HashOf(Entry("2024-04-07", "pay"), b));
  // NULL is not 0.
  EntryView with_null = Entry("2024-04-07", "pay");
  with_null.reverses_entry_id = std::nullopt;
  EXPECT_NE(HashOf(with_null, TwoPostings()), HashOf(Entry("2024-04-07", "pay"), TwoPostings()));
}

TEST(JournalChain, PostingOrderDoesNotMatterButEveryFieldDoes) {
  auto postings = TwoPostings();
  std::swap(postings[0], postings[1]);
  const ChainHash base = HashOf(Entry("2024-04-07", "pay"), TwoPostings());
  EXPECT_EQ(HashOf(Entry("2024-04-07", "pay"), postings), base);
  for (int field = 0; field < 7; ++field) {
    auto changed = TwoPostings();
    auto& p = changed[1];
    switch (field) {
      case 0:
        p.account = "LOAN_OVERDUE";
        break;
      case 1:
        p.program = "02";
        break;
      case 2:
        p.fund_source = 2;
        break;
      case 3:
        p.office_id = 10;
        break;
      case 4:
        p.loan_id = 4;
        break;
      case 5:
        p.borrower_id = 12;
        break;
      case 6:
        p.amount = -1'001;
        break;
    }
    EXPECT_NE(HashOf(Entry("2024-04-07", "pay"), changed), base) << "posting field " << field;
  }
  EntryView e = Entry("2024-04-07", "pay");
  e.chain_seq = 8;
  EXPECT_NE(HashOf(e, TwoPostings()), base);
  ChainHash previous{};
  previous[31] = 1;
  EXPECT_NE(HashOf(Entry("2024-04-07", "pay"), TwoPostings(), previous), base);
}

ledger::Entry CashEntry(int64_t office_id, int64_t amount) {
  ledger::Posting dims;
  dims.office_id = office_id;
  std::vector<ledger::Posting> postings;
  ledger::AddTransfer(postings, dims, ledger::account::kCashPoint, ledger::account::kOpeningBalance,
                      Money::Dong(amount));
  return ledger::BuildEntry(*Date::Parse("2024-03-22"), "test", std::move(postings));
}

struct Row {
  int64_t id, seq;
  std::string prev, hash;
};
std::vector<Row> Chain(Database& db) {
  std::vector<Row> out;
  auto st = db.Prepare(
      "SELECT id, chain_seq, prev_hash, entry_hash FROM journal_entry ORDER BY chain_seq");
  while (st->Step()) out.push_back({st->GetInt(0), st->GetInt(1), st->GetText(2), st->GetText(3)});
  return out;
}

// Positions 1..N, each previous hash the hash before it, the head on the last.
void ExpectWholeChain(Database& db, size_t length) {
  const auto rows = Chain(db);
  ASSERT_EQ(rows.size(), length);
  std::string previous = ToHex(kGenesisHash);
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].seq, static_cast<int64_t>(i + 1));
    EXPECT_EQ(rows[i].prev, previous);
    previous = rows[i].hash;
  }
  const auto head = ReadStoredChainHead(db);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->seq, static_cast<int64_t>(length));
  EXPECT_EQ(head->hash, previous);
  if (!rows.empty()) {
    EXPECT_EQ(head->entry_id, rows.back().id);
  }
}

TEST(JournalChain, PostEntryAppendsAndMovesTheHead) {
  auto db = testing::NewInitialisedDatabase();
  for (int round = 0; round < 2; ++round) {
    Transaction tx(*db);
    LoanStore store(*db);
    for (int k = 1; k <= 3; ++k) store.PostEntry(CashEntry(1, 1'000 * k), 0, 0);
    tx.Commit();
  }
  ExpectWholeChain(*db, 6);
  // What was stored is what was hashed.
  const auto entries = ChainedEntriesAfter(*db, 0, 100);
  ASSERT_EQ(entries.size(), 6u);
  ChainHash previous = kGenesisHash;
  for (const auto& e : entries) {
    EXPECT_EQ(ToHex(e.ComputeHash(previous)), *e.entry_hash) << "entry " << e.id;
    previous = *ChainHashFromHex(*e.entry_hash);
  }
}

TEST(JournalChain, PostingOutsideATransactionIsABug) {
  auto db = testing::NewInitialisedDatabase();
  LoanStore store(*db);
  EXPECT_DEATH(store.PostEntry(CashEntry(1, 1'000), 0, 0), "outside a transaction");
}

TEST(JournalChain, DeferredHeadIsWrittenAtFlush) {
  auto db = testing::NewInitialisedDatabase();
  Transaction tx(*db);
  LoanStore store(*db);
  store.DeferBalances();
  for (int k = 1; k <= 3; ++k) store.PostEntry(CashEntry(1, 1'000 * k), 0, 0);
  EXPECT_EQ(ReadStoredChainHead(*db)->seq, 0);
  store.FlushBalances();
  tx.Commit();
  ExpectWholeChain(*db, 3);
}

TEST(JournalChain, CachedHeadDoesNotSurviveARollback) {
  for (bool deferred : {false, true}) {
    auto db = testing::NewInitialisedDatabase();
    LoanStore store(*db);
    if (deferred) store.DeferBalances();
    {
      Transaction tx(*db);
      store.PostEntry(CashEntry(1, 1'000), 0, 0);
      store.PostEntry(CashEntry(1, 2'000), 0, 0);
    }  // rolled back: positions 1 and 2 are free again
    {
      Transaction tx(*db);
      store.PostEntry(CashEntry(1, 3'000), 0, 0);
      store.FlushBalances();
      tx.Commit();
    }
    ExpectWholeChain(*db, 1);
  }
}

TEST(JournalChain, InitSealsEntriesFromBeforeTheChain) {
  auto db = testing::NewInitialisedDatabase();
  {
    Transaction tx(*db);
    LoanStore store(*db);
    for (int k = 1; k <= 4; ++k) store.PostEntry(CashEntry(1, 1'000 * k), 0, 0);
    tx.Commit();
  }
  // As a database migrated from schema 4 has them: no chain columns, an empty head.
  db->ExecScript(
      "UPDATE journal_entry SET chain_seq = NULL, prev_hash = NULL, entry_hash = NULL;"
      "UPDATE journal_chain SET last_seq = 0, last_entry_id = 0, last_hash = '" +
      ToHex(kGenesisHash) + "'");
  EXPECT_EQ(UnchainedEntryCount(*db), 4);
  app::InitDatabase(*db.connection);
  EXPECT_EQ(UnchainedEntryCount(*db), 0);
  ExpectWholeChain(*db, 4);
  EXPECT_EQ(SealUnchainedEntries(*db), 0);  // once
}

TEST(JournalChain, SealingLeavesAnEntryTakenOutOfTheChain) {
  auto db = testing::NewInitialisedDatabase();
  {
    Transaction tx(*db);
    LoanStore store(*db);
    for (int k = 1; k <= 3; ++k) store.PostEntry(CashEntry(1, 1'000 * k), 0, 0);
    tx.Commit();
  }
  db->ExecScript(
      "UPDATE journal_entry SET chain_seq = NULL, prev_hash = NULL, entry_hash = NULL "
      "WHERE chain_seq = 1");
  EXPECT_EQ(SealUnchainedEntries(*db), 0);
  EXPECT_EQ(UnchainedEntryCount(*db), 1);
}

TEST(JournalChain, ReadTransactionSeesOneSnapshot) {
  const std::string target = testing::NewTestTarget();
  auto reader = Open(target);
  auto writer = Open(target);
  reader->ExecScript("CREATE TABLE t (i BIGINT)");
  reader->ExecScript("INSERT INTO t VALUES (1)");
  {
    ReadTransaction snapshot(*reader);
    EXPECT_EQ(reader->QueryInt("SELECT COUNT(*) FROM t"), 1);
    writer->ExecScript("INSERT INTO t VALUES (2)");  // commits at once, meanwhile
    EXPECT_EQ(reader->QueryInt("SELECT COUNT(*) FROM t"), 1);
  }
  EXPECT_EQ(reader->QueryInt("SELECT COUNT(*) FROM t"), 2);
}

}  // namespace
}  // namespace tdcs::store
