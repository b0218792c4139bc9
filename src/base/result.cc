#include "base/result.h"

namespace tdcs {

std::string Error::ToString() const {
  std::string out;
  if (!field.empty()) out += field + ": ";
  out += message_vi + " / " + message_en + " [" + code + "]";
  return out;
}

Error MakeError(std::string code, std::string field, std::string message_vi,
                std::string message_en) {
  return Error{std::move(code), std::move(field), std::move(message_vi), std::move(message_en)};
}

}  // namespace tdcs
