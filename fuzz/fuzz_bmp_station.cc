// libFuzzer target: the BMP station's framing and per-router handling (feed/bmp/): the bytes
// are what one router sends on its connection, delivered in chunks whose sizes come from the
// input (as reads return them), framed by BmpMessageLength, parsed, and applied by a
// BmpRouter to a RouteIndex; the connection ends as the listener would end it (a framing or
// apply error, a Termination, or the end of the input).
// Oracle: no crash or sanitizer report; a frame is never longer than the bytes held.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "feed/bmp/bmp_message.h"
#include "feed/bmp/bmp_router.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t chunk = 1 + data[0] % 64;  // bytes per read
  pfx::RouteIndex index;
  pfx::BmpRouter router("r1", &index);
  std::string buffer;
  for (size_t at = 1; at < size; at += chunk) {
    buffer.append(reinterpret_cast<const char*>(data) + at, std::min(chunk, size - at));
    size_t offset = 0;
    while (true) {
      auto view = absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(buffer.data()) + offset,
                                      buffer.size() - offset);
      absl::StatusOr<size_t> length = pfx::BmpMessageLength(view);
      if (!length.ok()) {
        router.Disconnected();
        return 0;
      }
      if (*length == 0) break;
      if (*length > view.size()) std::abort();
      absl::StatusOr<pfx::BmpMessage> message = pfx::ParseBmpMessage(view.subspan(0, *length));
      if (!message.ok() || !router.Apply(*message).ok() ||
          message->type == pfx::BmpType::kTermination) {
        router.Disconnected();
        return 0;
      }
      offset += *length;
    }
    router.Flush();
    buffer.erase(0, offset);
  }
  router.Disconnected();
  return 0;
}
