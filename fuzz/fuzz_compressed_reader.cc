// libFuzzer target: the gzip / bzip2 / plain file reader (feed/file_reader.h) on a file whose
// bytes are the input (an in-memory file), feeding the MRT stream loader as pfxd loads a
// feed file. Oracle: no crash or sanitizer report; the reader never delivers more than it
// counts, and once it reports damage it keeps reporting it.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "feed/file_reader.h"
#include "feed/mrt_loader.h"

namespace {

// The input as a file: memfd, so no disk and no clean-up.
std::string AsFile(const uint8_t* data, size_t size) {
  static const int fd = memfd_create("pfxd-feed-file", 0);
  if (fd < 0) std::abort();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) {
    std::abort();
  }
  return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = AsFile(data, size);
  {  // Raw reads: counts and sticky errors.
    absl::StatusOr<std::unique_ptr<pfx::FeedFileReader>> reader = pfx::FeedFileReader::Open(path);
    if (!reader.ok()) return 0;
    char buffer[4096];
    uint64_t delivered = 0;
    while (true) {
      absl::StatusOr<size_t> n = (*reader)->Read(absl::MakeSpan(buffer));
      if (!n.ok()) {
        if ((*reader)->Read(absl::MakeSpan(buffer)).ok()) std::abort();  // errors repeat
        break;
      }
      if (*n == 0) break;
      delivered += *n;
      if (delivered > (uint64_t{64} << 20)) break;  // a bomb: enough of it
    }
    if (delivered != (*reader)->decompressed_offset()) std::abort();
  }
  absl::StatusOr<std::unique_ptr<pfx::FeedFileReader>> reader = pfx::FeedFileReader::Open(path);
  if (!reader.ok()) return 0;
  pfx::RouteIndex index;
  pfx::LoadMrtStream(**reader, "r1", index);
  return 0;
}
