#include "app/names.h"

#include "text/text.h"

namespace tdcs::app {

const NameGenerator::Part& NameGenerator::Table::Pick(Random& random) const {
  uint64_t r = random.Below(total);
  for (const auto& p : parts) {
    if (r < p.weight) return p;
    r -= p.weight;
  }
  return parts.back();
}

NameGenerator::Table NameGenerator::Build(
    std::initializer_list<std::pair<const char*, uint32_t>> items) {
  Table t;
  for (const auto& [name, weight] : items) {
    t.parts.push_back({name, text::Fold(name), weight});
    t.total += weight;
  }
  return t;
}

NameGenerator::NameGenerator() {
  // Family names, weights in tenths of a percent of the population.
  family_ = Build({{"Nguyễn", 380}, {"Trần", 110}, {"Lê", 95},    {"Phạm", 71}, {"Hoàng", 31},
                   {"Huỳnh", 20},   {"Phan", 45},  {"Vũ", 20},    {"Võ", 19},   {"Đặng", 21},
                   {"Bùi", 20},     {"Đỗ", 14},    {"Hồ", 13},    {"Ngô", 13},  {"Dương", 10},
                   {"Lý", 5},       {"Đinh", 6},   {"Trương", 5}, {"Mai", 4},   {"Đào", 4},
                   {"Lương", 3},    {"Cao", 3},    {"Tạ", 2},     {"Lưu", 2},   {"Châu", 2},
                   {"Thái", 2},     {"Quách", 1},  {"Tô", 2},     {"Trịnh", 3}, {"Hà", 3},
                   {"Kiều", 1},     {"Văn", 1},    {"Lâm", 2}});
  middle_male_ = Build({{"Văn", 50},
                        {"Đức", 10},
                        {"Minh", 8},
                        {"Hữu", 8},
                        {"Quang", 6},
                        {"Công", 5},
                        {"Thanh", 5},
                        {"Xuân", 4},
                        {"Ngọc", 3},
                        {"Đình", 6},
                        {"Trọng", 3},
                        {"Tiến", 2},
                        {"Hoàng", 2},
                        {"Thế", 3}});
  middle_female_ = Build({{"Thị", 70},
                          {"Ngọc", 6},
                          {"Thu", 5},
                          {"Thanh", 4},
                          {"Kim", 3},
                          {"Hồng", 3},
                          {"Thúy", 2},
                          {"Minh", 2},
                          {"Phương", 2},
                          {"Mỹ", 2},
                          {"Bích", 1}});
  given_male_ =
      Build({{"Hùng", 5},  {"Dũng", 5},  {"Tuấn", 5},  {"Minh", 5},  {"Nam", 4},  {"Hải", 4},
             {"Sơn", 4},   {"Thắng", 4}, {"Long", 4},  {"Cường", 4}, {"Hòa", 3},  {"Bình", 4},
             {"Thành", 4}, {"Trung", 3}, {"Tùng", 3},  {"Phúc", 3},  {"Quý", 2},  {"Tâm", 3},
             {"Lộc", 2},   {"Tài", 3},   {"Khánh", 2}, {"Vinh", 3},  {"Đông", 2}, {"Hiếu", 3},
             {"Đạt", 3},   {"Phong", 2}, {"Quân", 2},  {"Toàn", 2},  {"Việt", 2}, {"An", 3},
             {"Thịnh", 2}, {"Tú", 2},    {"Lâm", 2},   {"Hưng", 3},  {"Sang", 2}, {"Tấn", 1},
             {"Ánh", 1}});
  given_female_ =
      Build({{"Lan", 5},   {"Hương", 5}, {"Hoa", 5},  {"Mai", 5},  {"Hằng", 4},   {"Linh", 4},
             {"Thảo", 4},  {"Trang", 4}, {"Hà", 4},   {"Nga", 4},  {"Phương", 3}, {"Yến", 3},
             {"Nhung", 3}, {"Hạnh", 3},  {"Thủy", 3}, {"Loan", 3}, {"Tuyết", 2},  {"Dung", 3},
             {"Huyền", 3}, {"Liên", 2},  {"Oanh", 2}, {"Vân", 3},  {"Ánh", 2},    {"Ngân", 2},
             {"Thơm", 2},  {"Hiền", 3},  {"Xuân", 2}, {"Đào", 2},  {"Lệ", 1},     {"Bích", 1},
             {"Uyên", 1},  {"Diệp", 1},  {"Nhàn", 2}, {"Sen", 1},  {"Cúc", 2}});
  minority_family_ =
      Build({{"Lò", 8},  {"Lường", 4}, {"Quàng", 3}, {"Cầm", 3},  {"Hoàng", 6}, {"Nông", 5},
             {"Lục", 2}, {"Sùng", 5},  {"Giàng", 5}, {"Thào", 5}, {"Vàng", 4},  {"Mùa", 3},
             {"Hờ", 2},  {"Triệu", 4}, {"Bàn", 3},   {"Lý", 3},   {"Thạch", 3}, {"Danh", 2},
             {"Kim", 2}, {"Sơn", 2},   {"Lầu", 2},   {"Ma", 2},   {"Tòng", 2}});
  minority_middle_male_ = Build({{"Văn", 10}, {"A", 6}, {"Seo", 3}, {"Mí", 2}, {"Chá", 1}});
  minority_middle_female_ = Build({{"Thị", 10}, {"Thị Mỷ", 2}, {"Thị Sua", 1}, {"Sơ", 1}});
  minority_given_male_ = Build({{"Páo", 3},
                                {"Dình", 2},
                                {"Chứ", 2},
                                {"Sử", 2},
                                {"Lử", 1},
                                {"Pó", 1},
                                {"Tủa", 2},
                                {"Chính", 2},
                                {"Khoa", 1},
                                {"Sơn", 2},
                                {"Phin", 1},
                                {"Thuận", 2},
                                {"Sal", 1},
                                {"Sóc", 1}});
  minority_given_female_ = Build({{"Mỷ", 3},
                                  {"Sua", 2},
                                  {"Dế", 1},
                                  {"Chi", 2},
                                  {"Mai", 2},
                                  {"Pằng", 1},
                                  {"Xuân", 2},
                                  {"Thương", 2},
                                  {"Sô Phi", 1},
                                  {"Dơ", 1},
                                  {"Lan", 2},
                                  {"Ca", 1}});
}

GeneratedName NameGenerator::Next(Random& random, network::Sex sex, bool minority) const {
  const bool male = sex == network::Sex::kMale;
  const Part& family = (minority ? minority_family_ : family_).Pick(random);
  const Part& middle = minority
                           ? (male ? minority_middle_male_ : minority_middle_female_).Pick(random)
                           : (male ? middle_male_ : middle_female_).Pick(random);
  const Part& given = minority ? (male ? minority_given_male_ : minority_given_female_).Pick(random)
                               : (male ? given_male_ : given_female_).Pick(random);
  GeneratedName out;
  out.full = family.text + " " + middle.text + " " + given.text;
  out.folded = family.folded + " " + middle.folded + " " + given.folded;
  return out;
}

}  // namespace tdcs::app
