// Maker-checker (docs/RULES.md §14.4): the actions that move or forgive
// money beyond what one person may do alone wait for a second person.
//
// Held for a checker, when a signed-in user makes them (the operator at the
// console, `os:LOGIN`, and batch work act alone):
//  - a loan's write-off, freeze and reversal (ActOnLoan answers with the
//    request instead of posting: ActionResult::pending_request);
//  - an officer's approval of an application that takes the household above
//    the officer's limit (the dated setting `approval.officer_limit`,
//    50.000.000 đ by default; the loan with the household's loans approved
//    or outstanding; DecideOnLoan answers with the request).
// A checker is another user whose role approves (director, branch, head
// office, administrator) and whose area holds the loan; approving runs the
// action in the same transaction that marks the request approved, under the
// rules in force then, on the business date (a loan action refused stays
// pending; an approval refused by the rules of approval rejects the
// application with its reason and closes the request). A reversal names the
// transaction it reverses and reverses that or nothing. The application's
// maker cannot check its approval either. One request of a kind waits per
// loan; the maker's Idempotency-Key answers a retry from the request.
// Both users and both times are kept on the request and in the audit trail.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "app/connection.h"
#include "app/context.h"
#include "base/date.h"
#include "base/result.h"
#include "money/money.h"

namespace tdcs::app {

enum class ApprovalRejection {
  kRequestUnknown,  // no such request in the actor's area (404)
  kRequestDecided,  // approved or rejected already (409)
  kSameUser,        // the maker cannot check their own request (403)
  kReasonRequired,  // a rejection without its reason, or over 500 bytes
  kRequestPending,  // another user's request of the kind waits for the loan already (409)
  kRequestStale,    // a reversal whose transaction is no longer the loan's last (409)
};
std::string_view RejectionKey(ApprovalRejection code);
std::span<const RejectionEntry<ApprovalRejection>> RejectionTable(ApprovalRejection);

inline constexpr int64_t kOfficerLimitDefault = 50'000'000;

struct PendingRequest {
  int64_t id = 0;
  std::string kind;  // writeoff | freeze | reverse | approve
  std::string loan_code;
  Date date;
  Money amount;
  int months = 0;
  std::string heir_code, note;
  std::string maker, maker_role;
  int64_t made_at = 0;
  std::string status;  // pending | approved | rejected
  std::string checker, decision_reason;
  int64_t decided_at = 0, txn_id = 0;
};

// Requests whose loan lies in the actor's area, newest first; `status`
// "pending", "approved", "rejected" or "" (any).
Result<std::vector<PendingRequest>> ListRequests(Connection& connection, const Context& context,
                                                 const std::string& status, int limit = 200);
// Approves (the action posts) or rejects (with a reason) a pending request.
Result<PendingRequest> DecideRequest(Connection& connection, const Context& context, int64_t id,
                                     bool approve, const std::string& reason);

}  // namespace tdcs::app
