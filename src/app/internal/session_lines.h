// The lines of one group's batch at a commune session, applied inside the
// caller's transaction with the loan and savings rules of every other
// payment and deposit (app/loans.cc). Private to the application layer.
#pragma once

#include <string>
#include <vector>

#include "app/context.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"
#include "store/db.h"

namespace tdcs::app {

struct SessionLineToApply {
  int line = 0;  // of the file
  std::string borrower_code, loan_code;
  Money loan_paid;     // interest and principal: one payment (RULES §4.5)
  Money savings_paid;  // a deposit
};

// Applies each line in order; the rejection of every line that breaks a
// rule (each names its line). With any, the caller rolls the whole batch
// back: what the others wrote goes with it.
std::vector<RowError> ApplySessionLines(store::Database& db, const Context& context, Date date,
                                        const std::vector<SessionLineToApply>& lines);

}  // namespace tdcs::app
