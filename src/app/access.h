// What each role may do, and where (docs/RULES.md §14): checked by the use
// cases themselves, whatever face calls them. A role that may not do a kind
// of thing is refused FORBIDDEN (403); a thing outside the actor's area is
// answered as if it did not exist (the use case's own UNKNOWN code, 404), so
// an identifier put in a URL or a body reveals nothing of another area.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/context.h"
#include "base/result.h"

namespace tdcs::app {

enum class AccessRejection {
  kForbidden,  // the actor's role may not do this (403)
};
std::string_view RejectionKey(AccessRejection code);
std::span<const RejectionEntry<AccessRejection>> RejectionTable(AccessRejection);

enum class Permission {
  kRead,         // the network, borrowers, loans, savings, sessions' lists, in the area
  kReport,       // reports and plans of the area
  kLend,         // applications, loan and savings actions, sessions, inspections
  kApprove,      // decisions on applications; the checker's side of maker-checker
  kEntrusted,    // the associations' work: reconciliation answers, inspections
  kPlan,         // setting the year's plan
  kSettings,     // programs, rates, holidays and other dated settings
  kManageUsers,  // users and roles
  kReadAudit,    // the audit trail
  kOperate,  // batch work: end of day, generation, imports, the reform, month-end ratings and fees
};

// The permissions of a role, by name ("read", "report", …), for a face to
// show what the user may do.
std::vector<std::string_view> PermissionNames(std::string_view role);
bool Allows(const Actor& actor, Permission permission);
// Whether the role works with citizen IDs in full (credit officers, office
// directors, administrators); everyone else sees them masked.
bool SeesCitizenIds(const Actor& actor);
// FORBIDDEN, naming the role and what it may not do, unless allowed.
Status Require(const Actor& actor, Permission permission);

}  // namespace tdcs::app
