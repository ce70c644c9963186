// libFuzzer target: the MRT reader and loader (feed/mrt_reader.h, feed/mrt_loader.h) on an
// in-memory buffer, into a RouteIndex as pfxd loads a file.
// Oracle: no crash or sanitizer report, and no more records counted than 12-byte headers fit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "feed/mrt_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pfx::RouteIndex index;
  pfx::MrtLoadResult result = pfx::LoadMrtBuffer(absl::MakeConstSpan(data, size), "r1", index);
  if (result.stats.records > size / 12 + 1) std::abort();  // a record has a 12-byte header
  return 0;
}
