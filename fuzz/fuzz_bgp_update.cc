// libFuzzer target: the BGP UPDATE decoder (feed/bgp_update.h), as BMP and MRT hand it whole
// messages. The first byte picks 2- or 4-byte AS numbers.
// Oracle: no crash, no sanitizer report; a decoded UPDATE's prefixes are well-formed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "feed/bgp_update.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  pfx::UpdateDecodeOptions options;
  options.four_byte_as = (data[0] & 1) != 0;
  absl::StatusOr<pfx::BgpUpdate> update =
      pfx::DecodeUpdateMessage(absl::MakeConstSpan(data + 1, size - 1), options);
  if (!update.ok()) return 0;
  for (const pfx::IpPrefix& p : update->announced) {
    if (p.length() < 0 || p.length() > p.address().bit_width()) std::abort();
  }
  return 0;
}
