// The store contract: the same tests on SQLite and on PostgreSQL (chosen by
// TDCS_TEST_DB, see tests/test_db.h). Whatever the engine, the schema, the
// bindings, transactions, reference data and the all-or-nothing import
// behave the same.
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>

#include "app/import.h"
#include "app/loans.h"
#include "app/network_ops.h"
#include "batch/close.h"
#include "batch/verify.h"
#include "store/admin_units.h"
#include "store/calendar_store.h"
#include "store/migrate.h"
#include "store/network_store.h"
#include "store/program_store.h"
#include "test_db.h"

namespace tdcs::store {
namespace {

TEST(StoreContract, MigratesOnceAndRecordsTheVersion) {
  auto db = testing::NewTestDatabase();
  EXPECT_EQ(SchemaVersion(*db), 0);
  const auto applied = Migrate(*db);
  ASSERT_EQ(applied.size(), AllMigrations().size());
  EXPECT_EQ(SchemaVersion(*db), AllMigrations().back().version);
  EXPECT_TRUE(Migrate(*db).empty());
}

// The schema's text compares bytewise on both engines (UTF-8 bytes order as
// code points): upper case before lower, "Đ" (U+0110) after "z", and a key
// that differs only in case or accent is another key.
TEST(StoreContract, TheSchemasTextComparesBytewise) {
  auto db = testing::NewTestDatabase();
  Migrate(*db);
  auto put = db->Prepare("INSERT INTO batch_state (name, value) VALUES (?, '')");
  for (const char* name : {"b", "Đông", "a", "B", "z", "Dong", "dong"}) {
    put->BindText(1, name);
    put->Run();
  }
  std::string order;
  auto read = db->Prepare("SELECT name FROM batch_state ORDER BY name");
  while (read->Step()) order += read->GetText(0) + " ";
  EXPECT_EQ(order, "B Dong a b dong z Đông ");
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM batch_state WHERE name > 'Z'"), 5);
}

TEST(StoreContract, BindsAndReadsEveryType) {
  auto db = testing::NewTestDatabase();
  db->ExecScript("CREATE TABLE t (i BIGINT, s TEXT, d DATE)");
  auto insert = db->Prepare("INSERT INTO t (i, s, d) VALUES (?, ?, ?)");
  insert->BindInt(1, INT64_MAX);
  insert->BindText(2, "Nguyễn Văn A, 'quoted' ?");
  insert->BindText(3, "2024-02-29");
  insert->Run();
  insert->BindInt(1, INT64_MIN);
  insert->BindNull(2);
  insert->BindNull(3);
  insert->Run();
  auto select = db->Prepare("SELECT i, s, d FROM t WHERE s = ? OR s IS NULL ORDER BY i");
  select->BindText(1, "Nguyễn Văn A, 'quoted' ?");
  ASSERT_TRUE(select->Step());
  EXPECT_EQ(select->GetInt(0), INT64_MIN);
  EXPECT_TRUE(select->IsNull(1));
  ASSERT_TRUE(select->Step());
  EXPECT_EQ(select->GetInt(0), INT64_MAX);
  EXPECT_EQ(select->GetText(1), "Nguyễn Văn A, 'quoted' ?");
  EXPECT_EQ(select->GetText(2), "2024-02-29");
  EXPECT_FALSE(select->Step());
}

TEST(StoreContract, TransactionsCommitOrRollBack) {
  auto db = testing::NewTestDatabase();
  db->ExecScript("CREATE TABLE t (i BIGINT PRIMARY KEY)");
  {
    Transaction tx(*db);
    db->ExecScript("INSERT INTO t VALUES (1)");
  }  // destroyed without Commit
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM t"), 0);
  {
    Transaction tx(*db);
    db->ExecScript("INSERT INTO t VALUES (2)");
    tx.Commit();
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM t"), 1);
  // A constraint violation is a StorageFault, and the transaction leaves nothing.
  try {
    Transaction tx(*db);
    db->ExecScript("INSERT INTO t VALUES (3)");
    db->ExecScript("INSERT INTO t VALUES (2)");
    tx.Commit();
    FAIL() << "duplicate key accepted";
  } catch (const StorageFault&) {
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM t"), 1);
}

// A write that fails is never lost, however the engine sends it (PostgreSQL
// pipelines writes): its fault comes at the latest with the next read or the
// commit, names its statement, and nothing of the transaction is kept.
TEST(StoreContract, AFailedWriteIsThrownBeforeAnythingCommits) {
  auto db = testing::NewTestDatabase();
  db->ExecScript("CREATE TABLE t (i BIGINT PRIMARY KEY)");
  auto insert = db->Prepare("INSERT INTO t (i) VALUES (?)");
  auto count = [&] { return db->QueryInt("SELECT COUNT(*) FROM t"); };
  // Many writes, then a read: every one is there.
  {
    Transaction tx(*db);
    for (int i = 1; i <= 2500; ++i) {
      insert->BindInt(1, i);
      insert->Run();
    }
    EXPECT_EQ(count(), 2500);
    tx.Commit();
  }
  // A duplicate among many writes fails the read that follows, or the commit.
  for (bool read_first : {true, false}) {
    try {
      Transaction tx(*db);
      for (int i = 3000; i < 3100; ++i) {
        insert->BindInt(1, i);
        insert->Run();
      }
      insert->BindInt(1, 7);
      insert->Run();
      insert->BindInt(1, 3200);
      insert->Run();
      if (read_first) count();
      tx.Commit();
      FAIL() << "duplicate key accepted";
    } catch (const StorageFault& fault) {
      EXPECT_NE(fault.statement().find("INSERT INTO t"), std::string::npos) << fault.what();
    }
    EXPECT_EQ(count(), 2500);
  }
  // Nor is it lost when a statement is thrown away in between (its cleanup
  // cannot report the failure): the commit still names the failed write.
  try {
    Transaction tx(*db);
    {
      auto passing = db->Prepare("SELECT COUNT(*) FROM t WHERE i < ?");
      insert->BindInt(1, 8);
      insert->Run();
    }
    tx.Commit();
    FAIL() << "duplicate key accepted";
  } catch (const StorageFault& fault) {
    EXPECT_NE(fault.statement().find("INSERT INTO t"), std::string::npos) << fault.what();
  }
  EXPECT_EQ(count(), 2500);
  // A failure inside a savepoint that is rolled back leaves the outer
  // transaction whole.
  {
    Transaction outer(*db);
    insert->BindInt(1, 4000);
    insert->Run();
    try {
      Transaction inner(*db);
      insert->BindInt(1, 4001);
      insert->Run();
      insert->BindInt(1, 1);
      insert->Run();  // SQLite throws here; PostgreSQL has not answered yet
    } catch (const StorageFault&) {
    }  // rolled back, whether or not the failure was seen
    insert->BindInt(1, 4002);
    insert->Run();
    outer.Commit();
  }
  EXPECT_EQ(count(), 2502);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM t WHERE i = 4001"), 0);
}

// Thousands of rows of one insert (a bulk load's: PostgreSQL sends them with
// COPY) arrive exactly as bound: text with tabs, line breaks, backslashes
// and quotes, NULLs bound and written, in every count around the batch
// sizes; a duplicate among them fails the commit, and nothing of it stays.
TEST(StoreContract, ManyRowsOfAnInsertArriveAsBound) {
  auto db = testing::NewTestDatabase();
  db->ExecScript(
      "CREATE TABLE bulk (id BIGINT PRIMARY KEY, label TEXT, n BIGINT, gone TEXT, day DATE)");
  auto insert = db->Prepare("INSERT INTO bulk (id, label, n, gone, day) VALUES (?, ?, ?, NULL, ?)");
  auto label = [](int i) {
    static const char* kOdd[] = {
        "tab\there", "line\nbreak\r\n", "back\\slash\\N", "quote ' and \"", "Nguyễn Thị Hoà", "",
        "\\."};
    // Whole values that look like COPY's own marks, as they are; the others
    // with their number.
    if (i % 13 == 0) return std::string();
    if (i % 13 == 1) return std::string("\\N");
    if (i % 13 == 2) return std::string("\\.");
    return std::string(kOdd[i % 7]) + " #" + std::to_string(i);
  };
  int64_t next = 1;
  for (int rows : {511, 512, 4095, 4096, 4097, 9000}) {
    {
      Transaction tx(*db);
      for (int k = 0; k < rows; ++k, ++next) {
        insert->BindInt(1, next);
        if (next % 11 == 0)
          insert->BindNull(2);
        else
          insert->BindText(2, label(static_cast<int>(next)));
        insert->BindInt(3, -next * 1'000'000'007);
        insert->BindText(4, "2025-07-01");
        insert->Run();
      }
      tx.Commit();
    }
    EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM bulk"), next - 1) << rows;
  }
  auto read = db->Prepare("SELECT id, label, n, gone, day FROM bulk ORDER BY id");
  int64_t expected = 1;
  while (read->Step()) {
    ASSERT_EQ(read->GetInt(0), expected);
    if (expected % 11 == 0)
      EXPECT_TRUE(read->IsNull(1)) << expected;
    else
      EXPECT_EQ(read->GetText(1), label(static_cast<int>(expected)));
    EXPECT_EQ(read->GetInt(2), -expected * 1'000'000'007);
    EXPECT_TRUE(read->IsNull(3));
    EXPECT_EQ(read->GetText(4), "2025-07-01");
    ++expected;
  }
  EXPECT_EQ(expected, next);
  // A duplicate in the middle of a bulk insert: the commit fails, naming
  // the insert, and none of its rows stay.
  try {
    Transaction tx(*db);
    for (int k = 0; k < 6000; ++k) {
      insert->BindInt(1, k == 3000 ? 5 : next + k);
      insert->BindText(2, "dup");
      insert->BindInt(3, k);
      insert->BindText(4, "2025-07-01");
      insert->Run();
    }
    tx.Commit();
    FAIL() << "duplicate key accepted";
  } catch (const StorageFault& fault) {
    EXPECT_NE(fault.statement().find("INSERT INTO bulk"), std::string::npos) << fault.what();
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM bulk"), next - 1);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM bulk WHERE label = 'dup'"), 0);
  // The connection goes on as before.
  {
    Transaction tx(*db);
    insert->BindInt(1, next);
    insert->BindText(2, "after");
    insert->BindInt(3, 0);
    insert->BindText(4, "2026-01-01");
    insert->Run();
    tx.Commit();
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM bulk WHERE label = 'after'"), 1);
  ++next;
  auto bulk_rows = [&](int rows, int64_t duplicate_at, const char* text) {
    for (int k = 0; k < rows; ++k) {
      insert->BindInt(1, k == duplicate_at ? 5 : next + k);
      insert->BindText(2, text);
      insert->BindInt(3, k);
      insert->BindText(4, "2025-07-01");
      insert->Run();
    }
    next += rows;
  };
  // A full batch goes out at once, and a statement of another kind right
  // after it waits for it: both are there.
  db->ExecScript("CREATE TABLE tally (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)");
  db->ExecScript("INSERT INTO tally (id, v) VALUES (1, 0)");
  auto bump = db->Prepare("UPDATE tally SET v = v + 1 WHERE id = ?");
  {
    Transaction tx(*db);
    bulk_rows(4096, -1, "full");
    bump->BindInt(1, 1);
    bump->Run();
    bulk_rows(700, -1, "full");
    bump->BindInt(1, 1);
    bump->Run();
    tx.Commit();
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM bulk WHERE label = 'full'"), 4796);
  EXPECT_EQ(db->QueryInt("SELECT v FROM tally"), 2);
  // A bulk insert that fails is thrown by the read that follows it (SQLite:
  // by the insert itself).
  {
    Transaction tx(*db);
    EXPECT_THROW(
        {
          bulk_rows(4096, 100, "read");
          db->QueryInt("SELECT COUNT(*) FROM tally");
        },
        StorageFault);
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM bulk WHERE label = 'read'"), 0);
  // One that fails inside a savepoint rolled back leaves the outer
  // transaction whole.
  {
    Transaction outer(*db);
    bulk_rows(600, -1, "outer");
    try {
      Transaction inner(*db);
      bulk_rows(4096, 4000, "inner");
      bulk_rows(10, -1, "inner");
      db->QueryInt("SELECT COUNT(*) FROM tally");
      FAIL() << "duplicate key accepted";
    } catch (const StorageFault&) {
    }
    bulk_rows(600, -1, "outer");
    outer.Commit();
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM bulk WHERE label = 'outer'"), 1200);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM bulk WHERE label = 'inner'"), 0);
}

// Writes reach the server in the order made, whatever an engine holds back
// to send together: an update finds the rows inserted before it, and a row
// that another refers to is there before the row that refers to it.
TEST(StoreContract, WritesTakeEffectInTheOrderMade) {
  auto db = testing::NewTestDatabase();
  db->ExecScript(
      "CREATE TABLE parent (id BIGINT PRIMARY KEY); "
      "CREATE TABLE child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL REFERENCES "
      "parent(id), n BIGINT NOT NULL)");
  auto parent = db->Prepare("INSERT INTO parent (id) VALUES (?)");
  auto child = db->Prepare("INSERT INTO child (id, parent_id, n) VALUES (?, ?, ?)");
  auto bump = db->Prepare("UPDATE child SET n = n + 1 WHERE parent_id = ?");
  {
    Transaction tx(*db);
    for (int p = 1; p <= 300; ++p) {
      parent->BindInt(1, p);
      parent->Run();
      for (int c = 0; c < 3; ++c) {
        child->BindInt(1, p * 10 + c);
        child->BindInt(2, p);
        child->BindInt(3, 0);
        child->Run();
      }
      if (p % 7 == 0) {
        bump->BindInt(1, p);
        bump->Run();
      }
    }
    tx.Commit();
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM child"), 900);
  EXPECT_EQ(db->QueryInt("SELECT SUM(n) FROM child"), 3 * (300 / 7));
}

// Updates of whole rows by key, however an engine sends them together, leave
// what running them one by one would: the last update of a row wins, a read
// sees every update before it, a statement of another shape waits for them,
// a savepoint rolled back undoes just its own, and NULLs, dates and texts with
// quotes arrive as they were bound.
TEST(StoreContract, UpdatesByKeyLeaveWhatRunningThemInOrderWould) {
  auto db = testing::NewTestDatabase();
  db->ExecScript(
      "CREATE TABLE acct (id BIGINT PRIMARY KEY, balance BIGINT NOT NULL, note TEXT, "
      "due DATE)");
  auto insert = db->Prepare("INSERT INTO acct (id, balance, note, due) VALUES (?, 0, NULL, NULL)");
  auto set_pairs = db->Prepare("UPDATE acct SET balance = ?, note = ? WHERE id = ?");
  auto set_row = db->Prepare("UPDATE acct SET (balance, note, due) = (?, ?, ?) WHERE id = ?");
  auto add = db->Prepare("UPDATE acct SET balance = balance + 1 WHERE id = ?");
  auto balance = [&](int64_t id) {
    auto& st = db->Cached("SELECT balance FROM acct WHERE id = ?");
    st.BindInt(1, id);
    int64_t value = st.Step() ? st.GetInt(0) : -1;
    st.Reset();
    return value;
  };
  {
    Transaction tx(*db);
    for (int id = 1; id <= 500; ++id) {
      insert->BindInt(1, id);
      insert->Run();
    }
    for (int round = 1; round <= 3; ++round)
      for (int id = 1; id <= 500; ++id) {
        set_pairs->BindInt(1, id * 10 + round);
        set_pairs->BindText(2, "it's \"round\" " + std::to_string(round));
        set_pairs->BindInt(3, id);
        set_pairs->Run();
      }
    EXPECT_EQ(balance(7), 73);  // a read sees the last update before it
    for (int id = 1; id <= 500; ++id) {
      set_row->BindInt(1, id);
      if (id % 2)
        set_row->BindNull(2);
      else
        set_row->BindText(2, "even");
      set_row->BindText(3, "2026-07-0" + std::to_string(id % 9 + 1));
      set_row->BindInt(4, id);
      set_row->Run();
      if (id % 5 == 0) {  // another shape of update on the same table
        add->BindInt(1, id);
        add->Run();
      }
    }
    {
      Transaction inner(*db);
      set_row->BindInt(1, -1);
      set_row->BindNull(2);
      set_row->BindNull(3);
      set_row->BindInt(4, 3);
      set_row->Run();
    }  // rolled back: account 3 keeps what it had
    tx.Commit();
  }
  EXPECT_EQ(db->QueryInt("SELECT SUM(balance) FROM acct"), 500 * 501 / 2 + 100);
  EXPECT_EQ(balance(3), 3);
  EXPECT_EQ(balance(10), 11);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM acct WHERE note IS NULL"), 250);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM acct WHERE note = 'even'"), 250);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM acct WHERE due = '2026-07-05'"),
            db->QueryInt("SELECT COUNT(*) FROM acct WHERE id % 9 = 4"));
  {
    Transaction tx(*db);
    set_pairs->BindInt(1, 99);
    set_pairs->BindText(2, "it's \"quoted\" \\ too");
    set_pairs->BindInt(3, 2);
    set_pairs->Run();
    tx.Commit();
  }
  auto note = db->Prepare("SELECT note FROM acct WHERE id = 2");
  ASSERT_TRUE(note->Step());
  EXPECT_EQ(note->GetText(0), "it's \"quoted\" \\ too");
}

// A row inserted and then updated in the same transaction, one after the
// other as an import does (with reads between some of them), keeps its
// update, however many rows each statement holds; an update whose key is
// NULL finds nothing and takes no other row's place; an update of a key not
// yet inserted finds nothing, as it did when it ran.
TEST(StoreContract, AnUpdateFollowsTheInsertOfItsRow) {
  auto db = testing::NewTestDatabase();
  db->ExecScript("CREATE TABLE item (id BIGINT PRIMARY KEY, state TEXT NOT NULL)");
  auto insert = db->Prepare("INSERT INTO item (id, state) VALUES (?, 'new')");
  auto advance = db->Prepare("UPDATE item SET state = ? WHERE id = ?");
  // The same update as another statement, so that it is held apart.
  auto early = db->Prepare("UPDATE item SET state = ? WHERE id = ?");
  {
    Transaction tx(*db);
    early->BindText(1, "early");
    early->BindInt(2, 1000);  // not inserted yet: finds nothing
    early->Run();
    for (int id = 1; id <= 1000; ++id) {
      insert->BindInt(1, id);
      insert->Run();
      if (id == 1 || id == 300) EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM item"), id);
      advance->BindText(1, "advanced");
      advance->BindInt(2, id);
      advance->Run();
      if (id == 500) {
        advance->BindText(1, "lost");
        advance->BindNull(2);
        advance->Run();
      }
    }
    tx.Commit();
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM item WHERE state = 'advanced'"), 1000);
}

// A transaction that fails leaves the connection as good as new: the next
// one writes the same statements (PostgreSQL prepares again what the failed
// pipeline did not).
TEST(StoreContract, AFailedTransactionLeavesTheConnectionWhole) {
  auto db = testing::NewTestDatabase();
  db->ExecScript("CREATE TABLE t (i BIGINT PRIMARY KEY); CREATE TABLE u (i BIGINT)");
  db->ExecScript("INSERT INTO t (i) VALUES (1); INSERT INTO t (i) VALUES (2)");
  auto clash = db->Prepare("UPDATE t SET i = 1 WHERE i = 2");
  auto insert = db->Prepare("INSERT INTO u (i) VALUES (?)");
  auto two_rows = [&] {
    for (int k = 0; k < 2; ++k) {
      insert->BindInt(1, k);
      insert->Run();
    }
  };
  try {
    Transaction tx(*db);
    clash->Run();
    two_rows();
    tx.Commit();
    FAIL() << "duplicate key accepted";
  } catch (const StorageFault&) {
  }
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM u"), 0);
  Transaction tx(*db);
  two_rows();
  tx.Commit();
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM u"), 2);
}

// A statement outside a transaction commits on its own and is done when Run
// returns: another connection sees it at once, and a session lock let go is
// free for the next holder.
TEST(StoreContract, AStatementOutsideATransactionIsDoneWhenRunReturns) {
  const std::string target = testing::NewTestTarget();
  auto a = Open(target);
  auto b = Open(target);
  a->ExecScript("CREATE TABLE t (i BIGINT PRIMARY KEY)");
  auto insert = a->Prepare("INSERT INTO t (i) VALUES (?)");
  insert->BindInt(1, 1);
  insert->Run();
  EXPECT_EQ(b->QueryInt("SELECT COUNT(*) FROM t"), 1);
  { BatchLock held(*a, "contract"); }
  bool waited = false;
  {
    BatchLock next(*b, "contract", [&] { waited = true; });
  }
  EXPECT_FALSE(waited);
}

// A fault's message is for users and holds no SQL; the statement that failed
// is kept apart, for debugging.
TEST(StoreContract, AFaultKeepsItsStatementOutOfTheMessage) {
  auto db = testing::NewTestDatabase();
  try {
    db->Prepare("SELECT nothing FROM no_such_table WHERE 1 = ?")->Step();
    FAIL() << "a statement on a missing table ran";
  } catch (const StorageFault& fault) {
    EXPECT_EQ(std::string(fault.what()).find("SELECT"), std::string::npos) << fault.what();
    EXPECT_NE(fault.statement().find("SELECT nothing FROM no_such_table"), std::string::npos);
  }
  db->ExecScript("CREATE TABLE t (i BIGINT PRIMARY KEY)");
  auto insert = db->Prepare("INSERT INTO t (i) VALUES (?)");
  insert->BindInt(1, 1);
  insert->Step();
  insert->Reset();
  insert->BindInt(1, 1);
  try {
    insert->Step();
    FAIL() << "duplicate key accepted";
  } catch (const StorageFault& fault) {
    EXPECT_EQ(std::string(fault.what()).find("INSERT"), std::string::npos) << fault.what();
    EXPECT_NE(fault.statement().find("INSERT INTO t"), std::string::npos);
  }
}

// Opening an existing database never creates one: a mistyped path fails.
TEST(StoreContract, OpeningAnExistingDatabaseCreatesNothing) {
  if (testing::TestDbTarget() != "sqlite") GTEST_SKIP() << "SQLite files only";
  const std::string path = testing::NewTestTarget();
  try {
    Open(path, OpenMode::kExisting);
    FAIL() << "a missing file was opened";
  } catch (const StorageFault& fault) {
    EXPECT_NE(std::string(fault.what()).find("no such database " + path), std::string::npos)
        << fault.what();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  Open(path, OpenMode::kCreate);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_NO_THROW(Open(path, OpenMode::kExisting));
}

TEST(StoreContract, LoadsBothAdministrativeStructuresAndTheMapping) {
  auto db = testing::NewInitialisedDatabase();
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM admin_province WHERE era = 'L'"), 63);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM admin_province WHERE era = 'N'"), 34);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM admin_district"), 696);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM admin_commune WHERE era = 'L'"), 10'035);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM admin_commune WHERE era = 'N'"), 3'321);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM admin_commune_map"), 10'568);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM admin_province_map"), 63);
  EXPECT_EQ(LoadAdminUnits(*db), 0);  // idempotent
  const AdminIndex index = ReadAdminIndex(*db);
  EXPECT_EQ(index.reform_date, *Date::Parse("2025-07-01"));
  EXPECT_EQ(index.CommuneOn("00001", *Date::Parse("2025-06-30"))->name, "Phúc Xá");
  EXPECT_EQ(index.CommuneOn("00004", *Date::Parse("2025-07-01"))->name, "Ba Đình");
  EXPECT_EQ(index.province_map.at("30"), "31");
}

TEST(StoreContract, ProgramCatalogHasEffectiveDatedVersions) {
  auto db = testing::NewInitialisedDatabase();
  auto programs = ReadPrograms(*db);
  ASSERT_TRUE(programs.count("01"));
  const auto* poor = programs::VersionOn(programs["01"], *Date::Parse("2024-03-22"));
  ASSERT_NE(poor, nullptr);
  EXPECT_EQ(poor->rate.per_month_millionths(), 5500);
  EXPECT_EQ(poor->OverdueRate().per_month_millionths(), 7150);
  EXPECT_EQ(poor->max_amount.dong(), 100'000'000);
  EXPECT_EQ(poor->channel, "entrusted");
  const auto& housing = programs["17"];
  ASSERT_EQ(housing.size(), 2u);
  EXPECT_EQ(programs::VersionOn(housing, *Date::Parse("2024-08-14"))->rate.per_month_millionths(),
            4000);
  EXPECT_EQ(programs::VersionOn(housing, *Date::Parse("2024-08-15"))->rate.per_month_millionths(),
            5500);
  EXPECT_EQ(programs["02"].front().tranches, "semester");
  EXPECT_EQ(programs["06"].front().rate.per_month_millionths(), 7500);
}

TEST(StoreContract, HolidayCalendarIsDatedData) {
  auto db = testing::NewInitialisedDatabase();
  const Date as_of = *Date::Parse("2025-01-01");
  HolidayCalendar calendar = ReadHolidayCalendar(*db);
  // Tết Ất Tỵ, Giỗ Tổ Hùng Vương, 30/4, 1/5 and both days of Quốc khánh 2025.
  for (const char* d : {"2025-01-27", "2025-01-31", "2025-04-07", "2025-04-30", "2025-05-01",
                        "2025-09-01", "2025-09-02", "2026-02-17", "2026-04-27", "2027-04-16"})
    EXPECT_TRUE(calendar.IsHoliday(*Date::Parse(d), as_of)) << d;
  EXPECT_TRUE(calendar.IsWorkingDay(*Date::Parse("2025-02-03"), as_of));
  // Withdrawing a day (valid_to) takes it out of the calendar from that date.
  Holiday h = calendar.holidays().front();
  h.valid_to = *Date::Parse("2023-06-01");
  {
    Transaction tx(*db);
    SaveHoliday(*db, h);
    tx.Commit();
  }
  calendar = ReadHolidayCalendar(*db);
  EXPECT_TRUE(calendar.IsHoliday(h.date, *Date::Parse("2023-05-31")));
  EXPECT_FALSE(calendar.IsHoliday(h.date, *Date::Parse("2023-06-01")));
  // Loading the calendar again (an upgrade) keeps one row per day and date,
  // and the withdrawal recorded in the database.
  const int rows = LoadHolidays(*db);
  EXPECT_EQ(*db->QueryInt("SELECT COUNT(*) FROM holiday"), rows);
  EXPECT_FALSE(ReadHolidayCalendar(*db).IsHoliday(h.date, *Date::Parse("2023-06-01")));
}

TEST(StoreContract, ImportIsAllOrNothing) {
  auto db = testing::NewInitialisedDatabase();
  for (auto [kind, text] : {std::pair{app::ImportKind::kNetwork, testing::kNetworkCsv},
                            std::pair{app::ImportKind::kGroups, testing::kGroupsCsv}}) {
    std::istringstream in(text);
    ASSERT_TRUE(app::Import(*db.connection, app::SystemContext(), kind, in).ok());
  }
  std::string csv = testing::kBorrowersHeader;
  for (int i = 1; i <= 10; ++i) csv += testing::BorrowerRow(i, "Lê Thị Hồng", "0000001");
  csv += testing::BorrowerRow(11, "Lê Thị Hồng", "0000404");
  std::istringstream bad(csv);
  auto r = app::Import(*db.connection, app::SystemContext(), app::ImportKind::kBorrowers, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].line, 12);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM borrower"), 0);
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM membership"), 0);
  EXPECT_EQ(db->QueryInt("SELECT next_value FROM id_sequence WHERE name = 'borrower'"), 1);
  csv.resize(csv.rfind("0000000011,"));
  std::istringstream good(csv);
  ASSERT_TRUE(
      app::Import(*db.connection, app::SystemContext(), app::ImportKind::kBorrowers, good).ok());
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM borrower"), 10);
  NetworkStore store(*db);
  EXPECT_EQ(store.CountsOn(*Date::Parse("2020-01-15")).memberships, 10);
}

