// FeedFileReader: compression by magic bytes, concatenated members, trailing padding and
// garbage as gzip treats them, and damage reported only after every good byte before it.
#include "feed/file_reader.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/feed/feed_files.h"

namespace pfx {
namespace {

using testing_files::Bzip2;
using testing_files::Gzip;
using testing_files::ReadAll;
using testing_files::TempFile;
using testing_files::WriteTempFile;

// Text that compresses but not to nothing, and differs all along (so a prefix is checkable).
std::string Sample(size_t size) {
  std::string out;
  for (size_t i = 0; out.size() < size; ++i)
    absl::StrAppend(&out, "line ", i * 7919 % 100003, "\n");
  out.resize(size);
  return out;
}

struct ReadResult {
  std::string data;
  absl::Status end;
  std::string notice;
  FileCompression compression = FileCompression::kNone;
};

ReadResult ReadPath(const std::string& path) {
  ReadResult r;
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(path);
  if (!reader.ok()) {
    r.end = reader.status();
    return r;
  }
  r.compression = (*reader)->compression();
  r.data = ReadAll(**reader, &r.end);
  r.notice = (*reader)->notice();
  EXPECT_EQ((*reader)->decompressed_offset(), r.data.size());
  return r;
}

TEST(FileReaderTest, MissingFileAndDirectoryCannotBeOpened) {
  absl::StatusOr<std::unique_ptr<FeedFileReader>> missing =
      FeedFileReader::Open("/nonexistent/file.mrt");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/file.mrt"), std::string::npos);
  EXPECT_FALSE(FeedFileReader::Open(testing::TempDir()).ok());  // read(2) fails: EISDIR
}

TEST(FileReaderTest, CompressionIsDetectedByMagicBytesNotByName) {
  const std::string text = Sample(5000);
  ReadResult plain = ReadPath(WriteTempFile("plain.gz", text).path());
  EXPECT_EQ(plain.compression, FileCompression::kNone);
  EXPECT_EQ(plain.data, text);
  ReadResult gz = ReadPath(WriteTempFile("gz.mrt", Gzip(text)).path());
  EXPECT_EQ(gz.compression, FileCompression::kGzip);
  EXPECT_EQ(gz.data, text);
  ReadResult bz = ReadPath(WriteTempFile("bz.mrt", Bzip2(text)).path());
  EXPECT_EQ(bz.compression, FileCompression::kBzip2);
  EXPECT_EQ(bz.data, text);
  for (const char* tiny : {"", "B", "BZ", "\x1f"}) {  // shorter than any magic: plain
    ReadResult r = ReadPath(WriteTempFile("tiny", tiny).path());
    EXPECT_EQ(r.compression, FileCompression::kNone);
    EXPECT_EQ(r.data, tiny);
    EXPECT_TRUE(r.end.ok());
  }
}

TEST(FileReaderTest, ConcatenatedGzipMembersAndBzip2StreamsAreReadInTurn) {
  const std::string text = Sample(300000);
  const size_t bounds[] = {0, 1, 100000, 250007, text.size()};
  std::string gz, bz;
  for (size_t i = 0; i + 1 < std::size(bounds); ++i) {
    gz += Gzip(text.substr(bounds[i], bounds[i + 1] - bounds[i]));
    bz += Bzip2(text.substr(bounds[i], bounds[i + 1] - bounds[i]));
  }
  for (const std::string& file : {gz, bz}) {
    ReadResult r = ReadPath(WriteTempFile("members", file).path());
    EXPECT_TRUE(r.end.ok()) << r.end;
    EXPECT_EQ(r.data.size(), text.size());
    EXPECT_TRUE(r.data == text);
    EXPECT_EQ(r.notice, "");
  }
}

// `gzip -t` and `gzip -d` accept zero padding after the last member silently; bgpdump reads
// such files in full.
TEST(FileReaderTest, TrailingZeroBytesAfterTheLastMemberAreIgnored) {
  const std::string text = Sample(100000);
  // 200 KiB spans several input buffers.
  for (size_t zeros : {size_t{1}, size_t{2}, size_t{3}, size_t{1000}, size_t{200} << 10}) {
    for (const std::string& compressed : {Gzip(text), Bzip2(text)}) {
      ReadResult r =
          ReadPath(WriteTempFile("padded", compressed + std::string(zeros, '\0')).path());
      EXPECT_TRUE(r.end.ok()) << zeros << " zeros: " << r.end;
      EXPECT_TRUE(r.data == text) << zeros << " zeros";
      EXPECT_EQ(r.notice, "") << zeros << " zeros";
    }
  }
}

// `gzip -d` says "decompression OK, trailing garbage ignored": the data is all there, and the
// notice says where the garbage starts. Zeros followed by a member count as garbage too.
TEST(FileReaderTest, TrailingGarbageIsIgnoredWithANotice) {
  const std::string text = Sample(100000);
  const std::string gz = Gzip(text);
  struct Case {
    std::string tail;
    size_t first_nonzero;
  };
  for (const Case& c : std::vector<Case>{{"garbage", 0},
                                         {std::string(70000, '\0') + "x", 70000},
                                         {std::string(5, '\0') + Gzip("more"), 5}}) {
    ReadResult r = ReadPath(WriteTempFile("garbage.gz", gz + c.tail).path());
    EXPECT_TRUE(r.end.ok()) << r.end;
    EXPECT_TRUE(r.data == text);
    EXPECT_NE(r.notice.find(absl::StrCat("trailing garbage after the last complete gzip member "
                                         "ignored (from compressed byte offset ",
                                         gz.size(), ", first non-zero byte at ",
                                         gz.size() + c.first_nonzero, ")")),
              std::string::npos)
        << r.notice;
  }
  ReadResult bz = ReadPath(WriteTempFile("garbage.bz2", Bzip2(text) + "garbage").path());
  EXPECT_TRUE(bz.end.ok()) << bz.end;
  EXPECT_TRUE(bz.data == text);
  EXPECT_NE(bz.notice.find("trailing garbage after the last complete bzip2 stream"),
            std::string::npos);
}

// A file cut short: every byte the decoder could produce comes first, then DataLoss naming
// the path, the compressed offset (the file's end) and the decompressed offset reached.
TEST(FileReaderTest, TruncatedFileDeliversItsGoodPrefixThenDataLoss) {
  const std::string text = Sample(1000000);
  for (const auto& [compressed, unit] : std::vector<std::pair<std::string, std::string>>{
           {Gzip(text), "member"}, {Bzip2(text, 1), "stream"}}) {
    const size_t cut = compressed.size() / 2;
    TempFile file = WriteTempFile("truncated", compressed.substr(0, cut));
    const std::string& path = file.path();
    ReadResult r = ReadPath(path);
    EXPECT_EQ(r.end.code(), absl::StatusCode::kDataLoss) << r.end;
    EXPECT_GT(r.data.size(), text.size() / 4);
    EXPECT_LT(r.data.size(), text.size());
    EXPECT_TRUE(r.data == text.substr(0, r.data.size()));
    EXPECT_NE(r.end.message().find(path), std::string::npos) << r.end;
    EXPECT_NE(r.end.message().find(absl::StrCat("is truncated: the file ends inside a ", unit,
                                                " at compressed byte offset ", cut,
                                                " (decompressed byte offset ", r.data.size(), ")")),
              std::string::npos)
        << r.end;
  }
  // Cut inside the magic of a second member: `gzip -t` says "unexpected end of file".
  ReadResult half_magic = ReadPath(WriteTempFile("half_magic.gz", Gzip(text) + "\x1f").path());
  EXPECT_EQ(half_magic.end.code(), absl::StatusCode::kDataLoss);
  EXPECT_TRUE(half_magic.data == text);
}

TEST(FileReaderTest, CorruptDataDeliversWhatCameBeforeThenDataLoss) {
  const std::string text = Sample(1000000);
  std::string gz = Gzip(text);
  gz.replace(gz.size() / 2, 64, std::string(64, '\xff'));
  ReadResult r = ReadPath(WriteTempFile("corrupt.gz", gz).path());
  EXPECT_EQ(r.end.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(r.end.message().find("gzip data is corrupt ("), std::string::npos) << r.end;
  EXPECT_NE(r.end.message().find(absl::StrCat("(decompressed byte offset ", r.data.size(), ")")),
            std::string::npos)
      << r.end;
  EXPECT_GT(r.data.size(), text.size() / 4);
  // Up to the damaged block the bytes are right (deflate cannot tell sooner).
  EXPECT_TRUE(r.data.substr(0, text.size() / 4) == text.substr(0, text.size() / 4));

  // Not a gzip member behind the magic, not a bzip2 block behind its header.
  ReadResult garbage = ReadPath(WriteTempFile("garbage.gz", "\x1f\x8b\x08\x00garbage").path());
  EXPECT_EQ(garbage.end.code(), absl::StatusCode::kDataLoss);
  ReadResult bad_bz = ReadPath(WriteTempFile("garbage.bz2", "BZh9garbage-garbage").path());
  EXPECT_EQ(bad_bz.end.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(bad_bz.end.message().find("bzip2 data is corrupt"), std::string::npos) << bad_bz.end;
}

TEST(FileReaderTest, MemoryByteSourceServesChunksThenItsEnd) {
  MemoryByteSource source("abcdefg", 3, absl::DataLossError("cut"));
  char buffer[5];
  EXPECT_EQ(*source.Read(absl::MakeSpan(buffer)), 3u);
  EXPECT_EQ(*source.Read(absl::MakeSpan(buffer)), 3u);
  EXPECT_EQ(*source.Read(absl::MakeSpan(buffer)), 1u);
  EXPECT_EQ(source.Read(absl::MakeSpan(buffer)).status().message(), "cut");
  MemoryByteSource clean("ab");
  EXPECT_EQ(*clean.Read(absl::MakeSpan(buffer)), 2u);
  EXPECT_EQ(*clean.Read(absl::MakeSpan(buffer)), 0u);
}

}  // namespace
}  // namespace pfx
