#include "network/network.h"

#include <algorithm>

namespace tdcs::network {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_RECORD_REJECTIONS(X)                                    \
  X(kCodeFormat, "CODE_FORMAT")                                      \
  X(kNameRequired, "NAME_REQUIRED")                                  \
  X(kNameTooLong, "NAME_TOO_LONG")                                   \
  X(kSessionDayRange, "SESSION_DAY_RANGE")                           \
  X(kDateFormat, "DATE_FORMAT")                                      \
  X(kCategoryUnknown, "CATEGORY_UNKNOWN")                            \
  X(kCitizenIdFormat, "CITIZEN_ID_FORMAT")                           \
  X(kCitizenIdProvinceUnknown, "CITIZEN_ID_PROVINCE_UNKNOWN")        \
  X(kCitizenIdCenturySexMismatch, "CITIZEN_ID_CENTURY_SEX_MISMATCH") \
  X(kCitizenIdBirthYearMismatch, "CITIZEN_ID_BIRTH_YEAR_MISMATCH")   \
  X(kTextControlCharacter, "TEXT_CONTROL_CHARACTER")                 \
  X(kTextFormulaLike, "TEXT_FORMULA_LIKE")                           \
  X(kAddressTooLong, "ADDRESS_TOO_LONG")                             \
  X(kDateOutOfRange, "DATE_OUT_OF_RANGE")
TDCS_DEFINE_REJECTIONS(RecordRejection, TDCS_RECORD_REJECTIONS)
#undef TDCS_RECORD_REJECTIONS

namespace {

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace

std::optional<Association> ParseAssociation(std::string_view text) {
  const std::string t = Lower(text);
  if (t == "farmers" || t == "11" || t == "hội nông dân" || t == "nông dân")
    return Association::kFarmers;
  if (t == "women" || t == "12" || t == "hội phụ nữ" || t == "phụ nữ" ||
      t == "hội liên hiệp phụ nữ")
    return Association::kWomen;
  if (t == "veterans" || t == "13" || t == "hội cựu chiến binh" || t == "cựu chiến binh")
    return Association::kVeterans;
  if (t == "youth" || t == "14" || t == "đoàn thanh niên" || t == "thanh niên")
    return Association::kYouth;
  return std::nullopt;
}

std::string_view AssociationKey(Association a) {
  switch (a) {
    case Association::kFarmers:
      return "farmers";
    case Association::kWomen:
      return "women";
    case Association::kVeterans:
      return "veterans";
    case Association::kYouth:
      return "youth";
  }
  return "";
}

std::string_view AssociationNameVi(Association a) {
  switch (a) {
    case Association::kFarmers:
      return "Hội Nông dân";
    case Association::kWomen:
      return "Hội Liên hiệp Phụ nữ";
    case Association::kVeterans:
      return "Hội Cựu chiến binh";
    case Association::kYouth:
      return "Đoàn Thanh niên";
  }
  return "";
}

std::optional<Sex> ParseSex(std::string_view text) {
  const std::string t = Lower(text);
  if (t == "male" || t == "m" || t == "nam") return Sex::kMale;
  if (t == "female" || t == "f" || t == "nữ" || t == "nu") return Sex::kFemale;
  return std::nullopt;
}

std::string_view SexKey(Sex s) { return s == Sex::kMale ? "male" : "female"; }

std::optional<MemberRole> ParseMemberRole(std::string_view text) {
  const std::string t = Lower(text);
  if (t.empty() || t == "member" || t == "thành viên") return MemberRole::kMember;
  if (t == "leader" || t == "tổ trưởng") return MemberRole::kLeader;
  if (t == "deputy" || t == "tổ phó") return MemberRole::kDeputy;
  return std::nullopt;
}

std::string_view MemberRoleKey(MemberRole r) {
  switch (r) {
    case MemberRole::kMember:
      return "member";
    case MemberRole::kLeader:
      return "leader";
    case MemberRole::kDeputy:
      return "deputy";
  }
  return "";
}

Result<std::vector<std::string>> ParseCategories(std::string_view text, std::string_view field) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(";,|", start);
    if (end == std::string_view::npos) end = text.size();
    std::string part = Lower(text.substr(start, end - start));
    part.erase(0, part.find_first_not_of(' '));
    part.erase(part.find_last_not_of(' ') + 1);
    if (!part.empty()) {
      if (std::find(std::begin(kCategories), std::end(kCategories), part) == std::end(kCategories))
        return MakeError(RecordRejection::kCategoryUnknown, std::string(field),
                         "Đối tượng '" + part + "' không có trong danh mục",
                         "Category '" + part + "' is not in the catalog");
      if (std::find(out.begin(), out.end(), part) == out.end()) out.push_back(part);
    }
    start = end + 1;
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string JoinCategories(const std::vector<std::string>& categories) {
  std::string out;
  for (const auto& c : categories) {
    if (!out.empty()) out += ';';
    out += c;
  }
  return out;
}

Status CheckDigitsCode(std::string_view code, size_t digits, std::string_view field) {
  if (code.size() != digits || !IsDigits(code))
    return MakeError(RecordRejection::kCodeFormat, std::string(field),
                     "Mã phải gồm đúng " + std::to_string(digits) + " chữ số, nhận được '" +
                         std::string(code) + "'",
                     "Code must be exactly " + std::to_string(digits) + " digits, got '" +
                         std::string(code) + "'");
  return Status::Ok();
}

Status CheckBankCode(std::string_view code, std::string_view field) {
  const bool ok =
      !code.empty() && code.size() <= 16 && std::all_of(code.begin(), code.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               c == '-' || c == '_';
      });
  if (!ok)
    return MakeError(
        RecordRejection::kCodeFormat, std::string(field),
        "Mã phải gồm 1–16 chữ cái, chữ số, '-' hoặc '_', nhận được '" + std::string(code) + "'",
        "Code must be 1–16 letters, digits, '-' or '_', got '" + std::string(code) + "'");
  return Status::Ok();
}

namespace {

// The first code point of `text` at `i` (valid UTF-8), advancing `i`.
char32_t NextCodePoint(std::string_view text, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b = byte(i);
  char32_t cp = b;
  int extra = 0;
  if (b >= 0xF0) {
    cp = b & 0x07;
    extra = 3;
  } else if (b >= 0xE0) {
    cp = b & 0x0F;
    extra = 2;
  } else if (b >= 0xC0) {
    cp = b & 0x1F;
    extra = 1;
  }
  ++i;
  for (int k = 0; k < extra && i < text.size(); ++k, ++i) cp = (cp << 6) | (byte(i) & 0x3F);
  return cp;
}

// Printable text: no control or bidi characters, no leading formula sign.
Status CheckText(std::string_view text, std::string_view field) {
  for (size_t i = 0; i < text.size();) {
    const char32_t cp = NextCodePoint(text, i);
    const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
    const bool bidi = cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
                      (cp >= 0x2066 && cp <= 0x2069);
    if (control || bidi)
      return MakeError(RecordRejection::kTextControlCharacter, std::string(field),
                       "Văn bản chứa ký tự điều khiển hoặc ký tự đổi chiều không được phép",
                       "The text holds a control or bidirectional-control character");
  }
  if (!text.empty() && (text[0] == '=' || text[0] == '+' || text[0] == '-' || text[0] == '@'))
    return MakeError(RecordRejection::kTextFormulaLike, std::string(field),
                     "Văn bản không được bắt đầu bằng = + - @",
                     "The text cannot start with = + - @");
  return Status::Ok();
}

}  // namespace

Status CheckName(std::string_view name, std::string_view field) {
  if (name.empty())
    return MakeError(RecordRejection::kNameRequired, std::string(field), "Tên không được để trống",
                     "Name is required");
  if (name.size() > 200)
    return MakeError(RecordRejection::kNameTooLong, std::string(field), "Tên dài quá 200 byte",
                     "Name is longer than 200 bytes");
  return CheckText(name, field);
}

Status CheckAddress(std::string_view address, std::string_view field) {
  if (address.size() > kAddressBytesMax)
    return MakeError(RecordRejection::kAddressTooLong, std::string(field),
                     "Địa chỉ dài quá 500 byte", "The address is longer than 500 bytes");
  return CheckText(address, field);
}

Status CheckSessionDay(int day, std::string_view field) {
  if (day < 1 || day > 31)
    return MakeError(RecordRejection::kSessionDayRange, std::string(field),
                     "Ngày giao dịch phải từ 1 đến 31", "Session day must be 1 to 31");
  return Status::Ok();
}

Result<Date> ParseDateField(std::string_view text, std::string_view field) {
  auto d = Date::Parse(text);
  if (!d)
    return MakeError(
        RecordRejection::kDateFormat, std::string(field),
        "Ngày không hợp lệ '" + std::string(text.substr(0, 40)) +
            "' (dạng YYYY-MM-DD hoặc dd/mm/yyyy)",
        "Invalid date '" + std::string(text.substr(0, 40)) + "' (YYYY-MM-DD or dd/mm/yyyy)");
  if (d->year() < kDateYearMin || d->year() > kDateYearMax)
    return MakeError(RecordRejection::kDateOutOfRange, std::string(field),
                     "Ngày phải trong các năm 1900–2100",
                     "The date must be in the years 1900–2100");
  return *d;
}

int CenturySexDigit(int birth_year, Sex sex) {
  return ((birth_year / 100) - 19) * 2 + (sex == Sex::kFemale ? 1 : 0);
}

Result<CitizenIdFacts> ParseCitizenId(std::string_view id, std::string_view field) {
  if (id.size() != 12 || !IsDigits(id))
    return MakeError(RecordRejection::kCitizenIdFormat, std::string(field),
                     "Số CCCD phải gồm đúng 12 chữ số, nhận được '" + std::string(id) + "'",
                     "Citizen ID must be exactly 12 digits, got '" + std::string(id) + "'");
  if (id[0] != '0')
    return MakeError(
        RecordRejection::kCitizenIdProvinceUnknown, std::string(field),
        "Mã tỉnh " + std::string(id.substr(0, 3)) + " trong số CCCD không tồn tại",
        "Province code " + std::string(id.substr(0, 3)) + " in the citizen ID does not exist");
  const int century_sex = id[3] - '0';
  const int yy = (id[4] - '0') * 10 + (id[5] - '0');
  CitizenIdFacts facts;
  facts.province_code = std::string(id.substr(1, 2));
  facts.birth_year = 1900 + (century_sex / 2) * 100 + yy;
  facts.sex = century_sex % 2 == 0 ? Sex::kMale : Sex::kFemale;
  return facts;
}

int AgeYears(Date birth_date, Date on) {
  int age = on.year() - birth_date.year();
  if (on.month() < birth_date.month() ||
      (on.month() == birth_date.month() && on.day() < birth_date.day()))
    --age;
  return age;
}

}  // namespace tdcs::network
