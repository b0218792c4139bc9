// Result<T>: the outcome of an action that can be rejected for a business
// reason. A rejection is not an exception and not a bug: it is an Error with a
// stable code (upper snake case, documented in docs/API.md), the field it is
// about, and a message in Vietnamese and in English.
//
// Infrastructure faults never travel in a Result: they are store::StorageFault.
#pragma once

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "base/check.h"

namespace tdcs {

struct Error {
  std::string code;        // Stable machine code, e.g. "CITIZEN_ID_BIRTH_YEAR_MISMATCH".
  std::string field;       // The input field it is about; empty when it is about the whole.
  std::string message_vi;  // Vietnamese first.
  std::string message_en;

  // "field: vi / en" on one line, the form shown by the command line.
  std::string ToString() const;
};

Error MakeError(std::string code, std::string field, std::string message_vi,
                std::string message_en);

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit on purpose.
  Result(Error error) : state_(std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  const T& value() const& {
    TDCS_CHECK(ok());
    return std::get<0>(state_);
  }
  T& value() & {
    TDCS_CHECK(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    TDCS_CHECK(ok());
    return std::get<0>(std::move(state_));
  }
  const Error& error() const {
    TDCS_CHECK(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void> spelled as Status.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  static Status Ok() { return Status(); }
  bool ok() const { return ok_; }
  const Error& error() const {
    TDCS_CHECK(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

// Several rejections at once: an import lists every bad row and field.
struct RowError {
  int line = 0;  // 1-based line in the input file (the header is line 1).
  Error error;
};

}  // namespace tdcs
