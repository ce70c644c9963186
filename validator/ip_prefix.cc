#include "validator/ip_prefix.h"

#include <arpa/inet.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pfx {

IpAddress IpAddress::V4(uint32_t host_order) {
  uint8_t b[4] = {static_cast<uint8_t>(host_order >> 24), static_cast<uint8_t>(host_order >> 16),
                  static_cast<uint8_t>(host_order >> 8), static_cast<uint8_t>(host_order)};
  return FromBytes(Family::kIpv4, b);
}

IpAddress IpAddress::FromBytes(Family family, const uint8_t* bytes) {
  IpAddress a;
  a.family_ = family;
  std::memcpy(a.bytes_.data(), bytes, family == Family::kIpv4 ? 4 : 16);
  return a;
}

bool IsLoopbackHost(absl::string_view host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host == "localhost") return true;
  absl::StatusOr<IpAddress> a = IpAddress::Parse(host);
  if (!a.ok()) return false;
  const std::array<uint8_t, 16>& b = a->bytes();
  if (a->is_v4()) return b[0] == 127;
  for (int i = 0; i < 15; ++i) {
    if (b[i] != 0) return false;
  }
  return b[15] == 1;
}

absl::StatusOr<IpAddress> IpAddress::Parse(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("address is empty");
  if (text.size() > INET6_ADDRSTRLEN) {
    return absl::InvalidArgumentError(
        absl::StrCat("address is too long (", text.size(), " bytes)"));
  }
  std::string s(text);
  uint8_t buf[16];
  if (s.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, s.c_str(), buf) == 1) return FromBytes(Family::kIpv4, buf);
  } else if (inet_pton(AF_INET6, s.c_str(), buf) == 1) {
    return FromBytes(Family::kIpv6, buf);
  }
  return absl::InvalidArgumentError(absl::StrCat("'", s, "' is not an IPv4 or IPv6 address"));
}

std::string IpAddress::ToString() const {
  if (is_v4()) {
    // glibc's inet_ntop formats IPv4 through sprintf: a hot spot when validating in bulk.
    return absl::StrCat(int{bytes_[0]}, ".", int{bytes_[1]}, ".", int{bytes_[2]}, ".",
                        int{bytes_[3]});
  }
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(is_v4() ? AF_INET : AF_INET6, bytes_.data(), buf, sizeof(buf));
  return buf;
}

IpPrefix::IpPrefix(const IpAddress& address, int length) : length_(static_cast<uint8_t>(length)) {
  std::array<uint8_t, 16> b = address.bytes();
  for (int i = 0; i < 16; ++i) {
    int bits_kept = length - i * 8;
    if (bits_kept >= 8) continue;
    b[i] = bits_kept <= 0 ? 0 : static_cast<uint8_t>(b[i] & (0xFF << (8 - bits_kept)));
  }
  address_ = IpAddress::FromBytes(address.family(), b.data());
}

absl::StatusOr<IpPrefix> IpPrefix::Parse(absl::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("prefix is empty");
  if (text.size() > INET6_ADDRSTRLEN + 4) {
    return absl::InvalidArgumentError(
        absl::StrCat("prefix is too long (", text.size(), " bytes); expected address/length"));
  }
  size_t slash = text.find('/');
  if (slash == absl::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' has no prefix length; expected address/length"));
  }
  auto address = IpAddress::Parse(text.substr(0, slash));
  if (!address.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "': ", address.status().message()));
  }
  absl::string_view len_text = text.substr(slash + 1);
  int length = -1;
  bool digits_only = !len_text.empty() && len_text.size() <= 3 &&
                     len_text.find_first_not_of("0123456789") == absl::string_view::npos;
  if (!digits_only || !absl::SimpleAtoi(len_text, &length) || length > address->bit_width()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "': prefix length must be 0..", address->bit_width()));
  }
  IpPrefix prefix(*address, length);
  if (prefix.address() != *address) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' has host bits set (did you mean ", prefix.ToString(), "?)"));
  }
  return prefix;
}

std::string IpPrefix::ToString() const { return absl::StrCat(address_.ToString(), "/", length_); }

bool IpPrefix::Covers(const IpPrefix& other) const {
  if (family() != other.family() || other.length_ < length_) return false;
  return IpPrefix(other.address_, length_).address_ == address_;
}

}  // namespace pfx
