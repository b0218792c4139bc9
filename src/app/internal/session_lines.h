// The lines of one group's batch at a commune session, applied inside the
// caller's transaction with the loan and savings rules of every other
// payment and deposit (app/loans.cc). Private to the application layer.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/context.h"
#include "app/sessions.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"
#include "store/db.h"

namespace tdcs::app {

// The advisory lock of a point's session on a day: a session's batches and
// its closing take it alone; every other movement of cash there, shared.
std::string SessionLockName(int64_t point_id, Date date);
// Tells the transaction's cached answers that it closed that session.
void NoteSessionClosed(store::Database& db, int64_t point_id, Date date);

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

// What each loan of `loan_ids` stands at and owes at a session held on the
// business date `date`, from the loans' state brought to that day (one read
// for all: the state holds every transaction up to the business date).
struct SessionDue {
  Money principal, overdue, interest_due, principal_due;
};
std::map<int64_t, SessionDue> SessionDuesOnBusinessDate(store::Database& db,
                                                        const std::vector<int64_t>& loan_ids,
                                                        Date date);

// A point's list as a caller read it (SessionList) in the write transaction
// it then posts in, with what the connection had written then
// (Database::RowsChanged), read under the context the posting runs under
// (the caller's to keep: the list shows that actor's groups). The posting
// uses it instead of reading the list again only for the same point and day
// with nothing written since — so it is the list as it stands.
struct ListedInTransaction {
  std::string point_code;
  Date date;
  std::vector<SessionListLine> lines;
  std::optional<int64_t> rows_changed;  // none: not counted (PostgreSQL), read again
  uint64_t transaction = 0;             // Database::TransactionSerial() when read
};
Result<SessionPostReport> PostSessionListed(Connection& connection, const Context& context,
                                            const std::vector<SessionPostLine>& lines,
                                            const std::string& key,
                                            const ListedInTransaction& listed);

}  // namespace tdcs::app
