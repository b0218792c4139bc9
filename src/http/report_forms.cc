#include "http/report_forms.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "base/csv.h"
#include "base/fault.h"
#include "http/json_views.h"
#include "money/money.h"

namespace tdcs::http {

std::string HtmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PercentVi(int64_t bp) {
  const bool negative = bp < 0;
  const int64_t v = negative ? -bp : bp;
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s%lld,%02lld %%", negative ? "-" : "",
                static_cast<long long>(v / 100), static_cast<long long>(v % 100));
  return buffer;
}

namespace {

std::string CellText(const app::ReportCell& c) {
  switch (c.kind) {
    case app::ReportCell::Kind::kText:
      return c.text;
    case app::ReportCell::Kind::kDong:
      return Money::Dong(c.value).ToVietnamese();
    case app::ReportCell::Kind::kCount:
      return Money::Dong(c.value).ToVietnamese();  // the same digit groups: 8.425
    case app::ReportCell::Kind::kBp:
      return PercentVi(c.value);
  }
  return {};
}

}  // namespace

void WriteReportCsv(const app::ReportLayout& layout, std::ostream& out) {
  for (const auto& sheet : layout.sheets) {
    std::vector<std::string> header{"sheet"};
    header.insert(header.end(), sheet.headers.begin(), sheet.headers.end());
    csv::WriteRow(out, header);
    for (const auto& row : sheet.rows) {
      std::vector<std::string> fields{sheet.name};
      for (const auto& c : row)
        fields.push_back(c.kind == app::ReportCell::Kind::kText ? c.text : std::to_string(c.value));
      csv::WriteRow(out, fields);
    }
  }
}

void WriteReportHtml(const app::ReportLayout& layout, std::ostream& out) {
  out << "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><title>"
      << HtmlEscape(layout.title)
      << "</title><style>body{font-family:sans-serif;font-size:11pt}"
         "table{border-collapse:collapse;margin-bottom:1.5em;page-break-inside:avoid}"
         "th,td{border:1px solid #444;padding:2px 6px}td.n{text-align:right}"
         "th{background:#eee}</style></head><body>\n<h1>"
      << HtmlEscape(layout.title) << "</h1>\n<p>" << HtmlEscape(layout.subtitle) << "</p>\n";
  for (const auto& sheet : layout.sheets) {
    out << "<h2>" << HtmlEscape(sheet.name) << "</h2>\n<table><thead><tr>";
    for (const auto& h : sheet.headers) out << "<th>" << HtmlEscape(h) << "</th>";
    out << "</tr></thead><tbody>\n";
    for (const auto& row : sheet.rows) {
      out << "<tr>";
      for (const auto& c : row)
        out << (c.kind == app::ReportCell::Kind::kText ? "<td>" : "<td class=\"n\">")
            << HtmlEscape(CellText(c)) << "</td>";
      out << "</tr>\n";
    }
    out << "</tbody></table>\n";
  }
  out << "</body></html>\n";
}

