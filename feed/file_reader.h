// File: file_reader.h
// -----------------------------------------------------------------------------
// Feed files (MRT, RPSL) read as a stream of bytes, whatever their size or compression.
//
// ByteSource is the seam the MRT and RPSL readers pull from. FeedFileReader reads a file and
// transparently decompresses gzip or bzip2 (detected by magic bytes, not by name) into the
// caller's buffer: it holds one 64 KiB input buffer plus the decompressor's own state (zlib
// ~45 KiB, bzip2 up to ~3.7 MB for 900k blocks), so its memory does not depend on the file's
// size or compression ratio — a gzip bomb costs time, not memory. MemoryByteSource serves bytes
// from memory, in chunks of a chosen size and with an optional error at the end: the in-memory
// and fault-injecting version for tests.
//
// Compressed files behave as `gzip -d` / `bzip2 -d`:
//   - concatenated gzip members and concatenated bzip2 streams (pbzip2) are read in turn;
//   - after a complete member/stream, trailing zero bytes (any amount, e.g. tape or block
//     padding) end the data silently, like gzip's "trailing zero bytes ignored";
//   - other trailing bytes that do not start a member/stream end the data too, after
//     everything before them was delivered: gzip -d says "decompression OK, trailing garbage
//     ignored" (exit 2, a warning) and bgpdump (zlib gzread) stops there silently. Reading
//     succeeds and notice() describes what was ignored, for the caller to log at warning;
//   - damage (corrupt data, a member or stream cut short by the end of the file, a read error)
//     is returned by Read as a DataLoss error only after every good byte before it has been
//     returned. The message names the path, the compressed byte offset where the damage was
//     found and the decompressed offset reached. gzip checks its CRC only at the end of a
//     member, so corrupt data that still inflates is delivered before the damage is found;
//     bzip2 finds most damage before a block (≤ 900 kB) is delivered. A plain file has no
//     framing of its own: a file cut short just ends, and the record reader above notices
//     the partial record.
//
// Thread-safety: a FeedFileReader is a cursor; use it from one thread at a time.

#ifndef PFX_FEED_FILE_READER_H_
#define PFX_FEED_FILE_READER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace pfx {

class ByteSource {
 public:
  virtual ~ByteSource() = default;

  // Copies up to out.size() bytes of the stream into `out` and returns how many; 0 (for a
  // non-empty `out`) only at the end of the data. An error means the data is damaged or
  // unreadable at this point: every byte before it was returned by earlier calls, and every
  // later call returns the same error.
  virtual absl::StatusOr<size_t> Read(absl::Span<char> out) = 0;
};

enum class FileCompression { kNone, kGzip, kBzip2 };

class FeedFileReader : public ByteSource {
 public:
  static constexpr size_t kInputBufferSize = 64 << 10;

  // Opens `path` and reads its first bytes to detect the compression. Errors: the file cannot
  // be opened (NotFound, PermissionDenied, ... as errno says) or its first read fails.
  static absl::StatusOr<std::unique_ptr<FeedFileReader>> Open(const std::string& path);

  ~FeedFileReader() override;
  FeedFileReader(const FeedFileReader&) = delete;
  FeedFileReader& operator=(const FeedFileReader&) = delete;

  absl::StatusOr<size_t> Read(absl::Span<char> out) override;

  const std::string& path() const { return path_; }
  FileCompression compression() const { return compression_; }
  // Bytes of the file handed to the decompressor so far (the file offset reached).
  uint64_t compressed_offset() const;
  // Bytes returned by Read so far.
  uint64_t decompressed_offset() const { return delivered_; }
  // Once the end is reached: what was ignored after the last complete gzip member / bzip2
  // stream when it was not all zero bytes ("N bytes of trailing garbage at compressed offset X
  // ignored"); empty otherwise.
  const std::string& notice() const { return notice_; }

 private:
  struct Decompressor;

  FeedFileReader(std::string path, int fd);

  absl::Status FillInput();  // reads more of the file into in_; sets file_eof_ at its end
  size_t input_available() const { return in_end_ - in_pos_; }
  absl::StatusOr<size_t> ReadPlain(absl::Span<char> out);
  absl::StatusOr<size_t> ReadCompressed(absl::Span<char> out);
  // Between members: starts the next one, or ends the data on trailing zeros or garbage.
  absl::Status NextMember();
  absl::Status Damage(absl::string_view what, uint64_t compressed_offset) const;

  std::string path_;
  int fd_;
  FileCompression compression_ = FileCompression::kNone;
  std::unique_ptr<char[]> in_;
  size_t in_pos_ = 0, in_end_ = 0;
  uint64_t file_offset_ = 0;  // bytes read from the file into in_
  bool file_eof_ = false;
  uint64_t delivered_ = 0;
  std::unique_ptr<Decompressor> decompressor_;
  bool between_members_ = false;
  bool done_ = false;
  absl::Status error_;  // sticky
  std::string notice_;
};

// Serves `data` (not copied; it must outlive the source) in chunks of at most `max_chunk`
// bytes, then `end` — OK for a clean end of data, an error to inject damage after the data.
class MemoryByteSource : public ByteSource {
 public:
  explicit MemoryByteSource(absl::string_view data, size_t max_chunk = SIZE_MAX,
                            absl::Status end = absl::OkStatus())
      : data_(data), max_chunk_(max_chunk), end_(std::move(end)) {}

  absl::StatusOr<size_t> Read(absl::Span<char> out) override;

 private:
  absl::string_view data_;
  size_t max_chunk_;
  absl::Status end_;
};

}  // namespace pfx

#endif  // PFX_FEED_FILE_READER_H_
