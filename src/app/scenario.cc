// The scenario runner: parses each line, runs it against a fresh in-memory
// database through the same use cases as the command line and the server.
#include "app/scenario.h"

#include <map>
#include <sstream>
#include <vector>

#include "app/loans.h"
#include "app/network_ops.h"
#include "app/setup.h"
#include "batch/close.h"
#include "batch/verify.h"
#include "loans/amortization.h"
#include "network/network.h"
#include "store/admin_units.h"
#include "store/calendar_store.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/program_store.h"
#include "text/text.h"

namespace tdcs::app {
namespace {

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
  Runner(std::ostream& out, std::string name)
      : out_(out), name_(std::move(name)), db_(store::Open(":memory:")), network_(*db_) {
    InitDatabase(*db_);
    admin_ = store::ReadAdminIndex(*db_);
  }

  void Line(int number, const std::string& raw) {
    line_ = number;
    text_ = raw;
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
    auto report = batch::Verify(*db_, true);
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

  // Runs an action line; returns the rejection, if any.
  std::optional<Error> Action(const std::vector<std::string>& w) {
    const std::string& verb = w[0];
    if (verb == "date") {
      if (w.size() != 2) throw LineError{"usage: date YYYY-MM-DD"};
      const Date d = ParseDate(w[1]);
      auto r = batch::CloseTo(*db_, d);
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
      auto id = network_.FindBorrowerIdByCode(Code(borrowers_, w[1], "borrower"));
      store::Transaction tx(*db_);
      for (const auto& m : network_.MembershipsOfBorrower(*id))
        if (m.period.Contains(Today())) network_.EndMembership(m.id, Today());
      tx.Commit();
      return std::nullopt;
    }
    if (verb == "rate") {
      if (w.size() != 4) throw LineError{"usage: rate PROGRAM YYYY-MM-DD PERCENT"};
      auto rate = Rate::ParsePercent(w[3]);
      if (!rate) throw LineError{"not a rate: " + w[3]};
      auto s = SetProgramRate(*db_, w[1], ParseDate(w[2]), *rate);
      if (!s.ok()) return s.error();
      return std::nullopt;
    }
    if (verb == "program-limit") {
      // A new version of the program from D with another maximum amount (per
      // its basis: per month of study for students' loans).
      if (w.size() != 4) throw LineError{"usage: program-limit PROGRAM YYYY-MM-DD AMOUNT"};
      const Date from = ParseDate(w[2]);
      if (from < Today()) throw LineError{"a program's limit changes from today or later"};
      auto programs = store::ReadPrograms(*db_);
      if (!programs.count(w[1])) throw LineError{"unknown program " + w[1]};
      const programs::ProgramVersion* base = programs::VersionOn(programs[w[1]], from);
      if (base == nullptr) base = &programs[w[1]].front();
      programs::ProgramVersion v = *base;
      v.valid_from = from;
      v.max_amount = ParseMoney(w[3]);
      v.note = "limit change";
      store::Transaction tx(*db_);
      store::SaveProgramVersions(*db_, {v});
      tx.Commit();
      return std::nullopt;
    }
    if (verb == "setting") {
      if (w.size() != 4) throw LineError{"usage: setting NAME YYYY-MM-DD VALUE"};
      store::SaveSetting(*db_, w[1], ParseDate(w[2]), w[3]);
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
      store::Transaction tx(*db_);
      store::SaveHoliday(*db_, h);
      tx.Commit();
      return std::nullopt;
    }
    if (verb == "savings-rate") {
      if (w.size() != 3) throw LineError{"usage: savings-rate YYYY-MM-DD PERCENT"};
      auto rate = Rate::ParsePercent(w[2]);
      if (!rate) throw LineError{"not a rate: " + w[2]};
      store::LoanStore(*db_).SetSavingsRate(ParseDate(w[1]), *rate);
      return std::nullopt;
    }
    if (verb == "plan") {
      if (w.size() != 5) throw LineError{"usage: plan OFFICE PROGRAM YEAR AMOUNT"};
      store::LoanStore store(*db_);
      store.SetCapitalPlan(OfficeId(w[1]), w[2], ParseInt(w[3]), ParseMoney(w[4]));
      return std::nullopt;
    }
    if (verb == "reverse-last-savings") {
      if (w.size() < 2) throw LineError{"usage: reverse-last-savings BORROWER"};
      auto o = Options(w, 2);
      auto r =
          ActOnSavings(*db_, SavingsActionKind::kReverseLast, Code(borrowers_, w[1], "borrower"),
                       Money::Zero(), Today(), o.count("key") ? o["key"] : "");
      if (!r.ok()) return r.error();
      return std::nullopt;
    }
    if (verb == "deposit" || verb == "withdraw") {
      if (w.size() < 3) throw LineError{"usage: " + verb + " BORROWER AMOUNT"};
      auto r = ActOnSavings(
          *db_, verb == "deposit" ? SavingsActionKind::kDeposit : SavingsActionKind::kWithdraw,
          Code(borrowers_, w[1], "borrower"), ParseMoney(w[2]), Today(),
          Options(w, 3).count("key") ? Options(w, 3).at("key") : "");
      if (!r.ok()) return r.error();
      return std::nullopt;
    }
    if (verb == "schedule") return Schedule(w);
    return LoanAction(w);
  }

  std::optional<Error> LoanAction(const std::vector<std::string>& w) {
    static const std::map<std::string, LoanActionKind> kVerbs = {
        {"disburse", LoanActionKind::kDisburse},
        {"pay", LoanActionKind::kPay},
        {"pay-savings", LoanActionKind::kPayFromSavings},
        {"reschedule", LoanActionKind::kReschedule},
        {"extend", LoanActionKind::kExtend},
        {"freeze", LoanActionKind::kFreeze},
        {"writeoff", LoanActionKind::kWriteOff},
        {"inherit", LoanActionKind::kInherit},
        {"reverse-last", LoanActionKind::kReverseLast}};
    auto it = kVerbs.find(w[0]);
    if (it == kVerbs.end()) throw LineError{"unknown line: " + w[0]};
    if (w.size() < 2) throw LineError{"missing the loan"};
    app::LoanAction a;
    a.kind = it->second;
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
    if (o.count("months")) a.months = ParseInt(o["months"]);
    if (o.count("key")) a.idempotency_key = o["key"];
    if (a.kind == LoanActionKind::kFreeze && a.months == 0) a.months = loans::kFreezeMonthsMax;
    if (a.kind == LoanActionKind::kExtend && a.months == 0)
      throw LineError{"usage: extend LOAN months N"};
    auto r = ActOnLoan(*db_, a);
    if (!r.ok()) return r.error();
    if (o.count("expect-repeat")) {
      const bool want = o["expect-repeat"] == "yes";
      Report(r.value().repeated == want,
             std::string("repeated = ") + (r.value().repeated ? "yes" : "no"));
    }
    return std::nullopt;
  }

  int64_t OfficeId(const std::string& name) {
    auto code = Code(offices_, name, "office");
    return network_.FindUnit("office", code)->id;
  }

  std::optional<Error> Office(const std::vector<std::string>& w) {
    if (w.size() < 2) throw LineError{"usage: office NAME [province CODE]"};
    auto o = Options(w, 2);
    const std::string province = o.count("province") ? o["province"] : "01";
    const Date on = Today();
    const std::string era = admin_.EraOn(on);
    if (!admin_.Province(era, province)) throw LineError{"unknown province " + province};
    store::Transaction tx(*db_);
    auto branch = network_.FindUnit("branch", "CN" + province);
    int64_t branch_id = 0;
    if (branch) {
      branch_id = branch->id;
    } else {
      store::BranchRow b{
          0,   "CN" + province, "Chi nhánh " + admin_.Province(era, province)->full_name,
          era, province,        Period{on, std::nullopt}};
      network_.AddBranch(b);
      branch_id = b.id;
    }
    store::OfficeRow office{0,         w[1],     "Phòng giao dịch " + w[1],
                            branch_id, "office", Period{on, std::nullopt}};
    network_.AddOffice(office);
    tx.Commit();
    offices_[w[1]] = w[1];
    return std::nullopt;
  }

  std::optional<Error> Point(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("office") || !o.count("commune") || !o.count("session-day"))
      throw LineError{"usage: point NAME office OFFICE commune CODE session-day N"};
    const Date on = Today();
    const std::string era = admin_.EraOn(on);
    if (!admin_.Commune(era, o["commune"])) throw LineError{"unknown commune " + o["commune"]};
    const int day = ParseInt(o["session-day"]);
    if (!network::CheckSessionDay(day, "session-day").ok())
      throw LineError{"session day must be 1–31"};
    store::Transaction tx(*db_);
    store::PointRow p{
        0,   w[1],         "Điểm giao dịch " + w[1], OfficeId(o["office"]), day, era, o["commune"],
        era, o["commune"], Period{on, std::nullopt}};
    network_.AddPoint(p);
    EnsureCommuneAssociationUnits(network_, admin_, era, o["commune"], on);
    tx.Commit();
    points_[w[1]] = p.id;
    point_communes_[w[1]] = o["commune"];
    return std::nullopt;
  }