TEST(StoreContract, ReformKeepsHistory) {
  auto db = testing::NewInitialisedDatabase();
  std::istringstream in(testing::kNetworkCsv);
  ASSERT_TRUE(
      app::Import(*db.connection, app::SystemContext(), app::ImportKind::kNetwork, in).ok());
  ASSERT_TRUE(app::ApplyReform2025(*db.connection, app::SystemContext()).ok());
  NetworkStore store(*db);
  EXPECT_EQ(store.PointsOn(*Date::Parse("2025-06-30"))[0].report_era, "L");
  EXPECT_EQ(store.PointsOn(*Date::Parse("2025-07-01"))[0].report_era, "N");
  EXPECT_EQ(db->QueryInt("SELECT COUNT(*) FROM commune_point_version"), 4);
}

// A small book of loans: the fixture network, three borrowers, two loans.
testing::InitialisedDatabase LoanBook() {
  auto db = testing::NewInitialisedDatabase();
  std::string borrowers = testing::kBorrowersHeader;
  for (int i = 1; i <= 3; ++i)
    borrowers += testing::BorrowerRow(i, "Trần Thị Mai", "0000001", "member", "2024-01-02");
  for (auto [kind, text] : {std::pair{app::ImportKind::kNetwork, std::string(testing::kNetworkCsv)},
                            std::pair{app::ImportKind::kGroups, std::string(testing::kGroupsCsv)},
                            std::pair{app::ImportKind::kBorrowers, borrowers}}) {
    std::istringstream in(text);
    EXPECT_TRUE(app::Import(*db.connection, app::SystemContext(), kind, in).ok());
  }
  const Date start = *Date::Parse("2024-03-22");
  EXPECT_TRUE(batch::CloseTo(*db, start).ok());
  for (auto [code, borrower] : {std::pair{"L1", "0000000001"}, std::pair{"L2", "0000000002"}}) {
    app::LoanApplicationRequest r;
    r.code = code;
    r.borrower_code = borrower;
    r.program = "01";
    r.amount = Money::Dong(50'000'000);
    r.term_months = 36;
    r.every_months = 6;
    r.date = start;
    EXPECT_TRUE(app::ApproveLoan(*db.connection, app::SystemContext(), r).ok());
    EXPECT_TRUE(app::ActOnLoan(*db.connection, app::SystemContext(),
                               {app::LoanActionKind::kDisburse, code, start})
                    .ok());
  }
  return db;
}

