#include "store/journal_chain.h"

#include <sodium.h>

#include <algorithm>
#include <tuple>

#include "base/check.h"
#include "store/partition.h"

namespace tdcs::store {
namespace {

// Names the format, so that a later encoding can never produce the same bytes.
constexpr std::string_view kDomain = "TDCS journal entry v1";

// Big-endian, whole bytes at once: the encoding is on the path of every posting.
template <int kBytes>
void PutBigEndian(std::string& out, uint64_t v) {
  char bytes[kBytes];
  for (int i = kBytes - 1; i >= 0; --i, v >>= 8) bytes[i] = static_cast<char>(v & 0xff);
  out.append(bytes, kBytes);
}

}  // namespace

void PutInt(std::string& out, int64_t value) { PutBigEndian<8>(out, static_cast<uint64_t>(value)); }

void PutText(std::string& out, std::string_view text) {
  PutBigEndian<4>(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

namespace {

void PutOptionalInt(std::string& out, const std::optional<int64_t>& value) {
  out += static_cast<char>(value ? 1 : 0);
  if (value) PutInt(out, *value);
}

auto PostingKey(const PostingView& p) {
  return std::tie(p.account, p.program, p.fund_source, p.office_id, p.loan_id, p.borrower_id,
                  p.amount);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<int64_t> OptionalInt(const Statement& st, int column) {
  if (st.IsNull(column)) return std::nullopt;
  return st.GetInt(column);
}

}  // namespace

std::string_view ToHex(const ChainHash& hash, HexBuffer& buffer) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (size_t i = 0; i < hash.size(); ++i) {
    buffer[2 * i] = kDigits[hash[i] >> 4];
    buffer[2 * i + 1] = kDigits[hash[i] & 0xf];
  }
  return std::string_view(buffer.data(), buffer.size());
}

std::string ToHex(const ChainHash& hash) {
  HexBuffer buffer;
  return std::string(ToHex(hash, buffer));
}

std::optional<ChainHash> ChainHashFromHex(std::string_view text) {
  ChainHash out{};
  if (text.size() != 2 * out.size()) return std::nullopt;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = HexDigit(text[2 * i]), lo = HexDigit(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return out;
}

namespace {

void Encode(const EntryView& e, std::vector<PostingView>& postings, const ChainHash& previous,
            std::string& out) {
  std::sort(postings.begin(), postings.end(), [](const PostingView& a, const PostingView& b) {
    return PostingKey(a) < PostingKey(b);
  });
  out.clear();
  PutText(out, kDomain);
  PutInt(out, e.chain_seq);
  PutInt(out, e.id);
  PutText(out, e.entry_date);
  PutText(out, e.kind);
  PutOptionalInt(out, e.loan_id);
  PutOptionalInt(out, e.txn_id);
  PutOptionalInt(out, e.reverses_entry_id);
  PutInt(out, static_cast<int64_t>(postings.size()));
  for (const auto& p : postings) {
    PutText(out, p.account);
    PutText(out, p.program);
    PutInt(out, p.fund_source);
    PutInt(out, p.office_id);
    PutInt(out, p.loan_id);
    PutInt(out, p.borrower_id);
    PutInt(out, p.amount);
  }
  out.append(reinterpret_cast<const char*>(previous.data()), previous.size());
}

}  // namespace

std::string CanonicalEncoding(const EntryView& e, std::vector<PostingView>& postings,
                              const ChainHash& previous) {
  std::string out;
  Encode(e, postings, previous, out);
  return out;
}

ChainHash EntryHash(const EntryView& entry, std::vector<PostingView>& postings,
                    const ChainHash& previous) {
  // libsodium picks its implementation once; calling again is cheap and safe.
  static const bool ready = sodium_init() >= 0;
  TDCS_CHECK_MSG(ready, "libsodium did not initialise");
  // Every entry posted goes through here: the buffer keeps its capacity.
  thread_local std::string bytes;
  Encode(entry, postings, previous, bytes);
  ChainHash out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                     bytes.size(), nullptr, 0);
  return out;
}

ChainHash StoredEntry::ComputeHash(const ChainHash& previous) const {
  const EntryView view{chain_seq.value_or(0), id, entry_date, kind, loan_id, txn_id,
                       reverses_entry_id};
  std::vector<PostingView> views;
  views.reserve(postings.size());
  for (const auto& p : postings)
    views.push_back(
        {p.account, p.program, p.fund_source, p.office_id, p.loan_id, p.borrower_id, p.amount});
  return EntryHash(view, views, previous);
}

constexpr const char* kReadHead =
    "SELECT last_seq, last_hash, last_entry_id FROM journal_chain WHERE id = 1";
constexpr const char* kLockHeadPostgres =
    "SELECT last_seq, last_hash, last_entry_id FROM journal_chain WHERE id = 1 FOR UPDATE";
constexpr const char* kWriteHead =
    "UPDATE journal_chain SET last_seq = ?, last_hash = ?, last_entry_id = ? WHERE id = 1";

ChainHead LockChainHead(Database& db) {
  auto& st = db.Cached(db.engine() == Engine::kPostgres ? kLockHeadPostgres : kReadHead);
  if (!st.Step()) throw StorageFault("the journal chain head (journal_chain) is missing");
  ChainHead head;
  head.seq = st.GetInt(0);
  const auto hash = ChainHashFromHex(st.GetText(1));
  head.entry_id = st.GetInt(2);
  st.Reset();
  if (!hash) throw StorageFault("the journal chain head holds a malformed hash");
  head.hash = *hash;
  return head;
}

void WriteChainHead(Database& db, const ChainHead& head) {
  auto& st = db.Cached(kWriteHead);
  HexBuffer hex;
  st.BindInt(1, head.seq);
  st.BindText(2, ToHex(head.hash, hex));
  st.BindInt(3, head.entry_id);
  st.Run();
}

namespace {

// A page is a range of the key, found first: a range scan of the index comes
// out in order, where LIMIT on a joined query made SQLite sort every row.
constexpr const char* kChainPageEnd =
    "SELECT MAX(chain_seq) FROM (SELECT chain_seq FROM journal_entry WHERE chain_seq > ? "
    "ORDER BY chain_seq LIMIT ?) page";
constexpr const char* kIdPageEnd =
    "SELECT MAX(id) FROM (SELECT id FROM journal_entry WHERE id > ? ORDER BY id LIMIT ?) page";
// Entry columns 0–8, posting columns 9–15 (NULL when the entry has none).
#define TDCS_ENTRY_WITH_POSTINGS                                                               \
  "SELECT e.chain_seq, e.id, e.entry_date, e.kind, e.loan_id, e.txn_id, e.reverses_entry_id, " \
  "e.prev_hash, e.entry_hash, p.account_code, p.program_code, p.fund_source, p.office_id, "    \
  "p.loan_id, p.borrower_id, p.amount_dong FROM journal_entry e "                              \
  "LEFT JOIN posting p ON p.entry_id = e.id "
constexpr const char* kChainedBetween =
    TDCS_ENTRY_WITH_POSTINGS "WHERE e.chain_seq > ? AND e.chain_seq <= ? ORDER BY e.chain_seq";
constexpr const char* kEntriesBetween =
    TDCS_ENTRY_WITH_POSTINGS "WHERE e.id > ? AND e.id <= ? ORDER BY e.id";
#undef TDCS_ENTRY_WITH_POSTINGS

// Groups the joined rows into entries (rows of one entry come together).
std::vector<StoredEntry> ReadEntries(Statement& st) {
  std::vector<StoredEntry> out;
  while (st.Step()) {
    const int64_t id = st.GetInt(1);
    if (out.empty() || out.back().id != id) {
      StoredEntry e;
      e.chain_seq = OptionalInt(st, 0);
      e.id = id;
      e.entry_date = st.GetText(2);
      e.kind = st.GetText(3);
      e.loan_id = OptionalInt(st, 4);
      e.txn_id = OptionalInt(st, 5);
      e.reverses_entry_id = OptionalInt(st, 6);
      e.prev_hash = st.GetOptionalText(7);
      e.entry_hash = st.GetOptionalText(8);
      out.push_back(std::move(e));
    }
    if (st.IsNull(9)) continue;
    out.back().postings.push_back({st.GetText(9), st.GetText(10), st.GetInt(11), st.GetInt(12),
                                   st.GetInt(13), st.GetInt(14), st.GetInt(15)});
  }
  st.Reset();
  return out;
}

constexpr const char* kSealEntry =
    "UPDATE journal_entry SET chain_seq = ?, prev_hash = ?, entry_hash = ? WHERE id = ?";
constexpr int kSealPage = 2000;

}  // namespace

namespace {

std::vector<StoredEntry> EntriesPage(Database& db, const char* page_end, const char* between,
                                     int64_t after, int limit) {
  const auto end = PageEnd(db, page_end, after, limit);
  if (!end) return {};
  auto& st = db.Cached(between);
  st.BindInt(1, after);
  st.BindInt(2, *end);
  return ReadEntries(st);
}

}  // namespace

std::vector<StoredEntry> ChainedEntriesAfter(Database& db, int64_t after_seq, int limit) {
  return EntriesPage(db, kChainPageEnd, kChainedBetween, after_seq, limit);
}

int64_t SealUnchainedEntries(Database& db) {
  Transaction tx(db);
  ChainHead head = LockChainHead(db);
  int64_t sealed = 0;
  // Entries without a position are those written before the chain, in the id
  // range of the head's entry (range 0: ids from before the partitions by
  // branch, store/partition.h); later ranges were chained as written.
  const int64_t range_end = IdRangeBase(head.entry_id) + kBranchIdSpan;
  for (int64_t after = head.entry_id; after < range_end;) {
    auto page = EntriesPage(db, kIdPageEnd, kEntriesBetween, after, kSealPage);
    if (page.empty()) break;
    for (auto& entry : page) {
      after = entry.id;
      if (after >= range_end) break;
      if (entry.chain_seq) continue;  // already in the chain
      entry.chain_seq = head.seq + 1;
      const ChainHash hash = entry.ComputeHash(head.hash);
      auto& seal = db.Cached(kSealEntry);
      seal.BindInt(1, *entry.chain_seq);
      seal.BindText(2, ToHex(head.hash));
      seal.BindText(3, ToHex(hash));
      seal.BindInt(4, entry.id);
      seal.Run();
      head = {*entry.chain_seq, hash, entry.id};
      ++sealed;
    }
  }
  if (sealed > 0) WriteChainHead(db, head);
  tx.Commit();
  return sealed;
}

}  // namespace tdcs::store
