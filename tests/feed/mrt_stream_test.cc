// MRT files read as a stream: the same records whatever the chunking, compressed variants of
// the shared data (made at test time) load the same routes as the plain file, a damaged file
// keeps every record before the damage and says where it starts, and a gzip bomb loads in
// bounded memory.
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "feed/file_reader.h"
#include "feed/mrt_loader.h"
#include "feed/mrt_reader.h"
#include "gtest/gtest.h"
#include "tests/feed/feed_files.h"

namespace pfx {
namespace {

using testing_files::Bytes;
using testing_files::Bzip2;
using testing_files::Gzip;
using testing_files::LineVisitor;
using testing_files::ReadFile;
using testing_files::TempFile;
using testing_files::WriteTempFile;

// RIPE RIS rrc15 updates (BGP4MP incl. AS4): 6,615 records, 853,088 bytes decompressed.
const std::string& PlainUpdates() {
  static const std::string* data = new std::string(
      ReadFile(absl::StrCat(PFX_SOURCE_DIR, "/testdata/mrt/rrc15-updates.20100227.1600.gz")));
  return *data;
}

struct Walk {
  MrtStats stats;
  std::vector<std::string> lines;
};

Walk WalkBuffer(absl::string_view data) {
  Walk w;
  LineVisitor visitor;
  w.stats = ReadMrt(Bytes(data), visitor);
  w.lines = std::move(visitor.lines);
  return w;
}

Walk WalkSource(ByteSource& source) {
  Walk w;
  LineVisitor visitor;
  w.stats = ReadMrtStream(source, visitor);
  w.lines = std::move(visitor.lines);
  return w;
}

Walk WalkFile(const std::string& path) {
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return {};
  return WalkSource(**reader);
}

void ExpectSameRecords(const MrtStats& a, const MrtStats& b) {
  EXPECT_EQ(a.records, b.records);
  EXPECT_EQ(a.rib_entries, b.rib_entries);
  EXPECT_EQ(a.updates, b.updates);
  EXPECT_EQ(a.state_changes, b.state_changes);
  EXPECT_EQ(a.skipped_records, b.skipped_records);
  EXPECT_EQ(a.malformed_records, b.malformed_records);
  EXPECT_EQ(a.bytes, b.bytes);
}

// An MRT header: timestamp 1, `type`/`subtype`, `length`; then `length` bytes of `fill`.
std::string Record(uint16_t type, uint16_t subtype, uint32_t length, char fill = 'x') {
  std::string r = {0, 0, 0, 1};
  for (int shift : {8, 0}) r.push_back(static_cast<char>(type >> shift));
  for (int shift : {8, 0}) r.push_back(static_cast<char>(subtype >> shift));
  for (int shift : {24, 16, 8, 0}) r.push_back(static_cast<char>(length >> shift));
  return r + std::string(length, fill);
}

TEST(MrtStreamTest, StreamWalksTheSameRecordsAsTheBufferInAnyChunking) {
  const std::string& plain = PlainUpdates();
  ASSERT_EQ(plain.size(), 853088u);
  Walk whole = WalkBuffer(plain);
  ASSERT_FALSE(whole.stats.damaged());
  ASSERT_EQ(whole.stats.records, 6615u);
  for (size_t chunk : {size_t{1}, size_t{7}, size_t{4096}, size_t{300000}, SIZE_MAX}) {
    MemoryByteSource source(plain, chunk);
    Walk streamed = WalkSource(source);
    ExpectSameRecords(streamed.stats, whole.stats);
    EXPECT_FALSE(streamed.stats.damaged()) << streamed.stats.damage_message;
    EXPECT_TRUE(streamed.lines == whole.lines) << "chunk " << chunk;
    EXPECT_EQ(streamed.stats.peak_buffer_bytes, 256u << 10);
  }
}

// A valid .gz with zero padding after its member (as `gzip -t` accepts and bgpdump reads)
// loads every route, as the plain file does.
TEST(MrtStreamTest, GzipWithTrailingZeroPaddingLoadsAllRoutes) {
  const std::string& plain = PlainUpdates();
  RouteIndex plain_index;
  absl::StatusOr<MrtLoadResult> expected =
      LoadMrtFile(WriteTempFile("updates.mrt", plain).path(), "r", plain_index);
  ASSERT_TRUE(expected.ok());
  ASSERT_GT(plain_index.route_count(), 1000u);
  for (size_t zeros : {size_t{512}, size_t{100} << 10}) {
    RouteIndex index;
    absl::StatusOr<MrtLoadResult> r = LoadMrtFile(
        WriteTempFile("padded.mrt.gz", Gzip(plain) + std::string(zeros, '\0')).path(), "r", index);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_FALSE(r->stats.damaged()) << r->stats.damage_message;
    EXPECT_EQ(r->notice, "");
    ExpectSameRecords(r->stats, expected->stats);
    EXPECT_EQ(r->announced, expected->announced);
    EXPECT_EQ(r->withdrawn, expected->withdrawn);
    EXPECT_EQ(index.route_count(), plain_index.route_count());
  }
}

TEST(MrtStreamTest, ConcatenatedMembersAndTrailingGarbageLoadAllRecords) {
  const std::string& plain = PlainUpdates();
  Walk whole = WalkBuffer(plain);
  // Members split in the middle of records, as `cat a.gz b.gz` or pbzip2 would give.
  const size_t bounds[] = {0, 5, 400001, 700003, plain.size()};
  std::string gz, bz;
  for (size_t i = 0; i + 1 < std::size(bounds); ++i) {
    gz += Gzip(plain.substr(bounds[i], bounds[i + 1] - bounds[i]));
    bz += Bzip2(plain.substr(bounds[i], bounds[i + 1] - bounds[i]));
  }
  for (const std::string& file : {gz, bz, gz + "garbage"}) {
    Walk w = WalkFile(WriteTempFile("members.mrt", file).path());
    EXPECT_FALSE(w.stats.damaged()) << w.stats.damage_message;
    ExpectSameRecords(w.stats, whole.stats);
    EXPECT_TRUE(w.lines == whole.lines);
  }
  RouteIndex index;
  absl::StatusOr<MrtLoadResult> r =
      LoadMrtFile(WriteTempFile("garbage.mrt.gz", gz + "garbage").path(), "r", index);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->notice.find(absl::StrCat("trailing garbage after the last complete gzip member "
                                        "ignored (from compressed byte offset ",
                                        gz.size())),
            std::string::npos)
      << r->notice;
}

struct Cut {
  const char* name;
  std::string (*compress)(absl::string_view);
};

void PrintTo(const Cut& cut, std::ostream* os) { *os << cut.name; }

class DamagedFileTest : public testing::TestWithParam<Cut> {};

// A .gz or .bz2 cut in the middle loads the records before the cut — exactly the routes of the
// plain file's first records up to the reported offset — and reports where the damaged record
// starts and the compressed offset where the file ends.
TEST_P(DamagedFileTest, TruncatedFileKeepsTheRecordsBeforeTheDamage) {
  const std::string& plain = PlainUpdates();
  const std::string compressed = GetParam().compress(plain);
  const size_t cut = compressed.size() / 2;
  TempFile file = WriteTempFile(absl::StrCat("cut.", GetParam().name),
                                absl::string_view(compressed).substr(0, cut));
  const std::string& path = file.path();
  Walk w = WalkFile(path);
  const MrtStats& s = w.stats;
  ASSERT_EQ(s.damage, MrtDamage::kUnreadableInput) << s.damage_message;
  EXPECT_GT(s.records, 1000u);
  EXPECT_LT(s.records, 6615u);
  EXPECT_GT(s.damage_offset, plain.size() / 5);
  EXPECT_LT(s.damage_offset, plain.size());
  EXPECT_EQ(s.damage_offset, s.bytes);
  EXPECT_NE(s.damage_message.find(absl::StrCat("the record at offset ", s.damage_offset,
                                               " cannot be read: ", path, ": ", GetParam().name,
                                               " data is truncated")),
            std::string::npos)
      << s.damage_message;
  EXPECT_NE(s.damage_message.find(absl::StrCat("compressed byte offset ", cut)), std::string::npos)
      << s.damage_message;

  // The same as the plain file's records before that offset, which is a record boundary.
  Walk prefix = WalkBuffer(absl::string_view(plain).substr(0, s.damage_offset));
  EXPECT_FALSE(prefix.stats.damaged());
  ExpectSameRecords(s, prefix.stats);
  EXPECT_TRUE(w.lines == prefix.lines);
  ASSERT_FALSE(w.lines.empty());

  // The loader keeps those routes in the index.
  RouteIndex index, prefix_index;
  absl::StatusOr<MrtLoadResult> r = LoadMrtFile(path, "r", index);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->stats.damage_offset, s.damage_offset);
  LoadMrtBuffer(Bytes(plain).subspan(0, s.damage_offset), "r", prefix_index);
  EXPECT_GT(index.route_count(), 0u);
  EXPECT_EQ(index.route_count(), prefix_index.route_count());
}

