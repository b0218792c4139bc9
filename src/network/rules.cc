#include "network/rules.h"

#include <algorithm>

namespace tdcs::network {

std::optional<std::pair<size_t, size_t>> FindOverlap(const std::vector<Period>& periods) {
  std::vector<size_t> order(periods.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return periods[a].from < periods[b].from; });
  // After sorting by start, an overlap exists iff some period starts before the
  // latest end seen so far.
  for (size_t k = 1; k < order.size(); ++k) {
    for (size_t j = 0; j < k; ++j) {
      if (periods[order[j]].Overlaps(periods[order[k]]))
        return std::make_pair(std::min(order[j], order[k]), std::max(order[j], order[k]));
    }
  }
  return std::nullopt;
}

std::optional<CapacityBreach> FirstCapacityBreach(const std::vector<Period>& memberships,
                                                  int max_members) {
  // Sweep: +1 at each start, −1 at each end; ends sort before starts on the
  // same day because periods are half-open.
  std::vector<std::pair<Date, int>> events;
  events.reserve(memberships.size() * 2);
  for (const auto& p : memberships) {
    events.emplace_back(p.from, +1);
    if (p.to) events.emplace_back(*p.to, -1);
  }
  std::sort(events.begin(), events.end());
  int count = 0;
  for (const auto& [date, delta] : events) {
    count += delta;
    if (count > max_members) return CapacityBreach{date, count};
  }
  return std::nullopt;
}

}  // namespace tdcs::network
