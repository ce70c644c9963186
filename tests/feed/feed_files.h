// File: feed_files.h
// -----------------------------------------------------------------------------
// Test helpers for feed files: gzip members and bzip2 streams made at test time with zlib and
// libbz2 (no tool needed), temporary files named per process (ctest runs cases in parallel),
// whole-file reads through FeedFileReader, and a visitor that renders MRT routes as the
// `bgpdump -m`-like lines the reader tests compare.

#ifndef PFX_TESTS_FEED_FEED_FILES_H_
#define PFX_TESTS_FEED_FEED_FILES_H_

#include <bzlib.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "feed/file_reader.h"
#include "feed/mrt_reader.h"
#include "gtest/gtest.h"
#include "validator/community.h"

namespace pfx::testing_files {

// One gzip member holding `data`.
inline std::string Gzip(absl::string_view data, int level = 6) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// One bzip2 stream holding `data`, in blocks of block_size_100k × 100,000 bytes.
inline std::string Bzip2(absl::string_view data, int block_size_100k = 9) {
  std::string out(data.size() + data.size() / 100 + 600, '\0');
  unsigned length = static_cast<unsigned>(out.size());
  EXPECT_EQ(BZ2_bzBuffToBuffCompress(out.data(), &length, const_cast<char*>(data.data()),
                                     static_cast<unsigned>(data.size()), block_size_100k, 0, 0),
            BZ_OK);
  out.resize(length);
  return out;
}

// A file in the test temp directory, removed when this goes out of scope.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  TempFile(TempFile&& other) : path_(std::exchange(other.path_, "")) {}
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes `contents` to a temporary file.
inline TempFile WriteTempFile(absl::string_view name, absl::string_view contents) {
  TempFile file(absl::StrCat(testing::TempDir(), "/", getpid(), "_", name));
  FILE* f = std::fopen(file.path().c_str(), "wb");
  EXPECT_NE(f, nullptr) << file.path();
  if (f == nullptr) return file;
  EXPECT_EQ(std::fwrite(contents.data(), 1, contents.size(), f), contents.size());
  std::fclose(f);
  return file;
}

// Everything `source` gives up to its end or error (returned in *end when given).
inline std::string ReadAll(ByteSource& source, absl::Status* end = nullptr) {
  std::string out;
  char buffer[1 << 16];
  while (true) {
    absl::StatusOr<size_t> n = source.Read(absl::MakeSpan(buffer));
    if (!n.ok() || *n == 0) {
      if (end != nullptr) *end = n.ok() ? absl::OkStatus() : n.status();
      return out;
    }
    out.append(buffer, *n);
  }
}

// The decompressed contents of a file that must read cleanly.
inline std::string ReadFile(const std::string& path) {
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return "";
  absl::Status end;
  std::string out = ReadAll(**reader, &end);
  EXPECT_TRUE(end.ok()) << end;
  return out;
}

inline absl::Span<const uint8_t> Bytes(absl::string_view s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

inline std::string RouteLine(absl::string_view kind, const MrtPeer& peer, const IpPrefix& prefix,
                             const RouteAttributes* a) {
  if (a == nullptr) return absl::StrCat(kind, "|", peer.address.ToString(), "|", prefix.ToString());
  std::vector<std::string> communities;
  for (uint32_t c : a->communities) communities.push_back(CommunityToString(c));
  return absl::StrCat(kind, "|", peer.address.ToString(), "|", prefix.ToString(), "|",
                      a->as_path.ToString(), "|", a->next_hop.ToString(), "|",
                      absl::StrJoin(communities, " "));
}

// Every route and state change, in order, one line each.
class LineVisitor : public MrtVisitor {
 public:
  void OnRibEntry(uint32_t, const MrtPeer& peer, const IpPrefix& prefix,
                  const RouteAttributes& a) override {
    lines.push_back(RouteLine("B", peer, prefix, &a));
  }
  void OnUpdate(uint32_t, const MrtPeer& peer, const BgpUpdate& u) override {
    for (const IpPrefix& p : u.withdrawn) lines.push_back(RouteLine("W", peer, p, nullptr));
    for (const IpPrefix& p : u.announced) lines.push_back(RouteLine("A", peer, p, &u.attributes));
  }
  void OnStateChange(uint32_t, const MrtPeer& peer, uint16_t old_state,
                     uint16_t new_state) override {
    lines.push_back(
        absl::StrCat("STATE|", peer.address.ToString(), "|", old_state, "|", new_state));
  }
  std::vector<std::string> lines;
};

}  // namespace pfx::testing_files

#endif  // PFX_TESTS_FEED_FEED_FILES_H_