std::string WriteReportXlsx(const app::ReportLayout& layout, const std::string& path) {
  lxw_workbook* book = workbook_new(path.c_str());
  if (book == nullptr) return "cannot create " + path;
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  format_set_text_wrap(bold);
  lxw_format* money = workbook_add_format(book);
  format_set_num_format(money, "#,##0");  // shown with dots in a Vietnamese locale
  lxw_format* percent = workbook_add_format(book);
  format_set_num_format(percent, "0.00%");
  for (const auto& sheet : layout.sheets) {
    lxw_worksheet* ws = workbook_add_worksheet(book, sheet.name.c_str());
    if (ws == nullptr) {
      workbook_close(book);
      return "the sheet name '" + sheet.name + "' is refused";
    }
    worksheet_write_string(ws, 0, 0, layout.title.c_str(), bold);
    worksheet_write_string(ws, 1, 0, layout.subtitle.c_str(), nullptr);
    for (size_t c = 0; c < sheet.headers.size(); ++c)
      worksheet_write_string(ws, 2, static_cast<lxw_col_t>(c), sheet.headers[c].c_str(), bold);
    worksheet_freeze_panes(ws, 3, 0);
    worksheet_set_column(ws, 0, 0, 48, nullptr);
    worksheet_set_column(ws, 1, 8, 20, nullptr);
    lxw_row_t r = 3;
    for (const auto& row : sheet.rows) {
      for (size_t c = 0; c < row.size(); ++c) {
        const auto& cell = row[c];
        const auto col = static_cast<lxw_col_t>(c);
        switch (cell.kind) {
          case app::ReportCell::Kind::kText:
            worksheet_write_string(ws, r, col, cell.text.c_str(), nullptr);
            break;
          case app::ReportCell::Kind::kDong:
          case app::ReportCell::Kind::kCount:
            worksheet_write_number(ws, r, col, static_cast<double>(cell.value), money);
            break;
          case app::ReportCell::Kind::kBp:
            worksheet_write_number(ws, r, col, static_cast<double>(cell.value) / 10'000.0, percent);
            break;
        }
      }
      ++r;
    }
  }
  const lxw_error error = workbook_close(book);
  return error == LXW_NO_ERROR ? std::string() : lxw_strerror(error);
}

std::string ReportXlsxBytes(const app::ReportLayout& layout) {
  char path[] = "/tmp/tdcs-report-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) throw StorageFault("cannot make a temporary file for a workbook");
  close(fd);
  const std::string error = WriteReportXlsx(layout, path);
  std::string bytes;
  if (error.empty()) {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::remove(path);
  if (!error.empty()) throw StorageFault("cannot write a workbook: " + error);
  return bytes;
}

Status CheckReportName(const std::string& name, const std::string& format) {
  bool known = false;
  for (auto n : app::ReportNames()) known = known || n == name;
  if (!known) {
    std::string names;
    for (auto n : app::ReportNames()) names += (names.empty() ? "" : ", ") + std::string(n);
    return MakeError(app::ReportRejection::kReportUnknown, "name",
                     "Không có báo cáo '" + name + "' (có: " + names + ")",
                     "No report '" + name + "' (there are: " + names + ")");
  }
  if (format != "json" && format != "csv" && format != "xlsx" && format != "html")
    return MakeError(app::ReportRejection::kFormatUnknown, "format",
                     "Định dạng '" + format + "' không có (json, csv, xlsx, html)",
                     "No format '" + format + "' (json, csv, xlsx, html)");
  return {};
}

Result<ProducedReport> ProduceReport(app::Connection& connection, const app::Context& context,
                                     const std::string& name, const app::ReportRequest& r,
                                     bool english) {
  if (auto bad = CheckReportName(name, "json"); !bad.ok()) return bad.error();
  ProducedReport out;
  if (name == "narrative") {
    auto headline = app::Headline(connection, context, r);
    if (!headline.ok()) return headline.error();
    auto programs = app::ByProgram(connection, context, r);
    if (!programs.ok()) return programs.error();
    out.narrative = app::Narrative(headline.value(), programs.value(), english);
    return out;
  }
  if (name == "headline") {
    auto report = app::Headline(connection, context, r);
    if (!report.ok()) return report.error();
    out.json = HeadlineJson(report.value());
    out.layout = app::LayoutOf(report.value());
  } else if (name == "ratings") {
    auto report = app::GroupRatings(connection, context, r);
    if (!report.ok()) return report.error();
    out.json = RatingsJson(report.value());
    out.layout = app::LayoutOf(report.value());
  } else {
    auto report = name == "by-commune" ? app::ByCommune(connection, context, r)
                  : name == "by-group" ? app::ByGroup(connection, context, r)
                                       : app::ByProgram(connection, context, r);
    if (!report.ok()) return report.error();
    out.json = BreakdownJson(report.value());
    out.layout = app::LayoutOf(report.value());
  }
  return out;
}

}  // namespace tdcs::http
