#include "validator/prefix_key.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace pfx {

PrefixKey PrefixKey::FromRandomBytes(std::array<uint8_t, kBytes> bytes) {
  bytes[6] = static_cast<uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4: random
  bytes[8] = static_cast<uint8_t>((bytes[8] & 0x3F) | 0x80);  // variant 10: RFC 4122
  return PrefixKey(bytes);
}

absl::StatusOr<PrefixKey> PrefixKey::Parse(absl::string_view text) {
  static constexpr int kGroups[] = {8, 4, 4, 4, 12};
  auto fail = [&] {
    return absl::InvalidArgumentError(
        "peering_service_prefix_key: expected 32 hex digits as "
        "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
  };
  if (text.size() != 36) return fail();
  std::array<uint8_t, kBytes> bytes{};
  size_t pos = 0;
  int nibble = 0;
  for (int g = 0; g < 5; ++g) {
    if (g > 0) {
      if (text[pos] != '-') return fail();
      ++pos;
    }
    for (int i = 0; i < kGroups[g]; ++i, ++pos, ++nibble) {
      char c = text[pos];
      int v = c >= '0' && c <= '9'   ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                     : -1;
      if (v < 0) return fail();
      bytes[nibble / 2] |= static_cast<uint8_t>(nibble % 2 == 0 ? v << 4 : v);
    }
  }
  return PrefixKey(bytes);
}

std::string PrefixKey::ToString() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < kBytes; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes_[i] >> 4]);
    out.push_back(kHex[bytes_[i] & 0xF]);
  }
  return out;
}

bool ConstantTimeEquals(const PrefixKey& a, const PrefixKey& b) {
  volatile uint8_t diff = 0;
  for (size_t i = 0; i < PrefixKey::kBytes; ++i) diff = diff | (a.bytes_[i] ^ b.bytes_[i]);
  return diff == 0;
}

}  // namespace pfx
