// Databases for tests. TDCS_TEST_DB picks the engine: unset or "sqlite" → a
// fresh SQLite file in a temporary directory; a postgresql:// URI → a fresh
// database created on that server for each call (the cluster is started by
// tests/pg_cluster.sh as a CTest fixture).
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "app/setup.h"
#include "store/db.h"

namespace tdcs::testing {

inline std::string TestDbTarget() {
  const char* env = std::getenv("TDCS_TEST_DB");
  return env && *env ? env : "sqlite";
}

// Creates a fresh, empty database and returns what store::Open takes to
// reach it (so a test can open a second connection to the same database).
inline std::string NewTestTarget() {
  static std::atomic<int> counter{0};
  const std::string target = TestDbTarget();
  const std::string name =
      "tdcs_test_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  if (target == "sqlite") {
    const auto dir = std::filesystem::temp_directory_path() / "tdcs-tests";
    std::filesystem::create_directories(dir);
    const auto path = dir / (name + ".db");
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    return path.string();
  }
  {
    auto admin = store::Open(target);
    admin->ExecScript("CREATE DATABASE " + name);
  }
  std::string uri = target;
  const auto pos = uri.find("///postgres");
  uri.replace(pos, 11, "///" + name);
  return uri;
}

inline std::unique_ptr<store::Database> NewTestDatabase() { return store::Open(NewTestTarget()); }

inline std::unique_ptr<store::Database> NewInitialisedDatabase() {
  auto db = NewTestDatabase();
  app::InitDatabase(*db);
  return db;
}

// A small network in Hải Phòng (legacy province 31, district An Dương 312).
inline const char* const kNetworkCsv =
    "kind,code,name,parent_code,area_code,session_day,valid_from\n"
    "branch,CN31,Chi nhánh NHCSXH Thành phố Hải Phòng,,31,,2015-01-01\n"
    "seat,HS31,Hội sở chi nhánh Hải Phòng,CN31,,,2015-01-01\n"
    "office,PGD312,Phòng giao dịch NHCSXH An Dương,CN31,,,2015-01-01\n"
    "point,P11581,Điểm giao dịch phường Lê Lợi,PGD312,11581,7,2015-01-01\n"
    "point,P11584,Điểm giao dịch phường Lê Thiện,PGD312,11584,12,2015-01-01\n"
    "village,11581001,Tổ dân phố 1,,11581,,2015-01-01\n"
    "village,11581002,Tổ dân phố 2,,11581,,2015-01-01\n"
    "village,11584001,Tổ dân phố 1,,11584,,2015-01-01\n";

inline const char* const kGroupsCsv =
    "code,name,point_code,village_code,association,valid_from\n"
    "0000001,Tổ TK&VV TDP 1 – Hội Phụ nữ,P11581,11581001,women,2015-01-01\n"
    "0000002,Tổ TK&VV TDP 2 – Hội Nông dân,P11581,11581002,farmers,2015-01-01\n"
    "0000003,Tổ TK&VV TDP 1 – Hội Cựu chiến binh,P11584,11584001,veterans,2015-01-01\n";

inline const char* const kBorrowersHeader =
    "code,name,citizen_id,birth_date,sex,address,village_code,categories,group_code,role,"
    "valid_from\n";

// A valid borrower row: n (1–999999) makes the code and citizen ID unique.
inline std::string BorrowerRow(int n, const std::string& name, const std::string& group,
                               const std::string& role = "member",
                               const std::string& from = "2020-01-15") {
  char code[16], citizen[16];
  std::snprintf(code, sizeof code, "%010d", n);
  std::snprintf(citizen, sizeof citizen, "031185%06d", n);  // female, born 1985, Hải Phòng
  return std::string(code) + "," + name + "," + citizen +
         ",1985-06-01,female,\"Tổ dân phố 1, phường Lê Lợi\",11581001,poor," + group + "," + role +
         "," + from + "\n";
}

}  // namespace tdcs::testing
