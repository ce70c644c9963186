// Cross-checks the MRT reader against bgpdump (the reference parser, a Debian package) on every
// file in testdata/mrt: the full multiset of (kind, peer, prefix, AS path, next hop,
// communities) must be equal, line for line.
#include "feed/mrt_reader.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "feed/file_reader.h"
#include "feed/mrt_loader.h"
#include "gtest/gtest.h"
#include "tests/feed/feed_files.h"

namespace pfx {
namespace {

using testing_files::Bytes;
using testing_files::LineVisitor;
using testing_files::ReadFile;

// bgpdump -m: TYPE|time|A/W/B|peer|peer_as|prefix|path|origin|next_hop|lp|med|communities|...
std::vector<std::string> BgpdumpLines(const std::string& path) {
  std::vector<std::string> out;
  std::string cmd = absl::StrCat("bgpdump -m '", path, "' 2>/dev/null");
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), &pclose);
  if (pipe == nullptr) return out;
  std::string current;
  char buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe.get())) > 0) current.append(buf, n);
  for (absl::string_view line : absl::StrSplit(current, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f = absl::StrSplit(line, '|');
    if (f.size() >= 7 && f[2] == "STATE") {
      out.push_back(absl::StrCat("STATE|", f[3], "|", f[5], "|", f[6]));
    } else if (f.size() >= 6 && f[2] == "W") {
      out.push_back(absl::StrCat("W|", f[3], "|", f[5]));
    } else if (f.size() >= 12) {
      // bgpdump names the RFC 1997 well-known communities; pfxd keeps their numbers.
      std::string communities = absl::StrReplaceAll(f[11], {{"no-export-subconfed", "65535:65283"},
                                                            {"no-export", "65535:65281"},
                                                            {"no-advertise", "65535:65282"}});
      out.push_back(
          absl::StrCat(f[2], "|", f[3], "|", f[5], "|", f[6], "|", f[8], "|", communities));
    }
  }
  return out;
}

class MrtAgainstBgpdump : public testing::TestWithParam<const char*> {};

TEST_P(MrtAgainstBgpdump, SameRoutesAsReferenceParser) {
  std::string path = absl::StrCat(PFX_SOURCE_DIR, "/", GetParam());
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  LineVisitor visitor;
  MrtStats stats = ReadMrtStream(**reader, visitor);
  EXPECT_EQ(stats.malformed_records, 0u) << stats.first_error;
  EXPECT_FALSE(stats.damaged()) << stats.damage_message;
  EXPECT_EQ(stats.bytes, (*reader)->decompressed_offset());

  std::vector<std::string> expected = BgpdumpLines(path);
  ASSERT_FALSE(expected.empty()) << "bgpdump produced nothing for " << path;
  std::sort(expected.begin(), expected.end());
  std::sort(visitor.lines.begin(), visitor.lines.end());
  ASSERT_EQ(visitor.lines.size(), expected.size());
  size_t differences = 0;
  for (size_t i = 0; i < expected.size() && differences < 5; ++i) {
    if (visitor.lines[i] != expected[i]) {
      ++differences;
      ADD_FAILURE() << "pfxd:    " << visitor.lines[i] << "\nbgpdump: " << expected[i];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    SharedData, MrtAgainstBgpdump,
    testing::Values("testdata/mrt/routeviews.route-views.jinx.ribs.1401487200.bz2",
                    "testdata/mrt/routeviews.route-views.jinx.updates.1401493500.bz2",
                    "testdata/mrt/ris.rrc06.updates.1401488100.gz",
                    "testdata/mrt/rrc15-updates.20100227.1600.gz",
                    // TABLE_DUMP v1, IPv4 and IPv6 (make_table_dump_v1.py beside it).
                    "tests/data/mrt/table_dump_v1.mrt"));

TEST(MrtLoaderTest, FullTableCountsMatchTheDataReadme) {
  RouteIndex index;
  auto result = LoadMrtFile(
      absl::StrCat(PFX_SOURCE_DIR, "/testdata/mrt/routeviews.route-views.jinx.ribs.1401487200.bz2"),
      "jinx", index);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->stats.rib_entries, 503590u);
  EXPECT_EQ(result->sessions, 14u);
  EXPECT_EQ(index.route_count(), 503590u);
  auto peer = IpAddress::Parse("196.223.14.55");
  auto status = index.GetSession({"jinx", *peer});
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->route_count, 497321u);
  EXPECT_EQ(status->peer_as, 30844u);
  EXPECT_TRUE(status->initial_table_complete);
  // Interning: a full table shares far fewer attribute sets than routes.
  EXPECT_LT(index.attribute_set_count(), index.route_count() / 2);
}

