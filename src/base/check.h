// TDCS_CHECK: the guard for broken invariants (bugs). It stays on in release
// builds because money and ledger code must never continue half-sure. A failed
// check prints the condition and location to stderr and aborts the process.
#pragma once

namespace tdcs::base {
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line, const char* note);
}  // namespace tdcs::base

#define TDCS_CHECK(cond)                                                   \
  do {                                                                     \
    if (!(cond)) ::tdcs::base::CheckFailed(#cond, __FILE__, __LINE__, ""); \
  } while (0)

#define TDCS_CHECK_MSG(cond, note)                                           \
  do {                                                                       \
    if (!(cond)) ::tdcs::base::CheckFailed(#cond, __FILE__, __LINE__, note); \
  } while (0)
