#include "base/csv.h"

namespace tdcs::csv {

bool Reader::Next(Row& row) {
  row.fields.clear();
  row.line = line_;
  if (!started_) {
    started_ = true;
    if (in_.peek() == 0xEF) {
      char bom[3];
      in_.read(bom, 3);
    }
  }
  if (in_.peek() == std::char_traits<char>::eof()) return false;
  std::string field;
  bool quoted = false;
  bool field_was_quoted = false;
  while (true) {
    const int c = in_.get();
    if (c == std::char_traits<char>::eof()) {
      if (quoted) {
        error_ = "unterminated quoted field starting on line " + std::to_string(row.line);
        return false;
      }
      row.fields.push_back(std::move(field));
      return true;
    }
    if (quoted) {
      if (c == '"') {
        if (in_.peek() == '"') {
          in_.get();
          field += '"';
        } else {
          quoted = false;
          // A closing quote ends the field: only a separator or a line end may follow.
          const int next = in_.peek();
          if (next != ',' && next != '\n' && next != '\r' &&
              next != std::char_traits<char>::eof()) {
            error_ = "text after a closing quote on line " + std::to_string(line_) +
                     " (a field is either wholly quoted or not at all)";
            return false;
          }
        }
      } else {
        if (c == '\n') ++line_;
        field += static_cast<char>(c);
      }
    } else if (c == '"' && field.empty() && !field_was_quoted) {
      quoted = true;
      field_was_quoted = true;
    } else if (c == '"') {
      error_ = "a quote inside an unquoted field on line " + std::to_string(line_) +
               " (quote the whole field and double the quote: \"a \"\"b\"\"\")";
      return false;
    } else if (c == ',') {
      row.fields.push_back(std::move(field));
      field.clear();
      field_was_quoted = false;
    } else if (c == '\r' && in_.peek() == '\n') {
      continue;
    } else if (c == '\n') {
      ++line_;
      row.fields.push_back(std::move(field));
      return true;
    } else {
      field += static_cast<char>(c);
    }
    if (field.size() > kMaxFieldBytes) {
      error_ = "field longer than 64 KiB on line " + std::to_string(line_);
      return false;
    }
  }
}

bool LooksLikeFormula(std::string_view field) {
  return !field.empty() && (field[0] == '=' || field[0] == '+' || field[0] == '-' ||
                            field[0] == '@' || field[0] == '\t' || field[0] == '\r');
}

void WriteRow(std::ostream& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out << ',';
    // A spreadsheet would run a cell that starts like a formula: it is
    // written as text, behind an apostrophe.
    const std::string f = LooksLikeFormula(fields[i]) ? "'" + fields[i] : fields[i];
    if (f.find_first_of(",\"\n\r") == std::string::npos) {
      out << f;
      continue;
    }
    out << '"';
    for (char c : f) {
      if (c == '"') out << '"';
      out << c;
    }
    out << '"';
  }
  out << '\n';
}

}  // namespace tdcs::csv
