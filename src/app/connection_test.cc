#include "app/connection.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace tdcs::app