TEST_P(DamagedFileTest, CorruptDataKeepsTheRecordsBeforeTheDamage) {
  const std::string& plain = PlainUpdates();
  std::string compressed = GetParam().compress(plain);
  const size_t at = compressed.size() * 3 / 4;
  compressed.replace(at, 64, std::string(64, '\xff'));
  Walk w = WalkFile(WriteTempFile(absl::StrCat("corrupt.", GetParam().name), compressed).path());
  const MrtStats& s = w.stats;
  // Found by the decoder ("gzip data is corrupt"), or by the framing when the decoder first
  // let corrupt bytes through ("... not MRT, or a corrupt header"): deflate checks its CRC
  // only at the end of a member. Either way the walk ends there.
  ASSERT_TRUE(s.damaged());
  EXPECT_NE(s.damage_message.find("corrupt"), std::string::npos) << s.damage_message;
  EXPECT_GT(s.records, 1000u);
  // Everything before the damaged block is the plain file's.
  Walk prefix = WalkBuffer(absl::string_view(plain).substr(0, plain.size() / 2));
  ASSERT_GE(w.lines.size(), prefix.lines.size());
  EXPECT_TRUE(std::equal(prefix.lines.begin(), prefix.lines.end(), w.lines.begin()));
}

INSTANTIATE_TEST_SUITE_P(
    Compressions, DamagedFileTest,
    testing::Values(Cut{"gzip", [](absl::string_view d) { return Gzip(d); }},
                    // 100 kB blocks: a cut file still has whole blocks before the cut.
                    Cut{"bzip2", [](absl::string_view d) { return Bzip2(d, 1); }}),
    [](const testing::TestParamInfo<Cut>& info) { return std::string(info.param.name); });

