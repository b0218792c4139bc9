#include "base/csv.h"

#include <gtest/gtest.h>

#include <sstream>

namespace tdcs::csv {
namespace {

TEST(CsvTest, ReadsQuotedFieldsAndLineNumbers) {
  std::istringstream in(
      "\xEF\xBB\xBF"
      "a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",z\n3,,\n");
  Reader r(in);
  Row row;
  ASSERT_TRUE(r.Next(row));
  EXPECT_EQ(row.fields, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_TRUE(r.Next(row));
  EXPECT_EQ(row.line, 2);
  EXPECT_EQ(row.fields, (std::vector<std::string>{"1", "x, y", "say \"hi\""}));
  ASSERT_TRUE(r.Next(row));
  EXPECT_EQ(row.line, 3);
  EXPECT_EQ(row.fields[1], "two\nlines");
  ASSERT_TRUE(r.Next(row));
  EXPECT_EQ(row.line, 5);
  EXPECT_EQ(row.fields, (std::vector<std::string>{"3", "", ""}));
  EXPECT_FALSE(r.Next(row));
  EXPECT_TRUE(r.error().empty());
}

TEST(CsvTest, ReportsUnterminatedQuote) {
  std::istringstream in("a\n\"open\n");
  Reader r(in);
  Row row;
  ASSERT_TRUE(r.Next(row));
  EXPECT_FALSE(r.Next(row));
  EXPECT_FALSE(r.error().empty());
}

TEST(CsvTest, WriteRoundTrips) {
  std::ostringstream out;
  WriteRow(out, {"Nguyễn Văn A", "a,b", "q\"q", ""});
  EXPECT_EQ(out.str(), "Nguyễn Văn A,\"a,b\",\"q\"\"q\",\n");
  std::istringstream in(out.str());
  Reader r(in);
  Row row;
  ASSERT_TRUE(r.Next(row));
  EXPECT_EQ(row.fields, (std::vector<std::string>{"Nguyễn Văn A", "a,b", "q\"q", ""}));
}

TEST(CsvTest, RefusesBrokenQuoting) {
  for (const char* text : {"a,b\n\"HSF1\"junk,2\n", "a,b\nab\"c,2\n", "a\n\"x\" \n"}) {
    std::istringstream in(text);
    Reader r(in);
    Row row;
    while (r.Next(row)) {
    }
    EXPECT_FALSE(r.error().empty()) << text;
  }
}

TEST(CsvTest, FormulasAreWrittenAsText) {
  std::ostringstream out;
  WriteRow(out, {"=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", "2015-01-01", "Nguyễn"});
  EXPECT_EQ(out.str(), "'=cmd|' /C calc'!A0,'+1,'-2,'@SUM(A1),2015-01-01,Nguyễn\n");
}

}  // namespace
}  // namespace tdcs::csv
