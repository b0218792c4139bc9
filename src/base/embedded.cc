#include "base/embedded.h"

#include "base/check.h"

namespace tdcs {
std::string_view EmbeddedData(std::string_view name) {
  for (size_t i = 0; i < kEmbeddedData_count; ++i)
    if (name == kEmbeddedData[i].name) return kEmbeddedData[i].content();
  TDCS_CHECK_MSG(false, "data file not embedded");
  return {};
}
}  // namespace tdcs
