#include "cli/session_forms.h"

#include <xlsxwriter.h>

#include <map>

#include "http/report_forms.h"

namespace tdcs::cli {

using http::HtmlEscape;

namespace {

// The list's columns as a leader reads them, Vietnamese first.
const std::vector<std::string>& Headers() {
  static const std::vector<std::string> kHeaders = {"Mã hộ / Borrower",
                                                    "Số khế ước / Loan",
                                                    "Dư nợ / Outstanding",
                                                    "Nợ quá hạn / Overdue",
                                                    "Lãi phải thu / Interest",
                                                    "Gốc đến hạn / Principal due",
                                                    "Tiết kiệm / Savings",
                                                    "Lãi đã thu / Interest paid",
                                                    "Gốc đã thu / Principal paid",
                                                    "Tiết kiệm đã gửi / Savings paid"};
  return kHeaders;
}

std::map<std::string, std::vector<const app::SessionListLine*>> ByGroup(
    const std::vector<app::SessionListLine>& lines) {
  std::map<std::string, std::vector<const app::SessionListLine*>> out;
  for (const auto& l : lines) out[l.group_code].push_back(&l);
  return out;
}

}  // namespace

std::string WriteSessionListXlsx(const std::vector<app::SessionListLine>& lines,
                                 const std::string& point, Date date, const std::string& path) {
  lxw_workbook* book = workbook_new(path.c_str());
  if (book == nullptr) return "cannot create " + path;
  lxw_format* bold = workbook_add_format(book);
  format_set_bold(bold);
  format_set_text_wrap(bold);
  lxw_format* heading = workbook_add_format(book);
  format_set_bold(heading);
  lxw_format* money = workbook_add_format(book);
  format_set_num_format(money, "#,##0");  // shown with dots in a Vietnamese locale
  lxw_format* total = workbook_add_format(book);
  format_set_num_format(total, "#,##0");
  format_set_bold(total);
  for (const auto& [group, rows] : ByGroup(lines)) {
    lxw_worksheet* sheet = workbook_add_worksheet(book, ("Tổ " + group).c_str());
    if (sheet == nullptr) {
      workbook_close(book);
      return "the sheet name 'Tổ " + group + "' is refused (31 characters at most, no []:*?/\\)";
    }
    const std::string title = "Danh sách 13/TD — điểm giao dịch " + point + ", phiên " +
                              date.ToVietnamese() + ", tổ " + group;
    worksheet_write_string(sheet, 0, 0, title.c_str(), heading);
    for (size_t c = 0; c < Headers().size(); ++c)
      worksheet_write_string(sheet, 1, static_cast<lxw_col_t>(c), Headers()[c].c_str(), bold);
    worksheet_freeze_panes(sheet, 2, 0);
    worksheet_set_column(sheet, 0, 1, 18, nullptr);
    worksheet_set_column(sheet, 2, 9, 16, nullptr);
    lxw_row_t r = 2;
    int64_t sums[5] = {0, 0, 0, 0, 0};
    for (const auto* l : rows) {
      worksheet_write_string(sheet, r, 0, l->borrower_code.c_str(), nullptr);
      worksheet_write_string(sheet, r, 1, l->loan_code.c_str(), nullptr);
      const int64_t values[5] = {l->principal_outstanding.dong(), l->overdue.dong(),
                                 l->interest_due.dong(), l->principal_due.dong(),
                                 l->savings_due.dong()};
      for (int c = 0; c < 5; ++c) {
        worksheet_write_number(sheet, r, static_cast<lxw_col_t>(2 + c),
                               static_cast<double>(values[c]), money);
        sums[c] += values[c];
      }
      ++r;
    }
    worksheet_write_string(sheet, r, 0, "Cộng tổ / Group total", bold);
    for (int c = 0; c < 5; ++c)
      worksheet_write_number(sheet, r, static_cast<lxw_col_t>(2 + c), static_cast<double>(sums[c]),
                             total);
  }
  if (lines.empty()) workbook_add_worksheet(book, "Trống");
  const lxw_error error = workbook_close(book);
  return error == LXW_NO_ERROR ? std::string() : lxw_strerror(error);
}

void WriteSessionListHtml(const std::vector<app::SessionListLine>& lines, const std::string& point,
                          Date date, std::ostream& out) {
  out << "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
         "<title>Danh sách 13/TD — "
      << HtmlEscape(point) << " — " << date.ToVietnamese()
      << "</title><style>body{font-family:sans-serif;font-size:11pt}"
         "table{border-collapse:collapse;width:100%;margin-bottom:1.5em;page-break-inside:avoid}"
         "th,td{border:1px solid #444;padding:2px 4px}td.n{text-align:right}"
         "th{background:#eee}tr.t td{font-weight:bold}"
         "@media print{h2{page-break-before:auto}}</style></head><body>\n"
      << "<h1>Danh sách 13/TD / List 13/TD</h1>\n<p>Điểm giao dịch / point " << HtmlEscape(point)
      << ", phiên / session " << date.ToVietnamese() << "</p>\n";
  for (const auto& [group, rows] : ByGroup(lines)) {
    out << "<h2>Tổ / group " << HtmlEscape(group) << "</h2>\n<table><thead><tr>";
    for (const auto& h : Headers()) out << "<th>" << HtmlEscape(h) << "</th>";
    out << "</tr></thead><tbody>\n";
    Money sums[5];
    for (const auto* l : rows) {
      const Money values[5] = {l->principal_outstanding, l->overdue, l->interest_due,
                               l->principal_due, l->savings_due};
      out << "<tr><td>" << HtmlEscape(l->borrower_code) << "</td><td>" << HtmlEscape(l->loan_code)
          << "</td>";
      for (int c = 0; c < 5; ++c) {
        out << "<td class=\"n\">" << values[c].ToVietnamese() << "</td>";
        sums[c] += values[c];
      }
      out << "<td></td><td></td><td></td></tr>\n";
    }
    out << "<tr class=\"t\"><td colspan=\"2\">Cộng tổ / group total</td>";
    for (const auto& sum : sums) out << "<td class=\"n\">" << sum.ToVietnamese() << "</td>";
    out << "<td></td><td></td><td></td></tr>\n</tbody></table>\n";
  }
  out << "</body></html>\n";
}

}  // namespace tdcs::cli
