// The rows of an import file, shared by the import of each kind.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "app/import.h"
#include "base/result.h"

namespace tdcs::app {

// One data row with access to its fields by column name.
struct Line {
  int line = 0;
  std::map<std::string, std::string> fields;
  const std::string& operator[](const std::string& column) const { return fields.at(column); }
};

// Collects errors for one line; `Check` returns whether the status was ok.
class LineErrors {
 public:
  LineErrors(ImportReport& report, int line) : report_(report), line_(line) {}
  bool Check(const Status& s) {
    if (s.ok()) return true;
    report_.errors.push_back({line_, s.error()});
    return false;
  }
  void Add(Error e) { report_.errors.push_back({line_, std::move(e)}); }
  template <typename T>
  std::optional<T> Take(Result<T> r) {
    if (r.ok()) return std::move(r).value();
    report_.errors.push_back({line_, r.error()});
    return std::nullopt;
  }

 private:
  ImportReport& report_;
  int line_;
};

}  // namespace tdcs::app
