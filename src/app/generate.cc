#include "app/generate.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "app/calibrate.h"
#include "app/internal/access.h"
#include "app/internal/network_units.h"
#include "app/names.h"
#include "app/network_ops.h"
#include "app/random.h"
#include "app/setup.h"
#include "base/check.h"
#include "loans/loan.h"
#include "network/network.h"
#include "programs/outcomes.h"
#include "savings/savings.h"
#include "store/admin_units.h"
#include "store/loan_store.h"
#include "store/network_store.h"
#include "store/partition.h"
#include "store/program_store.h"
#include "store/report_store.h"

namespace tdcs::app {

// The wire string of each rejection code (docs/API.md "Error codes").
#define TDCS_GENERATE_REJECTIONS(X)               \
  X(kProfileUnknown, "PROFILE_UNKNOWN")           \
  X(kDatabaseNotEmpty, "DATABASE_NOT_EMPTY")      \
  X(kUntilTooEarly, "GENERATE_UNTIL_TOO_EARLY")   \
  X(kCalibrationInvalid, "CALIBRATION_INVALID")   \
  X(kCalibrationUnit, "CALIBRATION_UNIT_OUTSIDE") \
  X(kCalibrationInfeasible, "CALIBRATION_INFEASIBLE")
TDCS_DEFINE_REJECTIONS(GenerateRejection, TDCS_GENERATE_REJECTIONS)
#undef TDCS_GENERATE_REJECTIONS

namespace {

// The generated network opens on this day, the day the programs' first rates
// (data/programs.csv) are in force: every household joins, and every loan is
// disbursed, between it and `until`.
const Date kNetworkOpens = *Date::FromCivil(2015, 1, 1);

struct Profile {
  std::vector<std::string> provinces;  // legacy codes; empty = all
  std::string only_district;           // demo: one district
  int64_t groups = 0;
  int64_t borrowers = 0;
  int skipped_points = 0;  // communes without a point of their own
  // Urban districts sharing an office. 696 districts − 5 island districts
  // without communes − 63 seats − 9 shared = 619 offices before the reform.
  int office_merges = 0;
};

std::optional<Profile> ProfileNamed(const std::string& name) {
  if (name == "demo") return Profile{{"31"}, "312", 250, 8'425, 0, 0};
  if (name == "province") return Profile{{"70", "75"}, "", 4'554, 213'140, 0, 0};
  if (name == "national") return Profile{{}, "", 166'000, 6'800'000, 70, 9};
  return std::nullopt;
}

// Provinces where most borrowers belong to an ethnic minority (northern
// mountains, Central Highlands) or many do (Khmer communities of the Mekong delta).
uint32_t MinorityPerMillion(const std::string& province) {
  static const std::set<std::string> kMountain = {"02", "04", "06", "08", "10", "11",
                                                  "12", "14", "15", "17", "19", "20",
                                                  "62", "64", "66", "67", "68"};
  static const std::set<std::string> kDelta = {"84", "94", "91", "95"};
  if (kMountain.count(province)) return 650'000;
  if (kDelta.count(province)) return 300'000;
  return 30'000;
}

struct District {
  const store::AdminDistrict* admin;
  std::vector<const store::AdminCommune*> communes;
  std::string office_code;  // the office (or seat) serving it
};

struct Commune {
  const store::AdminCommune* admin;
  const District* district;
  int64_t point_id = 0;  // own point, or the point of a neighbour in the district
  int64_t office_id = 0;
  int session_day = 1;
  int64_t groups = 0;
  std::vector<int64_t> village_ids;
  std::vector<std::string> village_names;
};

std::string VillageWord(const store::AdminCommune& c, const std::string& province) {
  if (c.type == "Phường" || c.type == "Thị trấn") return "Tổ dân phố";
  const int code = std::stoi(province);
  if (code >= 70) return "Ấp";
  if (MinorityPerMillion(province) > 500'000) return "Bản";
  return "Thôn";
}

// Splits `total` over `weights` by largest remainder, so the parts add up exactly.
std::vector<int64_t> Apportion(int64_t total, const std::vector<int64_t>& weights) {
  int64_t sum = 0;
  for (auto w : weights) sum += w;
  std::vector<int64_t> out(weights.size());
  std::vector<std::pair<int64_t, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const __int128 exact = static_cast<__int128>(total) * weights[i];
    out[i] = static_cast<int64_t>(exact / sum);
    remainders.emplace_back(static_cast<int64_t>(exact % sum), i);
    given += out[i];
  }
  std::sort(remainders.begin(), remainders.end(), std::greater<>());
  for (int64_t k = 0; k < total - given; ++k) ++out[remainders[static_cast<size_t>(k)].second];
  return out;
}

// Group sizes within 5–60 adding up to `borrowers`.
std::vector<int> GroupSizes(Random& random, int64_t groups, int64_t borrowers) {
  const int64_t mean = borrowers / groups;
  const int64_t lo = std::max<int64_t>(network::kGroupMembersMin, mean - 18);
  const int64_t hi = std::min<int64_t>(network::kGroupMembersMax, mean + 18);
  std::vector<int> sizes(static_cast<size_t>(groups));
  int64_t sum = 0;
  for (auto& s : sizes) {
    s = static_cast<int>(random.Bell(lo, hi));
    sum += s;
  }
  while (sum != borrowers) {
    auto& s = sizes[random.Below(sizes.size())];
    if (sum < borrowers && s < network::kGroupMembersMax) {
      ++s;
      ++sum;
    } else if (sum > borrowers && s > network::kGroupMembersMin) {
      --s;
      --sum;
    }
  }
  return sizes;
}

class Generator {
 public:
  Generator(store::Database& db, const GenerateOptions& options, const Profile& profile,
            const ProgressFn& progress)
      : db_(db),
        store_(db),
        options_(options),
        profile_(profile),
        progress_(progress),
        random_(options.seed),
        admin_(store::ReadAdminIndex(db)) {
    store_.DeferReportSeries();  // built once, at the end
  }

  // The summary, or why the targets cannot be met (nothing is committed then).
  Result<GenerateSummary> Run();

 private:
  void BuildNetwork();
  void BuildGroupsAndBorrowers(store::Transaction& tx);
  void AddBorrowersOfGroup(const store::GroupRow& group, const Commune& commune, int size,
                           int64_t& next_borrower);
  void AddSavings(const store::BorrowerRow& borrower, const Commune& commune);
  // A loan as drawn: what WriteLoan needs to take it over.
  struct PlannedLoan {
    int64_t borrower_id = 0, group_id = 0, loan_serial = 0;
    Date joined;
    int association = 0;
    const Commune* commune = nullptr;
    std::string program;
    int fund_source = 1;
    int64_t approved = 0;  // đồng
    int term = 36;
    bool arrears = false, frozen = false;
    int months_ago = 1, day_offset = 0;
    // From Shape:
    Date disbursed_on, opened;
    int past = 0;             // yearly installments repaid before the take-over
    int64_t outstanding = 0;  // đồng
  };
  void AddLoan(const store::BorrowerRow& borrower, const store::GroupRow& group,
               const Commune& commune, const std::string& category);
  std::optional<PlannedLoan> DrawLoan(const store::BorrowerRow& borrower,
                                      const store::GroupRow& group, const Commune& commune,
                                      const std::string& category);
  static int RecentMonthsAgo(Random& random, int term);
  bool Shape(PlannedLoan& p) const;
  // Writes the loan; answers it as it stands on `until`.
  loans::Loan WriteLoan(const PlannedLoan& p);
  Date RandomDate(Date from, Date to) {
    return from.AddDays(
        static_cast<int32_t>(random_.Below(static_cast<uint64_t>(to.days() - from.days()))));
  }

  store::Database& db_;
  store::NetworkStore store_;
  const GenerateOptions& options_;
  const Profile& profile_;
  const ProgressFn& progress_;
  Random random_;
  const store::AdminIndex admin_;
  NameGenerator names_;
  const Date start_ = kNetworkOpens;
  std::vector<District> districts_;
  std::vector<Commune> communes_;
  std::map<std::string, int64_t> office_ids_;
  std::map<int64_t, int64_t> office_branch_;  // office id → its branch's id base
  GenerateSummary summary_;
  std::map<int64_t, int64_t> citizen_serial_;  // (province, century-sex, year) → count
  int64_t batches_ = 0;
  store::LoanStore loan_store_{db_};
  int64_t next_loan_ = 0;
  // Calibrated runs: the loans drawn, written after the fit; and the fit's
  // own random stream (the profile's draws stay as they are).
  std::vector<PlannedLoan> planned_;
  Random calibration_random_{options_.seed ^ 0x5eed'ca11'b4a7'e000ULL};
  std::optional<Error> WriteCalibratedLoans();
  // The program's own outcome on `until` (programs/outcomes.h), once per program.
  programs::OutcomeCounts OutcomesOf(const std::string& program) {
    auto it = outcomes_.find(program);
    if (it == outcomes_.end()) {
      const auto all = store::ReadPrograms(db_);
      const auto versions = all.find(program);
      const auto* version =
          versions == all.end() ? nullptr : programs::VersionOn(versions->second, options_.until);
      it = outcomes_
               .emplace(program,
                        version ? programs::DefaultOutcomes(*version) : programs::OutcomeCounts{})
               .first;
    }
    return it->second;
  }
  std::map<std::string, programs::OutcomeCounts> outcomes_;
};

void Generator::BuildNetwork() {
  std::set<std::string> provinces(profile_.provinces.begin(), profile_.provinces.end());
  if (provinces.empty())
    for (const auto& [code, p] : admin_.legacy_provinces) provinces.insert(code);
  // Districts and their communes, in code order.
  std::map<std::string, District> by_code;
  for (const auto& [code, d] : admin_.districts)
    if (provinces.count(d.province_code) &&
        (profile_.only_district.empty() || code == profile_.only_district))
      by_code[code].admin = &d;
  std::vector<const store::AdminCommune*> communes;
  for (const auto& [code, c] : admin_.legacy_communes)
    if (by_code.count(c.district_code)) communes.push_back(&c);
  std::sort(communes.begin(), communes.end(), [](auto* a, auto* b) { return a->code < b->code; });
  for (auto* c : communes) by_code[c->district_code].communes.push_back(c);
  int merges_left = profile_.office_merges;
  std::map<std::string, std::string> last_urban_office;  // province → office code
  for (auto& [code, d] : by_code) {
    if (d.communes.empty()) continue;  // island districts without communes
    const std::string& province = d.admin->province_code;
    const bool capital = profile_.only_district.empty() &&
                         std::none_of(districts_.begin(), districts_.end(), [&](const District& x) {
                           return x.admin->province_code == province;
                         });
    if (capital) {
      d.office_code = "HS" + province;
    } else if (merges_left > 0 && d.admin->type == "Quận" && last_urban_office.count(province)) {
      d.office_code = last_urban_office[province];
      last_urban_office.erase(province);
      --merges_left;
    } else {
      d.office_code = "PGD" + code;
      if (d.admin->type == "Quận") last_urban_office[province] = d.office_code;
    }
    districts_.push_back(d);
  }
  // Branches, seats and offices.
  const Period open{start_, std::nullopt};
  for (const auto& province : provinces) {
    const auto* p = admin_.Province(store::kLegacyEra, province);
    store::BranchRow b{
        0, "CN" + province, "Chi nhánh NHCSXH " + p->full_name, store::kLegacyEra, province, open};
    store_.AddBranch(b);
    EnsureAssociationUnits(store_, admin_, "province", store::kLegacyEra, province, start_);
    store::OfficeRow seat{0,    "HS" + province, "Hội sở chi nhánh NHCSXH " + p->name,
                          b.id, "seat",          open};
    store_.AddOffice(seat);
    office_ids_[seat.code] = seat.id;
    office_branch_[seat.id] = store::BranchIdBase(store_.db(), b.id);
    ++summary_.branches;
    ++summary_.seats;
    for (const auto& d : districts_) {
      if (d.admin->province_code != province || office_ids_.count(d.office_code)) continue;
      store::OfficeRow o{0,    d.office_code, "Phòng giao dịch NHCSXH " + d.admin->full_name,
                         b.id, "office",      open};
      store_.AddOffice(o);
      office_ids_[o.code] = o.id;
      office_branch_[o.id] = store::BranchIdBase(store_.db(), b.id);
      ++summary_.offices;
    }
  }
  // Commune points: all communes but `skipped_points` wards of the two largest cities.
  std::set<std::string> skipped;
  std::vector<std::string> candidates;
  for (const auto& d : districts_)
    if (d.admin->province_code == "01" || d.admin->province_code == "79")
      for (size_t i = 1; i < d.communes.size(); ++i)
        if (d.communes[i]->type == "Phường") candidates.push_back(d.communes[i]->code);
  for (int k = 0; k < profile_.skipped_points && !candidates.empty(); ++k) {
    const size_t i = random_.Below(candidates.size());
    skipped.insert(candidates[i]);
    candidates.erase(candidates.begin() + static_cast<long>(i));
  }
  for (const auto& d : districts_) {
    int64_t neighbour_point = 0, neighbour_office = 0;
    int neighbour_day = 1;
    for (const auto* c : d.communes) {
      Commune commune{c, &d};
      if (!skipped.count(c->code)) {
        store::PointRow p{0,
                          "P" + c->code,
                          "Điểm giao dịch " + c->full_name,
                          office_ids_.at(d.office_code),
                          static_cast<int>(random_.Between(1, 28)),
                          store::kLegacyEra,
                          c->code,
                          store::kLegacyEra,
                          c->code,
                          open};
        store_.AddPoint(p);
        neighbour_point = p.id;
        neighbour_office = p.office_id;
        neighbour_day = p.session_day;
        ++summary_.points;
      }
      commune.point_id = neighbour_point;
      commune.office_id = neighbour_office;
      commune.session_day = neighbour_day;
      EnsureCommuneAssociationUnits(store_, admin_, store::kLegacyEra, c->code, start_);
      communes_.push_back(commune);
    }
  }
  // A ward skipped first in its district borrows the next point.
  for (size_t i = communes_.size(); i-- > 0;)
    if (communes_[i].point_id == 0 && i + 1 < communes_.size()) {
      communes_[i].point_id = communes_[i + 1].point_id;
      communes_[i].office_id = communes_[i + 1].office_id;
      communes_[i].session_day = communes_[i + 1].session_day;
    }
}

void Generator::BuildGroupsAndBorrowers(store::Transaction& tx) {
  std::vector<int64_t> weights;
  for (size_t i = 0; i < communes_.size(); ++i) weights.push_back(random_.Between(500, 1500));
  const auto groups_per_commune = Apportion(profile_.groups, weights);
  const auto sizes = GroupSizes(random_, profile_.groups, profile_.borrowers);
  const int64_t first_group = store_.ReserveIds("savings_group", profile_.groups);
  int64_t next_borrower = store_.ReserveIds("borrower", profile_.borrowers);
  store_.ReserveIds("membership", profile_.borrowers);  // memberships take the borrower's id
  const int64_t first_borrower = next_borrower;
  next_loan_ = loan_store_.ReserveIds("loan", profile_.borrowers);
  loan_store_.DeferBalances();
  int64_t group_index = 0;
  int64_t village_seq = 0;
  const Period open{start_, std::nullopt};
  for (size_t ci = 0; ci < communes_.size(); ++ci) {
    Commune& c = communes_[ci];
    c.groups = groups_per_commune[ci];
    const int64_t villages = std::max<int64_t>(1, (c.groups + 1) / 2);
    const std::string word = VillageWord(*c.admin, c.district->admin->province_code);
    for (int64_t v = 0; v < villages; ++v) {
      char code[16];
      std::snprintf(code, sizeof code, "%s%03d", c.admin->code.c_str(), static_cast<int>(v + 1));
      store::VillageRow row{
          0, code, word + " " + std::to_string(v + 1), store::kLegacyEra, c.admin->code, open};
      row.id = 0;
      store_.AddVillage(row);
      c.village_ids.push_back(row.id);
      c.village_names.push_back(row.name);
      ++summary_.villages;
      ++village_seq;
    }
    for (int64_t g = 0; g < c.groups; ++g, ++group_index) {
      const uint64_t share = random_.Below(100);
      const network::Association association = share < 46   ? network::Association::kWomen
                                               : share < 77 ? network::Association::kFarmers
                                               : share < 92 ? network::Association::kVeterans
                                                            : network::Association::kYouth;
      const size_t village = static_cast<size_t>(g) % c.village_ids.size();
      char code[16];
      std::snprintf(code, sizeof code, "%07lld", static_cast<long long>(first_group + group_index));
      store::GroupRow row{first_group + group_index,
                          code,
                          "Tổ TK&VV " + c.village_names[village] + " – " +
                              std::string(network::AssociationNameVi(association)),
                          c.point_id,
                          c.village_ids[village],
                          static_cast<int>(association),
                          store::kLegacyEra,
                          c.admin->code,
                          open};
      store_.AddGroup(row);
      ++summary_.groups;
      AddBorrowersOfGroup(row, c, sizes[static_cast<size_t>(group_index)], next_borrower);
      if (next_borrower - first_borrower >= 100'000 * (batches_ + 1)) {
        ++batches_;
        loan_store_.FlushBalances();
        tx.CommitAndContinue();
        if (progress_) progress_(next_borrower - first_borrower, profile_.borrowers, "borrowers");
      }
    }
  }
}

void Generator::AddBorrowersOfGroup(const store::GroupRow& group, const Commune& c, int size,
                                    int64_t& next_borrower) {
  const std::string& province = c.district->admin->province_code;
  const uint32_t minority_share = MinorityPerMillion(province);
  const bool women_group = group.association_code == static_cast<int>(network::Association::kWomen);
  const std::string address_tail = ", " + c.admin->full_name + ", " + c.district->admin->full_name +
                                   ", " + admin_.Province(store::kLegacyEra, province)->full_name;
  for (int m = 0; m < size; ++m) {
    // The code is the sequence's value, the id that value in the branch's range
    // (store/partition.h): the same data on either engine.
    const int64_t serial_id = next_borrower++;
    const auto branch = office_branch_.find(c.office_id);
    const int64_t id = (branch == office_branch_.end() ? 0 : branch->second) + serial_id;
    const network::Sex sex = random_.Chance(women_group ? 950'000 : 450'000) ? network::Sex::kFemale
                                                                             : network::Sex::kMale;
    const bool minority = random_.Chance(minority_share);
    GeneratedName name = names_.Next(random_, sex, minority);
    const int year = static_cast<int>(random_.Bell(1950, 1996));
    const int month = static_cast<int>(random_.Between(1, 12));
    const Date birth = *Date::FromCivil(
        year, month, static_cast<int>(random_.Between(1, DaysInMonth(year, month))));
    // Citizen ID: province, century-sex digit, year, and a serial unique per triple.
    const int century_sex = network::CenturySexDigit(year, sex);
    const int64_t key = std::stoll(province) * 1000 + century_sex * 100 + year % 100;
    const int64_t serial = (citizen_serial_[key]++ * 7919 + key * 104'729 +
                            static_cast<int64_t>(options_.seed % 1000)) %
                           1'000'000;
    char citizen[16], code[16];
    std::snprintf(citizen, sizeof citizen, "0%s%d%02d%06lld", province.c_str(), century_sex,
                  year % 100, static_cast<long long>(serial));
    std::snprintf(code, sizeof code, "%010lld", static_cast<long long>(serial_id));
    std::vector<std::string> categories;
    const uint64_t pick = random_.Below(100);
    categories.push_back(pick < 30   ? "poor"
                         : pick < 52 ? "near_poor"
                         : pick < 68 ? "escaped_poverty"
                         : pick < 80 ? "job_creation"
                         : pick < 88 ? "student_household"
                         : pick < 96 ? "disadvantaged_area"
                                     : "other");
    if (minority) categories.push_back("ethnic_minority");
    std::sort(categories.begin(), categories.end());
    const size_t village = random_.Below(c.village_ids.size());
    const Date joined = m < 2 ? start_ : RandomDate(start_, options_.until);
    store::BorrowerRow b{id,
                         code,
                         name.full,
                         name.folded,
                         citizen,
                         birth,
                         std::string(network::SexKey(sex)),
                         joined,
                         c.village_names[village] + address_tail,
                         c.village_ids[village],
                         network::JoinCategories(categories)};
    store_.AddBorrower(b);
    store::MembershipRow membership{id, id, group.id,
                                    m == 0   ? "leader"
                                    : m == 1 ? "deputy"
                                             : "member",
                                    Period{joined, std::nullopt}};
    store_.AddMembership(membership);
    ++summary_.borrowers;
    AddLoan(b, group, c,
            categories.front() == "ethnic_minority" && categories.size() > 1 ? categories[1]
                                                                             : categories.front());
    AddSavings(b, c);
  }
}

// Most members save (RULES §5): 80 % hold a savings account, taken over on
// `until` with a balance of 100,000–3,000,000 đ in multiples of 5,000 đ.
void Generator::AddSavings(const store::BorrowerRow& borrower, const Commune& c) {
  if (random_.Below(100) >= 80 || !options_.savings) return;
  const Money balance = Money::Dong(5'000 * static_cast<int64_t>(20 + random_.Below(581)));
  store::LoanStore& ls = loan_store_;
  savings::Account account;
  account.borrower_id = borrower.id;
  account.office_id = c.office_id;
  account.accrued_to = options_.until;
  auto outcome = savings::Deposit(account, balance, options_.until, ls.SavingsRates());
  TDCS_CHECK(outcome.ok());
  ls.SaveSavings(account);
  const int64_t entry = ls.PostEntry(
      ledger::BuildEntry(options_.until, "deposit", std::move(outcome).value().postings), 0, 0);
  ls.AddSavingsTxn(account.id, options_.until, "deposit", balance, entry);
  ++summary_.savings_accounts;
  summary_.savings += balance;
}

// One loan per household, taken over as an opening balance on `until` (the
// balances a new system of record receives from the old one), calibrated to
// RULES §9: about 57 million đồng outstanding per household, overdue about
// 0.5 % and frozen about 0.05 % of outstanding. Drawn first (DrawLoan), then
// written (WriteLoan): a calibrated run draws every loan, fits them to the
// targets, and writes them after.
std::optional<Generator::PlannedLoan> Generator::DrawLoan(const store::BorrowerRow& borrower,
                                                          const store::GroupRow& group,
                                                          const Commune& c,
                                                          const std::string& category) {
  static const std::map<std::string, std::string> kProgram = {
      {"poor", "01"},         {"near_poor", "19"},         {"escaped_poverty", "21"},
      {"job_creation", "03"}, {"student_household", "02"}, {"disadvantaged_area", "07"},
      {"other", "06"}};
  PlannedLoan p;
  p.program = kProgram.count(category) ? kProgram.at(category) : "01";
  p.borrower_id = borrower.id;
  p.joined = borrower.valid_from;
  p.group_id = group.id;
  p.association = group.association_code;
  p.commune = &c;
  const int64_t amount_millions = p.program == "06"   ? random_.Between(20, 50)
                                  : p.program == "02" ? random_.Between(20, 60)
                                                      : random_.Bell(45, 100);
  p.approved = amount_millions * 1'000'000;
  static const int kTerms[] = {36, 48, 60};
  p.term = kTerms[random_.Below(3)];
  p.loan_serial = next_loan_++;
  p.fund_source = random_.Chance(850'000) ? 1 : 2;
  p.arrears = random_.Chance(9'000);
  p.frozen = !p.arrears && random_.Chance(600);
  // Recent loans are more common than old ones (disbursement keeps growing).
  p.months_ago = p.arrears ? p.term + 1 : RecentMonthsAgo(random_, p.term);
  p.day_offset = static_cast<int>(random_.Below(25));
  if (!Shape(p)) return std::nullopt;
  return p;
}

int Generator::RecentMonthsAgo(Random& random, int term) {
  return 1 + static_cast<int>(random.Below(static_cast<uint64_t>(term - 1)) *
                              random.Below(static_cast<uint64_t>(term - 1)) /
                              static_cast<uint64_t>(term - 1));
}

// The loan's dates and drawn outstanding from its months ago; false when the
// loan cannot be taken over on `until` so.
bool Generator::Shape(PlannedLoan& p) const {
  p.disbursed_on = options_.until.AddMonths(-p.months_ago).AddDays(-p.day_offset);
  if (p.disbursed_on < p.joined) p.disbursed_on = p.joined;
  const Date maturity = p.disbursed_on.AddMonths(p.term);
  // A loan in arrears is one past its maturity: taken over the day before it
  // (and brought to `until`, overdue); one not yet due is taken over on `until`.
  p.opened = p.arrears && maturity <= options_.until ? maturity.AddDays(-1) : options_.until;
  if (p.opened <= p.disbursed_on || maturity <= p.opened) return false;
  const int installments = p.term / 12;
  p.past = 0;
  for (int k = 1; k < installments; ++k)
    if (p.disbursed_on.AddMonths(12 * k) <= p.opened) ++p.past;
  p.outstanding =
      p.approved * (installments - p.past) / installments / kCalibrationStep * kCalibrationStep;
  return true;
}

loans::Loan Generator::WriteLoan(const PlannedLoan& p) {
  const Commune& c = *p.commune;
  loans::Loan loan;
  auto& t = loan.terms;
  t.loan_id = store::InRangeOf(p.borrower_id, p.loan_serial);
  t.borrower_id = p.borrower_id;
  t.office_id = c.office_id;
  t.program = p.program;
  t.fund_source = p.fund_source;
  t.approved = Money::Dong(p.approved);
  t.term_months = p.term;
  t.every_months = 12;
  t.session_day = c.session_day;
  t.point_id = c.point_id;
  t.group_id = p.group_id;
  t.association = p.association;
  const Money outstanding = Money::Dong(p.outstanding);
  store::LoanApplication application{
      std::to_string(p.loan_serial + 1'000'000'000'000'000LL).substr(0, 16),
      p.disbursed_on,
      p.disbursed_on,
      p.disbursed_on,
      p.disbursed_on,
      ""};
  store::LoanStore& ls = loan_store_;
  const auto& rates = ls.Rates(p.program);
  // The domain first, then the loan row once with its final state, then its
  // transactions and entries (RecordTxn, as every loan action is written).
  auto opened_outcome = loans::OpenBalance(loan, p.opened, p.disbursed_on, t.approved, outstanding);
  TDCS_CHECK(opened_outcome.ok());
  std::vector<std::pair<store::LoanTxn, ledger::Entry>> txns;
  store::LoanTxn txn;
  txn.loan_id = t.loan_id;
  txn.date = p.opened;
  txn.kind = "open";
  txn.amount = outstanding;
  txn.party_id = p.disbursed_on.days();
  txns.emplace_back(
      txn, ledger::BuildEntry(p.opened, "open", std::move(opened_outcome).value().postings));
  std::optional<ledger::Entry> events;
  if (p.opened < options_.until) {
    auto moved = loans::Advance(loan, options_.until, rates);
    if (!moved.postings.empty())
      events = ledger::BuildEntry(options_.until, "events", std::move(moved.postings));
  }
  if (p.frozen) {
    auto f = loans::Freeze(loan, options_.until, 24, rates);
    TDCS_CHECK(f.ok());
    store::LoanTxn ft;
    ft.loan_id = t.loan_id;
    ft.date = options_.until;
    ft.kind = "freeze";
    ft.months = 24;
    txns.emplace_back(ft,
                      ledger::BuildEntry(options_.until, "freeze", std::move(f).value().postings));
  }
  ls.InsertLoan(loan, application);
  // What it achieves: the program's own outcome (a job-creation loan: one
  // or two workers), before the opening counts it.
  auto outcomes = OutcomesOf(p.program);
  if (outcomes.count("jobs")) outcomes["jobs"] = 1 + static_cast<int>(p.loan_serial % 2);
  if (!outcomes.empty()) ls.SaveOutcomes(t.loan_id, outcomes);
  ls.RecordTxn(txns[0].first, txns[0].second);
  if (events) ls.PostEntry(*events, t.loan_id, 0);
  for (size_t k = 1; k < txns.size(); ++k) ls.RecordTxn(txns[k].first, txns[k].second);
  ls.DoneWithLoan(t.loan_id);
  ++summary_.loans;
  summary_.outstanding += loan.Principal();
  return loan;
}

void Generator::AddLoan(const store::BorrowerRow& borrower, const store::GroupRow& group,
                        const Commune& c, const std::string& category) {
  auto planned = DrawLoan(borrower, group, c, category);
  if (!options_.calibration) {
    if (planned) WriteLoan(*planned);
    return;
  }
  // Calibrated: every household has its loan, kept until the fit.
  if (!planned) {
    PlannedLoan p;
    // Drawn again on the calibration's own stream, as a loan not yet due.
    p.program = "01";
    p.borrower_id = borrower.id;
    p.joined = borrower.valid_from;
    p.group_id = group.id;
    p.association = group.association_code;
    p.commune = &c;
    p.approved = calibration_random_.Bell(45, 100) * 1'000'000;
    p.term = 36;
    p.loan_serial = next_loan_++;
    p.fund_source = 1;
    p.months_ago = 1;
    p.day_offset = 0;
    TDCS_CHECK(Shape(p));
    planned = p;
  }
  planned_.push_back(*planned);
}

// Fits the drawn loans to the targets (app/calibrate.h), gives each its
// dates for the state it is to be in, and writes them. A loan to be overdue
// is one that matured two months or more before `until`, so that the session
// after its maturity (§4.7) has passed whatever the point's session day.
constexpr int kOverdueMonthsAgo(int term) { return term + 2; }

std::optional<Error> Generator::WriteCalibratedLoans() {
  std::vector<CalibrationLoan> fit;
  fit.reserve(planned_.size());
  for (auto& p : planned_) {
    PlannedLoan past_due = p;
    past_due.arrears = true;
    past_due.months_ago = kOverdueMonthsAgo(p.term);
    // Past maturity by two months at least (a join date can move the
    // disbursement later): the session after maturity has passed by `until`.
    const bool may_fall = Shape(past_due) && past_due.opened < options_.until &&
                          past_due.disbursed_on.AddMonths(p.term) <= options_.until.AddMonths(-2);
    fit.push_back({p.outstanding, p.association, may_fall, p.arrears && may_fall, p.frozen});
  }
  if (auto error = FitCalibration(fit, *options_.calibration, calibration_random_)) return error;
  for (size_t i = 0; i < planned_.size(); ++i) {
    PlannedLoan& p = planned_[i];
    if (fit[i].overdue) {
      p.arrears = true;
      p.months_ago = kOverdueMonthsAgo(p.term);
    } else if (p.arrears) {
      p.arrears = false;
      p.months_ago = RecentMonthsAgo(calibration_random_, p.term);
    }
    p.frozen = fit[i].frozen;
    TDCS_CHECK(Shape(p));
    // The principal fitted; the amount lent as much more as the installments
    // already repaid make it (whole millions).
    const int installments = p.term / 12;
    p.outstanding = fit[i].dong;
    const int64_t lent = static_cast<int64_t>(static_cast<__int128>(p.outstanding) * installments /
                                              (installments - p.past));
    p.approved = std::max((lent + 999'999) / 1'000'000 * 1'000'000, p.outstanding);
    const loans::Loan written = WriteLoan(p);
    TDCS_CHECK_MSG(written.overdue.dong() == (fit[i].overdue ? p.outstanding : 0) &&
                       written.frozen.dong() == (fit[i].frozen ? p.outstanding : 0),
                   "a calibrated loan is not in the state it was fitted to");
  }
  planned_.clear();
  return std::nullopt;
}

Result<GenerateSummary> Generator::Run() {
  store::Transaction tx(db_);
  BuildNetwork();
  // The households, their loans and books are a bulk load: their keys are
  // checked once, at the end (PostgreSQL).
  store::ForeignKeysCheckedAtEnd keys(db_);
  if (progress_) progress_(0, profile_.borrowers, "borrowers");
  BuildGroupsAndBorrowers(tx);
  if (options_.calibration)
    if (auto error = WriteCalibratedLoans()) return *error;
  if (progress_) progress_(profile_.borrowers, profile_.borrowers, "borrowers");
  loan_store_.SetBusinessDate(options_.until);
  loan_store_.FlushBalances();
  store::RebuildNetworkSeries(db_);
  keys.Finish();
  tx.Commit();
  summary_.rows = summary_.branches * 2 + (summary_.offices + summary_.seats) * 2 +
                  summary_.points * 2 + summary_.villages * 2 + summary_.groups * 2 +
                  summary_.borrowers * 3 + summary_.loans * 6 +
                  summary_.savings_accounts * 5;  // account, movement, entry, two postings
  return summary_;
}

}  // namespace

namespace {

Result<GenerateSummary> GenerateIn(store::Database& db, const GenerateOptions& options,
                                   const Profile& profile, const ProgressFn& progress) {
  if (store::NetworkStore(db).HasNetwork())
    return MakeError(GenerateRejection::kDatabaseNotEmpty, "db", "Cơ sở dữ liệu đã có mạng lưới",
                     "The database already holds a network");
  Generator generator(db, options, profile, progress);
  auto run = generator.Run();
  if (!run.ok()) return run.error();
  GenerateSummary summary = std::move(run).value();
  if (options.until >= store::ReadAdminIndex(db).reform_date) {
    if (progress) progress(0, 0, "reform");
    auto reform = ApplyReform2025In(db, std::nullopt);
    if (!reform.ok()) return reform.error();
    summary.reform_applied = true;
  }
  return summary;
}

// The targets against the profile, before anything is opened: their date
// is the generation's `until`, their unit the whole of what the profile
// generates (the nation; a one-district profile's branch or office too), and
// the counts give the profile's. Adjusts `profile` to them.
std::optional<Error> CheckCalibration(Profile& profile, const GenerateOptions& options) {
  const CalibrationTargets& t = *options.calibration;
  if (t.at != options.until)
    return MakeError(GenerateRejection::kCalibrationInvalid, "until",
                     "Các chỉ tiêu là của ngày " + t.at.ToVietnamese() +
                         ": dữ liệu phải sinh đến đúng ngày đó (bỏ --until, hoặc --until " +
                         t.at.ToIso() + ")",
                     "The figures are of " + t.at.ToIso() +
                         ": the data must be generated until that day (leave out --until, or "
                         "--until " +
                         t.at.ToIso() + ")");
  std::vector<std::string> units = {"national"};
  if (!profile.only_district.empty() && profile.provinces.size() == 1) {
    units.push_back("CN" + profile.provinces[0]);
    units.push_back("PGD" + profile.only_district);
  }
  if (std::find(units.begin(), units.end(), t.unit) == units.end()) {
    std::string list;
    for (const auto& u : units) list += (list.empty() ? "" : ", ") + u;
    return MakeError(GenerateRejection::kCalibrationUnit, "unit",
                     "Hồ sơ " + options.profile +
                         " chỉ hiệu chỉnh được theo toàn bộ dữ liệu nó sinh (" + list +
                         "), không theo '" + t.unit + "'",
                     "The " + options.profile +
                         " profile is calibrated on the whole of what it "
                         "generates (" +
                         list + "), not on '" + t.unit + "'");
  }
  if (t.groups) profile.groups = *t.groups;
  if (t.households) profile.borrowers = *t.households;
  if (profile.borrowers < profile.groups * network::kGroupMembersMin ||
      profile.borrowers > profile.groups * network::kGroupMembersMax)
    return MakeError(GenerateRejection::kCalibrationInfeasible, "households",
                     std::to_string(profile.borrowers) + " hộ không chia được cho " +
                         std::to_string(profile.groups) + " tổ (mỗi tổ " +
                         std::to_string(network::kGroupMembersMin) + "–" +
                         std::to_string(network::kGroupMembersMax) + " thành viên)",
                     std::to_string(profile.borrowers) + " households cannot make " +
                         std::to_string(profile.groups) + " groups (" +
                         std::to_string(network::kGroupMembersMin) + "–" +
                         std::to_string(network::kGroupMembersMax) + " members each)");
  return std::nullopt;
}

void RemoveSqliteFiles(const std::string& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"})
    std::filesystem::remove(path + suffix, ignored);
}

}  // namespace

Result<GenerateSummary> Generate(const std::string& target, const Context&,
                                 const GenerateOptions& options, const ProgressFn& progress) {
  auto profile = ProfileNamed(options.profile);
  if (!profile)
    return MakeError(GenerateRejection::kProfileUnknown, "profile",
                     "Hồ sơ dữ liệu '" + options.profile + "' không có (demo|province|national)",
                     "Unknown profile '" + options.profile + "' (demo|province|national)");
  // Checked before the target is opened, so that a refused run creates nothing.
  if (options.until <= kNetworkOpens)
    return MakeError(GenerateRejection::kUntilTooEarly, "until",
                     "Ngày cuối phải sau " + kNetworkOpens.ToVietnamese() +
                         " (mạng lưới mẫu mở và lãi suất các chương trình có hiệu lực từ ngày đó)",
                     "until must be after " + kNetworkOpens.ToIso() +
                         " (the generated network opens and the programs' rates are in force "
                         "from then)");
  if (options.calibration)
    if (auto bad = CheckCalibration(*profile, options)) return *bad;
  auto connection = Connection::Open(target);
  store::Database& db = Db(*connection);
  if (db.engine() == store::Engine::kPostgres) {
    // One transaction: a generation stopped half-way leaves nothing behind.
    InitDatabase(*connection);
    store::BatchLock lock(db, "generate");
    store::Transaction tx(db);
    auto summary = GenerateIn(db, options, *profile, progress);
    if (!summary.ok()) return summary;
    tx.Commit();
    // The planner's statistics of the tables just filled, before the first
    // session reads them (the server's own analysis comes a minute or more
    // later; until then it plans for empty tables).
    if (progress) progress(0, 0, "analyze");
    try {
      store::AnalyzeTables(db);
    } catch (const StorageFault& fault) {
      // Committed: the generation stands, without statistics for now.
      summary.value().analyze_failed = fault.what();
    }
    return summary;
  }
  const std::string path = db.FilePath();
  if (path.empty()) {
    InitDatabase(*connection);
    return GenerateIn(db, options, *profile, progress);
  }
  // An SQLite file is generated beside the target and moved over it when
  // complete (rename is atomic), so a stopped generation leaves the target
  // as it was and the next run starts afresh. The target must hold nothing
  // but its schema: checked under the lock, so two runs cannot both pass.
  store::BatchLock lock(db, "generate");
  InitDatabase(*connection);
  if (store::NetworkStore(db).HasNetwork())
    return MakeError(GenerateRejection::kDatabaseNotEmpty, "db", "Cơ sở dữ liệu đã có mạng lưới",
                     "The database already holds a network");
  const std::string partial = path + ".generating";
  RemoveSqliteFiles(partial);
  Result<GenerateSummary> summary = [&] {
    auto work = Connection::Open(partial);
    InitDatabase(*work);
    auto result = GenerateIn(Db(*work), options, *profile, progress);
    if (result.ok()) work->Checkpoint();
    return result;
  }();
  if (!summary.ok()) {
    RemoveSqliteFiles(partial);
    return summary;
  }
  // The empty target's own write-ahead log goes with it; the finished file
  // (checkpointed, no log) takes its place.
  db.Checkpoint();
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    std::filesystem::remove(path + suffix, ec);
  std::filesystem::rename(partial, path, ec);
  if (ec) throw StorageFault("cannot move " + partial + " to " + path + ": " + ec.message());
  return summary;
}

}  // namespace tdcs::app
