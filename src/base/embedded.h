// Files compiled into the binary (schema migrations, the administrative units,
// the program catalog), so that `tdcs` needs nothing beside itself to run.
#pragma once

#include <cstddef>
#include <string_view>

namespace tdcs {

struct EmbeddedFile {
  const char* name;  // base name, e.g. "0001_network.sql"
  size_t size;
  const char* bytes;
  std::string_view content() const { return std::string_view(bytes, size); }
};

// Defined by the generated sources (see cmake/embed_files.cmake).
extern const EmbeddedFile kEmbeddedMigrations[];
extern const size_t kEmbeddedMigrations_count;
extern const EmbeddedFile kEmbeddedData[];
extern const size_t kEmbeddedData_count;

// The data file with this base name; CHECK-fails if it was not embedded.
std::string_view EmbeddedData(std::string_view name);

}  // namespace tdcs
