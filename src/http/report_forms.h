// A report's layout (app::ReportLayout) as CSV, a workbook and a printable
// page: Vietnamese headers first, đồng in Vietnamese digit groups
// (5.171.000.000), ratios as 17,90 %, dates dd/mm/yyyy; in the workbook a
// sheet per breakdown with its header row frozen. The CSV is for machines:
// one row per cell row, prefixed by its sheet, amounts in whole đồng and
// ratios in basis points.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include "app/connection.h"
#include "app/context.h"
#include "app/reports.h"
#include "base/result.h"

namespace tdcs::http {

std::string HtmlEscape(const std::string& text);
// 1790 → "17,90 %".
std::string PercentVi(int64_t basis_points);

void WriteReportCsv(const app::ReportLayout& layout, std::ostream& out);
void WriteReportHtml(const app::ReportLayout& layout, std::ostream& out);
// Writes the workbook to `path`; an error's text, or empty.
std::string WriteReportXlsx(const app::ReportLayout& layout, const std::string& path);
// The workbook's bytes (written to a private temporary file and read back).
// StorageFault when the file cannot be made.
std::string ReportXlsxBytes(const app::ReportLayout& layout);

// A report by its name (app::ReportNames(): headline, by-commune,
// by-program, by-group, ratings, narrative) for a request: its JSON document
// and its layout, or the narrative's text. REPORT_UNKNOWN for another name,
// FORMAT_UNKNOWN for a format not json, csv, xlsx or html. What `tdcs
// report` and GET /api/reports/{name} both show.
struct ProducedReport {
  std::string json;
  app::ReportLayout layout;
  std::optional<std::string> narrative;  // the narrative's text (its only form)
};
Status CheckReportName(const std::string& name, const std::string& format);
Result<ProducedReport> ProduceReport(app::Connection& connection, const app::Context& context,
                                     const std::string& name, const app::ReportRequest& request,
                                     bool english);

}  // namespace tdcs::http
