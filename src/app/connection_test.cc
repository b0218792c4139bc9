#include "app/connection.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "app/internal/access.h"
#include "app/setup.h"
#include "base/fault.h"

namespace tdcs::app {
namespace {

// A password in a connection string never reaches what a user sees.
TEST(ConnectionTest, PasswordsAreRedactedFromFaults) {
  EXPECT_EQ(RedactPassword("cannot connect to postgresql://tdcs:s3cret@db.example/tdcs",
                           "postgresql://tdcs:s3cret@db.example/tdcs"),
            "cannot connect to postgresql://tdcs:***@db.example/tdcs");
  EXPECT_EQ(RedactPassword("bad: password=hunter2x host=x",
                           "postgresql:///tdcs?host=/run&password=hunter2x"),
            "bad: password=*** host=x");
  EXPECT_EQ(RedactPassword("no secret here", "var/demo.db"), "no secret here");
  // A real failed connection: the message does not hold the password.
  try {
    Connection::Open("postgresql://tdcs:Pa55word-zz@127.0.0.1:1/none?connect_timeout=2");
    FAIL() << "connected to port 1";
  } catch (const StorageFault& fault) {
    EXPECT_EQ(std::string(fault.what()).find("Pa55word-zz"), std::string::npos) << fault.what();
  }
}

// Writes that arrive together commit together, each in a savepoint of its
// own: one that throws in its transaction takes nothing of the others with
// it, and is not on the books itself.
TEST(WriteGroupTest, WritesArrivingTogetherCommitTogetherAndFailAlone) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("tdcs-write-group-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    auto setup = Connection::Open(path.string());
    InitDatabase(*setup);
    Db(*setup).ExecScript("CREATE TABLE probe (n INTEGER PRIMARY KEY)");
  }
  ConnectionPool pool(path.string(), 4);
  WriteGroup group(pool);
  // A use case's transaction; the one that fails throws inside it.
  const auto insert = [](Connection& c, int n, bool fail = false) {
    store::Transaction tx(Db(c));
    auto& st = Db(c).Cached("INSERT INTO probe (n) VALUES (?)");
    st.BindInt(1, n);
    st.Step();
    st.Reset();
    if (fail) throw std::runtime_error("a bug in one write");
    tx.Commit();
  };
  constexpr int kWrites = 24, kFailing = 13;
  std::atomic<bool> release{false};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  // The first write holds its group until the others have queued behind it.
  threads.emplace_back([&] {
    group.Run([&](Connection& c) {
      insert(c, 0);
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::atomic<int> submitting{0};
  for (int n = 1; n < kWrites; ++n)
    threads.emplace_back([&, n] {
      ++submitting;
      try {
        group.Run([&](Connection& c) { insert(c, n, n == kFailing); });
      } catch (const std::runtime_error&) {
        ++failed;
      }
    });
  while (submitting < kWrites - 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  release = true;
  for (auto& t : threads) t.join();

  EXPECT_EQ(failed.load(), 1);
  std::set<int64_t> stored;
  {
    auto lease = pool.Acquire();
    auto& st = Db(*lease).Cached("SELECT n FROM probe ORDER BY n");
    while (st.Step()) stored.insert(st.GetInt(0));
    st.Reset();
  }
  std::set<int64_t> expected;
  for (int n = 0; n < kWrites; ++n)
    if (n != kFailing) expected.insert(n);
  EXPECT_EQ(stored, expected);
  const auto counts = group.counts();
  // The first alone; the others queued behind it in one group (which one
  // write's fault sent back to run alone, each) — or, on a machine so busy
  // that a thread queued only after the release, two.
  EXPECT_EQ(counts.writes, kWrites);
  EXPECT_GE(counts.groups, 2);
  EXPECT_LE(counts.groups, 3);
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

}  // namespace
}  // namespace tdcs::app
