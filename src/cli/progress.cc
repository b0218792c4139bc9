#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "money/money.h"

namespace tdcs::cli {

Progress::Progress()
    : start_(std::chrono::steady_clock::now()), last_(start_), terminal_(isatty(2) != 0) {}

double Progress::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::Update(int64_t done, int64_t total, const char* phase) {
  const auto now = std::chrono::steady_clock::now();
  // On a terminal: twice a second; in a log: every 10 seconds.
  const auto every = terminal_ ? std::chrono::milliseconds(500) : std::chrono::milliseconds(10000);
  if (now - last_ < every && (total == 0 || done != total)) return;
  last_ = now;
  shown_ = true;
  const std::string d = Money::Dong(done).ToVietnamese();
  if (total > 0) {
    const int64_t tenths = done * 1000 / total;
    std::fprintf(stderr, "%s%s %s / %s (%lld,%lld%%) %.0f s%s", terminal_ ? "\r" : "", phase,
                 d.c_str(), Money::Dong(total).ToVietnamese().c_str(),
                 static_cast<long long>(tenths / 10), static_cast<long long>(tenths % 10),
                 ElapsedSeconds(), terminal_ ? "   " : "\n");
  } else {
    std::fprintf(stderr, "%s%s %s %.0f s%s", terminal_ ? "\r" : "", phase, d.c_str(),
                 ElapsedSeconds(), terminal_ ? "   " : "\n");
  }
  std::fflush(stderr);
}

void Progress::Finish() {
  if (shown_ && terminal_) std::fprintf(stderr, "\n");
}

}  // namespace tdcs::cli
