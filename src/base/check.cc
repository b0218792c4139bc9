#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace tdcs::base {
void CheckFailed(const char* condition, const char* file, int line, const char* note) {
  std::fprintf(stderr, "TDCS_CHECK failed: %s at %s:%d %s\n", condition, file, line, note);
  std::abort();
}
}  // namespace tdcs::base
