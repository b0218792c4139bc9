#pragma once
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "store/db.h"

namespace tdcs::store {
// Connects with libpq to a postgresql:// URI.
std::unique_ptr<Database> OpenPostgres(const std::string& uri);
// Calls `each(keyword, value)` for every parameter of the PostgreSQL
// connection string `uri` that has a value (libpq's parse); a string libpq
// cannot parse is a StorageFault prefixed by `who`, its password redacted.
void ForEachConnectionParameter(
    const std::string& uri, const std::string& who,
    const std::function<void(std::string_view keyword, const std::string& value)>& each);
// Rewrites `?` placeholders to $1, $2, … outside string literals.
std::string NumberPlaceholders(std::string_view sql);
}  // namespace tdcs::store