  std::optional<Error> Group(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("point") || !o.count("association"))
      throw LineError{"usage: group NAME point POINT association farmers|women|veterans|youth"};
    auto association = network::ParseAssociation(o["association"]);
    if (!association) throw LineError{"unknown association " + o["association"]};
    const Date on = Today();
    const std::string era = admin_.EraOn(on);
    if (!points_.count(o["point"])) throw LineError{"unknown point " + o["point"]};
    const std::string commune = point_communes_[o["point"]];
    char village_code[16], group_code[16];
    std::snprintf(village_code, sizeof village_code, "%s%03d", commune.c_str(), ++villages_);
    std::snprintf(group_code, sizeof group_code, "%07d", static_cast<int>(groups_.size() + 1));
    store::Transaction tx(*db_);
    store::VillageRow v{0, village_code, "Thôn " + w[1], era, commune, Period{on, std::nullopt}};
    network_.AddVillage(v);
    store::GroupRow g{0,
                      group_code,
                      "Tổ TK&VV " + w[1],
                      points_[o["point"]],
                      v.id,
                      static_cast<int>(*association),
                      era,
                      commune,
                      Period{on, std::nullopt}};
    network_.AddGroup(g);
    tx.Commit();
    groups_[w[1]] = g.id;
    group_villages_[w[1]] = v.id;
    return std::nullopt;
  }

