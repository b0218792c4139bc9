#include "batch/verify.h"

#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

#include "loans/loan.h"
#include "reports/measures.h"
#include "savings/savings.h"
#include "store/audit_store.h"
#include "store/journal_chain.h"
#include "store/ledger_checks.h"
#include "store/loan_store.h"
#include "store/report_store.h"

namespace tdcs::batch {
namespace {

// Rows read per query by the checks that walk the whole book.
constexpr int kPage = 2000;
// A check that finds more problems than this tells the first ones and counts the rest.
constexpr int64_t kProblemsPerCheck = 50;

std::string Dong(int64_t v) { return Money::Dong(v).ToVietnamese(); }
std::string Num(int64_t v) { return std::to_string(v); }

// An ISO date as Vietnamese readers write it (unchanged when it does not parse).
std::string DateVi(const std::string& iso) {
  const auto d = Date::Parse(iso);
  return d ? d->ToVietnamese() : iso;
}

// The problems of one check, Vietnamese first then English.
class Problems {
 public:
  explicit Problems(VerifyReport& report) : report_(report) {}
  Problems(const Problems&) = delete;
  Problems& operator=(const Problems&) = delete;
  ~Problems() {
    if (found_ > kProblemsPerCheck)
      report_.problems.push_back("… và " + Num(found_ - kProblemsPerCheck) + " lỗi khác / … and " +
                                 Num(found_ - kProblemsPerCheck) + " more of the same check");
  }
  void Add(const std::string& vi, const std::string& en) {
    if (++found_ <= kProblemsPerCheck) report_.problems.push_back(vi + " / " + en);
  }

