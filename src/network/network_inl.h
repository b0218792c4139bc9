#pragma once
// Template definitions for network.h.

namespace tdcs::network {

template <typename ProvinceKnown>
Status CheckCitizenId(std::string_view id, Date birth_date, Sex sex, ProvinceKnown&& known) {
  auto facts = ParseCitizenId(id, "citizen_id");
  if (!facts.ok()) return facts.error();
  if (!known(facts.value().province_code))
    return MakeError(
        RecordRejection::kCitizenIdProvinceUnknown, "citizen_id",
        "Mã tỉnh " + facts.value().province_code + " trong số CCCD không tồn tại",
        "Province code " + facts.value().province_code + " in the citizen ID does not exist");
  if (facts.value().sex != sex || facts.value().birth_year / 100 != birth_date.year() / 100)
    return MakeError(RecordRejection::kCitizenIdCenturySexMismatch, "citizen_id",
                     "Chữ số thứ 4 của số CCCD không khớp với giới tính và thế kỷ sinh (phải là " +
                         std::to_string(CenturySexDigit(birth_date.year(), sex)) + ")",
                     "The 4th digit of the citizen ID does not match sex and century of birth "
                     "(expected " +
                         std::to_string(CenturySexDigit(birth_date.year(), sex)) + ")");
  if (facts.value().birth_year != birth_date.year())
    return MakeError(RecordRejection::kCitizenIdBirthYearMismatch, "citizen_id",
                     "Năm sinh trong số CCCD (" + std::to_string(facts.value().birth_year) +
                         ") khác ngày sinh đã ghi (" + birth_date.ToVietnamese() + ")",
                     "Birth year in the citizen ID (" + std::to_string(facts.value().birth_year) +
                         ") differs from the recorded birth date (" + birth_date.ToIso() + ")");
  return Status::Ok();
}

}  // namespace tdcs::network
