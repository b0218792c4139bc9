// CSV as TDCS reads and writes it: RFC 4180, UTF-8, comma separated, one
// header row; a field may be quoted with '"' (a quote inside is doubled) and
// may then hold commas and line breaks; CRLF or LF line ends; a UTF-8 BOM at
// the start is skipped. Rows are limited (kMaxRows, kMaxFieldBytes) so that a
// runaway file is refused instead of exhausting memory.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace tdcs::csv {

inline constexpr size_t kMaxFieldBytes = 64 * 1024;

struct Row {
  int line = 0;  // the line where the row starts (header = 1)
  std::vector<std::string> fields;
};

class Reader {
 public:
  explicit Reader(std::istream& in) : in_(in) {}
  // Reads the next row; false at end of input. Sets error() on malformed input.
  bool Next(Row& row);
  const std::string& error() const { return error_; }
  // The line the reader has reached (1-based).
  int line() const { return line_; }

 private:
  std::istream& in_;
  int line_ = 1;
  bool started_ = false;
  std::string error_;
};

// Whether a spreadsheet would read the text as a formula (it starts with
// = + - @, a tab or a carriage return).
bool LooksLikeFormula(std::string_view field);
// Writes one row, quoting fields that need it; a field that looks like a
// formula is written behind an apostrophe ('=…), so a spreadsheet shows it as
// text (CSV injection).
void WriteRow(std::ostream& out, const std::vector<std::string>& fields);

}  // namespace tdcs::csv
