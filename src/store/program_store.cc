#include "store/program_store.h"

#include <sstream>

#include "base/check.h"
#include "base/embedded.h"

namespace tdcs::store {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_CATALOG_REJECTIONS(X) X(kImportRejected, "IMPORT_REJECTED")
TDCS_DEFINE_REJECTIONS(CatalogRejection, TDCS_CATALOG_REJECTIONS)
#undef TDCS_CATALOG_REJECTIONS

namespace {

std::string JoinInts(const std::vector<int>& v) {
  std::string out;
  for (int x : v) out += (out.empty() ? "" : ";") + std::to_string(x);
  return out;
}

std::string JoinStrings(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : ";") + x;
  return out;
}

constexpr const char* kUpsertProgram =
    "INSERT INTO program (code, name_vi, name_en) VALUES (?, ?, ?) "
    "ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en";
constexpr const char* kUpsertVersion =
    "INSERT INTO program_version (program_code, valid_from, rate_millionths, "
    "overdue_rate_percent, max_amount_dong, max_amount_basis, max_term_months, channel, "
    "eligible_categories, fund_sources, installment_months, tranches, note) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (program_code, valid_from) DO UPDATE SET "
    "rate_millionths = excluded.rate_millionths, overdue_rate_percent = "
    "excluded.overdue_rate_percent, "
    "max_amount_dong = excluded.max_amount_dong, max_amount_basis = excluded.max_amount_basis, "
    "max_term_months = excluded.max_term_months, channel = excluded.channel, "
    "eligible_categories = excluded.eligible_categories, fund_sources = excluded.fund_sources, "
    "installment_months = excluded.installment_months, tranches = excluded.tranches, "
    "note = excluded.note";
constexpr const char* kReadVersions =
    "SELECT v.program_code, v.valid_from, p.name_vi, p.name_en, v.rate_millionths, "
    "v.overdue_rate_percent, v.max_amount_dong, v.max_amount_basis, v.max_term_months, v.channel, "
    "v.eligible_categories, v.fund_sources, v.installment_months, v.tranches, v.note "
    "FROM program_version v JOIN program p ON p.code = v.program_code "
    "ORDER BY v.program_code, v.valid_from";

}  // namespace

void SaveProgramVersions(Database& db, const std::vector<programs::ProgramVersion>& versions) {
  for (const auto& v : versions) {
    auto& p = db.Cached(kUpsertProgram);
    p.BindText(1, v.code);
    p.BindText(2, v.name_vi);
    p.BindText(3, v.name_en);
    p.Run();
    auto& st = db.Cached(kUpsertVersion);
    st.BindText(1, v.code);
    st.BindText(2, v.valid_from.ToIso());
    st.BindInt(3, v.rate.per_month_millionths());
    st.BindInt(4, v.overdue_rate_percent);
    st.BindInt(5, v.max_amount.dong());
    st.BindText(6, v.max_amount_basis);
    st.BindInt(7, v.max_term_months);
    st.BindText(8, v.channel);
    st.BindText(9, JoinStrings(v.eligible_categories));
    st.BindText(10, JoinInts(v.fund_sources));
    st.BindInt(11, v.installment_months);
    st.BindText(12, v.tranches);
    st.BindText(13, v.note);
    st.Run();
  }
}

std::map<std::string, std::vector<programs::ProgramVersion>> ReadPrograms(Database& db) {
  std::map<std::string, std::vector<programs::ProgramVersion>> out;
  auto st = db.Prepare(kReadVersions);
  while (st->Step()) {
    // Read back through the catalog parser so that one format rules both.
    std::vector<std::string> f(programs::kProgramColumns);
    f[0] = st->GetText(0);
    f[1] = st->GetText(1);
    f[2] = st->GetText(2);
    f[3] = st->GetText(3);
    f[4] = Rate::PerMonthMillionths(st->GetInt(4)).ToPercent();
    f[5] = std::to_string(st->GetInt(5));
    f[6] = std::to_string(st->GetInt(6));
    f[7] = st->GetText(7);
    f[8] = std::to_string(st->GetInt(8));
    f[9] = st->GetText(9);
    f[10] = st->GetText(10);
    f[11] = st->GetText(11);
    f[12] = std::to_string(st->GetInt(12));
    f[13] = st->GetText(13);
    f[14] = st->GetText(14);
    auto v = programs::ParseProgramRow(f);
    TDCS_CHECK_MSG(v.ok(), "stored program version does not parse");
    out[f[0]].push_back(std::move(v).value());
  }
  return out;
}

Result<std::vector<programs::ProgramVersion>> ParseProgramCatalog(std::string_view csv_text,
                                                                  std::vector<RowError>& errors) {
  std::istringstream in{std::string(csv_text)};
  csv::Reader reader(in);
  csv::Row row;
  std::vector<programs::ProgramVersion> out;
  bool header = true;
  while (reader.Next(row)) {
    if (header) {
      header = false;
      continue;
    }
    if (row.fields.size() == 1 && row.fields[0].empty()) continue;
    auto v = programs::ParseProgramRow(row.fields);
    if (v.ok())
      out.push_back(std::move(v).value());
    else
      errors.push_back({row.line, v.error()});
  }
  if (!errors.empty())
    return MakeError(CatalogRejection::kImportRejected, "", "Danh mục chương trình có lỗi",
                     "The program catalog has errors");
  return out;
}

std::optional<std::string> SettingOn(Database& db, const std::string& name, Date on) {
  auto& st = db.Cached(
      "SELECT value FROM setting WHERE name = ? AND valid_from <= ? ORDER BY valid_from DESC "
      "LIMIT 1");
  st.BindText(1, name);
  st.BindText(2, on.ToIso());
  if (!st.Step()) return std::nullopt;
  std::string value = st.GetText(0);
  st.Reset();
  return value;
}

void SaveSetting(Database& db, const std::string& name, Date from, const std::string& value) {
  auto& st = db.Cached(
      "INSERT INTO setting (name, valid_from, value) VALUES (?, ?, ?) ON CONFLICT (name, "
      "valid_from) DO UPDATE SET value = excluded.value");
  st.BindText(1, name);
  st.BindText(2, from.ToIso());
  st.BindText(3, value);
  st.Run();
}

int LoadChartOfAccounts(Database& db) {
  std::istringstream in{std::string(EmbeddedData("chart_of_accounts.csv"))};
  csv::Reader reader(in);
  csv::Row row;
  int count = 0;
  bool header = true;
  while (reader.Next(row)) {
    if (header || row.fields.size() != 4) {
      header = false;
      continue;
    }
    auto& st = db.Cached(
        "INSERT INTO ledger_account (code, name_vi, name_en, type) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (code) DO UPDATE SET name_vi = excluded.name_vi, name_en = excluded.name_en, "
        "type = excluded.type");
    for (int i = 0; i < 4; ++i) st.BindText(i + 1, row.fields[static_cast<size_t>(i)]);
    st.Run();
    ++count;
  }
  return count;
}

}  // namespace tdcs::store
