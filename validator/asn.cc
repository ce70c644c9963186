#include "validator/asn.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace pfx {

AsnVerdict ClassifyAsn(uint32_t asn) {
  struct Range {
    uint32_t first, last;
    AsnClass asn_class;
    const char* label;
  };
  static constexpr Range kRanges[] = {
      {0, 0, AsnClass::kReserved, "0 (reserved, RFC 7607)"},
      {23456, 23456, AsnClass::kReserved, "23456 (AS_TRANS, RFC 6793)"},
      {64496, 64511, AsnClass::kDocumentation, "64496-64511 (documentation, RFC 5398)"},
      {64512, 65534, AsnClass::kPrivate, "64512-65534 (private, RFC 6996)"},
      {65535, 65535, AsnClass::kReserved, "65535 (reserved, RFC 7300)"},
      {65536, 65551, AsnClass::kDocumentation, "65536-65551 (documentation, RFC 5398)"},
      {65552, 131071, AsnClass::kReserved, "65552-131071 (reserved, IANA)"},
      {4200000000u, 4294967294u, AsnClass::kPrivate, "4200000000-4294967294 (private, RFC 6996)"},
      {4294967295u, 4294967295u, AsnClass::kReserved, "4294967295 (reserved, RFC 7300)"},
  };
  for (const Range& r : kRanges) {
    if (asn >= r.first && asn <= r.last) return {r.asn_class, r.label};
  }
  return {};
}

absl::StatusOr<uint32_t> ValidatePublicAsnField(absl::string_view field, int64_t value) {
  if (value < 1 || value > 4294967294LL) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ASN ", value, " is out of range (must be 1..4294967294)"));
  }
  AsnVerdict v = ClassifyAsn(static_cast<uint32_t>(value));
  if (v.asn_class != AsnClass::kPublic) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ASN ", value, " is not a public ASN (", v.range, ")"));
  }
  return static_cast<uint32_t>(value);
}

}  // namespace pfx
