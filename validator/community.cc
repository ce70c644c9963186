#include "validator/community.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace pfx {

std::string CommunityToString(uint32_t community) {
  return absl::StrCat(community >> 16, ":", community & 0xFFFF);
}

absl::StatusOr<uint32_t> ParseCommunity(absl::string_view text) {
  size_t colon = text.find(':');
  uint32_t high = 0, low = 0;
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(text.substr(0, colon), &high) ||
      !absl::SimpleAtoi(text.substr(colon + 1), &low) || high > 0xFFFF || low > 0xFFFF) {
    return absl::InvalidArgumentError(
        absl::StrCat("community '", text, "' is not of the form 0..65535:0..65535"));
  }
  return MakeCommunity(static_cast<uint16_t>(high), static_cast<uint16_t>(low));
}

bool HasCommunity(std::span<const uint32_t> communities, uint32_t wanted) {
  return std::find(communities.begin(), communities.end(), wanted) != communities.end();
}

}  // namespace pfx
