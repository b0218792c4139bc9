// The scenario runner: parses each line and runs it through the same use
// cases as the command line and the server. Offices, points, groups and
// borrowers are one-row CSV imports (docs/IMPORT.md), so a scenario's network
// passes every check a bank's file does.
#include "scenario/scenario.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "app/books.h"
#include "app/entrusted_work.h"
#include "app/import.h"
#include "app/inspect.h"
#include "app/loans.h"
#include "app/reconcile.h"
#include "app/sessions.h"
#include "app/settings.h"
#include "app/setup.h"
#include "loans/amortization.h"
#include "loans/loan.h"
#include "network/network.h"

namespace tdcs::scenario {
namespace {

using namespace app;  // NOLINT: the runner speaks the use cases' language

std::vector<std::string> Split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// "key value" pairs after the first `skip` words.
std::map<std::string, std::string> Options(const std::vector<std::string>& w, size_t skip) {
  std::map<std::string, std::string> out;
  for (size_t i = skip; i + 1 < w.size(); i += 2) out[w[i]] = w[i + 1];
  return out;
}

// A line failed to parse or referred to something unknown.
struct LineError {
  std::string message;
};

Money ParseMoney(const std::string& s) {
  auto m = Money::Parse(s);
  if (!m) throw LineError{"not an amount: " + s};
  return *m;
}

int ParseInt(const std::string& s) {
  try {
    size_t used = 0;
    const int v = std::stoi(s, &used);
    if (used == s.size()) return v;
  } catch (const std::exception&) {
  }
  throw LineError{"not a number: " + s};
}

Date ParseDate(const std::string& s) {
  auto d = Date::Parse(s);
  if (!d) throw LineError{"not a date: " + s};
  return *d;
}

class Runner {
 public:
  Runner(std::ostream& out, std::string name, std::unique_ptr<Connection> connection)
      : out_(out), name_(std::move(name)), db_(std::move(connection)) {
    InitDatabase(*db_);
  }

  void Line(int number, const std::string& raw) {
    line_ = number;
    text_ = raw;
    in_fail_ = false;
    std::string line = raw.substr(0, raw.find('#'));
    auto w = Split(line);
    if (w.empty()) return;
    try {
      if (w[0] == "expect") return Expect(w);
      if (w[0] == "fail") return Fail(w);
      auto error = Action(w);
      if (error) Report(false, "rejected: " + error->ToString());
    } catch (const LineError& e) {
      Report(false, e.message);
    }
  }

  ScenarioResult Finish() {
    line_ = 0;
    text_ = "(end) the books verify";
    auto report = Verify(*db_, context_, true);
    std::string problems;
    for (const auto& p : report.problems) problems += "\n      " + p;
    Report(report.ok(), problems);
    return result_;
  }

 private:
  void Report(bool ok, const std::string& detail) {
    ++result_.checks;
    if (!ok) ++result_.failures;
    out_ << (ok ? "  ok   " : "  FAIL ") << name_ << ":" << line_ << ": " << text_;
    if (!ok && !detail.empty()) out_ << "\n       → " << detail;
    out_ << "\n";
  }

  Date Today() const {
    if (!today_) throw LineError{"no date yet: start with `date YYYY-MM-DD`"};
    return *today_;
  }

  const std::string& Code(std::map<std::string, std::string>& names, const std::string& name,
                          const char* what) {
    auto it = names.find(name);
    if (it == names.end()) throw LineError{std::string("unknown ") + what + " " + name};
    return it->second;
  }

  // A name is given once: a second line naming the same office, point,
  // group, borrower, loan or schedule is a mistake in the scenario, reported
  // with the line of the first. Offices, points and loans are named by their
  // codes in the books, so inside `fail` a repeat goes on to the books, which
  // refuse it (CODE_DUPLICATE, LOAN_CODE_DUPLICATE).
  void RequireNewName(const char* what, const std::string& name, bool books_code = false) {
    if (books_code && in_fail_) return;
    auto it = named_on_line_.find({what, name});
    if (it != named_on_line_.end())
      throw LineError{"tên " + std::string(what) + " " + name + " đã dùng ở dòng " +
                      std::to_string(it->second) + " / " + what + " " + name +
                      " is named already, on line " + std::to_string(it->second)};
  }
  void RecordName(const char* what, const std::string& name) {
    named_on_line_.emplace(std::make_pair(std::string(what), name), line_);
  }