TEST(MrtStreamTest, TruncatedPlainFileKeepsTheRecordsBeforeTheLastOne) {
  const std::string& plain = PlainUpdates();
  Walk whole = WalkBuffer(plain);
  TempFile file = WriteTempFile("cut.mrt", absl::string_view(plain).substr(0, 500000));
  const std::string& path = file.path();
  Walk w = WalkFile(path);
  EXPECT_EQ(w.stats.damage, MrtDamage::kTruncatedRecord);
  EXPECT_LT(w.stats.damage_offset, 500000u);
  EXPECT_GT(w.stats.damage_offset + 4096, 500000u);
  Walk prefix = WalkBuffer(absl::string_view(plain).substr(0, w.stats.damage_offset));
  EXPECT_FALSE(prefix.stats.damaged());
  EXPECT_TRUE(w.lines == prefix.lines);
  EXPECT_NE(w.stats.damage_message.find(
                absl::StrCat("the record at offset ", w.stats.damage_offset, " is truncated")),
            std::string::npos)
      << w.stats.damage_message;
}

// An impossible length cannot be skipped: the walk ends there, in the buffer and the stream.
TEST(MrtStreamTest, OversizedRecordLengthEndsTheWalk) {
  const std::string data = Record(99, 1, 3) + Record(99, 2, 0) + Record(99, 3, 0).substr(0, 8) +
                           std::string{0x01, 0, 0, 1} + std::string(100, 'y');
  ASSERT_GT(0x01000001u, kMaxMrtRecordLength);
  Walk in_buffer = WalkBuffer(data);
  MemoryByteSource source(data, 5);
  Walk streamed = WalkSource(source);
  for (const Walk* w : {&in_buffer, &streamed}) {
    EXPECT_EQ(w->stats.records, 2u);
    EXPECT_EQ(w->stats.damage, MrtDamage::kOversizedRecord);
    EXPECT_EQ(w->stats.damage_offset, 27u);
    EXPECT_EQ(w->stats.damage_message,
              "the record at offset 27 has length 16777217, above the 16777216-byte cap: not "
              "MRT, or a corrupt header");
  }
  // At the cap it is a record, read whole (here: one of a type pfxd does not read).
  const std::string big = Record(99, 4, kMaxMrtRecordLength) + Record(99, 5, 1);
  MemoryByteSource big_source(big, 1 << 20);
  Walk w = WalkSource(big_source);
  EXPECT_FALSE(w.stats.damaged()) << w.stats.damage_message;
  EXPECT_EQ(w.stats.records, 2u);
  EXPECT_EQ(w.stats.peak_buffer_bytes, 12 + kMaxMrtRecordLength);
}

