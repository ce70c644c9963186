#include "feed/file_reader.h"

#include <bzlib.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace pfx {
namespace {

absl::StatusOr<std::string> ReadRaw(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (f == nullptr) {
    return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  }
  std::string data;
  char buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), f.get())) > 0) data.append(buf, n);
  if (std::ferror(f.get())) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return data;
}

absl::StatusOr<std::string> Gunzip(const std::string& path, const std::string& in) {
  z_stream zs{};
  // 16 + MAX_WBITS: expect a gzip header; concatenated members are handled by the loop.
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return absl::InternalError("inflateInit2 failed");
  std::string out;
  out.reserve(in.size() * 4);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  char buf[1 << 16];
  int rc = Z_OK;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // next gzip member
      continue;
    }
    if (rc != Z_OK) break;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) {
    return absl::DataLossError(absl::StrCat(path, ": gzip data is corrupt or truncated"));
  }
  return out;
}

absl::StatusOr<std::string> Bunzip(const std::string& path, const std::string& in) {
  bz_stream bs{};
  if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK) return absl::InternalError("bzip2 init failed");
  std::string out;
  out.reserve(in.size() * 8);
  bs.next_in = const_cast<char*>(in.data());
  bs.avail_in = static_cast<unsigned>(in.size());
  char buf[1 << 16];
  int rc = BZ_OK;
  while (true) {
    bs.next_out = buf;
    bs.avail_out = sizeof(buf);
    rc = BZ2_bzDecompress(&bs);
    out.append(buf, sizeof(buf) - bs.avail_out);
    if (rc == BZ_STREAM_END) {
      if (bs.avail_in == 0) break;
      // Concatenated bzip2 streams (as written by pbzip2).
      unsigned remaining = bs.avail_in;
      char* next = bs.next_in;
      BZ2_bzDecompressEnd(&bs);
      bs = bz_stream{};
      BZ2_bzDecompressInit(&bs, 0, 0);
      bs.next_in = next;
      bs.avail_in = remaining;
      continue;
    }
    if (rc != BZ_OK || (bs.avail_in == 0 && bs.avail_out != 0)) break;
  }
  BZ2_bzDecompressEnd(&bs);
  if (rc != BZ_STREAM_END) {
    return absl::DataLossError(absl::StrCat(path, ": bzip2 data is corrupt or truncated"));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> ReadMaybeCompressedFile(const std::string& path) {
  absl::StatusOr<std::string> raw = ReadRaw(path);
  if (!raw.ok()) return raw;
  if (raw->size() >= 2 && static_cast<uint8_t>((*raw)[0]) == 0x1f &&
      static_cast<uint8_t>((*raw)[1]) == 0x8b) {
    return Gunzip(path, *raw);
  }
  if (raw->size() >= 3 && raw->compare(0, 3, "BZh") == 0) return Bunzip(path, *raw);
  return raw;
}

}  // namespace pfx