  // Runs an action line; returns the rejection, if any.
  std::optional<Error> Action(const std::vector<std::string>& w) {
    const std::string& verb = w[0];
    if (verb == "date") {
      if (w.size() != 2) throw LineError{"usage: date YYYY-MM-DD"};
      const Date d = ParseDate(w[1]);
      auto r = CloseTo(*db_, context_, {d, nullptr, nullptr});
      if (!r.ok()) return r.error();
      today_ = d;
      return std::nullopt;
    }
    if (verb == "office") return Office(w);
    if (verb == "point") return Point(w);
    if (verb == "group") return Group(w);
    if (verb == "borrower") return Borrower(w);
    if (verb == "loan") return Loan(w);
    if (verb == "leave") {
      if (w.size() != 2) throw LineError{"usage: leave BORROWER"};
      const std::string& code = Code(borrowers_, w[1], "borrower");
      return ImportRows(ImportKind::kMemberships,
                        "action,borrower_code,group_code,role,valid_from\n"
                        "leave," +
                            code + "," + borrower_groups_[code] + ",member," + Today().ToIso() +
                            "\n");
    }
    if (verb == "rate") {
      if (w.size() != 4) throw LineError{"usage: rate PROGRAM YYYY-MM-DD PERCENT"};
      auto rate = Rate::ParsePercent(w[3]);
      if (!rate) throw LineError{"not a rate: " + w[3]};
      auto s = SetProgramRate(*db_, context_, w[1], ParseDate(w[2]), *rate);
      if (!s.ok()) return s.error();
      return std::nullopt;
    }
    if (verb == "program-limit") {
      // A new version of the program from D with another maximum amount (per
      // its basis: per month of study for students' loans).
      if (w.size() != 4) throw LineError{"usage: program-limit PROGRAM YYYY-MM-DD AMOUNT"};
      const Date from = ParseDate(w[2]);
      if (from < Today()) throw LineError{"a program's limit changes from today or later"};
      auto s = SetProgramLimit(*db_, context_, w[1], from, ParseMoney(w[3]));
      if (!s.ok()) return s.error();
      return std::nullopt;
    }
    if (verb == "setting") {
      if (w.size() != 4) throw LineError{"usage: setting NAME YYYY-MM-DD VALUE"};
      auto s = SetSetting(*db_, context_, w[1], ParseDate(w[2]), w[3]);
      if (!s.ok()) return s.error();
      return std::nullopt;
    }
    if (verb == "holiday") {
      // Recorded today, in the calendar from tomorrow: what was decided today
      // on the calendar of today stays decided.
      if (w.size() < 2) throw LineError{"usage: holiday YYYY-MM-DD [NAME…]"};
      Holiday h;
      h.date = ParseDate(w[1]);
      h.valid_from = Today().AddDays(1);
      for (size_t i = 2; i < w.size(); ++i) h.name_vi += (i > 2 ? " " : "") + w[i];
      if (h.name_vi.empty()) h.name_vi = "Ngày nghỉ lễ";
      h.name_en = h.name_vi;
      auto s = AddHoliday(*db_, context_, h);
      if (!s.ok()) return s.error();
      return std::nullopt;
    }
    if (verb == "session-move") {
      // session-move POINT YYYY-MM DATE [REASON…]
      if (w.size() < 4) throw LineError{"usage: session-move POINT YYYY-MM YYYY-MM-DD [REASON…]"};
      auto month = ParseMonth(w[2], "month");
      if (!month.ok()) throw LineError{"not a month: " + w[2]};
      SessionMoveRequest r;
      r.point_code = Code(points_, w[1], "point");
      r.month = month.value();
      r.to = ParseDate(w[3]);
      for (size_t i = 4; i < w.size(); ++i) r.reason += (i > 4 ? " " : "") + w[i];
      if (r.reason.empty()) r.reason = "Ngày nghỉ lễ";
      auto moved = MoveSession(*db_, context_, r);
      if (!moved.ok()) return moved.error();
      return std::nullopt;
    }
    if (verb == "session-post") {
      // session-post POINT KEY GROUP B/L/INTEREST/PRINCIPAL/SAVINGS… [flagged N]
      // [repeat yes|no]: one group's batch at today's session of POINT.
      if (w.size() < 5)
        throw LineError{
            "usage: session-post POINT KEY GROUP B/L/I/P/S… [flagged N] [repeat yes|no]"};
      std::ostringstream file;
      for (size_t c = 0; c < SessionListColumns().size(); ++c)
        file << (c ? "," : "") << SessionListColumns()[c];
      file << "\n";
      std::optional<int> flagged;
      std::optional<bool> repeat;
      const std::string group = Code(groups_, w[3], "group");
      for (size_t i = 4; i < w.size(); ++i) {
        if (w[i] == "flagged" && i + 1 < w.size()) {
          flagged = ParseInt(w[++i]);
          continue;
        }
        if (w[i] == "repeat" && i + 1 < w.size()) {
          repeat = w[++i] == "yes";
          continue;
        }
        std::vector<std::string> part;
        std::stringstream in(w[i]);
        for (std::string item; std::getline(in, item, '/');) part.push_back(item);
        if (part.size() != 5)
          throw LineError{"a line is BORROWER/LOAN/INTEREST/PRINCIPAL/SAVINGS: " + w[i]};
        const std::string borrower = Code(borrowers_, part[0], "borrower");
        const std::string loan = part[1] == "-" ? "" : part[1];
        file << Code(points_, w[1], "point") << "," << Today().ToIso() << "," << group << ","
             << borrower << "," << loan << ",0,0,0,0,0," << part[2] << "," << part[3] << ","
             << part[4] << "\n";
      }
      Context context = context_;
      std::istringstream in(file.str());
      auto posted = PostSessionFile(*db_, context, in, w[2]);
      if (!posted.ok()) return posted.error();
      const auto& r = posted.value();
      if (!r.refused.empty()) return r.refused.front().error;
      if (flagged && static_cast<int>(r.flagged.size()) != *flagged) {
        std::string what;
        for (const auto& f : r.flagged) what += " " + f.loan_code + " " + f.what + ";";
        throw LineError{"flagged " + std::to_string(r.flagged.size()) + " (" + what +
                        " ), expected " + std::to_string(*flagged)};
      }
      if (repeat && (r.groups_repeated == 1) != *repeat)
        throw LineError{*repeat ? "posted again, expected a repeat"
                                : "a repeat, expected a posting"};
      return std::nullopt;
    }
    if (verb == "session-open") {
      // session-open POINT [commission AMOUNT] [fees AMOUNT]: today's session
      // opened, and what it paid out.
      if (w.size() < 2) throw LineError{"usage: session-open POINT [commission N] [fees N]"};
      auto opened = OpenCommuneSession(*db_, context_, Code(points_, w[1], "point"), Today());
      if (!opened.ok()) return opened.error();
      for (const auto& [key, want] : Options(w, 2)) {
        const Money got = key == "commission" ? opened.value().commission_paid
                          : key == "fees"     ? opened.value().fees_paid
                                              : throw LineError{"unknown field " + key};
        if (got != ParseMoney(want))
          throw LineError{key + " paid " + got.ToVietnamese() + ", expected " +
                          ParseMoney(want).ToVietnamese()};
      }
      return std::nullopt;
    }
    if (verb == "session-close") {
      // session-close POINT COUNTED [brought N] [expected N] [reason WORDS…]:
      // today's session closed with the cash counted.
      if (w.size() < 3)
        throw LineError{
            "usage: session-close POINT COUNTED [brought N] [expected N] [reason WORDS…]"};
      SessionCloseRequest request{Code(points_, w[1], "point"), Today(), ParseMoney(w[2]), "", {}};
      std::optional<Money> expected;
      for (size_t i = 3; i < w.size(); ++i) {
        if (w[i] == "expected" && i + 1 < w.size()) {
          expected = ParseMoney(w[++i]);
        } else if (w[i] == "brought" && i + 1 < w.size()) {
          request.brought = ParseMoney(w[++i]);
        } else if (w[i] == "reason") {
          for (size_t j = i + 1; j < w.size(); ++j) request.reason += (j > i + 1 ? " " : "") + w[j];
          break;
        } else {
          throw LineError{"unknown field " + w[i]};
        }
      }
      auto closed = CloseCommuneSession(*db_, context_, request);
      if (!closed.ok()) return closed.error();
      if (expected && closed.value().expected != *expected)
        throw LineError{"the books' cash is " + closed.value().expected.ToVietnamese() +
                        ", expected " + expected->ToVietnamese()};
      return std::nullopt;
    }
    if (verb == "rate-groups" || verb == "fees") {
      // rate-groups YYYY-MM / fees YYYY-MM: the month's rating, or its
      // commission and fees posted.
      if (w.size() != 2) throw LineError{"usage: " + verb + " YYYY-MM"};
      auto month = ParseMonth(w[1], "month");
      if (!month.ok()) return month.error();
      if (verb == "fees") {
        auto run = RunFees(*db_, context_, month.value());
        if (!run.ok()) return run.error();
        fee_month_ = month.value();
        return std::nullopt;
      }
      auto rated = RateGroups(*db_, context_, month.value());
      if (!rated.ok()) return rated.error();
      rating_ = std::move(rated.value());
      return std::nullopt;
    }
    if (verb.rfind("reconcile-", 0) == 0 || verb.rfind("inspect-", 0) == 0) return Oversight(w);
    if (verb == "savings-rate") {
      if (w.size() != 3) throw LineError{"usage: savings-rate YYYY-MM-DD PERCENT"};
      auto rate = Rate::ParsePercent(w[2]);
      if (!rate) throw LineError{"not a rate: " + w[2]};
      auto s = SetSavingsRate(*db_, context_, ParseDate(w[1]), *rate);
      if (!s.ok()) return s.error();
      return std::nullopt;
    }
    if (verb == "plan") {
      if (w.size() != 5) throw LineError{"usage: plan OFFICE PROGRAM YEAR AMOUNT"};
      auto s = SetCapitalPlan(*db_, context_, Code(offices_, w[1], "office"), w[2], ParseInt(w[3]),
                              ParseMoney(w[4]));
      if (!s.ok()) return s.error();
      return std::nullopt;
    }
    if (verb == "reverse-last-savings") {
      if (w.size() < 2) throw LineError{"usage: reverse-last-savings BORROWER"};
      auto o = Options(w, 2);
      Context context = context_;
      if (o.count("key")) context.idempotency_key = o["key"];
      auto r = ActOnSavings(*db_, context,
                            {SavingsActionKind::kReverseLast, Code(borrowers_, w[1], "borrower"),
                             Money::Zero(), Today()});
      if (!r.ok()) return r.error();
      return std::nullopt;
    }
    if (verb == "deposit" || verb == "withdraw") {
      if (w.size() < 3) throw LineError{"usage: " + verb + " BORROWER AMOUNT"};
      Context context = context_;
      if (Options(w, 3).count("key")) context.idempotency_key = Options(w, 3).at("key");
      auto r = ActOnSavings(
          *db_, context,
          {verb == "deposit" ? SavingsActionKind::kDeposit : SavingsActionKind::kWithdraw,
           Code(borrowers_, w[1], "borrower"), ParseMoney(w[2]), Today()});
      if (!r.ok()) return r.error();
      return std::nullopt;
    }
    if (verb == "schedule") return Schedule(w);
    return LoanAction(w);
  }