 private:
  VerifyReport& report_;
  int64_t found_ = 0;
};

void CheckEntries(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  for (const auto& e : store::UnbalancedEntries(db))
    problems.Add("bút toán " + Num(e.entry_id) + " không cân: tổng các dòng là " + Dong(e.sum),
                 "journal entry " + Num(e.entry_id) + " does not balance: its postings sum to " +
                     Dong(e.sum));
  if (const int64_t total = store::LedgerTotal(db); total != 0)
    problems.Add("sổ cái không cân: tổng các dòng là " + Dong(total),
                 "the ledger does not balance: postings sum to " + Dong(total));
  for (const auto& p : store::PostingsWithoutEntry(db))
    problems.Add(
        Num(p.postings) + " dòng hạch toán thuộc bút toán " + Num(p.entry_id) + " không tồn tại",
        Num(p.postings) + " postings belong to journal entry " + Num(p.entry_id) +
            ", which does not exist");
}

// The last entry seen on the walk along the chain.
struct ChainLink {
  int64_t seq = 0, entry_id = 0;
  std::string hash = store::ToHex(store::kGenesisHash);
};

std::string EntryAt(int64_t id, int64_t seq) {
  return "bút toán " + Num(id) + " (vị trí " + Num(seq) + ")";
}
std::string EntryAtEn(int64_t id, int64_t seq) {
  return "entry " + Num(id) + " at position " + Num(seq);
}

// Positions are gapless from 1: a missing one is a deleted entry. The names
// are of the entries around the gap, which are still there.
void CheckPosition(const ChainLink& last, const store::StoredEntry& e, Problems& problems) {
  const int64_t seq = *e.chain_seq;
  const std::string after_vi =
      last.seq == 0 ? "ở đầu chuỗi" : "sau " + EntryAt(last.entry_id, last.seq);
  const std::string after_en =
      last.seq == 0 ? "at the start of the chain" : "after " + EntryAtEn(last.entry_id, last.seq);
  const std::string missing =
      seq - last.seq == 2 ? Num(last.seq + 1) : Num(last.seq + 1) + "–" + Num(seq - 1);
  problems.Add("chuỗi bút toán thiếu vị trí " + missing + " " + after_vi + ", trước " +
                   EntryAt(e.id, seq) + ": bút toán ở đó đã bị xóa",
               "the journal chain is missing position " + missing + " " + after_en + ", before " +
                   EntryAtEn(e.id, seq) + ": the entry there was deleted");
}

void CheckHash(const store::StoredEntry& e, Problems& problems) {
  const int64_t seq = *e.chain_seq;
  const auto previous = store::ChainHashFromHex(e.prev_hash.value_or(""));
  if (!e.entry_hash || !previous) {
    problems.Add(EntryAt(e.id, seq) + " thiếu mã băm hoặc mã băm sai dạng",
                 EntryAtEn(e.id, seq) + " has no hash or a malformed one");
    return;
  }
  if (store::ToHex(e.ComputeHash(*previous)) != *e.entry_hash)
    problems.Add(EntryAt(e.id, seq) +
                     ": nội dung không khớp mã băm (ngày, loại, khoản vay, giao dịch, bút toán "
                     "được hủy hoặc các dòng hạch toán đã bị sửa)",
                 EntryAtEn(e.id, seq) +
                     ": its contents do not match its hash (its date, kind, loan, transaction, "
                     "reversed entry or postings were changed)");
}

void CheckLink(const ChainLink& last, const store::StoredEntry& e, Problems& problems) {
  const int64_t seq = *e.chain_seq;
  if (seq == last.seq) {
    problems.Add(
        "vị trí " + Num(seq) + " có hai bút toán: " + Num(last.entry_id) + " và " + Num(e.id),
        "position " + Num(seq) + " is held by two entries: " + Num(last.entry_id) + " and " +
            Num(e.id));
  } else if (seq != last.seq + 1) {
    CheckPosition(last, e, problems);
  } else if (e.prev_hash.value_or("") != last.hash) {
    problems.Add(EntryAt(e.id, seq) + ": mã băm trước không phải mã băm của " +
                     (last.seq == 0 ? "điểm khởi đầu" : EntryAt(last.entry_id, last.seq)),
                 EntryAtEn(e.id, seq) + ": its previous hash is not the hash of " +
                     (last.seq == 0 ? "the chain's start" : EntryAtEn(last.entry_id, last.seq)));
  }
  CheckHash(e, problems);
}

void CheckHead(store::Database& db, const ChainLink& last, Problems& problems) {
  const auto head = store::ReadStoredChainHead(db);
  if (!head) {
    problems.Add("thiếu đầu chuỗi (bảng journal_chain)",
                 "the chain head (table journal_chain) is missing");
    return;
  }
  if (head->seq == last.seq && head->entry_id == last.entry_id && head->hash == last.hash) return;
  const std::string last_vi = last.seq == 0
                                  ? "chuỗi không có bút toán nào"
                                  : "bút toán cuối là " + EntryAt(last.entry_id, last.seq);
  const std::string last_en = last.seq == 0
                                  ? "the chain has no entries"
                                  : "the last entry is " + EntryAtEn(last.entry_id, last.seq);
  if (head->seq != last.seq || head->entry_id != last.entry_id)
    problems.Add(
        "đầu chuỗi ghi " + EntryAt(head->entry_id, head->seq) + " nhưng " + last_vi,
        "the chain head records " + EntryAtEn(head->entry_id, head->seq) + " but " + last_en);
  else
    problems.Add("mã băm ở đầu chuỗi không phải mã băm của " + EntryAt(last.entry_id, last.seq),
                 "the chain head's hash is not the hash of " + EntryAtEn(last.entry_id, last.seq));
}

void CheckUnchained(store::Database& db, Problems& problems) {
  const int64_t count = store::UnchainedEntryCount(db);
  if (count == 0) return;
  std::string ids;
  for (int64_t id : store::UnchainedEntryIds(db, 10)) ids += (ids.empty() ? "" : ", ") + Num(id);
  if (count > 10) ids += ", …";
  problems.Add(Num(count) + " bút toán không có trong chuỗi: " + ids,
               Num(count) + " journal entries are not in the chain: " + ids);
}

void CheckChain(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  ChainLink last;
  for (bool more = true; more;) {
    const auto page = store::ChainedEntriesAfter(db, last.seq, kPage);
    more = static_cast<int>(page.size()) == kPage;
    for (const auto& e : page) {
      CheckLink(last, e, problems);
      last = {*e.chain_seq, e.id, e.entry_hash.value_or("")};
    }
  }
  CheckHead(db, last, problems);
  CheckUnchained(db, problems);
  report.chain_length = last.seq;
  report.chain_head = last.hash;
}

void CheckAggregates(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  for (const auto& a : store::AggregateMismatches(db)) {
    const std::string key =
        a.account + "/" + a.program + "/fund " + Num(a.fund_source) + "/office " + Num(a.office_id);
    problems.Add("số dư tổng hợp ledger_balance " + key + " là " + Dong(a.balance) +
                     " nhưng tổng các dòng là " + Dong(a.postings_sum),
                 "aggregate ledger_balance " + key + " is " + Dong(a.balance) +
                     " but its postings sum to " + Dong(a.postings_sum));
  }
  if (store::DimensionsWithoutAggregate(db) > 0)
    problems.Add("có dòng hạch toán mà ledger_balance không có chiều tương ứng",
                 "postings exist for dimensions missing from ledger_balance");
}

void CheckAccounts(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  for (const auto& code : store::UnknownAccounts(db))
    problems.Add("có dòng hạch toán vào " + code + ", tài khoản không có trong hệ thống tài khoản",
                 "postings to " + code + ", an account not in the chart");
}

void CheckLoanBalances(store::Database& db, VerifyReport& report) {
  static const char* kNamesVi[] = {"dư nợ trong hạn", "dư nợ quá hạn", "dư nợ khoanh",
                                   "lãi chưa trả"};
  static const char* kNamesEn[] = {"normal principal", "overdue principal", "frozen principal",
                                   "unpaid interest"};
  Problems problems(report);
  for (const auto& b : store::LoanMismatches(db))
    for (int k = 0; k < 4; ++k)
      if (b.stored[k] != b.posted[k])
        problems.Add("khoản vay " + b.code + ": " + kNamesVi[k] + " là " + Dong(b.stored[k]) +
                         " nhưng tổng các dòng là " + Dong(b.posted[k]),
                     "loan " + b.code + ": " + kNamesEn[k] + " is " + Dong(b.stored[k]) +
                         " but its postings sum to " + Dong(b.posted[k]));
}

void CheckSavingsBalances(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  for (const auto& s : store::SavingsMismatches(db))
    problems.Add("tài khoản tiết kiệm " + Num(s.account_id) + ": số dư " + Dong(s.balance) +
                     " nhưng tổng các dòng là " + Dong(s.postings_sum),
                 "savings account " + Num(s.account_id) + ": balance " + Dong(s.balance) +
                     " but its postings sum to " + Dong(s.postings_sum));
}

// A problem with a transaction's entry, in both languages.
struct LinkProblem {
  std::string vi, en;
};

using LoanNamer = std::function<std::string(int64_t loan_id)>;

// What a transaction expects of the entry it names, whatever its kind.
std::optional<LinkProblem> CheckLinkedEntry(const store::LinkedEntry& e, int64_t entry_id,
                                            int64_t txn_id, std::optional<int64_t> loan_id,
                                            const std::string& kind, const std::string& date,
                                            const LoanNamer& loan_name) {
  const std::string entry = Num(entry_id);
  if (!e.id)
    return LinkProblem{"bút toán " + entry + " của giao dịch không tồn tại",
                       "its journal entry " + entry + " does not exist"};
  if (e.loan_id.value_or(0) != loan_id.value_or(0)) {
    const std::string other = e.loan_id.value_or(0) == 0 ? "—" : loan_name(*e.loan_id);
    return LinkProblem{
        "bút toán " + entry + " thuộc khoản vay " + other + ", không phải khoản vay của giao dịch",
        "its journal entry " + entry + " belongs to loan " + other +
            ", not to the transaction's loan"};
  }
  // Savings entries from before the chain name no transaction (0).
  if (e.txn_id.value_or(0) != txn_id && (loan_id || e.txn_id.value_or(0) != 0))
    return LinkProblem{
        "bút toán " + entry + " thuộc giao dịch " + Num(e.txn_id.value_or(0)),
        "its journal entry " + entry + " is of transaction " + Num(e.txn_id.value_or(0))};
  if (e.kind != kind)
    return LinkProblem{"bút toán " + entry + " là loại " + e.kind,
                       "its journal entry " + entry + " is of kind " + e.kind};
  if (e.date != date)
    return LinkProblem{"bút toán " + entry + " ghi ngày " + DateVi(e.date),
                       "its journal entry " + entry + " is dated " + e.date};
  return std::nullopt;
}

// Which leg of its entry carries a loan transaction's amount, from the
// postings each action makes (src/loans/loan.cc), counting only postings of
// the transaction's own loan:
//   disburse     cash paid out at the commune point:    CASH_POINT      = -amount
//   pay          cash taken in at the commune point:    CASH_POINT      = +amount
//   pay_savings  taken from the member's savings:        MEMBER_SAVINGS  = +amount
//   open         the balance taken over from the old system: OPENING_BALANCE = -amount
// Interest charged by a payment goes receivable → income and moves no cash;
// the savings interest credited before a pay_savings is the account's, not
// the loan's. The other kinds (reschedule, extend, freeze, writeoff, inherit,
// reverse) have no amount of their own: their postings follow from the loan's
// state, which the balance check and `--deep` cover.
struct Leg {
  int64_t posted = 0;
  int sign = 0;  // 0: the kind carries no amount
  const char* vi = "";
  const char* en = "";
};
Leg AmountLeg(const store::LoanTxnLink& t) {
  if (t.kind == "disburse")
    return {t.cash, -1, "chi tiền mặt tại điểm giao dịch", "pays out in cash"};
  if (t.kind == "pay") return {t.cash, 1, "thu tiền mặt tại điểm giao dịch", "takes in cash"};
  if (t.kind == "pay_savings") return {t.member_savings, 1, "trích tiền gửi", "takes from savings"};
  if (t.kind == "open")
    return {t.opening_balance, -1, "nhận số dư chuyển sang", "takes over an opening balance of"};
  return {};
}

std::optional<LinkProblem> CheckLoanTxn(const store::LoanTxnLink& t, const LoanNamer& loan_name) {
  const Leg leg = AmountLeg(t);
  if (!t.entry_id) {
    if (leg.sign == 0) return std::nullopt;  // moved no money, so there is no entry
    return LinkProblem{"không có bút toán", "it has no journal entry"};
  }
  if (auto p =
          CheckLinkedEntry(t.entry, *t.entry_id, t.txn_id, t.loan_id, t.kind, t.date, loan_name))
    return p;
  if (t.kind == "reverse" &&
      t.entry.reverses_entry_id.value_or(0) != t.reversed_entry_id.value_or(0))
    return LinkProblem{"bút toán " + Num(*t.entry_id) + " hủy bút toán " +
                           Num(t.entry.reverses_entry_id.value_or(0)) +
                           ", không phải bút toán của giao dịch bị hủy",
                       "its journal entry " + Num(*t.entry_id) + " reverses entry " +
                           Num(t.entry.reverses_entry_id.value_or(0)) +
                           ", not the reversed transaction's entry"};
  if (leg.sign != 0 && leg.posted != leg.sign * t.amount)
    return LinkProblem{"số tiền " + Dong(t.amount) + " nhưng bút toán " + Num(*t.entry_id) + " " +
                           leg.vi + " " + Dong(leg.sign * leg.posted),
                       "amount " + Dong(t.amount) + " but its journal entry " + Num(*t.entry_id) +
                           " " + leg.en + " " + Dong(leg.sign * leg.posted)};
  return std::nullopt;
}

void CheckLoanTxns(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  store::LoanStore store(db);
  const LoanNamer loan_name = [&](int64_t id) { return store.LoanCode(id); };
  for (int64_t after = 0;;) {
    const auto page = store::LoanTxnLinksAfter(db, after, kPage);
    for (const auto& t : page) {
      if (auto p = CheckLoanTxn(t, loan_name)) {
        const std::string code = store.LoanCode(t.loan_id);
        problems.Add("khoản vay " + code + ", giao dịch " + Num(t.txn_id) + " (" + t.kind +
                         " ngày " + DateVi(t.date) + "): " + p->vi,
                     "loan " + code + ", transaction " + Num(t.txn_id) + " (" + t.kind + " on " +
                         t.date + "): " + p->en);
      }
      after = t.txn_id;
    }
    if (static_cast<int>(page.size()) < kPage) break;
  }
}

// Savings: a deposit takes cash in at the commune point (CASH_POINT of the
// account's borrower = +amount), a withdrawal pays it out (= -amount).
std::optional<LinkProblem> CheckSavingsTxn(const store::SavingsTxnLink& s,
                                           const LoanNamer& loan_name) {
  if (!s.borrower_id)
    return LinkProblem{"tài khoản " + Num(s.account_id) + " không tồn tại",
                       "its account " + Num(s.account_id) + " does not exist"};
  if (!s.entry_id) return LinkProblem{"không có bút toán", "it has no journal entry"};
  // A repayment from savings, and the reversal of a movement, are recorded on
  // the account with the entry that moved them — the loan's pay_savings or
  // reverse entry, or the account's own reversal: that entry must exist, be
  // of the day, and (for a repayment) be a repayment from savings. Its amounts
  // are checked with the loan (CheckLoanTxn) and by the replays of --deep.
  if (s.kind == "repay" || s.kind == "reverse") {
    const std::string entry = Num(*s.entry_id);
    if (!s.entry.id)
      return LinkProblem{"bút toán " + entry + " của giao dịch không tồn tại",
                         "its journal entry " + entry + " does not exist"};
    if (s.entry.date != s.date)
      return LinkProblem{"bút toán " + entry + " ghi ngày " + DateVi(s.entry.date),
                         "its journal entry " + entry + " is dated " + s.entry.date};
    if (s.kind == "repay" && s.entry.kind != "pay_savings")
      return LinkProblem{"bút toán " + entry + " là loại " + s.entry.kind,
                         "its journal entry " + entry + " is of kind " + s.entry.kind};
    return std::nullopt;
  }
  if (auto p =
          CheckLinkedEntry(s.entry, *s.entry_id, s.txn_id, std::nullopt, s.kind, s.date, loan_name))
    return p;
  const int sign = s.kind == "withdraw" ? -1 : 1;
  if (s.cash != sign * s.amount)
    return LinkProblem{"số tiền " + Dong(s.amount) + " nhưng bút toán " + Num(*s.entry_id) +
                           " ghi tiền mặt của người gửi " + Dong(s.cash),
                       "amount " + Dong(s.amount) + " but its journal entry " + Num(*s.entry_id) +
                           " moves the member's cash by " + Dong(s.cash)};
  return std::nullopt;
}

void CheckSavingsTxns(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  store::LoanStore store(db);
  const LoanNamer loan_name = [&](int64_t id) { return store.LoanCode(id); };
  for (int64_t after = 0;;) {
    const auto page = store::SavingsTxnLinksAfter(db, after, kPage);
    for (const auto& s : page) {
      if (auto p = CheckSavingsTxn(s, loan_name))
        problems.Add("tài khoản tiết kiệm " + Num(s.account_id) + ", giao dịch " + Num(s.txn_id) +
                         " (" + s.kind + " ngày " + DateVi(s.date) + "): " + p->vi,
                     "savings account " + Num(s.account_id) + ", transaction " + Num(s.txn_id) +
                         " (" + s.kind + " on " + s.date + "): " + p->en);
      after = s.txn_id;
    }
    if (static_cast<int>(page.size()) < kPage) break;
  }
}

// --deep: the replay of each loan, transaction by transaction.

// The field a loan account stands for, as the replay names it.
std::pair<std::string, std::string> AccountField(const std::string& account) {
  static const std::map<std::string, std::pair<std::string, std::string>> kFields = {
      {ledger::account::kLoanNormal, {"dư nợ trong hạn", "normal principal"}},
      {ledger::account::kLoanOverdue, {"dư nợ quá hạn", "overdue principal"}},
      {ledger::account::kLoanFrozen, {"dư nợ khoanh", "frozen principal"}},
      {ledger::account::kInterestReceivable, {"lãi chưa trả", "unpaid interest"}},
      {ledger::account::kCashPoint, {"tiền mặt", "cash"}},
      {ledger::account::kMemberSavings, {"tiền gửi", "savings"}}};
  auto it = kFields.find(account);
  if (it != kFields.end()) return it->second;
  return {account, account};
}

struct LoanReplay {
  std::string code;
  int64_t loan_id = 0;
  const store::LoanTxn* last = nullptr;  // the last transaction replayed
  bool differed = false;                 // a transaction's entry already differed
};

std::string TxnVi(const LoanReplay& r, const store::LoanTxn& t) {
  return "khoản vay " + r.code + ", giao dịch " + Num(t.id) + " (" + t.kind + " ngày " +
         t.date.ToVietnamese() + ")";
}
std::string TxnEn(const LoanReplay& r, const store::LoanTxn& t) {
  return "loan " + r.code + ", transaction " + Num(t.id) + " (" + t.kind + " on " + t.date.ToIso() +
         ")";
}

// The first transaction whose entry does not hold what the replay posts for
// it names every account (field) that differs.
void CompareEntry(LoanReplay& r, const store::LoanTxn& t,
                  const std::vector<ledger::Posting>& replayed,
                  const std::map<int64_t, std::map<std::string, int64_t>>& posted,
                  Problems& problems) {
  if (r.differed) return;
  std::map<std::string, int64_t> want;
  for (const auto& p : replayed)
    if (p.loan_id == r.loan_id) want[p.account] += p.amount.dong();
  static const std::map<std::string, int64_t> kNone;
  auto it = posted.find(t.entry_id);
  const auto& got = it == posted.end() ? kNone : it->second;
  std::set<std::string> accounts;
  for (const auto& [a, v] : want) accounts.insert(a);
  for (const auto& [a, v] : got) accounts.insert(a);
  for (const auto& a : accounts) {
    const int64_t w = want.count(a) ? want.at(a) : 0, g = got.count(a) ? got.at(a) : 0;
    if (w == g) continue;
    const auto [vi, en] = AccountField(a);
    problems.Add(TxnVi(r, t) + ", bút toán " + Num(t.entry_id) + ": " + vi + " (" + a +
                     ") tính lại là " + Dong(w) + " nhưng bút toán ghi " + Dong(g),
                 TxnEn(r, t) + ", entry " + Num(t.entry_id) + ": " + en + " (" + a + ") is " +
                     Dong(w) + " in the replay but " + Dong(g) + " in the entry");
    r.differed = true;
  }
}

void CompareMoney(const LoanReplay& r, const char* vi, const char* en, Money stored, Money replayed,
                  Problems& problems) {
  if (stored == replayed) return;
  const std::string after_vi =
      r.last ? " sau giao dịch cuối " + Num(r.last->id) + " (" + r.last->kind + ")" : "";
  const std::string after_en =
      r.last ? " after its last transaction " + Num(r.last->id) + " (" + r.last->kind + ")" : "";
  problems.Add("khoản vay " + r.code + after_vi + ": " + vi + " lưu là " + Dong(stored.dong()) +
                   " nhưng tính lại là " + Dong(replayed.dong()),
               "loan " + r.code + after_en + ": " + en + " is stored as " + Dong(stored.dong()) +
                   " but the replay gives " + Dong(replayed.dong()));
}

std::string InstallmentText(const loans::Installment& i) { return store::EncodeInstallments({i}); }

void CompareInstallments(const LoanReplay& r, const loans::Loan& stored, const loans::Loan& fresh,
                         Problems& problems) {
  const auto& a = stored.installments;
  const auto& b = fresh.installments;
  if (a.size() != b.size()) {
    problems.Add("khoản vay " + r.code + ": lưu " + Num(static_cast<int64_t>(a.size())) +
                     " kỳ trả nợ, tính lại " + Num(static_cast<int64_t>(b.size())),
                 "loan " + r.code + ": " + Num(static_cast<int64_t>(a.size())) +
                     " installments stored, " + Num(static_cast<int64_t>(b.size())) +
                     " in the replay");
    return;
  }
  for (size_t k = 0; k < a.size(); ++k) {
    if (InstallmentText(a[k]) == InstallmentText(b[k])) continue;
    const std::string n = Num(static_cast<int64_t>(k + 1));
    problems.Add("khoản vay " + r.code + ", kỳ trả nợ " + n + " (hạn " + b[k].due.ToVietnamese() +
                     "): lưu " + InstallmentText(a[k]) + ", tính lại " + InstallmentText(b[k]) +
                     " (hạn:phần:số tiền:đã trả:trạng thái)",
                 "loan " + r.code + ", installment " + n + " (due " + b[k].due.ToIso() +
                     "): stored " + InstallmentText(a[k]) + ", replay " + InstallmentText(b[k]) +
                     " (due:shares:amount:paid:state)");
  }
}

void CompareState(const LoanReplay& r, const loans::Loan& stored, const loans::Loan& fresh,
                  Problems& problems) {
  CompareMoney(r, "dư nợ trong hạn", "normal principal", stored.normal, fresh.normal, problems);
  CompareMoney(r, "dư nợ quá hạn", "overdue principal", stored.overdue, fresh.overdue, problems);
  CompareMoney(r, "dư nợ khoanh", "frozen principal", stored.frozen, fresh.frozen, problems);
  CompareMoney(r, "lãi chưa trả", "unpaid interest", stored.interest_unpaid, fresh.interest_unpaid,
               problems);
  CompareInstallments(r, stored, fresh, problems);
}

// What the replay of one loan reads, read a page of loans at a time.
struct LoanRecord {
  const loans::Loan* stored = nullptr;
  std::string code;
  int64_t approved_borrower = 0;
  const store::EntryPostings* posted = nullptr;
  const std::vector<store::LoanTxn>* txns = nullptr;
};

void DeepCheckLoan(store::LoanStore& store, const LoanRecord& record, Problems& problems) {
  const loans::Loan& stored = *record.stored;
  const int64_t id = stored.terms.loan_id;
  const auto& rates = store.Rates(stored.terms.program);
  loans::Loan fresh;
  fresh.terms = stored.terms;
  fresh.terms.borrower_id = record.approved_borrower;
  LoanReplay r{record.code, id};
  static const store::EntryPostings kNoPostings;
  static const std::vector<store::LoanTxn> kNoTxns;
  const auto& posted = record.posted ? *record.posted : kNoPostings;
  // The same replay as a reversal's (loans::Replay), watched action by action.
  std::vector<const store::LoanTxn*> in_force;
  std::vector<loans::RecordedAction> actions;
  const auto& txns = record.txns ? *record.txns : kNoTxns;
  for (const auto& t : txns) {
    if (t.kind == "reverse" || t.reversed_by != 0) continue;
    in_force.push_back(&t);
    actions.push_back(store::ActionOf(t));
  }
  size_t replayed = 0;
  auto replay = loans::Replay(fresh, actions, stored.processed_to, rates, store.Holidays(),
                              [&](size_t i, const loans::Outcome& outcome) {
                                CompareEntry(r, *in_force[i], outcome.postings, posted, problems);
                                r.last = in_force[i];
                                replayed = i + 1;
                                return true;
                              });
  if (!replay.ok()) {
    const store::LoanTxn& t = *in_force[replayed];  // the action that no longer applies
    problems.Add(TxnVi(r, t) + ": không tính lại được: " + replay.error().message_vi,
                 TxnEn(r, t) + ": does not replay: " + replay.error().message_en);
    return;
  }
  CompareState(r, stored, fresh, problems);
}

// Loans (and savings accounts) are read a page at a time, in a few queries.
constexpr size_t kReplayPage = 1000;

void DeepCheck(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  store::LoanStore store(db);
  const std::vector<int64_t> all = store::DisbursedLoanIds(db);
  for (size_t start = 0; start < all.size(); start += kReplayPage) {
    const std::vector<int64_t> ids(all.begin() + start,
                                   all.begin() + std::min(all.size(), start + kReplayPage));
    std::map<int64_t, loans::Loan> loaded;
    for (auto& loan : store.LoadLoans(ids)) loaded.emplace(loan.terms.loan_id, std::move(loan));
    const auto codes = store.CodesAndApprovedBorrowers(ids);
    const auto postings = store::LoanPostingsByEntry(db, ids);
    const auto txns = store.TxnsOfLoans(ids);
    for (int64_t id : ids) {
      LoanRecord record;
      record.stored = &loaded.at(id);
      std::tie(record.code, record.approved_borrower) = codes.at(id);
      if (auto it = postings.find(id); it != postings.end()) record.posted = &it->second;
      if (auto it = txns.find(id); it != txns.end()) record.txns = &it->second;
      DeepCheckLoan(store, record, problems);
    }
  }
}

// Each savings account against the replay of its movements in force.
void DeepCheckSavings(store::Database& db, VerifyReport& report) {
  store::LoanStore store(db);
  const std::vector<int64_t> all = store.SavingsBorrowers();
  for (size_t start = 0; start < all.size(); start += kReplayPage) {
    const std::vector<int64_t> borrowers(all.begin() + start,
                                         all.begin() + std::min(all.size(), start + kReplayPage));
    std::map<int64_t, savings::Account> by_borrower;
    std::vector<int64_t> account_ids;
    for (auto& a : store.LoadSavingsOf(borrowers)) {
      account_ids.push_back(a.id);
      by_borrower.emplace(a.borrower_id, std::move(a));
    }
    const auto txns = store.SavingsTxnsOf(account_ids);
    for (int64_t borrower : borrowers) {
      const savings::Account& stored = by_borrower.at(borrower);
      std::vector<savings::Movement> movements;
      if (auto it = txns.find(stored.id); it != txns.end())
        for (const auto& t : it->second)
          if (t.kind != "reverse" && t.reversed_by == 0)
            movements.push_back({t.kind, t.date, t.amount});
      savings::Account fresh = stored;
      auto replay = savings::Replay(fresh, movements, stored.accrued_to, store.SavingsRates());
      const std::string name = "savings account " + std::to_string(stored.id);
      if (!replay.ok()) {
        report.problems.push_back(name +
                                  ": its movements do not replay: " + replay.error().message_en);
        continue;
      }
      if (fresh.balance != stored.balance || fresh.accrual != stored.accrual)
        report.problems.push_back(name + ": stored balance " + stored.balance.ToVietnamese() +
                                  " differs from the replay of its movements (" +
                                  fresh.balance.ToVietnamese() + ")");
    }
  }
}

}  // namespace

// The reports' read model against the ledger, cheaply: the nation's latest
// balance of each reported account, program and fund source is the
// ledger_balance rows' sum over the offices.
void CheckReportBalances(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  std::map<std::tuple<std::string, std::string, int64_t>, int64_t> model, ledger;
  auto st = db.Prepare(
      "SELECT k.measure, k.program_code, k.fund_source, (SELECT d.value FROM report_day d WHERE "
      "d.key = k.key ORDER BY d.day DESC LIMIT 1) FROM report_key k WHERE k.level = 'n' AND "
      "k.measure LIKE 'bal:%'");
  while (st->Step())
    model[{st->GetText(0).substr(4), st->GetText(1), st->GetInt(2)}] += st->GetInt(3);
  auto lb = db.Prepare(
      "SELECT account_code, program_code, fund_source, SUM(balance_dong) FROM ledger_balance "
      "GROUP BY account_code, program_code, fund_source");
  while (lb->Step())
    if (reports::IsReportedAccount(lb->GetText(0)))
      ledger[{lb->GetText(0), lb->GetText(1), lb->GetInt(2)}] = lb->GetInt(3);
  std::set<std::tuple<std::string, std::string, int64_t>> keys;
  for (const auto& [k, v] : model) keys.insert(k);
  for (const auto& [k, v] : ledger) keys.insert(k);
  for (const auto& k : keys) {
    const int64_t m = model.count(k) ? model[k] : 0, l = ledger.count(k) ? ledger[k] : 0;
    if (m == l) continue;
    const std::string what = std::get<0>(k) + " " + std::get<1>(k) + "/" + Num(std::get<2>(k));
    problems.Add("Số liệu báo cáo " + what + " là " + Dong(m) + ", sổ cái " + Dong(l),
                 "Report figure " + what + " is " + Dong(m) + ", the ledger " + Dong(l));
  }
  // The groups by class of each month rated, against the month's ratings.
  for (const auto& month : store::RatingCountProblems(db))
    problems.Add("Số tổ theo loại của " + month + " khác kết quả xếp loại tháng đó",
                 "The groups by class of " + month + " differ from that month's ratings");
}

// --deep: the reports' read model against the journal replayed from
// nothing: every series' value on every day either side has it (a day one
// side lacks has the value of its latest earlier day), and every household's
// count of loans owing.
void CheckReportModel(store::Database& db, VerifyReport& report) {
  Problems problems(report);
  const auto expected_model = store::ComputeModel(db);
  const auto stored_model = store::ReadModel(db);
  const auto& expected = expected_model.series;
  const auto& stored = stored_model.series;
  auto value_on = [](const std::map<Date, int64_t>* days, Date day) -> int64_t {
    if (days == nullptr) return 0;
    auto it = days->upper_bound(day);
    return it == days->begin() ? 0 : std::prev(it)->second;
  };
  std::set<store::SeriesKey> keys;
  for (const auto& [k, v] : expected) keys.insert(k);
  for (const auto& [k, v] : stored) keys.insert(k);
  for (const auto& key : keys) {
    const auto e = expected.find(key);
    const auto s = stored.find(key);
    const auto* e_days = e == expected.end() ? nullptr : &e->second;
    const auto* s_days = s == stored.end() ? nullptr : &s->second;
    std::set<Date> days;
    if (e_days)
      for (const auto& [d, v] : *e_days) days.insert(d);
    if (s_days)
      for (const auto& [d, v] : *s_days) days.insert(d);
    for (Date day : days) {
      const int64_t want = value_on(e_days, day), have = value_on(s_days, day);
      if (want == have) continue;
      problems.Add("Số liệu báo cáo " + key.Text() + " ngày " + day.ToVietnamese() + " là " +
                       Num(have) + ", nhật ký cho " + Num(want),
                   "Report figure " + key.Text() + " on " + day.ToIso() + " is " + Num(have) +
                       ", the journal gives " + Num(want));
      break;  // one day per series: the first that differs
    }
  }
  std::set<std::string> households;
  for (const auto& [k, v] : expected_model.households) households.insert(k);
  for (const auto& [k, v] : stored_model.households) households.insert(k);
  for (const auto& key : households) {
    const auto e = expected_model.households.find(key);
    const auto s = stored_model.households.find(key);
    const int64_t want = e == expected_model.households.end() ? 0 : e->second;
    const int64_t have = s == stored_model.households.end() ? 0 : s->second;
    if (want != have)
      problems.Add(
          "Hộ " + key + " có " + Num(have) + " khoản vay còn nợ, sổ cái cho " + Num(want),
          "Household " + key + " owes on " + Num(have) + " loans, the journal gives " + Num(want));
  }
}

VerifyReport Verify(store::Database& db, bool deep, const std::function<void(const char*)>& phase) {
  auto say = [&](const char* name) {
    if (phase) phase(name);
  };
  // One snapshot for every check: what one check counts the next one sees too.
  store::ReadTransaction snapshot(db);
  VerifyReport report;
  say("journal entries");
  const auto counts = store::CountBooks(db);
  report.entries = counts.entries;
  report.loans = counts.loans;
  report.savings_accounts = counts.savings_accounts;
  CheckEntries(db, report);
  say("journal chain");
  CheckChain(db, report);
  say("audit trail");
  {
    const auto audit = store::CheckAuditChain(db);
    report.audit_records = audit.records;
    report.audit_head = audit.head_hash;
    if (audit.broken_seq != 0)
      report.problems.push_back(audit.problem_vi + " / " + audit.problem_en);
  }
  say("aggregates");
  CheckAggregates(db, report);
  say("accounts");
  CheckAccounts(db, report);
  say("loans");
  CheckLoanBalances(db, report);
  say("savings");
  CheckSavingsBalances(db, report);
  say("transactions");
  CheckLoanTxns(db, report);
  CheckSavingsTxns(db, report);
  say("report figures");
  CheckReportBalances(db, report);
  if (deep) {
    say("report figures by day");
    CheckReportModel(db, report);
    say("replay of every loan");
    DeepCheck(db, report);
    say("replay of every savings account");
    DeepCheckSavings(db, report);
  }
  return report;
}

}  // namespace tdcs::batch
