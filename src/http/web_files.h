// The web application's built files (web/dist, `tdcs serve --web DIR`):
// answered for GET requests outside /api/. A path names a file under the
// root or nothing (no "..", no hidden names, no other characters); a path
// without an extension is one of the application's own screens and is
// answered with its index.html.
#pragma once

#include <optional>
#include <string>

#include "http/handlers.h"

namespace tdcs::http {

// The file's answer, or nothing when there is no such file.
std::optional<Response> WebFile(const std::string& root, const std::string& path);

}  // namespace tdcs::http
