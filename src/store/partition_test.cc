// Partitions by branch (migration 0013, store/partition.h): on PostgreSQL a
// branch's rows sit in the branch's own partitions, which can be detached
// (the branch's data read, dumped or moved on its own) and attached again,
// and a database from before the partitions upgrades; on SQLite ids are as
// they always were. Runs on the engine TDCS_TEST_DB names.
#include "store/partition.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "app/generate.h"
#include "app/import.h"
#include "app/loans.h"
#include "app/setup.h"
#include "batch/close.h"
#include "batch/verify.h"
#include "store/loan_store.h"
#include "store/migrate.h"
#include "test_db.h"

namespace tdcs::store {
namespace {

const std::vector<std::string> kPartitioned = {
    "borrower",        "borrower_version", "membership",    "loan",
    "loan_txn",        "loan_opening",     "journal_entry", "posting",
    "savings_account", "savings_txn"};

bool OnPostgres() { return testing::TestDbTarget() != "sqlite"; }

int64_t Count(Database& db, const std::string& sql) { return db.QueryInt(sql).value_or(-1); }

// Rows of `table` per partition (tableoid): partition name → rows.
std::map<std::string, int64_t> RowsByPartition(Database& db, const std::string& table) {
  auto st = db.Prepare("SELECT tableoid::regclass::text, COUNT(*) FROM " + table + " GROUP BY 1");
  std::map<std::string, int64_t> out;
  while (st->Step()) out[st->GetText(0)] = st->GetInt(1);
  return out;
}

std::set<std::string> PartitionsOf(Database& db, const std::string& table) {
  auto st = db.Prepare(
      "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
      "WHERE i.inhparent = ?::regclass");
  st->BindText(1, table);
  std::set<std::string> out;
  while (st->Step()) out.insert(st->GetText(0));
  return out;
}

void ImportOk(app::Connection& connection, app::ImportKind kind, const std::string& csv) {
  std::istringstream in(csv);
  auto report = app::Import(connection, app::SystemContext(), kind, in);
  ASSERT_TRUE(report.ok()) << (report.errors.empty() ? "" : report.errors[0].error.ToString());
}

// The fixture network (Hải Phòng) and a second branch, Hà Nội, with a point,
// a village and a group.
const char* const kHanoiNetworkCsv =
    "kind,code,name,parent_code,area_code,session_day,valid_from\n"
    "branch,CN01,Chi nhánh NHCSXH Thành phố Hà Nội,,01,,2015-01-01\n"
    "seat,HS01,Hội sở chi nhánh Hà Nội,CN01,,,2015-01-01\n"
    "office,PGD001,Phòng giao dịch NHCSXH Ba Đình,CN01,,,2015-01-01\n"
    "point,P00001,Điểm giao dịch phường Phúc Xá,PGD001,00001,9,2015-01-01\n"
    "village,00001001,Tổ dân phố 1,,00001,,2015-01-01\n";
const char* const kHanoiGroupsCsv =
    "code,name,point_code,village_code,association,valid_from\n"
    "0000011,Tổ TK&VV TDP 1 Phúc Xá – Hội Phụ nữ,P00001,00001001,women,2015-01-01\n";

std::string HanoiBorrower(int n) {
  char code[16], citizen[16];
  std::snprintf(code, sizeof code, "%010d", n);
  std::snprintf(citizen, sizeof citizen, "001185%06d", n);
  return std::string(code) + ",Phạm Thị Lan," + citizen +
         ",1985-06-01,female,\"Tổ dân phố 1, phường Phúc Xá\",00001001,poor,0000011,member,"
         "2024-01-02\n";
}

// Two branches: Hải Phòng borrowers 1–3 with loans L1, L2, I3 (taken over)
// and savings for 3; Hà Nội borrowers 101–102 with loans H1, I102 (taken
// over) and savings for 102; a few months of end of day.
void WriteTwoBranchBook(app::Connection& c) {
  Database& db = testing::DbOf(c);
  ImportOk(c, app::ImportKind::kNetwork, testing::kNetworkCsv);
  ImportOk(c, app::ImportKind::kNetwork, kHanoiNetworkCsv);
  ImportOk(c, app::ImportKind::kGroups, testing::kGroupsCsv);
  ImportOk(c, app::ImportKind::kGroups, kHanoiGroupsCsv);
  std::string borrowers = testing::kBorrowersHeader;
  for (int i = 1; i <= 3; ++i)
    borrowers += testing::BorrowerRow(i, "Trần Thị Mai", "0000001", "member", "2024-01-02");
  for (int i = 101; i <= 102; ++i) borrowers += HanoiBorrower(i);
  ImportOk(c, app::ImportKind::kBorrowers, borrowers);
  const Date start = *Date::Parse("2024-03-22");
  EXPECT_TRUE(batch::CloseTo(db, start).ok());
  // One loan taken over from another system in each branch (loan_opening).
  ImportOk(c, app::ImportKind::kLoans,
           "code,borrower_code,program,fund_source,approved_dong,term_months,every_months,"
           "grace_months,interest_charge,disbursed_on,disbursed_dong,balance_on,normal_dong,"
           "overdue_dong,frozen_dong,principal_due_dong,interest_owed_dong,next_due,frozen_from,"
           "frozen_until,frozen_overdue_dong,extension_months\n"
           "I3,0000000003,01,1,30000000,36,12,0,,2024-01-10,30000000,2024-03-22,30000000,0,0,0,"
           "100000,,,,,\n"
           "I102,0000000102,01,1,30000000,36,12,0,,2024-01-10,30000000,2024-03-22,30000000,0,0,0,"
           "100000,,,,,\n");
  for (auto [code, borrower] : {std::pair{"L1", "0000000001"}, std::pair{"L2", "0000000002"},
                                std::pair{"H1", "0000000101"}}) {
    app::LoanApplicationRequest r;
    r.code = code;
    r.borrower_code = borrower;
    r.program = "01";
    r.amount = Money::Dong(50'000'000);
    r.term_months = 36;
    r.every_months = 6;
    r.date = start;
    EXPECT_TRUE(app::ApproveLoan(c, app::SystemContext(), r).ok());
    EXPECT_TRUE(
        app::ActOnLoan(c, app::SystemContext(), {app::LoanActionKind::kDisburse, code, start})
            .ok());
  }
  for (const char* saver : {"0000000003", "0000000102"})
    EXPECT_TRUE(
        app::ActOnSavings(c, app::SystemContext(),
                          {app::SavingsActionKind::kDeposit, saver, Money::Dong(200'000), start})
            .ok());
  EXPECT_TRUE(batch::CloseTo(db, *Date::Parse("2024-10-01")).ok());
}

testing::InitialisedDatabase TwoBranchBook() {
  auto db = testing::NewInitialisedDatabase();
  WriteTwoBranchBook(*db.connection);
  return db;
}

int64_t BranchId(Database& db, const std::string& code) {
  return db.LookupInt("SELECT id FROM branch WHERE code = ?", code).value_or(0);
}

TEST(Partitions, EachBranchsRowsSitInItsOwnPartitions) {
  if (!OnPostgres()) GTEST_SKIP() << "PostgreSQL partitions";
  auto db = TwoBranchBook();
  const int64_t hp = BranchId(*db, "CN31"), hn = BranchId(*db, "CN01");
  ASSERT_NE(hp, 0);
  ASSERT_NE(hn, 0);
  const std::string hp_part = "_b" + std::to_string(hp), hn_part = "_b" + std::to_string(hn);
  for (const auto& table : kPartitioned) {
    EXPECT_EQ(PartitionsOf(*db, table),
              (std::set<std::string>{table + "_b0", table + hp_part, table + hn_part}))
        << table;
    const auto rows = RowsByPartition(*db, table);
    EXPECT_EQ(rows.count(table + "_b0"), 0u) << table << ": rows outside the branches";
    EXPECT_GT(rows.count(table + hp_part) ? rows.at(table + hp_part) : 0, 0) << table;
    EXPECT_GT(rows.count(table + hn_part) ? rows.at(table + hn_part) : 0, 0) << table;
  }
  // A branch's data read from its partitions alone.
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM borrower" + hn_part), 2);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM borrower" + hp_part), 3);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM loan" + hn_part + " WHERE code = 'H1'"), 1);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM loan" + hn_part), 2);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM loan_opening" + hn_part), 1);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM savings_account" + hn_part), 1);
  // Every posting of a branch's partition is of that branch's households, and
  // the whole journal is the sum of the branches'.
  for (const auto& [part, codes] :
       {std::pair{hp_part, std::string("'0000000001', '0000000002', '0000000003'")},
        std::pair{hn_part, std::string("'0000000101', '0000000102'")}})
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM posting" + part +
                             " p JOIN borrower b ON b.id = p.borrower_id WHERE b.code NOT IN (" +
                             codes + ")"),
              0);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM journal_entry"),
            Count(*db, "SELECT COUNT(*) FROM journal_entry" + hp_part) +
                Count(*db, "SELECT COUNT(*) FROM journal_entry" + hn_part));
  // Keys unique across partitions: the key tables hold one row per key.
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM unique_loan_code"), 5);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM unique_borrower_code"), 5);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM unique_chain_seq"),
            Count(*db, "SELECT COUNT(*) FROM journal_entry"));
  auto verified = batch::Verify(*db, true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
}

