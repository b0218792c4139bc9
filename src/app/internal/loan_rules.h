// Loan rules shared by the use cases that create loans (applications, imports).
#pragma once

#include <optional>
#include <string>

#include "base/result.h"

namespace tdcs::app {

// A loan number: 1–32 of A–Z a–z 0–9 - _ (the bank's are 16 digits);
// LOAN_CODE_FORMAT otherwise.
std::optional<Error> CheckLoanCode(const std::string& code);

}  // namespace tdcs::app
