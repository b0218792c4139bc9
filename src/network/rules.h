// Rules over several records of the network, as pure functions over the
// periods they are given (the caller loads them; nothing here reads a store).
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "base/date.h"

namespace tdcs::network {

// The first pair of periods that overlap (indexes into `periods`), if any.
// Used for "a borrower in two groups at once" and for overlapping versions
// of one unit.
std::optional<std::pair<size_t, size_t>> FindOverlap(const std::vector<Period>& periods);

// The first date on which more than `max_members` of the given membership
// periods are in force at once, with the count on that date.
struct CapacityBreach {
  Date date;
  int members;
};
std::optional<CapacityBreach> FirstCapacityBreach(const std::vector<Period>& memberships,
                                                  int max_members);

}  // namespace tdcs::network