  std::optional<Error> Borrower(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("group")) throw LineError{"usage: borrower NAME group GROUP"};
    if (!groups_.count(o["group"])) throw LineError{"unknown group " + o["group"]};
    const Date on = Today();
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
    store::Transaction tx(*db_);
    const std::string name = "Hộ " + w[1];
    store::BorrowerRow b{0,
                         code,
                         name,
                         text::Fold(name),
                         citizen,
                         born,
                         std::string(network::SexKey(sex)),
                         on,
                         "Thôn " + o["group"],
                         group_villages_[o["group"]],
                         categories};
    network_.AddBorrower(b);
    store::MembershipRow m{0, b.id, groups_[o["group"]], "member", Period{on, std::nullopt}};
    network_.AddMembership(m);
    tx.Commit();
    borrowers_[w[1]] = code;
    return std::nullopt;
  }

  std::optional<Error> Loan(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("borrower") || !o.count("program") || !o.count("amount") ||
        !o.count("term-months"))
      throw LineError{
          "usage: loan NAME borrower B program P amount X term-months T [every-months E]"};
    LoanApplicationRequest r;
    r.code = w[1];
    r.borrower_code = Code(borrowers_, o["borrower"], "borrower");
    r.program = o["program"];
    r.amount = ParseMoney(o["amount"]);
    r.term_months = ParseInt(o["term-months"]);
    if (o.count("every-months")) r.every_months = ParseInt(o["every-months"]);
    if (o.count("grace-months")) r.grace_months = ParseInt(o["grace-months"]);
    if (o.count("study-months")) r.study_months = ParseInt(o["study-months"]);
    if (o.count("fund")) r.fund_source = ParseInt(o["fund"]);
    if (o.count("interest-charge")) {
      if (o["interest-charge"] != "month-end" && o["interest-charge"] != "collection")
        throw LineError{"interest-charge is month-end or collection"};
      r.charge_at_month_end = o["interest-charge"] == "month-end";
    }
    r.date = Today();
    auto id = ApproveLoan(*db_, r);
    if (!id.ok()) return id.error();
    return std::nullopt;
  }

  std::optional<Error> Schedule(const std::vector<std::string>& w) {
    auto o = Options(w, 2);
    if (w.size() < 2 || !o.count("amount") || !o.count("periods") || !o.count("rate"))
      throw LineError{"usage: schedule NAME amount X periods N rate PERCENT [method …]"};
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
    return std::nullopt;
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
      auto report = batch::Verify(*db_, true);
      for (const auto& p : report.problems) mismatches.push_back(p);
    } else if (w[1] == "total") {
      auto o = Options(w, 2);
      auto totals = Totals();
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
          auto balance = SavingsBalance(*db_, borrowers_[w[1]], Today());
          if (!balance.ok()) throw LineError{balance.error().ToString()};
          money(key, balance.value(), want);
        } else if (key == "credited") {
          store::LoanStore store(*db_);
          auto account = store.LoadSavings(*network_.FindBorrowerIdByCode(borrowers_[w[1]]));
          money(key,
                account ? savings::CreditedOn(*account, Today(), store.SavingsRates())
                        : Money::Zero(),
                want);
        } else {
          throw LineError{"unknown field " + key};
        }
      }
    } else {
      auto view = ViewLoan(*db_, w[1], Today());
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

  struct TotalsView {
    Money principal, overdue, frozen;
    int64_t customers = 0;
  };
  TotalsView Totals() {
    TotalsView t;
    auto st = db_->Prepare(
        "SELECT COALESCE(SUM(normal_dong + overdue_dong + frozen_dong), 0), "
        "COALESCE(SUM(overdue_dong), 0), COALESCE(SUM(frozen_dong), 0), COUNT(DISTINCT CASE WHEN "
        "normal_dong + overdue_dong + frozen_dong > 0 THEN borrower_id END) FROM loan");
    st->Step();
    t.principal = Money::Dong(st->GetInt(0));
    t.overdue = Money::Dong(st->GetInt(1));
    t.frozen = Money::Dong(st->GetInt(2));
    t.customers = st->GetInt(3);
    return t;
  }

  std::ostream& out_;
  std::string name_;
  std::unique_ptr<store::Database> db_;
  store::NetworkStore network_;
  store::AdminIndex admin_;
  std::optional<Date> today_;
  int line_ = 0;
  std::string text_;
  ScenarioResult result_;
  std::map<std::string, std::string> offices_, borrowers_;
  std::map<std::string, int64_t> points_, groups_, group_villages_;
  std::map<std::string, std::string> point_communes_;
  std::map<std::string, std::vector<loans::ScheduledInstallment>> schedules_;
  int villages_ = 0;
};

}  // namespace

ScenarioResult RunScenario(const std::string& text, const std::string& name, std::ostream& out) {
  Runner runner(out, name);
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) runner.Line(++number, line);
  return runner.Finish();
}

}  // namespace tdcs::app
