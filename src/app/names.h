// Synthetic Vietnamese personal names for generated data: family names with
// their real frequencies (Nguyễn ≈ 38 %, Trần ≈ 11 %, Lê ≈ 9.5 %, …), middle
// and given names by sex, and names of ethnic minority families (Hmông, Thái,
// Dao, Khmer) for the provinces where they live. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string>

#include "app/random.h"
#include "network/network.h"

namespace tdcs::app {

struct GeneratedName {
  std::string full;    // NFC
  std::string folded;  // text::Fold(full), built from pre-folded parts
};

class NameGenerator {
 public:
  NameGenerator();
  // `minority` picks an ethnic-minority naming pattern.
  GeneratedName Next(Random& random, network::Sex sex, bool minority) const;

 private:
  struct Part {
    std::string text, folded;
    uint32_t weight;
  };
  struct Table {
    std::vector<Part> parts;
    uint64_t total = 0;
    const Part& Pick(Random& random) const;
  };
  static Table Build(std::initializer_list<std::pair<const char*, uint32_t>> items);
  Table family_, middle_male_, middle_female_, given_male_, given_female_, minority_family_,
      minority_middle_male_, minority_middle_female_, minority_given_male_, minority_given_female_;
};

}  // namespace tdcs::app
