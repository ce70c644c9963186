// File: prefix_key.h
// -----------------------------------------------------------------------------
// PrefixKey: the secret peering service prefix key, an RFC 4122 version-4 UUID like Azure's
// keys: 122 random bits plus the version (4) and variant (10) bits, printed as 8-4-4-4-12
// lowercase hex ("3f2504e0-4f89-41d3-9a0c-0305e82c3301"). The random bits come from the
// caller (registry/key_generator.h reads the kernel CSPRNG): this layer does no I/O.
// Parsing accepts either case and any 32 hex digits in that layout (a key given by a client
// is compared, not generated, so keys issued before version 4 keep matching).
// Equality is ConstantTimeEquals, which takes the same time wherever the keys differ.
// Thread-safe: value type.

#ifndef PFX_VALIDATOR_PREFIX_KEY_H_
#define PFX_VALIDATOR_PREFIX_KEY_H_

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pfx {

class PrefixKey {
 public:
  static constexpr size_t kBytes = 16;

  PrefixKey() = default;  // all zero: never produced by FromRandomBytes()

  // A version-4 UUID from 16 random bytes: the version and variant bits are overwritten.
  static PrefixKey FromRandomBytes(std::array<uint8_t, kBytes> random);
  static absl::StatusOr<PrefixKey> Parse(absl::string_view text);
  static PrefixKey FromBytes(const std::array<uint8_t, kBytes>& bytes) { return PrefixKey(bytes); }

  std::string ToString() const;
  const std::array<uint8_t, kBytes>& bytes() const { return bytes_; }

  // No early exit: the time does not depend on where the keys differ.
  friend bool ConstantTimeEquals(const PrefixKey& a, const PrefixKey& b);

 private:
  explicit PrefixKey(const std::array<uint8_t, kBytes>& bytes) : bytes_(bytes) {}
  std::array<uint8_t, kBytes> bytes_{};
};

}  // namespace pfx

#endif  // PFX_VALIDATOR_PREFIX_KEY_H_
