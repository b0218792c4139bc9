#include "network/oversight.h"

namespace tdcs::network {

std::string GroupDigits(int64_t value) {
  const bool negative = value < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  const std::string digits = std::to_string(magnitude);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '.';
    out += digits[i];
  }
  return (negative ? "-" : "") + out;
}

int PercentRounded(int64_t part, int64_t whole) {
  if (whole <= 0 || part <= 0) return 0;
  if (part >= whole) return 100;
  const __int128 twice = static_cast<__int128>(part) * 200 + whole;
  int percent = static_cast<int>(twice / (static_cast<__int128>(whole) * 2));
  if (percent >= 100) percent = 99;
  if (percent <= 0) percent = 1;
  return percent;
}

std::string HouseholdProgress(int64_t answered, int64_t total) {
  return GroupDigits(answered) + " / " + GroupDigits(total) + " hộ, " +
         std::to_string(PercentRounded(answered, total)) + " %";
}

std::vector<int> SpreadOverMonths(size_t count, size_t already) {
  std::vector<int> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) out.push_back(static_cast<int>((already + i) % 12) + 1);
  return out;
}

bool NoteFits(const std::string& note) {
  if (note.size() > kNoteMaxBytes) return false;
  for (const char c : note)
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

}  // namespace tdcs::network
