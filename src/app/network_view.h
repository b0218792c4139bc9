// The network as of a date, one level at a time (GET /api/network): the
// whole bank's branches, a branch's offices, an office's commune points
// (with their session day), a point's groups, a group's members. What an
// actor sees is their own area: asked for nothing, the answer is the area's
// own unit; a unit outside it is UNIT_UNKNOWN, as one that does not exist. An
// association officer or a group leader sees only their groups of a point.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::app {

enum class NetworkViewRejection {
  kUnitUnknown,    // no such unit open on the date, or outside the actor's area (404)
  kUnitAmbiguous,  // a code of two kinds of unit: name it kind:CODE
};
std::string_view RejectionKey(NetworkViewRejection code);
std::span<const RejectionEntry<NetworkViewRejection>> RejectionTable(NetworkViewRejection);

struct NetworkNode {
  std::string kind;  // branch | office | seat | point | group | member
  std::string code, name;
  int session_day = 0;  // points
  int association = 0;  // groups: 11 farmers, 12 women, 13 veterans, 14 youth
  std::string role;     // members: member | leader | deputy
  std::string commune;  // points: the commune reported under; groups: their commune
};

struct NetworkLevel {
  NetworkNode unit;  // kind national for the whole bank
  Date on;
  std::vector<NetworkNode> children;  // sorted by code
};

// `unit`: "" (the actor's own area), "national", a code, or kind:CODE.
Result<NetworkLevel> ShowNetwork(Connection& connection, const Context& context,
                                 const std::string& unit, Date on);

}  // namespace tdcs::app
