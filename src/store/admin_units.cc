#include "store/admin_units.h"

#include <sstream>

#include "base/check.h"
#include "base/csv.h"
#include "base/embedded.h"

namespace tdcs::store {
namespace {

constexpr const char* kReformDate = "2025-07-01";

// Calls `row` with the fields of each data row of an embedded CSV file.
template <typename RowFn>
void ForEachRow(std::string_view file, RowFn&& row) {
  std::istringstream in{std::string(EmbeddedData(file))};
  csv::Reader reader(in);
  csv::Row r;
  bool header = true;
  while (reader.Next(r)) {
    if (header) {
      header = false;
      continue;
    }
    if (r.fields.size() == 1 && r.fields[0].empty()) continue;
    row(r.fields);
  }
  TDCS_CHECK_MSG(reader.error().empty(), "embedded admin CSV is malformed");
}

constexpr const char* kInsertProvince =
    "INSERT INTO admin_province (era, code, name, type, full_name) VALUES (?, ?, ?, ?, ?)";
constexpr const char* kInsertDistrict =
    "INSERT INTO admin_district (code, name, type, province_code, full_name) VALUES (?, ?, ?, ?, "
    "?)";
constexpr const char* kInsertCommune =
    "INSERT INTO admin_commune (era, code, name, type, district_code, province_code, full_name) "
    "VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertCommuneMap =
    "INSERT INTO admin_commune_map (legacy_code, new_code, merge_type) VALUES (?, ?, ?)";
constexpr const char* kInsertDistrictMap =
    "INSERT INTO admin_district_map (legacy_district_code, new_code, merge_type) VALUES (?, ?, ?)";
constexpr const char* kInsertProvinceMap =
    "INSERT INTO admin_province_map (legacy_code, new_code) VALUES (?, ?)";
constexpr const char* kInsertSetting =
    "INSERT INTO setting (name, valid_from, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

void BindAll(Statement& st, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) st.BindText(static_cast<int>(i + 1), values[i]);
  st.Run();
}

}  // namespace

int64_t LoadAdminUnits(Database& db) {
  if (db.QueryInt("SELECT COUNT(*) FROM admin_province").value_or(0) > 0) return 0;
  int64_t rows = 0;
  Transaction tx(db);
  auto& province = db.Cached(kInsertProvince);
  ForEachRow("provinces_legacy.csv", [&](const auto& f) {
    BindAll(province, {kLegacyEra, f[0], f[1], f[2], f[3]});
    ++rows;
  });
  ForEachRow("provinces_2025.csv", [&](const auto& f) {
    BindAll(province, {kNewEra, f[0], f[1], f[2], f[3]});
    ++rows;
  });
  auto& district = db.Cached(kInsertDistrict);
  std::unordered_map<std::string, std::string> district_province;
  ForEachRow("districts_legacy.csv", [&](const auto& f) {
    BindAll(district, {f[0], f[1], f[2], f[3], f[4]});
    district_province[f[0]] = f[3];
    ++rows;
  });
  auto& commune = db.Cached(kInsertCommune);
  ForEachRow("communes_legacy.csv", [&](const auto& f) {
    BindAll(commune, {kLegacyEra, f[0], f[1], f[2], f[3], district_province.at(f[3]), f[4]});
    ++rows;
  });
  ForEachRow("communes_2025.csv", [&](const auto& f) {
    commune.BindText(1, kNewEra);
    commune.BindText(2, f[0]);
    commune.BindText(3, f[1]);
    commune.BindText(4, f[2]);
    commune.BindNull(5);
    commune.BindText(6, f[3]);
    commune.BindText(7, f[4]);
    commune.Run();
    ++rows;
  });
  auto& commune_map = db.Cached(kInsertCommuneMap);
  ForEachRow("mapping_legacy_to_2025.csv", [&](const auto& f) {
    BindAll(commune_map, {f[0], f[1], f[2]});
    ++rows;
  });
  auto& district_map = db.Cached(kInsertDistrictMap);
  ForEachRow("mapping_legacy_districts_to_2025.csv", [&](const auto& f) {
    BindAll(district_map, {f[0], f[1], f[2]});
    ++rows;
  });
  auto& province_map = db.Cached(kInsertProvinceMap);
  ForEachRow("mapping_provinces_legacy_to_2025.csv", [&](const auto& f) {
    BindAll(province_map, {f[0], f[1]});
    ++rows;
  });
  BindAll(db.Cached(kInsertSetting), {"admin.reform_date", "1900-01-01", kReformDate});
  tx.Commit();
  return rows;
}