// A bulk load's foreign keys are set aside and checked once, at its end:
// each comes back as it was, and a row that breaks one fails the load, which
// rolls back with the keys (SQLite: nothing set aside, nothing to check).
TEST(Partitions, ALoadsForeignKeysAreCheckedAtItsEnd) {
  auto db = TwoBranchBook();
  auto keys = [&] {
    if (!OnPostgres()) return std::string();
    auto st = db->Prepare(
        "SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) "
        "FROM pg_constraint WHERE contype = 'f' ORDER BY 1");
    std::string all;
    while (st->Step()) all += st->GetText(0) + "\n";
    return all;
  };
  const std::string before = keys();
  if (OnPostgres()) EXPECT_GT(std::count(before.begin(), before.end(), '\n'), 20) << before;
  const int64_t loan = *db->QueryInt("SELECT id FROM loan WHERE code = 'H1'");
  const std::string orphan_txn =
      "INSERT INTO loan_txn (id, loan_id, txn_date, kind, amount_dong, months, party_id) "
      "VALUES (" +
      std::to_string(loan + 900) + ", " + std::to_string(loan + 7) +
      ", '2024-01-02', 'repay', 1, 0, 0)";
  {
    Transaction tx(*db);
    ForeignKeysCheckedAtEnd set_aside(*db);
    if (OnPostgres()) {
      // Away, but the key from one partitioned table to another.
      EXPECT_EQ(Count(*db,
                      "SELECT COUNT(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                      "JOIN pg_class r ON r.oid = c.confrelid WHERE c.contype = 'f' AND "
                      "c.conparentid = 0 AND NOT (t.relkind = 'p' AND r.relkind = 'p')"),
                0);
      EXPECT_EQ(Count(*db,
                      "SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f' AND "
                      "conrelid = 'loan'::regclass AND confrelid = 'borrower'::regclass AND "
                      "conparentid = 0"),
                1);
    }
    db->ExecScript("UPDATE loan SET term_months = term_months WHERE code = 'H1'");
    set_aside.Finish();
    tx.Commit();
  }
  EXPECT_EQ(keys(), before);
  // A transaction to a loan that is not there, written while the keys are
  // away: the check at the end refuses it, and nothing stays.
  const int64_t txns = Count(*db, "SELECT COUNT(*) FROM loan_txn");
  if (OnPostgres()) {
    try {
      Transaction tx(*db);
      ForeignKeysCheckedAtEnd set_aside(*db);
      db->ExecScript(orphan_txn);
      set_aside.Finish();
      tx.Commit();
      FAIL() << "a row without its loan was accepted";
    } catch (const StorageFault& fault) {
      EXPECT_NE(std::string(fault.what()).find("foreign key"), std::string::npos) << fault.what();
    }
    EXPECT_EQ(keys(), before);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM loan_txn"), txns);
    // Not finished, and no exception on its way: the keys are added again
    // (the row refused, the transaction rolled back).
    try {
      Transaction tx(*db);
      {
        ForeignKeysCheckedAtEnd set_aside(*db);
        db->ExecScript(orphan_txn);
      }
      tx.Commit();
      FAIL() << "committed without the keys";
    } catch (const StorageFault&) {
    }
    EXPECT_EQ(keys(), before);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM loan_txn"), txns);
  }
  // With the keys back, the same row is refused at commit as ever.
  if (OnPostgres()) {
    EXPECT_THROW(
        {
          Transaction tx(*db);
          db->ExecScript(orphan_txn);
          tx.Commit();
        },
        StorageFault);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM loan_txn"), txns);
  }
}

