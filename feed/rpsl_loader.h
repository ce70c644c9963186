// File: rpsl_loader.h
// -----------------------------------------------------------------------------
// Reads RPSL (RFC 2622) registry dumps and feeds route/route6 objects into an IrrIndex.
// Objects are separated by blank lines; attributes are "name: value" at column 0, continued
// on lines starting with space, tab or '+'; '#' starts a comment to the end of the line and
// lines starting with '#' or '%' are skipped. Only `route:`/`route6:` with `origin:` and
// `source:` are used; other classes (aut-num, as-set, mntner, ...) are counted and ignored.
// NRTM stream markers (%START, ADD, DEL) are skipped: pfxd reloads whole dumps instead.
// A route object with a bad prefix or origin is counted as malformed, not fatal.
//
// Dumps are read as a stream (RADb's is ~1 GB uncompressed) through one buffer of
// kMaxRpslLineBytes. Only route/route6 objects are held while being read, at most
// kMaxRpslObjectBytes each; other classes are counted from their first attribute and their
// lines dropped, so a huge as-set costs nothing. A route object over the cap, or an object
// with a line longer than the buffer before it is known to be of another class, is counted
// as malformed and skipped to its end. When the byte source fails (corrupt or truncated
// compression, a read error), the objects before are kept, the one in progress is dropped,
// and the stats say where it started; LoadRpslFile logs that at warning, and trailing garbage
// after the last gzip member too. A plain file cut short cannot be told from one that ends
// there: its last object is read as it stands.
// Thread-safety: the index must not be shared while loading (see irr_index.h).

#ifndef PFX_FEED_RPSL_LOADER_H_
#define PFX_FEED_RPSL_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "feed/file_reader.h"
#include "validator/irr_index.h"

namespace pfx {

inline constexpr size_t kMaxRpslObjectBytes = 1 << 20;
inline constexpr size_t kMaxRpslLineBytes = 256 << 10;

struct RpslLoadStats {
  size_t objects = 0;
  size_t route_objects = 0;
  size_t added = 0;
  size_t rejected_source = 0;  // source not in the accepted policy
  size_t malformed = 0;        // bad route objects, and oversized objects of any class
  std::string first_error;
  uint64_t bytes = 0;  // bytes of text read (decompressed)
  // Set when the source failed: the offset (in the decompressed text) of the object in
  // progress, or of the point reached between objects, and why.
  bool damaged = false;
  uint64_t damage_offset = 0;
  std::string damage_message;
};

RpslLoadStats LoadRpsl(absl::string_view text, IrrIndex& index);
RpslLoadStats LoadRpslStream(ByteSource& source, IrrIndex& index);
// Reads plain or gzip/bzip2 files as a stream. Errors only when the file cannot be opened;
// damage is reported in the stats (and logged).
absl::StatusOr<RpslLoadStats> LoadRpslFile(const std::string& path, IrrIndex& index);

}  // namespace pfx

#endif  // PFX_FEED_RPSL_LOADER_H_
