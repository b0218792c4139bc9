#include "ledger/ledger.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <tuple>

#include "base/check.h"
#include "base/embedded.h"

namespace tdcs::ledger {

// The chart of accounts is data: the codes are read from the chart file
// compiled into the binary (data/chart_of_accounts.csv).
bool IsKnownAccount(const std::string& code) {
  static const std::set<std::string> kAccounts = [] {
    std::set<std::string> codes;
    std::istringstream in{std::string(EmbeddedData("chart_of_accounts.csv"))};
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line))
      if (!line.empty()) codes.insert(line.substr(0, line.find(',')));
    return codes;
  }();
  return kAccounts.count(code) > 0;
}

Entry BuildEntry(Date date, std::string kind, std::vector<Posting> postings) {
  auto key = [](const Posting& p) {
    return std::tie(p.account, p.program, p.fund_source, p.office_id, p.loan_id, p.borrower_id);
  };
  std::sort(postings.begin(), postings.end(),
            [&](const Posting& a, const Posting& b) { return key(a) < key(b); });
  std::vector<Posting> merged;
  for (auto& p : postings) {
    TDCS_CHECK_MSG(IsKnownAccount(p.account), "posting to an account not in the chart");
    if (!merged.empty() && key(merged.back()) == key(p))
      merged.back().amount += p.amount;
    else
      merged.push_back(std::move(p));
  }
  merged.erase(std::remove_if(merged.begin(), merged.end(),
                              [](const Posting& p) { return p.amount.IsZero(); }),
               merged.end());
  Money sum;
  for (const auto& p : merged) sum += p.amount;
  TDCS_CHECK_MSG(sum.IsZero(), "journal entry does not balance");
  TDCS_CHECK_MSG(merged.size() != 1, "journal entry with a single posting");
  return Entry{date, std::move(kind), std::move(merged)};
}

void AddTransfer(std::vector<Posting>& postings, const Posting& dimensions, const char* debit,
                 const char* credit, Money amount) {
  if (amount.IsZero()) return;
  Posting d = dimensions;
  d.account = debit;
  d.amount = amount;
  Posting c = dimensions;
  c.account = credit;
  c.amount = -amount;
  postings.push_back(std::move(d));
  postings.push_back(std::move(c));
}

}  // namespace tdcs::ledger
