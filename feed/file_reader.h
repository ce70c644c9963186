// File: file_reader.h
// -----------------------------------------------------------------------------
// Reads a whole file into memory, transparently decompressing gzip or bzip2 (detected by
// magic bytes, not by name). Used by the MRT and RPSL loaders; a full table decompresses to
// ~100 MB, which pfxd reads once at start-up. Errors name the path and the failing step.

#ifndef PFX_FEED_FILE_READER_H_
#define PFX_FEED_FILE_READER_H_

#include <string>

#include "absl/status/statusor.h"

namespace pfx {

absl::StatusOr<std::string> ReadMaybeCompressedFile(const std::string& path);

}  // namespace pfx

#endif  // PFX_FEED_FILE_READER_H_
