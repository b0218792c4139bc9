// Result<T>: the outcome of an action that can be rejected for a business
// reason. A rejection is not an exception and not a bug: it is an Error with a
// stable code (upper snake case, documented in docs/API.md), the field it is
// about, and a message in Vietnamese and in English.
//
// Rejection codes are typed: each use case declares an enum class of every
// code it can answer, beside the functions that return them (for instance
// loans::LoanRejection in loans/loan.h, app::LoanActionRejection in
// app/loans.h). Each value has exactly one wire string, the upper-snake code
// that Error::code carries, given by RejectionKey(code) — an overload per
// enum, found by argument-dependent lookup. An Error is made from a typed code
// only (MakeError below); a string code is only ever copied from another Error.
//
// Infrastructure faults never travel in a Result: they are store::StorageFault.
#pragma once

#include <concepts>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
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

// One value of a rejection enum and its wire string.
template <typename Code>
struct RejectionEntry {
  Code code;
  std::string_view key;
};

// A rejection enum: its module declares, in the enum's namespace,
//   std::string_view RejectionKey(Code code);
//   std::span<const RejectionEntry<Code>> RejectionTable(Code);  // every value, in order
// and defines them with TDCS_DEFINE_REJECTIONS (below) in its .cc.
template <typename Code>
concept RejectionCode = std::is_enum_v<Code> && requires(Code code) {
  { RejectionKey(code) } -> std::convertible_to<std::string_view>;
  { RejectionTable(code) } -> std::convertible_to<std::span<const RejectionEntry<Code>>>;
};

template <RejectionCode Code>
Error MakeError(Code code, std::string field, std::string message_vi, std::string message_en) {
  return Error{std::string(RejectionKey(code)), std::move(field), std::move(message_vi),
               std::move(message_en)};
}

// The value of `Code` whose wire string is `key`, if there is one.
template <RejectionCode Code>
std::optional<Code> ParseRejection(std::string_view key) {
  for (const auto& entry : RejectionTable(Code{}))
    if (entry.key == key) return entry.code;
  return std::nullopt;
}

// Whether a table lists the values of its enum in declaration order, each
// once (value i at index i), as RejectionKey's switch and the table expect.
template <typename Code, size_t N>
constexpr bool InDeclarationOrder(const RejectionEntry<Code> (&table)[N]) {
  for (size_t i = 0; i < N; ++i)
    if (table[i].code != static_cast<Code>(i)) return false;
  return true;
}

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

// Defines RejectionKey(Enum) and RejectionTable(Enum) from an X-macro list:
// LIST(X) expands to X(kValue, "WIRE_STRING") for every value of Enum, in
// declaration order. Used once per enum, in its module's .cc, inside the
// enum's namespace. The switch has no default, so a value missing from the
// list is a compiler warning (-Wswitch), and a value out of order fails the
// static_assert.
#define TDCS_REJECTION_TABLE_ENTRY(value, key) {Code::value, key},
#define TDCS_REJECTION_KEY_CASE(value, key) \
  case Code::value:                         \
    return key;
#define TDCS_DEFINE_REJECTIONS(Enum, LIST)                                                       \
  std::span<const ::tdcs::RejectionEntry<Enum>> RejectionTable(Enum) {                           \
    using Code = Enum;                                                                           \
    static constexpr ::tdcs::RejectionEntry<Enum> kTable[] = {LIST(TDCS_REJECTION_TABLE_ENTRY)}; \
    static_assert(::tdcs::InDeclarationOrder(kTable), #Enum " is listed out of order");          \
    return kTable;                                                                               \
  }                                                                                              \
  std::string_view RejectionKey(Enum code) {                                                     \
    using Code = Enum;                                                                           \
    switch (code) { LIST(TDCS_REJECTION_KEY_CASE) }                                              \
    TDCS_CHECK_MSG(false, "not a value of " #Enum);                                              \
    return {};                                                                                   \
  }
