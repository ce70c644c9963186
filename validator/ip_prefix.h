// File: ip_prefix.h
// -----------------------------------------------------------------------------
// IpAddress and IpPrefix: value types for IPv4 and IPv6 addresses and CIDR prefixes.
// An IPv4 value keeps its 4 bytes at the front of the 16-byte array; the rest is zero.
// Parsing is strict: a prefix with host bits set, an out-of-range length or any stray
// character is an InvalidArgument error whose message quotes the input and names the rule.
// Values are immutable, cheap to copy, hashable (absl) and ordered (family, bytes, length),
// so a sorted container lists a covering prefix before the prefixes it covers.
// Thread-safe: plain values.

#ifndef PFX_VALIDATOR_IP_PREFIX_H_
#define PFX_VALIDATOR_IP_PREFIX_H_

#include <array>
#include <compare>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pfx {

enum class Family : uint8_t { kIpv4 = 4, kIpv6 = 6 };

class IpAddress {
 public:
  IpAddress() = default;
  static IpAddress V4(uint32_t host_order);
  static IpAddress FromBytes(Family family, const uint8_t* bytes);  // 4 or 16 bytes
  static absl::StatusOr<IpAddress> Parse(absl::string_view text);

  Family family() const { return family_; }
  bool is_v4() const { return family_ == Family::kIpv4; }
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  int bit_width() const { return is_v4() ? 32 : 128; }
  std::string ToString() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const IpAddress& a) {
    return H::combine(std::move(h), a.family_, a.bytes_);
  }

 private:
  Family family_ = Family::kIpv4;
  std::array<uint8_t, 16> bytes_{};
};

// Whether every connection to `host` stays on this machine: "localhost", an address in
// 127.0.0.0/8, or ::1 (brackets allowed: "[::1]"). Any other name or address is not.
bool IsLoopbackHost(absl::string_view host);

class IpPrefix {
 public:
  IpPrefix() = default;
  // Masks host bits off `address`; `length` must be within the family's width.
  IpPrefix(const IpAddress& address, int length);

  // Parses "a.b.c.d/n" or "x:y::/n". Host bits set, a missing or out-of-range length,
  // or an unparseable address are errors.
  static absl::StatusOr<IpPrefix> Parse(absl::string_view text);

  Family family() const { return address_.family(); }
  bool is_v4() const { return address_.is_v4(); }
  const IpAddress& address() const { return address_; }
  int length() const { return length_; }
  std::string ToString() const;

  // True when `other` is this prefix or a more specific prefix inside it (same family).
  bool Covers(const IpPrefix& other) const;

  friend auto operator<=>(const IpPrefix& a, const IpPrefix& b) {
    if (auto c = a.address_ <=> b.address_; c != 0) return c;
    return a.length_ <=> b.length_;
  }
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const IpPrefix& p) {
    return H::combine(std::move(h), p.address_, p.length_);
  }

 private:
  IpAddress address_;
  uint8_t length_ = 0;
};

}  // namespace pfx

#endif  // PFX_VALIDATOR_IP_PREFIX_H_
