// A small deterministic random generator (xoshiro256**, seeded by
// splitmix64) so that `tdcs generate --seed N` makes the same data on every
// machine and library version (the standard distributions are not portable).
#pragma once

#include <cstdint>

namespace tdcs::app {

class Random {
 public:
  explicit Random(uint64_t seed) {
    for (auto& s : state_) s = SplitMix(seed);
  }
  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  // True with probability per_million / 1,000,000.
  bool Chance(uint32_t per_million) { return Below(1'000'000) < per_million; }
  // Sum of 4 uniforms: a bell shape on [lo, hi] without floating point.
  int64_t Bell(int64_t lo, int64_t hi) {
    int64_t sum = 0;
    for (int i = 0; i < 4; ++i) sum += Between(lo, hi);
    return (sum + 2) / 4;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t SplitMix(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t state_[4];
};

}  // namespace tdcs::app
