// File: as_path.h
// -----------------------------------------------------------------------------
// AsPath: the AS_PATH attribute as segments (RFC 4271, RFC 5065), its text form and the
// as-path rule of SPEC §3.5:
//   - length <= 3, where each ASN of an AS_SEQUENCE counts one, an AS_SET counts one and
//     confederation segments count zero (RFC 5065 §5.3);
//   - no private, reserved or documentation ASN anywhere in the path (see asn.h);
//   - no prepending: no ASN may appear more than once.
// Text form: "13335 174 {64500,64501}" (a set in braces, members separated by comma or space;
// confederation segments as "(65001 65002)" and "[65001 65002]").
// Thread-safe: value types and pure functions.

#ifndef PFX_VALIDATOR_AS_PATH_H_
#define PFX_VALIDATOR_AS_PATH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pfx {

enum class SegmentType : uint8_t {
  kSet = 1,
  kSequence = 2,
  kConfedSequence = 3,
  kConfedSet = 4,
};

struct AsPathSegment {
  SegmentType type = SegmentType::kSequence;
  std::vector<uint32_t> asns;
  friend bool operator==(const AsPathSegment&, const AsPathSegment&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const AsPathSegment& s) {
    return H::combine(std::move(h), s.type, s.asns);
  }
};

class AsPath {
 public:
  AsPath() = default;
  explicit AsPath(std::vector<AsPathSegment> segments) : segments_(std::move(segments)) {}
  static absl::StatusOr<AsPath> Parse(absl::string_view text);

  const std::vector<AsPathSegment>& segments() const { return segments_; }
  bool empty() const { return segments_.empty(); }
  // Path length for best-path purposes: see the file comment.
  int Length() const;
  // RFC 6811 origin: the last ASN when the path ends in an AS_SEQUENCE; nullopt otherwise
  // (empty path, or a final AS_SET).
  std::optional<uint32_t> Origin() const;
  std::string ToString() const;

  friend bool operator==(const AsPath&, const AsPath&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const AsPath& p) {
    return H::combine(std::move(h), p.segments_);
  }

 private:
  std::vector<AsPathSegment> segments_;
};

inline constexpr int kMaxAsPathLength = 3;

struct AsPathVerdict {
  bool ok = true;
  std::string problem;       // empty when ok; e.g. "length 4 exceeds 3"
  bool private_asn = false;  // the failure is a private/reserved ASN (its own Azure heading)
};

AsPathVerdict CheckAsPath(const AsPath& path);

}  // namespace pfx

#endif  // PFX_VALIDATOR_AS_PATH_H_
