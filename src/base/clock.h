// Clock: the only way code reads the wall clock, and only to stamp audit
// records. Business logic never asks it: it is given a business Date. Tests
// inject a FixedClock.
#pragma once

#include <cstdint>

namespace tdcs {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMicros() const override;
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(int64_t micros) : micros_(micros) {}
  int64_t NowMicros() const override { return micros_; }
  void Advance(int64_t micros) { micros_ += micros; }

 private:
  int64_t micros_;
};

}  // namespace tdcs