TEST(StoreContract, LoanLifeKeepsTheBooks) {
  auto db = LoanBook();
  const Date session = *Date::Parse("2024-04-07");
  ASSERT_TRUE(batch::CloseTo(*db, session).ok());
  auto view = app::ViewLoan(*db.connection, app::SystemContext(), "L1", session);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view.value().interest_due.dong(), 146'667);  // RULES §4.4
  auto report = app::PostCollections(*db.connection, app::SystemContext(), session,
                                     {{"L1", Money::Dong(1'146'667), "s-1"},
                                      {"L2", Money::Dong(999'999'999), "s-2"},
                                      {"L9", Money::Dong(1), "s-3"}});
  EXPECT_EQ(report.posted, 1);
  ASSERT_EQ(report.rejected.size(), 2u);
  EXPECT_EQ(report.rejected[0].error.code, "PAYMENT_EXCEEDS_DEBT");
  EXPECT_EQ(report.rejected[1].error.code, "LOAN_UNKNOWN");
  EXPECT_EQ(
      app::ViewLoan(*db.connection, app::SystemContext(), "L1", session).value().principal.dong(),
      49'000'000);
  ASSERT_TRUE(app::ActOnSavings(
                  *db.connection, app::SystemContext(),
                  {app::SavingsActionKind::kDeposit, "0000000003", Money::Dong(50'000), session})
                  .ok());
  ASSERT_TRUE(app::ActOnLoan(*db.connection, app::SystemContext(),
                             {app::LoanActionKind::kReverseLast, "L1", session})
                  .ok());
  EXPECT_EQ(
      app::ViewLoan(*db.connection, app::SystemContext(), "L1", session).value().principal.dong(),
      50'000'000);
  ASSERT_TRUE(batch::CloseTo(*db, *Date::Parse("2026-01-01")).ok());
  auto verified = batch::Verify(*db, true);
  EXPECT_TRUE(verified.ok()) << verified.problems.front();
  EXPECT_EQ(verified.loans, 2);
}

TEST(StoreContract, VerifyNamesAPostingAlteredByHand) {
  auto db = LoanBook();
  ASSERT_TRUE(batch::Verify(*db).ok());
  db->ExecScript(
      "UPDATE posting SET amount_dong = amount_dong + 1000 WHERE account_code = 'LOAN_NORMAL' "
      "AND entry_id = (SELECT MIN(entry_id) FROM posting)");
  auto report = batch::Verify(*db);
  ASSERT_FALSE(report.ok());
  std::string all;
  for (const auto& p : report.problems) all += p + "\n";
  EXPECT_NE(all.find("does not balance"), std::string::npos) << all;
  EXPECT_NE(all.find("loan L1: normal principal is 50.000.000 but its postings sum to 50.001.000"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("aggregate ledger_balance LOAN_NORMAL"), std::string::npos) << all;
}

}  // namespace
}  // namespace tdcs::store
