// File: community.h
// -----------------------------------------------------------------------------
// Standard BGP communities (RFC 1997) as 32-bit values "high:low", and the MAPS community
// 8075:8007 that every peering-service route must carry. Thread-safe: pure functions.

#ifndef PFX_VALIDATOR_COMMUNITY_H_
#define PFX_VALIDATOR_COMMUNITY_H_

#include <cstdint>
#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pfx {

constexpr uint32_t MakeCommunity(uint16_t high, uint16_t low) {
  return (static_cast<uint32_t>(high) << 16) | low;
}
inline constexpr uint32_t kMapsCommunity = MakeCommunity(8075, 8007);

std::string CommunityToString(uint32_t community);
absl::StatusOr<uint32_t> ParseCommunity(absl::string_view text);  // "8075:8007"
bool HasCommunity(std::span<const uint32_t> communities, uint32_t wanted);

}  // namespace pfx

#endif  // PFX_VALIDATOR_COMMUNITY_H_
