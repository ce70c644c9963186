// File: mrt_loader.h
// -----------------------------------------------------------------------------
// Loads an MRT file (plain, .gz or .bz2) into a RouteIndex, reporting every MRT peer as the
// feed session (router, peer address). RIB entries and UPDATEs become announcements and
// withdrawals, batched per session; STATE_CHANGE moves the session up (Established) or down.
// When the file is done every session it touched is marked initial-table-complete: a file is
// a finished snapshot. Thread-safe with respect to other sources filling the same index.
//
// The file is read as a stream (file_reader.h, mrt_reader.h): memory is the route index plus
// a fixed buffer and at most one record, whatever the file's size or compression ratio. A
// damaged file (cut short, corrupt compression, an impossible record length) keeps every
// route of the records before the damage; LoadMrtFile logs the damage at warning with the
// offset of the damaged record in the decompressed stream, and returns it in the stats.
// Trailing garbage after the last gzip member / bzip2 stream is logged at warning too.

#ifndef PFX_FEED_MRT_LOADER_H_
#define PFX_FEED_MRT_LOADER_H_

#include <string>

#include "absl/status/statusor.h"
#include "feed/feed_counters.h"
#include "feed/mrt_reader.h"
#include "feed/route_index.h"

namespace pfx {

struct MrtLoadResult {
  MrtStats stats;  // stats.damage*: where and why the file's good part ends
  size_t announced = 0;
  size_t withdrawn = 0;
  size_t sessions = 0;
  std::string notice;  // FeedFileReader::notice(): trailing garbage ignored, if any
};

// Errors only when the file cannot be opened (or its first bytes read); damage is not an
// error: the result holds what was loaded before it and stats.damage says where it starts.
// `counters` (optional, feed_counters.h) gets the records read whole and the decode errors
// (malformed records, plus 1 for damage) once the load ends.
absl::StatusOr<MrtLoadResult> LoadMrtFile(const std::string& path, const std::string& router,
                                          RouteIndex& index, FeedCounters* counters = nullptr);
// The same from any byte source (LoadMrtFile's path, without the logging), and from a buffer.
MrtLoadResult LoadMrtStream(ByteSource& source, const std::string& router, RouteIndex& index,
                            FeedCounters* counters = nullptr);
MrtLoadResult LoadMrtBuffer(absl::Span<const uint8_t> data, const std::string& router,
                            RouteIndex& index, FeedCounters* counters = nullptr);

}  // namespace pfx

#endif  // PFX_FEED_MRT_LOADER_H_