  std::optional<Error> LoanAction(const std::vector<std::string>& w) {
    // The scenario verbs are the actions' own keys, with '-' for '_'
    // (pay-savings) and reverse-last for reverse.
    std::string key = w[0] == "reverse-last" ? "reverse" : w[0];
    std::replace(key.begin(), key.end(), '-', '_');
    const auto kind =
        w[0] == "reverse" || w[0] == "pay_savings" ? std::nullopt : ParseLoanActionKind(key);
    if (!kind) throw LineError{"unknown line: " + w[0]};
    if (w.size() < 2) throw LineError{"missing the loan"};
    app::LoanAction a;
    a.kind = *kind;
    a.loan_code = w[1];
    a.date = Today();
    size_t options_from = 2;
    if (a.kind == LoanActionKind::kPay || a.kind == LoanActionKind::kPayFromSavings) {
      if (w.size() < 3) throw LineError{"usage: pay LOAN AMOUNT"};
      a.amount = ParseMoney(w[2]);
      options_from = 3;
    } else if (a.kind == LoanActionKind::kInherit) {
      if (w.size() < 3) throw LineError{"usage: inherit LOAN HEIR"};
      a.heir_code = Code(borrowers_, w[2], "borrower");
      options_from = 3;
    }
    auto o = Options(w, options_from);
    if (o.count("amount")) a.amount = ParseMoney(o["amount"]);
    // Months given are the months asked for (`months 0` is refused by the
    // rules); only a freeze without them lasts the longest a freeze may.
    if (o.count("months"))
      a.months = ParseInt(o["months"]);
    else if (a.kind == LoanActionKind::kFreeze)
      a.months = loans::kFreezeMonthsMax;
    else if (a.kind == LoanActionKind::kExtend)
      throw LineError{"usage: extend LOAN months N"};
    Context context = context_;
    if (o.count("key")) context.idempotency_key = o["key"];
    auto r = ActOnLoan(*db_, context, a);
    if (!r.ok()) return r.error();
    if (o.count("expect-repeat")) {
      const bool want = o["expect-repeat"] == "yes";
      Report(r.value().repeated == want,
             std::string("repeated = ") + (r.value().repeated ? "yes" : "no"));
    }
    return std::nullopt;
  }

