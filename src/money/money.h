// Money: an amount in whole Vietnamese đồng (the đồng has no minor unit in
// use), held in an int64. There is no floating point anywhere near money.
//
// Arithmetic is checked: Add/Sub/Multiply abort (TDCS_CHECK) on overflow because
// an amount of 9.2 quintillion đồng is a bug; TryAdd/TrySub return nullopt for
// callers that handle input they do not trust.
//
// Every division names its rounding:
//   DivideRoundHalfUp(n, d)  → nearest, halves away from zero;
//   DivideRoundDown(n, d)    → toward negative infinity (floor);
//   RoundDownTo(m)           → largest multiple of m not above the amount.
// Rate: a per-month interest rate in millionths (0.55 % per month = 5500).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace tdcs {

// The largest single amount TDCS takes (one loan, payment or deposit):
// 1,000 tỷ đồng. Sums of amounts stay far inside 64 bits.
inline constexpr int64_t kAmountMaxDong = 1'000'000'000'000;

class Money {
 public:
  constexpr Money() = default;
  static constexpr Money Dong(int64_t dong) { return Money(dong); }
  static constexpr Money Zero() { return Money(0); }

  int64_t dong() const { return dong_; }
  bool IsZero() const { return dong_ == 0; }
  bool IsNegative() const { return dong_ < 0; }

  std::optional<Money> TryAdd(Money other) const;
  std::optional<Money> TrySub(Money other) const;
  Money Add(Money other) const;
  Money Sub(Money other) const;
  Money MultiplyBy(int64_t factor) const;
  // Largest multiple of `multiple_dong` that is <= this amount (floor).
  Money RoundDownTo(int64_t multiple_dong) const;

  Money operator+(Money other) const { return Add(other); }
  Money operator-(Money other) const { return Sub(other); }
  Money& operator+=(Money other) { return *this = Add(other); }
  Money& operator-=(Money other) { return *this = Sub(other); }
  Money operator-() const;
  auto operator<=>(const Money&) const = default;

  // "50.000.000" — Vietnamese grouping with dots.
  std::string ToVietnamese() const;
  // Parses a whole number of đồng, maybe negative: digits, or groups of three
  // behind dots ("50.000.000"); "1.5", "1.5000", "007" are not numbers.
  static std::optional<Money> Parse(std::string_view text);
  // An amount a person enters: whole đồng, digits only or grouped by dots in
  // threes ("50.000.000"), 0 to kAmountMaxDong; nullopt otherwise ("1.5",
  // "-3", "1e6", "50,000" and anything larger are not amounts).
  static std::optional<Money> ParseAmount(std::string_view text);

 private:
  explicit constexpr Money(int64_t dong) : dong_(dong) {}
  int64_t dong_ = 0;
};

// The rejection of an amount (CheckAmount).
enum class AmountRejection {
  kAmountInvalid,       // zero or negative
  kAmountAboveCeiling,  // above kAmountMaxDong
};
std::string_view RejectionKey(AmountRejection code);
std::span<const RejectionEntry<AmountRejection>> RejectionTable(AmountRejection);

// The rejection of an amount that is zero or negative (AMOUNT_INVALID) or
// above kAmountMaxDong (AMOUNT_ABOVE_CEILING), or nullopt when it is fine.
// Every action that takes an amount uses it, so no sum of amounts overflows.
std::optional<Error> CheckAmount(Money amount, std::string_view field = "amount");

// Exact integer division with a named rounding. `denominator` must be > 0.
int64_t DivideRoundHalfUp(__int128 numerator, __int128 denominator);
int64_t DivideRoundDown(__int128 numerator, __int128 denominator);

class Rate {
 public:
  static constexpr int64_t kScale = 1'000'000;  // millionths
  constexpr Rate() = default;
  static constexpr Rate PerMonthMillionths(int64_t millionths) { return Rate(millionths); }
  // Parses a percent per month with up to 4 decimals: "0.55" → 5500, "0,6875" → 6875.
  static std::optional<Rate> ParsePercent(std::string_view text);

  int64_t per_month_millionths() const { return millionths_; }
  // Percent with the needed decimals, Vietnamese comma: "0,55".
  std::string ToPercentVietnamese() const;
  std::string ToPercent() const;  // "0.55"
  auto operator<=>(const Rate&) const = default;

 private:
  explicit constexpr Rate(int64_t millionths) : millionths_(millionths) {}
  int64_t millionths_ = 0;
};

}  // namespace tdcs