TEST(Partitions, KeysStayUniqueAcrossBranches) {
  if (!OnPostgres()) GTEST_SKIP() << "PostgreSQL partitions";
  auto db = TwoBranchBook();
  const int64_t hn = BranchId(*db, "CN01");
  // A loan code or a borrower's citizen ID of Hải Phòng, written in Hà Nội's
  // range, is refused as the unique index refused it.
  const int64_t hn_loan = *db->QueryInt("SELECT id FROM loan WHERE code = 'H1'");
  EXPECT_THROW(db->ExecScript("UPDATE loan SET code = 'L1' WHERE id = " + std::to_string(hn_loan)),
               StorageFault);
  EXPECT_THROW(db->ExecScript("UPDATE borrower SET citizen_id = '031185000001' WHERE code = "
                              "'0000000101'"),
               StorageFault);
  EXPECT_THROW(db->ExecScript("UPDATE journal_entry SET chain_seq = 1 WHERE chain_seq = 2"),
               StorageFault);
  // A savings account stays in its borrower's range (so one per borrower).
  const int64_t hp_borrower = *db->QueryInt("SELECT id FROM borrower WHERE code = '0000000001'");
  EXPECT_THROW(db->ExecScript("INSERT INTO savings_account (id, borrower_id, office_id, "
                              "balance_dong, accrual, accrued_to) VALUES (" +
                              std::to_string(BranchIdBase(*db, hn) + 999'999) + ", " +
                              std::to_string(hp_borrower) + ", 1, 0, '0', '2024-03-22')"),
               StorageFault);
  auto verified = batch::Verify(*db, true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
}

TEST(Partitions, ABranchIsDetachedReadAloneAndAttachedAgain) {
  if (!OnPostgres()) GTEST_SKIP() << "PostgreSQL partitions";
  auto db = TwoBranchBook();
  const int64_t hn = BranchId(*db, "CN01");
  const std::string hn_part = "_b" + std::to_string(hn);
  const int64_t entries = Count(*db, "SELECT COUNT(*) FROM journal_entry");
  const int64_t hn_entries = Count(*db, "SELECT COUNT(*) FROM journal_entry" + hn_part);
  db->ExecScript("SELECT tdcs_detach_branch_partitions(" + std::to_string(hn) + ")");
  for (const auto& table : kPartitioned)
    EXPECT_EQ(PartitionsOf(*db, table).count(table + hn_part), 0u) << table;
  // The tables no longer hold the branch; its detached tables hold it alone.
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM loan"), 3);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM journal_entry"), entries - hn_entries);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM loan" + hn_part), 2);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM borrower" + hn_part), 2);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM posting" + hn_part + " p JOIN journal_entry" +
                           hn_part + " e ON e.id = p.entry_id"),
            Count(*db, "SELECT COUNT(*) FROM posting" + hn_part));
  // While it is out, nothing is written for it: a household registered in
  // the branch is refused (there is no partition for its row), nothing kept.
  {
    std::istringstream in(std::string(testing::kBorrowersHeader) + HanoiBorrower(103));
    EXPECT_ANY_THROW(
        app::Import(*db.connection, app::SystemContext(), app::ImportKind::kBorrowers, in));
  }
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM borrower"), 3);
  // Its loan codes stay taken in the key table, but a batch finds no loan
  // behind them (a session line for one is an unknown loan).
  {
    Transaction tx(*db);
    LoanStore store(*db);
    EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM unique_loan_code WHERE code = 'H1'"), 1);
    EXPECT_TRUE(store.FindLoanIds({"H1"}).empty());
    EXPECT_EQ(store.FindLoanIds({"H1", "L1"}).size(), 1u);
  }
  // Attached again, the book is whole.
  db->ExecScript("SELECT tdcs_attach_branch_partitions(" + std::to_string(hn) + ")");
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM journal_entry"), entries);
  auto verified = batch::Verify(*db, true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
  ImportOk(*db.connection, app::ImportKind::kBorrowers,
           std::string(testing::kBorrowersHeader) + HanoiBorrower(103));
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM borrower" + hn_part), 3);
}

