// The bank's network and its people, as plain values, and the rules that can
// be checked on one record alone (formats, citizen ID consistency, ages).
// Rules that need other records (a commune exists, a group is not full, a
// borrower is in one group at a time) are in network/rules.h and are given
// the records they need; nothing here reads a database or the clock.
//
// Codes (RULES §1): customer code 10 digits, group 7 digits, village 8 digits,
// commune 5 digits (GSO), province 2 digits. Branch, office and commune point
// codes are the bank's own: 1–16 letters, digits, '-' or '_'.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/result.h"

namespace tdcs::network {

enum class Association { kFarmers = 11, kWomen = 12, kVeterans = 13, kYouth = 14 };
// Accepts farmers|women|veterans|youth, the codes 11–14, or the Vietnamese
// names (Hội Nông dân, Hội Phụ nữ, Hội Cựu chiến binh, Đoàn Thanh niên).
std::optional<Association> ParseAssociation(std::string_view text);
std::string_view AssociationKey(Association a);     // "women"
std::string_view AssociationNameVi(Association a);  // "Hội Liên hiệp Phụ nữ"
inline constexpr Association kAllAssociations[] = {Association::kFarmers, Association::kWomen,
                                                   Association::kVeterans, Association::kYouth};

enum class Sex { kMale, kFemale };
std::optional<Sex> ParseSex(std::string_view text);  // male|female|nam|nữ|M|F
std::string_view SexKey(Sex s);                      // "male" / "female"

enum class MemberRole { kMember, kLeader, kDeputy };
std::optional<MemberRole> ParseMemberRole(std::string_view text);  // member|leader|deputy
std::string_view MemberRoleKey(MemberRole r);

// The rejections of the checks on one record below (codes, names, dates,
// session days, categories, citizen IDs).
enum class RecordRejection {
  kCodeFormat,                   // a code of the wrong shape
  kNameRequired,                 // an empty name
  kNameTooLong,                  // a name over 200 bytes
  kSessionDayRange,              // a session day outside 1–31
  kDateFormat,                   // not a date in YYYY-MM-DD or dd/mm/yyyy
  kCategoryUnknown,              // a household category not in kCategories
  kCitizenIdFormat,              // not exactly 12 digits
  kCitizenIdProvinceUnknown,     // digits 1–3 are not a province code
  kCitizenIdCenturySexMismatch,  // digit 4 disagrees with the sex or century of birth
  kCitizenIdBirthYearMismatch,   // digits 5–6 disagree with the birth year
  kTextControlCharacter,         // a control character (NUL, ANSI escape…) or a bidi control
  kTextFormulaLike,              // a name or address starting with = + - @ (a spreadsheet formula)
  kAddressTooLong,               // an address over kAddressBytesMax
  kDateOutOfRange,               // a date outside kDateYearMin–kDateYearMax
};
std::string_view RejectionKey(RecordRejection code);
std::span<const RejectionEntry<RecordRejection>> RejectionTable(RecordRejection);

// Household categories (RULES §3 eligibility). Stored as their keys.
inline constexpr std::string_view kCategories[] = {"poor",
                                                   "near_poor",
                                                   "escaped_poverty",
                                                   "ethnic_minority",
                                                   "student_household",
                                                   "job_creation",
                                                   "disadvantaged_area",
                                                   "released_prisoner",
                                                   "social_housing",
                                                   "other"};
// Parses "poor;ethnic_minority" (separators ';' ',' or '|'); rejects unknown keys.
Result<std::vector<std::string>> ParseCategories(std::string_view text, std::string_view field);
std::string JoinCategories(const std::vector<std::string>& categories);

// Group size limits (RULES §2.6).
inline constexpr int kGroupMembersMin = 5;
inline constexpr int kGroupMembersMax = 60;
inline constexpr int kAdultAgeYears = 18;

// Code checks; each returns an Error naming `field` when the code is malformed.
Status CheckDigitsCode(std::string_view code, size_t digits, std::string_view field);
Status CheckBankCode(std::string_view code, std::string_view field);
// Names (at most 200 bytes) and addresses (at most kAddressBytesMax, may be
// empty) are printable text: no control characters (C0, DEL, C1: NUL, ANSI
// escapes), no bidirectional controls (U+200E–200F, U+202A–202E,
// U+2066–2069, which reorder what a reader sees), and no leading = + - @
// (a spreadsheet would run it). Input is valid UTF-8 (checked before).
Status CheckName(std::string_view name, std::string_view field);
inline constexpr size_t kAddressBytesMax = 500;
Status CheckAddress(std::string_view address, std::string_view field);
// Dates people enter are between these years (a birth in 1900, a plan for 2100).
inline constexpr int kDateYearMin = 1900;
inline constexpr int kDateYearMax = 2100;
Status CheckSessionDay(int day, std::string_view field);
Result<Date> ParseDateField(std::string_view text, std::string_view field);

// The citizen ID (CCCD): 12 digits. Digits 1–3: the province of birth
// registration (0 + the 2-digit GSO province code); digit 4: century and sex
// (0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, …); digits 5–6: the last
// two digits of the birth year; digits 7–12: a serial number.
struct CitizenIdFacts {
  std::string province_code;  // 2 digits, e.g. "01"
  int birth_year;
  Sex sex;
};
Result<CitizenIdFacts> ParseCitizenId(std::string_view id, std::string_view field);
// Checks `id` against the recorded birth date and sex; `province_known` says
// whether a 2-digit province code exists.
template <typename ProvinceKnown>
Status CheckCitizenId(std::string_view id, Date birth_date, Sex sex, ProvinceKnown&& known);
// The digit 4 for a birth year and sex.
int CenturySexDigit(int birth_year, Sex sex);

// A borrower as entered: who they are and where they live.
struct BorrowerRecord {
  std::string code;
  std::string name;  // NFC
  std::string citizen_id;
  Date birth_date;
  Sex sex = Sex::kMale;
  std::string address;
  std::string village_code;
  std::vector<std::string> categories;
  std::string group_code;  // may be empty: savings-only customers sit in a pseudo-group
  MemberRole role = MemberRole::kMember;
  Date valid_from;
};

// Age in whole years on `on`.
int AgeYears(Date birth_date, Date on);

}  // namespace tdcs::network

#include "network/network_inl.h"
