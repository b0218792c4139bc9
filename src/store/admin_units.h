// Vietnam's administrative units (GSO codes), before and after the reform of
// 1 July 2025, and the mapping between them (data/admin-units/, see
// PROVENANCE.md there). Loaded into the admin_* tables by `tdcs init` from the
// copies compiled into the binary; read back into an AdminIndex for checks.
//
// Eras: "L" = the legacy structure (63 provinces, 696 districts, 10,035
// communes, in force until 30/06/2025), "N" = the 2025 structure (34
// provinces, 3,321 communes, no districts). A commune code is looked up in
// the era in force on the date it is used for.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "base/date.h"
#include "store/db.h"

namespace tdcs::store {

inline constexpr const char* kLegacyEra = "L";
inline constexpr const char* kNewEra = "N";

struct AdminCommune {
  std::string code, name, type, full_name, district_code, province_code;
};
struct AdminProvince {
  std::string code, name, type, full_name;
};
struct AdminDistrict {
  std::string code, name, type, full_name, province_code;
};
struct CommuneLink {
  std::string new_code;
  bool full = false;  // "full": the whole legacy commune went to new_code
};

struct AdminIndex {
  Date reform_date;
  std::unordered_map<std::string, AdminCommune> legacy_communes, new_communes;
  std::unordered_map<std::string, AdminProvince> legacy_provinces, new_provinces;
  std::unordered_map<std::string, AdminDistrict> districts;
  std::unordered_map<std::string, std::vector<CommuneLink>> commune_map;   // legacy → new
  std::unordered_map<std::string, std::string> province_map;               // legacy → new
  std::unordered_map<std::string, std::vector<std::string>> district_map;  // island districts

  const char* EraOn(Date on) const { return on < reform_date ? kLegacyEra : kNewEra; }
  // The commune with `code` in the era in force on `on`, or nullptr.
  const AdminCommune* CommuneOn(const std::string& code, Date on) const;
  const AdminCommune* Commune(const std::string& era, const std::string& code) const;
  const AdminProvince* ProvinceOn(const std::string& code, Date on) const;
  const AdminProvince* Province(const std::string& era, const std::string& code) const;
  // The 2025 commune a legacy commune's building is reported under: the
  // target of a "full" link, else the target with the same folded name, else
  // the lowest code. `fold` removes case and diacritics.
  std::string NewCommuneOf(const std::string& legacy_code,
                           std::string (*fold)(std::string_view)) const;
};

// Fills the admin_* tables from the embedded files unless they are filled.
// Returns the number of rows inserted (0 when already loaded).
int64_t LoadAdminUnits(Database& db);
AdminIndex ReadAdminIndex(Database& db);

}  // namespace tdcs::store
