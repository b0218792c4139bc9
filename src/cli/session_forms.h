// List 13/TD as a workbook and as a printable page (tdcs session list
// --format xlsx|html): Vietnamese headers, đồng in Vietnamese digit groups, a
// sheet (or a table) per group with its totals, header rows frozen.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "app/sessions.h"

namespace tdcs::cli {

// Writes the workbook to `path`; an error's text, or empty.
std::string WriteSessionListXlsx(const std::vector<app::SessionListLine>& lines,
                                 const std::string& point, Date date, const std::string& path);
void WriteSessionListHtml(const std::vector<app::SessionListLine>& lines, const std::string& point,
                          Date date, std::ostream& out);

}  // namespace tdcs::cli
