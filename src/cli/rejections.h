// The command line's own rejection codes (docs/API.md "Error codes"). Every
// other rejection it prints is the answer of a use case of src/app, with that
// use case's code.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "base/check.h"
#include "base/result.h"

namespace tdcs::cli {

enum class CommandRejection {
  kActionUnknown,         // `tdcs loan VERB`: the verb is not a loan action
  kQueryInvalid,          // `tdcs find`: the query is empty or over 200 bytes
  kConfirmationRequired,  // `tdcs close` of more than 31 days at once without --yes
  kExportTargetExists,    // `tdcs export` to a file that exists, without --force
  kOutputRequired,        // `tdcs report --format xlsx` without --out (a workbook is a file)
};

// The wire strings: a small table, as the command line has no library of its own.
inline std::span<const RejectionEntry<CommandRejection>> RejectionTable(CommandRejection) {
  static constexpr RejectionEntry<CommandRejection> kTable[] = {
      {CommandRejection::kActionUnknown, "ACTION_UNKNOWN"},
      {CommandRejection::kQueryInvalid, "QUERY_INVALID"},
      {CommandRejection::kConfirmationRequired, "CONFIRMATION_REQUIRED"},
      {CommandRejection::kExportTargetExists, "EXPORT_TARGET_EXISTS"},
      {CommandRejection::kOutputRequired, "OUTPUT_REQUIRED"},
  };
  static_assert(InDeclarationOrder(kTable), "CommandRejection is listed out of order");
  return kTable;
}

inline std::string_view RejectionKey(CommandRejection code) {
  const auto table = RejectionTable(code);
  const auto index = static_cast<size_t>(code);
  TDCS_CHECK(index < table.size());
  return table[index].key;
}

}  // namespace tdcs::cli
