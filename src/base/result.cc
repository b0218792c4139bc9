#include "base/result.h"

namespace tdcs {

std::string Error::ToString() const {
  std::string out;
  if (!field.empty()) out += field + ": ";
  out += message_vi + " / " + message_en + " [" + code + "]";
  return out;
}

}  // namespace tdcs