// A source that fails mid-record (what a damaged decompressor does): the records before are
// decoded, the damage is at the start of the record in progress.
TEST(MrtStreamTest, SourceErrorIsDamageAtTheRecordInProgress) {
  const std::string data = Record(99, 1, 10) + Record(99, 2, 300000) + Record(99, 3, 5);
  for (size_t end : {size_t{22}, size_t{22 + 12 + 1000}, data.size() - 1}) {
    MemoryByteSource source(absl::string_view(data).substr(0, end), 4096,
                            absl::DataLossError("x.gz: gzip data is corrupt"));
    Walk w = WalkSource(source);
    EXPECT_EQ(w.stats.damage, MrtDamage::kUnreadableInput);
    size_t records = end == 22 ? 1 : end == data.size() - 1 ? 2 : 1;
    EXPECT_EQ(w.stats.records, records) << end;
    EXPECT_EQ(w.stats.damage_offset, records == 1 ? 22u : 22u + 12 + 300000) << end;
    EXPECT_EQ(w.stats.damage_message, absl::StrCat("the record at offset ", w.stats.damage_offset,
                                                   " cannot be read: x.gz: gzip data is corrupt"));
  }
}

// 100 MiB of zeros gzipped (~100 KB): read as MRT, 12-byte records of type 0 length 0, counted
// as unread, the last 4 bytes a truncated record. Run in a child whose address space is capped
// at 64 MiB above what the test already uses: inflating the file into memory (as pfxd did)
// dies there of bad_alloc; streaming holds one 256 KiB buffer.
TEST(MrtStreamDeathTest, GzipBombLoadsInBoundedMemory) {
  constexpr size_t kZeros = size_t{100} << 20;
  std::string path = absl::StrCat(testing::TempDir(), "/", getpid(), "_bomb.mrt.gz");
  {
    z_stream zs{};
    ASSERT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY), Z_OK);
    std::vector<char> zeros(1 << 20, 0), out(1 << 16);
    std::ofstream file(path, std::ios::binary);
    for (size_t done = 0; done < kZeros; done += zeros.size()) {
      zs.next_in = reinterpret_cast<Bytef*>(zeros.data());
      zs.avail_in = static_cast<uInt>(zeros.size());
      int flush = done + zeros.size() == kZeros ? Z_FINISH : Z_NO_FLUSH;
      do {
        zs.next_out = reinterpret_cast<Bytef*>(out.data());
        zs.avail_out = static_cast<uInt>(out.size());
        deflate(&zs, flush);
        file.write(out.data(), out.size() - zs.avail_out);
      } while (zs.avail_out == 0);
    }
    deflateEnd(&zs);
  }
  EXPECT_EXIT(
      {
        std::ifstream status("/proc/self/status");
        std::string line;
        long vm_kb = 0;
        while (std::getline(status, line)) {
          if (line.rfind("VmSize:", 0) == 0) vm_kb = std::atol(line.c_str() + 7);
        }
        rlimit limit{};
        limit.rlim_cur = limit.rlim_max = static_cast<rlim_t>(vm_kb + (64 << 10)) << 10;
        setrlimit(RLIMIT_AS, &limit);
        RouteIndex index;
        absl::StatusOr<MrtLoadResult> r = LoadMrtFile(path, "bomb", index);
        if (!r.ok()) {
          std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
          std::exit(2);
        }
        const MrtStats& s = r->stats;
        bool good = s.records == kZeros / 12 && s.unread.at({0, 0}) == kZeros / 12 &&
                    s.damage == MrtDamage::kTruncatedRecord &&
                    s.damage_offset == kZeros / 12 * 12 && s.peak_buffer_bytes == 256u << 10 &&
                    index.route_count() == 0;
        std::fprintf(stderr, "records %zu, damage at %llu: %s\n", s.records,
                     static_cast<unsigned long long>(s.damage_offset), s.damage_message.c_str());
        std::exit(good ? 0 : 1);
      },
      testing::ExitedWithCode(0), "records 8738133, damage at 104857596: the record at offset");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace pfx