  // Imports `csv` (a header and rows) as a bank's file would be imported;
  // the first bad row's first error is the rejection.
  std::optional<Error> ImportRows(ImportKind kind, const std::string& csv) {
    std::istringstream in(csv);
    auto report = Import(*db_, context_, kind, in);
    if (report.ok()) return std::nullopt;
    return report.errors.front().error;
  }

  std::optional<Error> Office(const std::vector<std::string>& w) {
    if (w.size() < 2) throw LineError{"usage: office NAME [province CODE]"};
    RequireNewName("office", w[1], true);
    auto o = Options(w, 2);
    const std::string province = o.count("province") ? o["province"] : "01";
    const std::string from = Today().ToIso();
    std::string rows;
    if (!branches_.count(province))
      rows +=
          "branch,CN" + province + ",Chi nhánh " + province + ",," + province + ",," + from + "\n";
    rows += "office," + w[1] + ",Phòng giao dịch " + w[1] + ",CN" + province + ",,," + from + "\n";
    if (auto e = ImportRows(ImportKind::kNetwork, kNetworkHeader + rows)) return e;
    branches_.insert(province);
    offices_[w[1]] = w[1];
    RecordName("office", w[1]);
    return std::nullopt;
  }

  std::optional<Error> Point(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("office") || !o.count("commune") || !o.count("session-day"))
      throw LineError{"usage: point NAME office OFFICE commune CODE session-day N"};
    RequireNewName("point", w[1], true);
    const int day = ParseInt(o["session-day"]);
    if (!network::CheckSessionDay(day, "session-day").ok())
      throw LineError{"session day must be 1–31"};
    if (auto e =
            ImportRows(ImportKind::kNetwork,
                       kNetworkHeader + std::string("point,") + w[1] + ",Điểm giao dịch " + w[1] +
                           "," + Code(offices_, o["office"], "office") + "," + o["commune"] + "," +
                           std::to_string(day) + "," + Today().ToIso() + "\n"))
      return e;
    points_[w[1]] = w[1];
    point_communes_[w[1]] = o["commune"];
    RecordName("point", w[1]);
    return std::nullopt;
  }

  std::optional<Error> Group(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("point") || !o.count("association"))
      throw LineError{"usage: group NAME point POINT association farmers|women|veterans|youth"};
    RequireNewName("group", w[1]);
    if (!network::ParseAssociation(o["association"]))
      throw LineError{"unknown association " + o["association"]};
    if (!points_.count(o["point"])) throw LineError{"unknown point " + o["point"]};
    const std::string commune = point_communes_[o["point"]];
    char village_code[16], group_code[16];
    std::snprintf(village_code, sizeof village_code, "%s%03d", commune.c_str(), villages_ + 1);
    std::snprintf(group_code, sizeof group_code, "%07d", static_cast<int>(groups_.size() + 1));
    const std::string from = Today().ToIso();
    if (auto e = ImportRows(ImportKind::kNetwork, kNetworkHeader + std::string("village,") +
                                                      village_code + ",Thôn " + w[1] + ",," +
                                                      commune + ",," + from + "\n"))
      return e;
    ++villages_;
    if (auto e = ImportRows(ImportKind::kGroups,
                            "code,name,point_code,village_code,association,valid_from\n" +
                                std::string(group_code) + ",Tổ TK&VV " + w[1] + "," + o["point"] +
                                "," + village_code + "," + o["association"] + "," + from + "\n"))
      return e;
    groups_[w[1]] = group_code;
    group_villages_[w[1]] = village_code;
    RecordName("group", w[1]);
    return std::nullopt;
  }

