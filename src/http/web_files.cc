#include "http/web_files.h"

#include <fstream>
#include <iterator>
#include <map>
#include <mutex>

namespace tdcs::http {
namespace {

std::string TypeOf(const std::string& name) {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}};
  const auto dot = name.rfind('.');
  if (dot == std::string::npos) return "application/octet-stream";
  const auto it = types.find(name.substr(dot));
  return it == types.end() ? "application/octet-stream" : it->second;
}

// Whether `path` ("/assets/index-1a2b.js") may name a file: segments of
// letters, digits, '-', '_' and '.', none starting with '.'.
bool Safe(const std::string& path) {
  if (path.empty() || path[0] != '/' || path.size() > 200) return false;
  bool segment_start = true;
  for (char c : path) {
    if (c == '/') {
      segment_start = true;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok || (segment_start && c == '.')) return false;
    segment_start = false;
  }
  return true;
}

// Built files do not change while the server runs: each is read once.
std::optional<std::string> Read(const std::string& file) {
  static std::mutex mutex;
  static std::map<std::string, std::optional<std::string>> cache;
  std::lock_guard lock(mutex);
  if (auto it = cache.find(file); it != cache.end()) return it->second;
  std::ifstream in(file, std::ios::binary);
  std::optional<std::string> bytes;
  if (in) bytes.emplace(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (cache.size() < 1000) cache[file] = bytes;
  return bytes;
}

}  // namespace

std::optional<Response> WebFile(const std::string& root, const std::string& path) {
  if (root.empty() || !Safe(path == "/" ? "/index.html" : path)) return std::nullopt;
  std::string name = path == "/" ? "/index.html" : path;
  const auto slash = name.rfind('/');
  const bool screen = name.find('.', slash) == std::string::npos;
  if (screen) name = "/index.html";
  auto bytes = Read(root + name);
  if (!bytes) return std::nullopt;
  Response r{200, TypeOf(name), std::move(*bytes)};
  // Built assets carry their content's hash in their names.
  r.headers.push_back({"Cache-Control", name.rfind("/assets/", 0) == 0
                                            ? "public, max-age=31536000, immutable"
                                            : "no-cache"});
  r.headers.push_back({"X-Content-Type-Options", "nosniff"});
  r.headers.push_back(
      {"Content-Security-Policy",
       "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"});
  r.headers.push_back({"Referrer-Policy", "same-origin"});
  return r;
}

}  // namespace tdcs::http
