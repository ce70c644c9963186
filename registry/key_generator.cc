#include "registry/key_generator.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace pfx {

absl::StatusOr<PrefixKey> GeneratePrefixKey() {
  std::array<uint8_t, PrefixKey::kBytes> bytes;
  size_t filled = 0;
  while (filled < bytes.size()) {
    ssize_t n = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat("getrandom failed: ", std::strerror(errno)));
    }
    filled += static_cast<size_t>(n);
  }
  return PrefixKey::FromRandomBytes(bytes);
}

}  // namespace pfx
