// libFuzzer target: the text parsers every request field goes through (validator/): IP
// addresses and prefixes, ASNs in AS paths, communities, prefix keys.
// Oracle beyond "no crash": whatever parses prints back to text that parses to the same value
// (the canonical form is stable), so a stored value always reads back as itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "validator/as_path.h"
#include "validator/community.h"
#include "validator/ip_prefix.h"
#include "validator/prefix_key.h"

namespace {

template <typename T, typename Parse>
void RoundTrips(absl::string_view text, Parse parse) {
  absl::StatusOr<T> first = parse(text);
  if (!first.ok()) return;
  const std::string printed = first->ToString();
  absl::StatusOr<T> second = parse(printed);
  if (!second.ok() || second->ToString() != printed) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  RoundTrips<pfx::IpAddress>(text, &pfx::IpAddress::Parse);
  RoundTrips<pfx::IpPrefix>(text, &pfx::IpPrefix::Parse);
  RoundTrips<pfx::AsPath>(text, &pfx::AsPath::Parse);
  RoundTrips<pfx::PrefixKey>(text, &pfx::PrefixKey::Parse);
  absl::StatusOr<uint32_t> community = pfx::ParseCommunity(text);
  if (community.ok()) {
    absl::StatusOr<uint32_t> again = pfx::ParseCommunity(pfx::CommunityToString(*community));
    if (!again.ok() || *again != *community) std::abort();
  }
  return 0;
}
