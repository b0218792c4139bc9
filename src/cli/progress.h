// Progress on the terminal for long commands: a line on stderr rewritten at
// most twice a second ("borrowers 1.200.000 / 6.800.000 (17,6%) 12 s").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace tdcs::cli {

class Progress {
 public:
  Progress();
  void Update(int64_t done, int64_t total, const char* phase);
  void Finish();
  double ElapsedSeconds() const;

 private:
  std::chrono::steady_clock::time_point start_, last_;
  bool shown_ = false;
  bool terminal_ = false;
};

}  // namespace tdcs::cli
