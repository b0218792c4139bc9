#include "text/text.h"

#include <gtest/gtest.h>

namespace tdcs::text {
namespace {

TEST(TextTest, FoldIgnoresCaseDiacriticsAndNormalForm) {
  EXPECT_EQ(Fold("Nguyễn Văn A"), "nguyen van a");
  // The same name typed decomposed (NFD): e + combining circumflex + combining tilde.
  EXPECT_EQ(Fold("Nguye\xCC\x82\xCC\x83n Va\xCC\x86n A"), "nguyen van a");
  EXPECT_EQ(Fold("Đặng Thị Đào"), "dang thi dao");
  EXPECT_EQ(Fold("  HỒ   Thị  Thủy "), "ho thi thuy");
  EXPECT_EQ(Fold("Hoà"), Fold("Hòa"));
}

TEST(TextTest, NfcComposes) { EXPECT_EQ(ToNfc("Nguye\xCC\x82\xCC\x83n"), "Nguyễn"); }

TEST(TextTest, VietnameseCollation) {
  Collator c;
  EXPECT_TRUE(c.Less("An", "Ăn"));
  EXPECT_TRUE(c.Less("Ăn", "Ân"));
  EXPECT_TRUE(c.Less("Dung", "Đào"));  // d before đ
  EXPECT_TRUE(c.Less("Đào", "Em"));
  EXPECT_TRUE(c.Less("Ngô", "Nguyễn"));
}

TEST(TextTest, Utf8Validity) {
  EXPECT_TRUE(IsValidUtf8("Nguyễn"));
  EXPECT_FALSE(IsValidUtf8("\xC3\x28"));
}

}  // namespace
}  // namespace tdcs::text
