// A report's layout (app::ReportLayout) as CSV, a workbook and a printable
// page: Vietnamese headers first, đồng in Vietnamese digit groups
// (5.171.000.000), ratios as 17,90 %, dates dd/mm/yyyy; in the workbook a
// sheet per breakdown with its header row frozen. The CSV is for machines:
// one row per cell row, prefixed by its sheet, amounts in whole đồng and
// ratios in basis points.
#pragma once

#include <ostream>
#include <string>

#include "app/reports.h"

namespace tdcs::cli {

std::string HtmlEscape(const std::string& text);
// 1790 → "17,90 %".
std::string PercentVi(int64_t basis_points);

void WriteReportCsv(const app::ReportLayout& layout, std::ostream& out);
void WriteReportHtml(const app::ReportLayout& layout, std::ostream& out);
// Writes the workbook to `path`; an error's text, or empty.
std::string WriteReportXlsx(const app::ReportLayout& layout, const std::string& path);

}  // namespace tdcs::cli
