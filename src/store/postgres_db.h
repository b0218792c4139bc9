#pragma once
#include <memory>
#include <string>

#include "store/db.h"

namespace tdcs::store {
// Connects with libpq to a postgresql:// URI.
std::unique_ptr<Database> OpenPostgres(const std::string& uri);
// Rewrites `?` placeholders to $1, $2, … outside string literals.
std::string NumberPlaceholders(std::string_view sql);
}  // namespace tdcs::store
