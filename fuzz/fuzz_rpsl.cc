// libFuzzer target: the RPSL loader (feed/rpsl_loader.h) reading an IRR dump as a stream, in
// chunks whose size comes from the first byte (objects and lines split anywhere), into an
// IrrIndex. Oracle: no crash or sanitizer report; the same text read in one piece gives the
// same counts (chunking never changes what is loaded).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "feed/file_reader.h"
#include "feed/rpsl_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  pfx::IrrIndex chunked_index, whole_index;
  pfx::MemoryByteSource chunked(text, 1 + data[0] % 97);
  pfx::MemoryByteSource whole(text);
  pfx::RpslLoadStats a = pfx::LoadRpslStream(chunked, chunked_index);
  pfx::RpslLoadStats b = pfx::LoadRpslStream(whole, whole_index);
  if (a.objects != b.objects || a.added != b.added || a.malformed != b.malformed) std::abort();
  return 0;
}
