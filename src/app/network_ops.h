// The move onto the 2025 administrative structure, a dated operation on the network.
#pragma once

#include <string>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"

namespace tdcs::app {

// What ApplyReform2025 answers.
enum class ReformRejection {
  kReformDateEarly,       // dated before the reform date
  kReformAlreadyApplied,  // the network was moved already
};
std::string_view RejectionKey(ReformRejection code);
std::span<const RejectionEntry<ReformRejection>> RejectionTable(ReformRejection);

// The move of 1 July 2025 (RULES §2.3), applied once, dated `on` (the reform
// date by default), keeping all history:
//  * branches merge as their provinces did: for each 2025 province one branch
//    continues (the one of the province that kept its code, else the lowest
//    code) under the new province; the others close, and their seats become
//    offices ("PGD khu vực …") of the continuing branch, their offices move to it;
//  * offices are kept;
//  * commune points stay at their old commune building (site) and are
//    reported under the 2025 commune that took it in (report);
//  * villages and groups follow their commune into the 2025 structure;
//  * association units: legacy province, district and commune units close,
//    2025 province and commune units open.
struct ReformSummary {
  int branches_kept = 0, branches_merged = 0, offices_moved = 0, seats_to_offices = 0, points = 0,
      villages = 0, groups = 0;
  std::string ToString() const;
};
Result<ReformSummary> ApplyReform2025(Connection& connection, const Context& context,
                                      std::optional<Date> on = std::nullopt);

}  // namespace tdcs::app