// One BGP4MP_MESSAGE_AS4 record: an UPDATE from `peer` (IPv4) withdrawing `prefix` (IPv4).
std::string WithdrawalRecord(const IpAddress& peer, uint32_t peer_as, const IpPrefix& prefix) {
  std::string update(16, '\xff');
  const int prefix_bytes = (prefix.length() + 7) / 8;
  const int length = 19 + 2 + 1 + prefix_bytes + 2;
  update += {char(length >> 8), char(length & 255), 2, 0, char(1 + prefix_bytes),
             char(prefix.length())};
  update.append(reinterpret_cast<const char*>(prefix.address().bytes().data()), prefix_bytes);
  update += {0, 0};  // no path attributes
  std::string body;
  auto u32 = [&](uint32_t v) { body += {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; };
  u32(peer_as);
  u32(6447);  // local AS
  body += {0, 0, 0, 1};  // interface index, AFI 1
  body.append(reinterpret_cast<const char*>(peer.bytes().data()), 4);
  body += {10, 0, 0, 1};  // local address
  body += update;
  std::string record;
  auto r32 = [&](uint32_t v) { record += {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; };
  r32(1401487300);
  record += {0, 16, 0, 4};  // BGP4MP, MESSAGE_AS4
  r32(static_cast<uint32_t>(body.size()));
  return record + body;
}

// A file holding a RIB and then an UPDATE of one of its peers ends as loading them one after
// the other does: the loader groups RIB entries of equal attributes per session, and an
// UPDATE's withdrawal must still come after the RIB entry it undoes (a small peer's entries
// are all still pending when the UPDATE is read).
TEST(MrtLoaderTest, RibThenUpdateInOneFileAppliesInFileOrder) {
  const std::string rib = ReadFile(absl::StrCat(
      PFX_SOURCE_DIR, "/testdata/mrt/routeviews.route-views.jinx.ribs.1401487200.bz2"));
  auto bytes = [](const std::string& s) {
    return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  RouteIndex rib_only;
  LoadMrtBuffer(bytes(rib), "jinx", rib_only);
  const SessionKey small{"jinx", *IpAddress::Parse("196.223.14.10")};
  std::vector<Route> routes = rib_only.ListRoutes(small, std::nullopt, SIZE_MAX);
  ASSERT_EQ(routes.size(), 1375u);
  const IpPrefix withdrawn = routes[routes.size() / 2].prefix;

  RouteIndex index;
  const std::string file = rib + WithdrawalRecord(small.peer, 37100, withdrawn);
  MrtLoadResult result = LoadMrtBuffer(bytes(file), "jinx", index);
  EXPECT_EQ(result.withdrawn, 1u);
  EXPECT_FALSE(index.Lookup(small, withdrawn).has_value()) << withdrawn.ToString();
  EXPECT_EQ(index.route_count(), 503590u - 1);
}

TEST(MrtReaderTest, TruncatedAndGarbageInputIsReportedNotFatal) {
  std::string data = ReadFile(absl::StrCat(
      PFX_SOURCE_DIR, "/testdata/mrt/routeviews.route-views.jinx.updates.1401493500.bz2"));
  ASSERT_FALSE(data.empty());
  LineVisitor whole;
  MrtStats all = ReadMrt(Bytes(data), whole);
  ASSERT_FALSE(all.damaged());
  LineVisitor visitor;
  MrtStats stats = ReadMrt(Bytes(data).subspan(0, data.size() - 7), visitor);
  EXPECT_EQ(stats.damage, MrtDamage::kTruncatedRecord);
  // The walk stops at the start of the last record, having decoded all the others.
  EXPECT_EQ(stats.records, all.records - 1);
  EXPECT_EQ(stats.damage_offset, stats.bytes);
  EXPECT_LT(stats.damage_offset, data.size() - 7);
  EXPECT_NE(stats.damage_message.find(absl::StrCat("offset ", stats.damage_offset)),
            std::string::npos)
      << stats.damage_message;
  EXPECT_TRUE(stats.first_error.empty()) << stats.first_error;

  // A BGP4MP record whose body is cut short: counted as malformed, the walk continues.
  const uint8_t bad[] = {0, 0, 0, 1, 0, 16, 0,  4, 0, 0, 0, 3, 1, 2,
                         3, 0, 0, 0, 1, 0,  99, 0, 1, 0, 0, 0, 0};
  LineVisitor v2;
  MrtStats s2 = ReadMrt(bad, v2);
  EXPECT_EQ(s2.records, 2u);
  EXPECT_EQ(s2.malformed_records, 1u);
  EXPECT_EQ(s2.skipped_records, 1u);
  EXPECT_FALSE(s2.damaged());
  EXPECT_EQ(s2.unread, (std::map<std::pair<uint16_t, uint16_t>, size_t>{{{99, 1}, 1}}));
}

// The loader's feed counters (feed/feed_counters.h, the metrics' pfxd_feed_*{source="mrt"}):
// records read whole, and decode errors = malformed records + 1 for the damage ending a file.
TEST(MrtLoaderTest, FeedCountersGetRecordsAndDecodeErrors) {
  // One BGP4MP record cut short inside (malformed), one of an unread type (read whole), then
  // a record header promising more bytes than follow (damage).
  const uint8_t data[] = {0, 0, 0, 1, 0, 16, 0, 4, 0, 0, 0, 3, 1, 2, 3,  // malformed
                          0, 0, 0, 1, 0, 99, 0, 1, 0, 0, 0, 0,           // unread type 99
                          0, 0, 0, 1, 0, 16, 0, 4, 0, 0, 0, 9, 1};       // truncated
  RouteIndex index;
  FeedCounters counters;
  MrtLoadResult result = LoadMrtBuffer(data, "rs", index, &counters);
  ASSERT_EQ(result.stats.malformed_records, 1u);
  ASSERT_TRUE(result.stats.damaged());
  FeedCounters::Snapshot s = counters.Read();
  EXPECT_EQ(s.mrt_records, 1u);
  EXPECT_EQ(s.mrt_decode_errors, 2u);
  LoadMrtBuffer(absl::MakeConstSpan(data, 27), "rs", index, &counters);  // the first two
  s = counters.Read();
  EXPECT_EQ(s.mrt_records, 2u);
  EXPECT_EQ(s.mrt_decode_errors, 3u);
  EXPECT_EQ(s.bmp_decode_errors, 0u);
}

// Records of types pfxd does not read are counted by type and subtype, never silently dropped.
TEST(MrtReaderTest, UnreadTypesAreCountedByTypeAndSubtype) {
  const uint8_t records[] = {
      0, 0, 0, 1, 0, 12, 0, 3, 0, 0, 0, 0,  // TABLE_DUMP of an AFI it does not define
      0, 0, 0, 1, 0, 12, 0, 3, 0, 0, 0, 0,  // another one
      0, 0, 0, 1, 0, 11, 0, 0, 0, 0, 0, 0,  // OSPFv2
      0, 0, 0, 1, 0, 13, 0, 6, 0, 0, 0, 0,  // TABLE_DUMP_V2 RIB_GENERIC
  };
  LineVisitor visitor;
  MrtStats stats = ReadMrt(records, visitor);
  EXPECT_EQ(stats.records, 4u);
  EXPECT_EQ(stats.rib_entries, 0u);
  EXPECT_EQ(stats.unread, (std::map<std::pair<uint16_t, uint16_t>, size_t>{
                              {{11, 0}, 1}, {{12, 3}, 2}, {{13, 6}, 1}}));
  EXPECT_EQ(MrtTypeName(12, 3), "TABLE_DUMP (12) subtype 3");
  EXPECT_EQ(MrtTypeName(99, 3), "unknown type (99) subtype 3");
}

}  // namespace
}  // namespace pfx
