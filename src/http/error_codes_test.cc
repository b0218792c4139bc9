// The rejection codes of the code and of docs/API.md "Error codes" agree: every
// value of every rejection enum has a wire string documented in the tables,
// and every code in the tables is the wire string of some enum's value, so the
// two cannot drift apart.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>

#include "app/access.h"
#include "app/approvals.h"
#include "app/books.h"
#include "app/entrusted_work.h"
#include "app/generate.h"
#include "app/import.h"
#include "app/inspect.h"
#include "app/loans.h"
#include "app/network_ops.h"
#include "app/reconcile.h"
#include "app/reports.h"
#include "app/sessions.h"
#include "app/settings.h"
#include "app/simulate.h"
#include "app/users.h"
#include "base/calendar.h"
#include "base/result.h"
#include "batch/close.h"
#include "cli/rejections.h"
#include "entrusted/rating.h"
#include "http/handlers.h"
#include "loans/amortization.h"
#include "loans/loan.h"
#include "loans/session_calendar.h"
#include "money/money.h"
#include "network/network.h"
#include "programs/program.h"
#include "savings/savings.h"
#include "store/program_store.h"

namespace tdcs {
namespace {

// Wire string → the enums that have it.
using CodeOwners = std::map<std::string, std::set<std::string>>;

// Adds every value of `Code`, checking that its table and RejectionKey agree,
// that each key parses back to its value and that keys are distinct.
template <typename Code>
void Collect(const std::string& name, CodeOwners& owners) {
  const auto table = RejectionTable(Code{});
  EXPECT_FALSE(table.empty()) << name;
  std::set<std::string_view> keys;
  for (const auto& entry : table) {
    EXPECT_EQ(RejectionKey(entry.code), entry.key) << name;
    EXPECT_EQ(ParseRejection<Code>(entry.key), entry.code) << name << " " << entry.key;
    EXPECT_TRUE(std::regex_match(std::string(entry.key), std::regex("[A-Z][A-Z0-9]*(_[A-Z0-9]+)*")))
        << name << " " << entry.key;
    EXPECT_TRUE(keys.insert(entry.key).second) << name << " lists " << entry.key << " twice";
    owners[std::string(entry.key)].insert(name);
  }
}

CodeOwners EveryEnum() {
  CodeOwners owners;
  Collect<HolidayRowRejection>("HolidayRowRejection", owners);
  Collect<AmountRejection>("AmountRejection", owners);
  Collect<network::RecordRejection>("network::RecordRejection", owners);
  Collect<programs::ProgramRowRejection>("programs::ProgramRowRejection", owners);
  Collect<loans::LoanRejection>("loans::LoanRejection", owners);
  Collect<loans::ScheduleRejection>("loans::ScheduleRejection", owners);
  Collect<savings::SavingsRejection>("savings::SavingsRejection", owners);
  Collect<store::CatalogRejection>("store::CatalogRejection", owners);
  Collect<batch::CloseRejection>("batch::CloseRejection", owners);
  Collect<app::ImportRejection>("app::ImportRejection", owners);
  Collect<app::LoanApplicationRejection>("app::LoanApplicationRejection", owners);
  Collect<app::LoanActionRejection>("app::LoanActionRejection", owners);
  Collect<app::SavingsActionRejection>("app::SavingsActionRejection", owners);
  Collect<app::LoanViewRejection>("app::LoanViewRejection", owners);
  Collect<app::ProgramChangeRejection>("app::ProgramChangeRejection", owners);
  Collect<app::SettingRejection>("app::SettingRejection", owners);
  Collect<app::CloseRejection>("app::CloseRejection", owners);
  Collect<app::BackupRejection>("app::BackupRejection", owners);
  Collect<app::GenerateRejection>("app::GenerateRejection", owners);
  Collect<app::ReformRejection>("app::ReformRejection", owners);
  Collect<app::SimulationRejection>("app::SimulationRejection", owners);
  Collect<app::SessionRejection>("app::SessionRejection", owners);
  Collect<app::EntrustedRejection>("app::EntrustedRejection", owners);
  Collect<entrusted::EntrustedSettingRejection>("entrusted::EntrustedSettingRejection", owners);
  Collect<app::ReconcileRejection>("app::ReconcileRejection", owners);
  Collect<app::InspectionRejection>("app::InspectionRejection", owners);
  Collect<app::ReportRejection>("app::ReportRejection", owners);
  Collect<app::UserRejection>("app::UserRejection", owners);
  Collect<app::SignInRejection>("app::SignInRejection", owners);
  Collect<app::AccessRejection>("app::AccessRejection", owners);
  Collect<app::ApprovalRejection>("app::ApprovalRejection", owners);
  Collect<loans::SessionMoveRejection>("loans::SessionMoveRejection", owners);
  Collect<http::HttpRejection>("http::HttpRejection", owners);
  Collect<cli::CommandRejection>("cli::CommandRejection", owners);
  return owners;
}

// The codes in the first column of the tables of docs/API.md's "Error codes"
// section (up to the next section), e.g. | `GROUP_UNKNOWN`, `OFFICE_UNKNOWN` | …
std::set<std::string> DocumentedCodes() {
  std::ifstream in("docs/API.md");
  EXPECT_TRUE(in.good()) << "docs/API.md (the tests run from the source tree)";
  std::set<std::string> codes;
  const std::regex code("`([A-Z][A-Z0-9_]*)`");
  bool in_section = false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Error codes";
    if (!in_section || line.rfind("| `", 0) != 0) continue;
    const std::string first_cell = line.substr(1, line.find('|', 1) - 1);
    for (std::sregex_iterator it(first_cell.begin(), first_cell.end(), code), end; it != end; ++it)
      codes.insert((*it)[1].str());
  }
  return codes;
}

TEST(ErrorCodesTest, EveryEnumValueIsDocumented) {
  const std::set<std::string> documented = DocumentedCodes();
  ASSERT_FALSE(documented.empty());
  for (const auto& [key, enums] : EveryEnum()) {
    std::ostringstream names;
    for (const auto& name : enums) names << " " << name;
    EXPECT_TRUE(documented.count(key))
        << key << " (of" << names.str() << ") is missing from docs/API.md \"Error codes\"";
  }
}

TEST(ErrorCodesTest, EveryDocumentedCodeBelongsToAnEnum) {
  const CodeOwners owners = EveryEnum();
  for (const auto& key : DocumentedCodes())
    EXPECT_TRUE(owners.count(key))
        << key << " is documented in docs/API.md but no rejection enum has it";
}

TEST(ErrorCodesTest, AnErrorCarriesItsCodesWireString) {
  const Error e = MakeError(loans::LoanRejection::kPaymentExceedsDebt, "amount", "vi", "en");
  EXPECT_EQ(e.code, "PAYMENT_EXCEEDS_DEBT");
  EXPECT_EQ(e.field, "amount");
  EXPECT_EQ(ParseRejection<app::LoanActionRejection>(e.code),
            app::LoanActionRejection::kPaymentExceedsDebt);
  EXPECT_EQ(ParseRejection<app::LoanViewRejection>(e.code), std::nullopt);
}

}  // namespace
}  // namespace tdcs