  std::optional<Error> Borrower(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("group")) throw LineError{"usage: borrower NAME group GROUP"};
    RequireNewName("borrower", w[1]);
    if (!groups_.count(o["group"])) throw LineError{"unknown group " + o["group"]};
    const network::Sex sex =
        o.count("sex") && o["sex"] == "male" ? network::Sex::kMale : network::Sex::kFemale;
    const Date born = o.count("born") ? ParseDate(o["born"]) : *Date::FromCivil(1980, 5, 5);
    std::string categories =
        "disadvantaged_area;escaped_poverty;job_creation;near_poor;poor;"
        "released_prisoner;social_housing;student_household";
    if (o.count("categories")) categories = o["categories"];
    const int n = static_cast<int>(borrowers_.size() + 1);
    char code[16], citizen[16];
    std::snprintf(code, sizeof code, "%010d", n);
    std::snprintf(citizen, sizeof citizen, "001%d%02d%06d",
                  network::CenturySexDigit(born.year(), sex), born.year() % 100, n);
    const std::string& group = groups_[o["group"]];
    if (auto e = ImportRows(
            ImportKind::kBorrowers,
            "code,name,citizen_id,birth_date,sex,address,village_code,categories,group_code,role,"
            "valid_from\n" +
                std::string(code) + ",Hộ " + w[1] + "," + citizen + "," + born.ToIso() + "," +
                std::string(network::SexKey(sex)) + ",Thôn " + o["group"] + "," +
                group_villages_[o["group"]] + "," + categories + "," + group + ",member," +
                Today().ToIso() + "\n"))
      return e;
    borrowers_[w[1]] = code;
    borrower_groups_[code] = group;
    RecordName("borrower", w[1]);
    return std::nullopt;
  }

  std::optional<Error> Loan(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("borrower") || !o.count("program") || !o.count("amount") ||
        !o.count("term-months"))
      throw LineError{
          "usage: loan NAME borrower B program P amount X term-months T [every-months E]"};
    RequireNewName("loan", w[1], true);
    LoanApplicationRequest r;
    r.code = w[1];
    r.borrower_code = Code(borrowers_, o["borrower"], "borrower");
    r.program = o["program"];
    r.amount = ParseMoney(o["amount"]);
    r.term_months = ParseInt(o["term-months"]);
    if (o.count("every-months")) {
      r.every_months = ParseInt(o["every-months"]);
      // 0 would mean "the program's default" to the use case: say so instead.
      if (r.every_months < 1)
        throw LineError{
            "every-months phải từ 1 trở lên (bỏ trống để theo chương trình) / every-months must "
            "be 1 or more (leave it out for the program's default)"};
    }
    if (o.count("grace-months")) r.grace_months = ParseInt(o["grace-months"]);
    if (o.count("study-months")) r.study_months = ParseInt(o["study-months"]);
    if (o.count("fund")) r.fund_source = ParseInt(o["fund"]);
    if (o.count("interest-charge")) {
      if (o["interest-charge"] != "month-end" && o["interest-charge"] != "collection")
        throw LineError{"interest-charge is month-end or collection"};
      r.charge_at_month_end = o["interest-charge"] == "month-end";
    }
    r.date = Today();
    auto id = ApproveLoan(*db_, context_, r);
    if (!id.ok()) return id.error();
    RecordName("loan", w[1]);
    return std::nullopt;
  }

  std::optional<Error> Schedule(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("amount") || !o.count("periods") || !o.count("rate"))
      throw LineError{"usage: schedule NAME amount X periods N rate PERCENT [method …]"};
    RequireNewName("schedule", w[1]);
    loans::AmortizationTerms t;
    t.principal = ParseMoney(o["amount"]);
    t.periods = ParseInt(o["periods"]);
    auto rate = Rate::ParsePercent(o["rate"]);
    if (!rate) throw LineError{"not a rate: " + o["rate"]};
    t.rate = *rate;
    t.start = o.count("start") ? ParseDate(o["start"]) : Today();
    if (o.count("method")) {
      auto m = loans::ParseAmortizationMethod(o["method"]);
      if (!m) throw LineError{"unknown method " + o["method"]};
      t.method = *m;
    }
    if (o.count("unit")) {
      auto u = loans::ParsePeriodUnit(o["unit"]);
      if (!u) throw LineError{"unknown unit " + o["unit"]};
      t.unit = *u;
    }
    if (o.count("every")) t.period_length = ParseInt(o["every"]);
    if (o.count("day-count")) {
      auto d = loans::ParseDayCount(o["day-count"]);
      if (!d) throw LineError{"unknown day count " + o["day-count"]};
      t.day_count = *d;
    }
    if (o.count("rounding")) t.rounding_multiple_dong = ParseMoney(o["rounding"]).dong();
    auto s = loans::BuildSchedule(t);
    if (!s.ok()) return s.error();
    schedules_[w[1]] = s.value();
    RecordName("schedule", w[1]);
    return std::nullopt;
  }

  // Reconciliation and inspections (RULES §8). A unit is an office, point or
  // group of the scenario, or `national`.
  std::string Unit(const std::string& name) {
    if (name == "national") return name;
    if (offices_.count(name)) return "office:" + offices_[name];
    if (points_.count(name)) return "point:" + points_[name];
    if (groups_.count(name)) return "group:" + groups_[name];
    throw LineError{"unknown unit " + name};
  }
  static std::string Words(const std::vector<std::string>& w, size_t from) {
    std::string out;
    for (size_t i = from; i < w.size(); ++i) out += (i > from ? " " : "") + w[i];
    return out;
  }

  std::optional<Error> Oversight(const std::vector<std::string>& w) {
    const std::string& verb = w[0];
    if (verb == "reconcile-open") {
      if (w.size() != 4) throw LineError{"usage: reconcile-open UNIT YYYY-MM-DD CODE"};
      auto opened = OpenReconciliation(*db_, context_, {Unit(w[1]), ParseDate(w[2]), w[3]});
      if (!opened.ok()) return opened.error();
      return std::nullopt;
    }
    if (verb == "reconcile-answer") {
      if (w.size() < 4 || (w[3] != "confirmed" && w[3] != "discrepancy"))
        throw LineError{"usage: reconcile-answer CODE BORROWER confirmed|discrepancy [NOTE…]"};
      auto s = AnswerReconciliation(
          *db_, context_,
          {w[1], Code(borrowers_, w[2], "borrower"), w[3] == "confirmed", Words(w, 4)});
      if (!s.ok()) return s.error();
      return std::nullopt;
    }
    if (verb == "reconcile-resolve") {
      if (w.size() < 3) throw LineError{"usage: reconcile-resolve CODE BORROWER TEXT…"};
      auto s = ResolveReconciliation(*db_, context_, w[1], Code(borrowers_, w[2], "borrower"),
                                     Words(w, 3));
      if (!s.ok()) return s.error();
      return std::nullopt;
    }
    if (verb == "inspect-plan") {
      if (w.size() != 3) throw LineError{"usage: inspect-plan UNIT YEAR"};
      auto r = PlanInspections(*db_, context_, {Unit(w[1]), ParseInt(w[2])});
      if (!r.ok()) return r.error();
      return std::nullopt;
    }
    if (verb == "inspect-record") {
      // inspect-record loan L|group G ok|issue [NOTE…]: today.
      if (w.size() < 4 || (w[1] != "loan" && w[1] != "group"))
        throw LineError{"usage: inspect-record loan L|group G ok|issue [NOTE…]"};
      InspectionRecordRequest r;
      if (w[1] == "loan")
        r.loan_code = w[2];
      else
        r.group_code = Code(groups_, w[2], "group");
      r.date = Today();
      r.result = w[3];
      r.note = Words(w, 4);
      auto id = RecordInspection(*db_, context_, r);
      if (!id.ok()) return id.error();
      return std::nullopt;
    }
    throw LineError{"unknown line: " + verb};
  }

  // expect reconcile CODE [households N] [answered N] [open N] [resolved N]
  //   [percent P]; expect reconcile-line CODE BORROWER [principal X]
  //   [interest Y] [savings Z] [answer A]; expect inspections OFFICE
  //   [new N] [new-inspected N] [dormant N] [plan-YEAR N] [plan-done-YEAR N]
  //   [plan-month-YEAR-M N] (today).
  template <typename MoneyCheck>
  void ExpectOversight(const std::vector<std::string>& w, std::vector<std::string>& mismatches,
                       MoneyCheck& money) {
    if (w.size() < 3) throw LineError{"usage: expect " + w[1] + " CODE …"};
    if (w[1] == "reconcile") {
      auto p = ReconciliationProgress(*db_, context_, w[2]);
      if (!p.ok()) throw LineError{p.error().ToString()};
      const auto& t = p.value().total;
      for (const auto& [key, want] : Options(w, 3)) {
        if (key == "households")
          Compare(mismatches, key, std::to_string(t.households), want);
        else if (key == "answered")
          Compare(mismatches, key, std::to_string(t.answered), want);
        else if (key == "open")
          Compare(mismatches, key, std::to_string(t.discrepancies - t.resolved), want);
        else if (key == "resolved")
          Compare(mismatches, key, std::to_string(t.resolved), want);
        else if (key == "percent")
          Compare(mismatches, key, std::to_string(t.percent), want);
        else
          throw LineError{"unknown field " + key};
      }
      return;
    }
    if (w[1] == "reconcile-line") {
      if (w.size() < 4) throw LineError{"usage: expect reconcile-line CODE BORROWER …"};
      auto list = ListReconciliation(*db_, context_, w[2], "");
      if (!list.ok()) throw LineError{list.error().ToString()};
      const std::string code = Code(borrowers_, w[3], "borrower");
      const ReconcileLine* line = nullptr;
      for (const auto& l : list.value().lines)
        if (l.borrower_code == code) line = &l;
      if (!line) throw LineError{"borrower " + w[3] + " has no line in " + w[2]};
      for (const auto& [key, want] : Options(w, 4)) {
        if (key == "principal")
          money(key, line->principal, want);
        else if (key == "interest")
          money(key, line->interest, want);
        else if (key == "savings")
          money(key, line->savings, want);
        else if (key == "answer")
          Compare(mismatches, key, line->answer.empty() ? "none" : line->answer, want);
        else
          throw LineError{"unknown field " + key};
      }
      return;
    }
    const std::string office = Code(offices_, w[2], "office");
    for (const auto& [key, want] : Options(w, 3)) {
      if (key == "new" || key == "new-inspected") {
        auto r = NewLoansToInspect(*db_, context_, office, Today());
        if (!r.ok()) throw LineError{r.error().ToString()};
        size_t n = 0;
        for (const auto& l : r.value()) n += key == "new" || l.inspected_on ? 1 : 0;
        Compare(mismatches, key, std::to_string(n), want);
      } else if (key == "dormant") {
        auto r = DormantLoans(*db_, context_, office, Today());
        if (!r.ok()) throw LineError{r.error().ToString()};
        Compare(mismatches, key, std::to_string(r.value().size()), want);
      } else if (key.rfind("plan-", 0) == 0) {
        // plan-YEAR, plan-done-YEAR, plan-month-YEAR-M
        std::vector<std::string> part;
        std::stringstream in(key);
        for (std::string item; std::getline(in, item, '-');) part.push_back(item);
        const bool done = part.size() == 3 && part[1] == "done";
        const bool month = part.size() == 4 && part[1] == "month";
        if (!(part.size() == 2 || done || month)) throw LineError{"unknown field " + key};
        auto plan = InspectionPlan(*db_, context_, ParseInt(part[done || month ? 2 : 1]));
        if (!plan.ok()) throw LineError{plan.error().ToString()};
        size_t n = 0;
        for (const auto& e : plan.value())
          n += (!done || e.done_on) && (!month || e.month == ParseInt(part[3])) ? 1 : 0;
        Compare(mismatches, key, std::to_string(n), want);
      } else {
        throw LineError{"unknown field " + key};
      }
    }
  }

  void Fail(const std::vector<std::string>& w) {
    std::vector<std::string> action(w.begin() + 1, w.end());
    std::string expected_code;
    auto arrow = std::find(action.begin(), action.end(), "=>");
    if (arrow != action.end()) {
      if (arrow + 1 != action.end()) expected_code = *(arrow + 1);
      action.erase(arrow, action.end());
    }
    if (action.empty()) throw LineError{"usage: fail ACTION [=> CODE]"};
    in_fail_ = true;  // until the next line
    auto error = Action(action);
    if (!error) return Report(false, "was accepted; it should have been rejected");
    if (!expected_code.empty() && error->code != expected_code)
      return Report(false, "rejected with " + error->code + ", expected " + expected_code);
    Report(true, "");
  }

  void Compare(std::vector<std::string>& mismatches, const std::string& what,
               const std::string& got, const std::string& want) {
    if (got != want) mismatches.push_back(what + " is " + got + ", expected " + want);
  }

  void Expect(const std::vector<std::string>& w) {
    if (w.size() < 2) throw LineError{"usage: expect LOAN|total|BORROWER|SCHEDULE|verify …"};
    std::vector<std::string> mismatches;
    auto money = [&](const std::string& what, Money got, const std::string& want) {
      Compare(mismatches, what, Money::Dong(got.dong()).ToVietnamese(),
              ParseMoney(want).ToVietnamese());
    };
    if (w[1] == "verify") {
      auto report = Verify(*db_, context_, true);
      for (const auto& p : report.problems) mismatches.push_back(p);
    } else if (w[1] == "reconcile" || w[1] == "reconcile-line" || w[1] == "inspections") {
      ExpectOversight(w, mismatches, money);
    } else if (w[1] == "total") {
      auto o = Options(w, 2);
      auto totals = CurrentPortfolio(*db_, context_);
      for (const auto& [key, want] : o) {
        if (key == "customers")
          Compare(mismatches, key, std::to_string(totals.customers), want);
        else if (key == "principal")
          money(key, totals.principal, want);
        else if (key == "overdue")
          money(key, totals.overdue, want);
        else if (key == "frozen")
          money(key, totals.frozen, want);
        else
          throw LineError{"unknown total " + key};
      }
    } else if (w[1] == "rating" && w.size() >= 3) {
      // expect rating GROUP [total N] [class K] [CRITERION POINTS]… [CRITERION-figure PERCENT]…
      if (!rating_) throw LineError{"no rate-groups yet"};
      const std::string code = Code(groups_, w[2], "group");
      auto it = std::find_if(rating_->groups.begin(), rating_->groups.end(),
                             [&](const GroupRating& g) { return g.group_code == code; });
      if (it == rating_->groups.end()) throw LineError{"group " + w[2] + " was not rated"};
      static const char* kKeys[] = {"session_share",      "overdue_ratio", "principal_repaid",
                                    "interest_collected", "savers_share",  "savings_growth"};
      for (const auto& [key, want] : Options(w, 3)) {
        if (key == "total") {
          Compare(mismatches, key, std::to_string(it->total), want);
          continue;
        }
        if (key == "class") {
          Compare(mismatches, key, it->class_key, want);
          continue;
        }
        bool known = false;
        for (int i = 0; i < 6; ++i) {
          if (key == kKeys[i]) {
            Compare(mismatches, key, std::to_string(it->points[i]), want);
            known = true;
          } else if (key == std::string(kKeys[i]) + "-figure") {
            Compare(mismatches, key, PercentPlain(it->figure_bp[i]), want);
            known = true;
          }
        }
        if (!known) throw LineError{"unknown field " + key};
      }
    } else if (w[1] == "fee" && w.size() >= 3) {
      // expect fee GROUP [commission N] [commission-quality Q] [fee-LEVEL N]…
      if (!fee_month_) throw LineError{"no fees yet"};
      FeeStatementRequest request;
      request.month = *fee_month_;
      request.group_code = Code(groups_, w[2], "group");
      auto lines = FeeStatement(*db_, context_, request);
      if (!lines.ok()) throw LineError{lines.error().ToString()};
      for (const auto& [key, want] : Options(w, 3)) {
        const FeeLine* found = nullptr;
        const bool quality = key.size() > 8 && key.substr(key.size() - 8) == "-quality";
        const std::string which = quality ? key.substr(0, key.size() - 8) : key;
        for (const auto& l : lines.value())
          if ((which == "commission" && l.kind == "commission") ||
              (l.kind == "fee" && which == "fee-" + l.level))
            found = &l;
        if (!found) throw LineError{"no line " + which};
        if (quality)
          Compare(mismatches, key, found->quality, want);
        else
          money(key, found->amount, want);
      }
    } else if (schedules_.count(w[1])) {
      if (w.size() < 4 || w[2] != "installment")
        throw LineError{"usage: expect SCHEDULE installment K …"};
      const auto& s = schedules_[w[1]];
      const int k = ParseInt(w[3]);
      if (k < 1 || k > static_cast<int>(s.size())) throw LineError{"no installment " + w[3]};
      const auto& i = s[static_cast<size_t>(k - 1)];
      for (const auto& [key, want] : Options(w, 4)) {
        if (key == "principal")
          money(key, i.principal, want);
        else if (key == "interest")
          money(key, i.interest, want);
        else if (key == "total")
          money(key, i.total, want);
        else if (key == "balance")
          money(key, i.balance_after, want);
        else if (key == "due")
          Compare(mismatches, key, i.due.ToIso(), ParseDate(want).ToIso());
        else
          throw LineError{"unknown field " + key};
      }
    } else if (borrowers_.count(w[1])) {
      for (const auto& [key, want] : Options(w, 2)) {
        if (key == "savings") {
          auto balance = SavingsBalance(*db_, context_, borrowers_[w[1]], Today());
          if (!balance.ok()) throw LineError{balance.error().ToString()};
          money(key, balance.value(), want);
        } else if (key == "credited") {
          auto credited = SavingsCredited(*db_, context_, borrowers_[w[1]], Today());
          if (!credited.ok()) throw LineError{credited.error().ToString()};
          money(key, credited.value(), want);
        } else {
          throw LineError{"unknown field " + key};
        }
      }
    } else {
      auto view = ViewLoan(*db_, context_, w[1], Today());
      if (!view.ok()) throw LineError{view.error().ToString()};
      const auto& v = view.value();
      for (const auto& [key, want] : Options(w, 2)) {
        if (key == "principal")
          money(key, v.principal, want);
        else if (key == "overdue")
          money(key, v.overdue, want);
        else if (key == "frozen")
          money(key, v.frozen, want);
        else if (key == "interest-due")
          money(key, v.interest_due, want);
        else if (key == "principal-due")
          money(key, v.principal_due, want);
        else if (key == "status")
          Compare(mismatches, key, v.status, want);
        else if (key == "borrower")
          Compare(mismatches, key, v.borrower_code, Code(borrowers_, want, "borrower"));
        else if (key == "next-due")
          Compare(mismatches, key, v.next_due ? v.next_due->ToIso() : "none",
                  want == "none" ? want : ParseDate(want).ToIso());
        else
          throw LineError{"unknown field " + key};
      }
    }
    std::string detail;
    for (const auto& m : mismatches) detail += (detail.empty() ? "" : "; ") + m;
    Report(mismatches.empty(), detail);
  }

  std::ostream& out_;
  std::string name_;
  static constexpr const char* kNetworkHeader =
      "kind,code,name,parent_code,area_code,session_day,valid_from\n";
  std::unique_ptr<Connection> db_;
  Context context_ = SystemContext();
  std::set<std::string> branches_;
  std::map<std::string, std::string> borrower_groups_;
  std::optional<Date> today_;
  int line_ = 0;
  std::string text_;
  ScenarioResult result_;
  std::map<std::string, std::string> offices_, borrowers_;
  std::map<std::string, std::string> points_, groups_, group_villages_;
  std::map<std::string, std::string> point_communes_;
  std::map<std::string, std::vector<loans::ScheduledInstallment>> schedules_;
  // (kind, name) → the line that gave the name.
  std::map<std::pair<std::string, std::string>, int> named_on_line_;
  bool in_fail_ = false;                 // running the action of a `fail` line
  std::optional<RatingSummary> rating_;  // the last rate-groups
  std::optional<Month> fee_month_;       // the last fees
  int villages_ = 0;
};

}  // namespace

ScenarioResult RunScenario(const std::string& text, const std::string& name, std::ostream& out,
                           const OpenDatabase& open) {
  Runner runner(out, name, open ? open() : Connection::Open(":memory:"));
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) runner.Line(++number, line);
  return runner.Finish();
}

}  // namespace tdcs::scenario