const AdminCommune* AdminIndex::Commune(const std::string& era, const std::string& code) const {
  const auto& map = era == kLegacyEra ? legacy_communes : new_communes;
  auto it = map.find(code);
  return it == map.end() ? nullptr : &it->second;
}

const AdminCommune* AdminIndex::CommuneOn(const std::string& code, Date on) const {
  return Commune(EraOn(on), code);
}

const AdminProvince* AdminIndex::Province(const std::string& era, const std::string& code) const {
  const auto& map = era == kLegacyEra ? legacy_provinces : new_provinces;
  auto it = map.find(code);
  return it == map.end() ? nullptr : &it->second;
}

const AdminProvince* AdminIndex::ProvinceOn(const std::string& code, Date on) const {
  return Province(EraOn(on), code);
}

std::string AdminIndex::NewCommuneOf(const std::string& legacy_code,
                                     std::string (*fold)(std::string_view)) const {
  auto it = commune_map.find(legacy_code);
  TDCS_CHECK_MSG(it != commune_map.end() && !it->second.empty(), "legacy commune not mapped");
  const auto& links = it->second;
  for (const auto& l : links)
    if (l.full) return l.new_code;
  // A new commune usually keeps the code of the old commune that houses its committee.
  for (const auto& l : links)
    if (l.new_code == legacy_code) return l.new_code;
  const AdminCommune* old = Commune(kLegacyEra, legacy_code);
  if (old != nullptr) {
    const std::string old_name = fold(old->name);
    for (const auto& l : links) {
      const AdminCommune* n = Commune(kNewEra, l.new_code);
      if (n != nullptr && fold(n->name) == old_name) return l.new_code;
    }
  }
  std::string lowest = links.front().new_code;
  for (const auto& l : links)
    if (l.new_code < lowest) lowest = l.new_code;
  return lowest;
}

constexpr const char* kReadProvinces =
    "SELECT era, code, name, type, full_name FROM admin_province";
constexpr const char* kReadDistricts =
    "SELECT code, name, type, province_code, full_name FROM admin_district";
constexpr const char* kReadCommunes =
    "SELECT era, code, name, type, district_code, province_code, full_name FROM admin_commune";
constexpr const char* kReadCommuneMap =
    "SELECT legacy_code, new_code, merge_type FROM admin_commune_map ORDER BY legacy_code, "
    "new_code";
constexpr const char* kReadProvinceMap = "SELECT legacy_code, new_code FROM admin_province_map";
constexpr const char* kReadDistrictMap =
    "SELECT legacy_district_code, new_code FROM admin_district_map";
constexpr const char* kReadReformDate =
    "SELECT value FROM setting WHERE name = 'admin.reform_date' ORDER BY valid_from DESC";

AdminIndex ReadAdminIndex(Database& db) {
  AdminIndex index;
  index.reform_date = *Date::Parse(kReformDate);
  {
    auto st = db.Prepare(kReadReformDate);
    if (st->Step()) index.reform_date = *Date::Parse(st->GetText(0));
  }
  auto st = db.Prepare(kReadProvinces);
  while (st->Step()) {
    AdminProvince p{st->GetText(1), st->GetText(2), st->GetText(3), st->GetText(4)};
    (st->GetText(0) == kLegacyEra ? index.legacy_provinces : index.new_provinces)[p.code] = p;
  }
  st = db.Prepare(kReadDistricts);
  while (st->Step()) {
    AdminDistrict d{st->GetText(0), st->GetText(1), st->GetText(2), st->GetText(4), st->GetText(3)};
    index.districts[d.code] = d;
  }
  st = db.Prepare(kReadCommunes);
  while (st->Step()) {
    AdminCommune c{st->GetText(1),
                   st->GetText(2),
                   st->GetText(3),
                   st->GetText(6),
                   st->IsNull(4) ? "" : st->GetText(4),
                   st->GetText(5)};
    (st->GetText(0) == kLegacyEra ? index.legacy_communes : index.new_communes)[c.code] = c;
  }
  st = db.Prepare(kReadCommuneMap);
  while (st->Step())
    index.commune_map[st->GetText(0)].push_back({st->GetText(1), st->GetText(2) == "full"});
  st = db.Prepare(kReadProvinceMap);
  while (st->Step()) index.province_map[st->GetText(0)] = st->GetText(1);
  st = db.Prepare(kReadDistrictMap);
  while (st->Step()) index.district_map[st->GetText(0)].push_back(st->GetText(1));
  return index;
}

}  // namespace tdcs::store