TEST(Partitions, AGeneratedLoadSitsInItsBranchsPartitions) {
  if (!OnPostgres()) GTEST_SKIP() << "PostgreSQL partitions";
  const std::string target = testing::NewTestTarget();
  auto generated =
      app::Generate(target, app::SystemContext(), {"demo", 7, *Date::Parse("2026-06-30")});
  ASSERT_TRUE(generated.ok()) << generated.error().ToString();
  auto db = Open(target);
  const int64_t branch = BranchId(*db, "CN31");
  for (const auto& table : kPartitioned) {
    if (table == "loan_opening") continue;  // generated loans open with normal principal only
    const auto rows = RowsByPartition(*db, table);
    ASSERT_EQ(rows.size(), 1u) << table;
    EXPECT_EQ(rows.begin()->first, table + "_b" + std::to_string(branch)) << table;
  }
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM borrower_b" + std::to_string(branch)), 8'425);
}

// A PostgreSQL database made before the partitions (schema 0012) upgrades:
// its rows, copied from a book written on SQLite (ids as they were before),
// are in range 0 after migration 0013, its keys are taken, the books verify,
// and a household registered afterwards goes to its branch's partition.
TEST(Partitions, ADatabaseFromBeforeThePartitionsUpgrades) {
  if (!OnPostgres()) GTEST_SKIP() << "PostgreSQL partitions";
  const auto dir = std::filesystem::temp_directory_path() / "tdcs-tests";
  std::filesystem::create_directories(dir);
  const std::string path =
      (dir / ("partition_upgrade_" + std::to_string(getpid()) + ".db")).string();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto old_book = app::Connection::Open(path);
  app::InitDatabase(*old_book);
  WriteTwoBranchBook(*old_book);
  Database& sqlite = testing::DbOf(*old_book);

  const std::string target = testing::NewTestTarget();
  auto pg = Open(target);
  // Migrations 0001–0012 by hand, as Migrate applied them before 0013.
  pg->ExecScript(
      "CREATE TABLE schema_migration (version BIGINT PRIMARY KEY, name TEXT NOT NULL, "
      "applied_at TEXT NOT NULL)");
  for (const auto& m : AllMigrations()) {
    if (m.version >= 13) continue;
    Transaction tx(*pg);
    pg->ExecScript(ForEngine(Engine::kPostgres, m.sql));
    auto st = pg->Prepare(
        "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, 'test')");
    st->BindInt(1, m.version);
    st->BindText(2, m.name);
    st->Run();
    tx.Commit();
  }
  // Every table of schema 0012, row by row, foreign keys unchecked meanwhile.
  {
    Transaction tx(*pg);
    pg->ExecScript("SET LOCAL session_replication_role = replica");
    std::vector<std::string> tables;
    auto list = pg->Prepare(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> "
        "'schema_migration' ORDER BY tablename");
    while (list->Step()) tables.push_back(list->GetText(0));
    for (const auto& table : tables) {
      std::vector<std::string> columns;
      auto cols = pg->Prepare(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND "
          "table_name = ? ORDER BY ordinal_position");
      cols->BindText(1, table);
      while (cols->Step()) columns.push_back(cols->GetText(0));
      std::string names, marks;
      for (const auto& c : columns) {
        names += (names.empty() ? "" : ", ") + c;
        marks += marks.empty() ? "?" : ", ?";
      }
      pg->ExecScript("DELETE FROM " + table);
      auto read = sqlite.Prepare("SELECT " + names + " FROM " + table);
      auto write = pg->Prepare("INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")");
      while (read->Step()) {
        for (size_t i = 0; i < columns.size(); ++i) {
          const int column = static_cast<int>(i);
          if (read->IsNull(column))
            write->BindNull(column + 1);
          else
            write->BindText(column + 1, read->GetText(column));
        }
        write->Run();
      }
    }
    tx.Commit();
  }
  // The partitions, and what came after.
  EXPECT_EQ(Migrate(*pg),
            (std::vector<int>{13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27}));
  for (const auto& table : kPartitioned) {
    const std::string count = "SELECT COUNT(*) FROM " + table;
    EXPECT_GT(Count(sqlite, count), 0) << table;
    EXPECT_EQ(Count(*pg, count), Count(sqlite, count)) << table;
    const auto rows = RowsByPartition(*pg, table);
    ASSERT_EQ(rows.size(), 1u) << table;
    EXPECT_EQ(rows.begin()->first, table + "_b0") << table;
    EXPECT_EQ(PartitionsOf(*pg, table).size(), 3u) << table;  // b0 and each branch's
  }
  EXPECT_EQ(Count(*pg, "SELECT COUNT(*) FROM unique_loan_code"), 5);
  EXPECT_EQ(Count(*pg, "SELECT COUNT(*) FROM unique_borrower_citizen_id"), 5);
  auto verified = batch::Verify(*pg, true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
  pg.reset();
  auto upgraded = app::Connection::Open(target);
  ImportOk(*upgraded, app::ImportKind::kBorrowers,
           std::string(testing::kBorrowersHeader) + HanoiBorrower(103));
  Database& db = testing::DbOf(*upgraded);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM borrower_b" + std::to_string(BranchId(db, "CN01"))), 1);
  EXPECT_EQ(Count(db, "SELECT COUNT(*) FROM borrower_b0"), 5);
  EXPECT_TRUE(batch::Verify(db, true).ok());
  old_book.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
}

TEST(Partitions, SqliteKeepsOneRangeOfIds) {
  if (OnPostgres()) GTEST_SKIP() << "SQLite";
  auto db = TwoBranchBook();
  for (const char* sql : {"SELECT MAX(id) FROM borrower", "SELECT MAX(id) FROM loan",
                          "SELECT MAX(id) FROM loan_txn", "SELECT MAX(id) FROM journal_entry",
                          "SELECT MAX(id) FROM savings_txn", "SELECT MAX(id) FROM membership"})
    EXPECT_LT(Count(*db, sql), 100'000) << sql;
  EXPECT_EQ(Count(*db, "SELECT MIN(id) FROM borrower"), 1);
  EXPECT_EQ(Count(*db, "SELECT MIN(id) FROM loan"), 1);
  EXPECT_EQ(Count(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'unique_%'"), 0);
}

}  // namespace
}  // namespace tdcs::store
