// File: rpsl_loader.h
// -----------------------------------------------------------------------------
// Reads RPSL (RFC 2622) registry dumps and feeds route/route6 objects into an IrrIndex.
// Objects are separated by blank lines; attributes are "name: value" at column 0, continued
// on lines starting with space, tab or '+'; '#' starts a comment to the end of the line and
// lines starting with '#' or '%' are skipped. Only `route:`/`route6:` with `origin:` and
// `source:` are used; other classes (aut-num, as-set, mntner, ...) are counted and ignored.
// NRTM stream markers (%START, ADD, DEL) are skipped: pfxd reloads whole dumps instead.
// A route object with a bad prefix or origin is counted as malformed, not fatal.
// Thread-safety: the index must not be shared while loading (see irr_index.h).

#ifndef PFX_FEED_RPSL_LOADER_H_
#define PFX_FEED_RPSL_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "validator/irr_index.h"

namespace pfx {

struct RpslLoadStats {
  size_t objects = 0;
  size_t route_objects = 0;
  size_t added = 0;
  size_t rejected_source = 0;  // source not in the accepted policy
  size_t malformed = 0;
  std::string first_error;
};

RpslLoadStats LoadRpsl(absl::string_view text, IrrIndex& index);
// Reads plain or gzip/bzip2 files. Errors only when the file cannot be read.
absl::StatusOr<RpslLoadStats> LoadRpslFile(const std::string& path, IrrIndex& index);

}  // namespace pfx

#endif  // PFX_FEED_RPSL_LOADER_H_
