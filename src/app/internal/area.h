// Private to the app library: an area of the network named on the command
// line or in a scenario — `national`, a branch, office, commune point or
// group code, or `kind:CODE` (branch, office, point, group) when a code is
// of two kinds — resolved to the store's Area, open on a date.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/date.h"
#include "base/result.h"
#include "store/network_store.h"
#include "store/oversight_store.h"

namespace tdcs::app {

struct ResolvedArea {
  store::Area area;
  std::string kind;  // national | branch | office | point | group
  std::string code;  // the unit's code, or "national"
};

// The kinds of unit an area is named by: the word, the identity table, the kind.
struct AreaKindName {
  const char* name;
  const char* table;
  store::AreaKind kind;
};
inline constexpr AreaKindName kAreaKinds[] = {{"branch", "branch", store::AreaKind::kBranch},
                                              {"office", "office", store::AreaKind::kOffice},
                                              {"point", "commune_point", store::AreaKind::kPoint},
                                              {"group", "savings_group", store::AreaKind::kGroup}};

// `visible`, when given, keeps only the units the actor may know of, so
// that neither "of two kinds" nor "closed on that day" tells of a unit
// outside their area (the answer is then the unknown unit's).
template <typename Code>
Result<ResolvedArea> ResolveArea(store::Database& db, const std::string& unit, Date on,
                                 Code unknown, Code ambiguous, const std::string& field = "unit",
                                 const std::function<bool(const ResolvedArea&)>& visible = {}) {
  if (unit == "national") return ResolvedArea{{store::AreaKind::kNational, 0}, "national", unit};
  std::string code = unit, only;
  if (const auto colon = unit.find(':'); colon != std::string::npos) {
    only = unit.substr(0, colon);
    code = unit.substr(colon + 1);
  }
  store::NetworkStore network(db);
  std::vector<ResolvedArea> found;
  bool closed = false;
  for (const auto& k : kAreaKinds) {
    if (!only.empty() && only != k.name) continue;
    if (code.empty()) continue;
    auto id = network.FindUnit(k.table, code);
    if (!id) continue;
    if (visible && !visible({{k.kind, id->id}, k.name, code})) continue;
    if (!id->period.Contains(on)) {
      closed = true;
      continue;
    }
    found.push_back({{k.kind, id->id}, k.name, code});
  }
  if (found.size() == 1) return found.front();
  if (found.size() > 1) {
    std::string kinds;
    for (const auto& f : found) kinds += (kinds.empty() ? "" : ", ") + f.kind + ":" + code;
    return MakeError(ambiguous, field,
                     "Mã '" + code + "' là của nhiều loại đơn vị; hãy ghi rõ: " + kinds,
                     "Code '" + code + "' is of more than one kind of unit; say which: " + kinds);
  }
  return MakeError(unknown, field,
                   "Không có đơn vị '" + unit + "'" +
                       (closed ? " hoạt động ngày " + on.ToVietnamese() : std::string()) +
                       " (mã chi nhánh, phòng giao dịch, điểm giao dịch, tổ, hoặc national)",
                   "No unit '" + unit + "'" + (closed ? " open on " + on.ToIso() : std::string()) +
                       " (a branch, office, commune point or group code, or national)");
}

}  // namespace tdcs::app
