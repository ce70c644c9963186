// File: asn.h
// -----------------------------------------------------------------------------
// Classification of 32-bit AS numbers for the as-path rule and for input validation.
// Ranges (IANA "Special-Purpose AS Numbers" registry):
//   reserved:      0 (RFC 7607), 23456 AS_TRANS (RFC 6793), 65535 and 4294967295 (RFC 7300),
//                  65552-131071 (IANA reserved)
//   documentation: 64496-64511 and 65536-65551 (RFC 5398)
//   private:       64512-65534 and 4200000000-4294967294 (RFC 6996)
// Everything else is public. Thread-safe: pure functions.

#ifndef PFX_VALIDATOR_ASN_H_
#define PFX_VALIDATOR_ASN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace pfx {

enum class AsnClass { kPublic, kPrivate, kReserved, kDocumentation };

struct AsnVerdict {
  AsnClass asn_class = AsnClass::kPublic;
  std::string range;  // e.g. "64512-65534 (private, RFC 6996)"; empty when public
};

AsnVerdict ClassifyAsn(uint32_t asn);
inline bool IsPublicAsn(uint32_t asn) { return ClassifyAsn(asn).asn_class == AsnClass::kPublic; }

// Checks an ASN given as a signed 64-bit API field: it must be 1..4294967294 and public.
// The error names `field` and the rule.
absl::StatusOr<uint32_t> ValidatePublicAsnField(absl::string_view field, int64_t value);

}  // namespace pfx

#endif  // PFX_VALIDATOR_ASN_H_
