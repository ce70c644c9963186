#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "feed/route_index.h"
#include "feed/rpsl_loader.h"
#include "gtest/gtest.h"
#include "tests/common/fake_clock.h"
#include "tests/feed/feed_files.h"

namespace pfx {
namespace {

IpPrefix P(const char* s) { return *IpPrefix::Parse(s); }

std::string Sample(const char* name) {
  std::ifstream in(absl::StrCat(PFX_SOURCE_DIR, "/testdata/irr/real-samples/", name));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(RpslLoaderTest, RealSamplesWithCommentsAndContinuations) {
  IrrIndex irr;
  RpslLoadStats radb = LoadRpsl(Sample("radb.db.sample"), irr);
  EXPECT_EQ(radb.route_objects, 2u);
  EXPECT_EQ(radb.added, 2u);
  EXPECT_EQ(radb.malformed, 0u) << radb.first_error;
  EXPECT_EQ(irr.Lookup(P("167.96.0.0/16"), 2900).match, IrrMatch::kExact);
  EXPECT_EQ(irr.Lookup(P("2001:1988::/32"), 16467).match, IrrMatch::kExact);

  RpslLoadStats ripe = LoadRpsl(Sample("ripe.db.sample"), irr);
  EXPECT_GE(ripe.route_objects, 1u);
  // "origin: as12726   # haha gotcha": lower case and a trailing comment.
  auto v = irr.Lookup(P("193.254.30.0/24"), 12726);
  EXPECT_EQ(v.match, IrrMatch::kExact);
  ASSERT_FALSE(v.objects.empty());
  EXPECT_EQ(v.objects[0].source, "RIPE");
}

TEST(RpslLoaderTest, NrtmMarkersAreSkipped) {
  IrrIndex irr;
  RpslLoadStats s = LoadRpsl(Sample("radb.updates.sample"), irr);
  EXPECT_EQ(s.malformed, 0u) << s.first_error;
}

TEST(RpslLoaderTest, MalformedObjectsAreCountedAndPolicyApplies) {
  IrrIndex irr({"RADB"});
  RpslLoadStats s = LoadRpsl(
      "route: 10.0.0.0/33\norigin: AS1\nsource: RADB\n\n"
      "route: 1.1.1.0/24\norigin: 13335\nsource: RADB\n\n"
      "route: 1.1.1.0/24\norigin: AS13335\n\n"
      "route: 1.1.1.0/24\norigin: AS13335\nsource: EVIL\n\n"
      "route: 1.1.1.0/24\norigin: AS13335\nsource: RADB\n",
      irr);
  EXPECT_EQ(s.route_objects, 5u);
  EXPECT_EQ(s.malformed, 3u);
  EXPECT_EQ(s.rejected_source, 1u);
  EXPECT_EQ(s.added, 1u);
  EXPECT_NE(s.first_error.find("10.0.0.0/33"), std::string::npos);
}

TEST(RpslLoaderTest, SharedRegistryDumps) {
  IrrIndex irr;
  size_t objects = 0;
  for (const char* f : {"radb", "ripe", "arin", "apnic", "nttcom", "lacnic", "afrinic", "altdb"}) {
    auto s = LoadRpslFile(absl::StrCat(PFX_SOURCE_DIR, "/testdata/irr/", f, ".db.gz"), irr);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_EQ(s->malformed, 0u) << f << ": " << s->first_error;
    objects += s->route_objects;
  }
  EXPECT_EQ(objects, 422660u);  // testdata/README.md
}

void ExpectSameLoad(const RpslLoadStats& a, const RpslLoadStats& b) {
  EXPECT_EQ(a.objects, b.objects);
  EXPECT_EQ(a.route_objects, b.route_objects);
  EXPECT_EQ(a.added, b.added);
  EXPECT_EQ(a.rejected_source, b.rejected_source);
  EXPECT_EQ(a.malformed, b.malformed);
  EXPECT_EQ(a.first_error, b.first_error);
}

std::string Afrinic() {
  return testing_files::ReadFile(absl::StrCat(PFX_SOURCE_DIR, "/testdata/irr/afrinic.db.gz"));
}

// The stream cuts lines and objects anywhere; the result is the text's.
TEST(RpslLoaderTest, StreamLoadsTheSameObjectsInAnyChunking) {
  for (const std::string& text :
       {Sample("radb.db.sample"), Sample("ripe.db.sample"), Sample("radb.updates.sample"),
        Afrinic(), std::string("route: 1.1.1.0/24\norigin: AS13335\nsource: RADB")}) {
    IrrIndex whole_index;
    RpslLoadStats whole = LoadRpsl(text, whole_index);
    ASSERT_GT(whole.objects, 0u);
    for (size_t chunk : {size_t{1}, size_t{13}, size_t{4096}, SIZE_MAX}) {
      if (chunk == 1 && text.size() > 100000) continue;  // slow and says nothing more
      IrrIndex index;
      MemoryByteSource source(text, chunk);
      RpslLoadStats s = LoadRpslStream(source, index);
      ExpectSameLoad(s, whole);
      EXPECT_FALSE(s.damaged);
      EXPECT_EQ(s.bytes, text.size());
      EXPECT_EQ(index.object_count(), whole_index.object_count());
    }
  }
}

// A dump cut in the middle (gzip or bzip2) keeps the objects before the cut: the same as the
// plain text up to the reported offset, where the object in progress started.
TEST(RpslLoaderTest, TruncatedCompressedDumpKeepsTheObjectsBeforeTheDamage) {
  const std::string text = Afrinic();
  ASSERT_GT(text.size(), 2000000u);
  for (const std::string& compressed : {testing_files::Gzip(text), testing_files::Bzip2(text, 1)}) {
    testing_files::TempFile file = testing_files::WriteTempFile(
        "cut.db", absl::string_view(compressed).substr(0, compressed.size() / 2));
    const std::string& path = file.path();
    IrrIndex index;
    absl::StatusOr<RpslLoadStats> s = LoadRpslFile(path, index);
    ASSERT_TRUE(s.ok()) << s.status();
    EXPECT_TRUE(s->damaged);
    EXPECT_GT(s->damage_offset, text.size() / 4);
    EXPECT_LT(s->damage_offset, text.size());
    EXPECT_EQ(text.substr(s->damage_offset - 2, 2), "\n\n");  // an object starts there
    EXPECT_NE(s->damage_message.find(absl::StrCat("the object at offset ", s->damage_offset,
                                                  " cannot be read: ", path)),
              std::string::npos)
        << s->damage_message;
    IrrIndex prefix_index;
    RpslLoadStats prefix = LoadRpsl(text.substr(0, s->damage_offset), prefix_index);
    ExpectSameLoad(*s, prefix);
    EXPECT_GT(s->added, 3000u);
    EXPECT_EQ(index.object_count(), prefix_index.object_count());
  }
}

// Damage inside an object of any class drops that object; between objects it drops nothing.
TEST(RpslLoaderTest, SourceErrorDropsTheObjectInProgress) {
  const std::string text =
      "route: 10.1.0.0/16\norigin: AS1\nsource: RADB\n\n"  // 45 bytes
      "as-set: AS-X\nmembers: AS1\n\n"
      "route: 10.2.0.0/16\norigin: AS2\nsource: RADB\n";
  struct Case {
    size_t end;
    size_t objects;
    uint64_t damage_offset;
    const char* what;
  };
  for (const Case& c : std::vector<Case>{{30, 0, 0, "object"},
                                         {45, 1, 45, "text"},
                                         {50, 1, 45, "object"},
                                         {65, 1, 45, "object"},
                                         {text.size() - 1, 2, 72, "object"}}) {
    IrrIndex index;
    MemoryByteSource source(absl::string_view(text).substr(0, c.end), 7,
                            absl::DataLossError("cut"));
    RpslLoadStats s = LoadRpslStream(source, index);
    EXPECT_TRUE(s.damaged);
    EXPECT_EQ(s.objects, c.objects) << c.end;
    EXPECT_EQ(s.added, c.objects > 0 ? 1u : 0u) << c.end;
    EXPECT_EQ(s.damage_offset, c.damage_offset) << c.end;
    EXPECT_EQ(s.damage_message,
              absl::StrCat("the ", c.what, " at offset ", c.damage_offset, " cannot be read: cut"));
  }
}

// Memory is bounded: a route object over the cap, or one with a line longer than the buffer,
// is malformed and skipped to its end; other classes are never held, so a big one is fine.
TEST(RpslLoaderTest, OversizedRouteObjectsAreMalformedBigOtherObjectsAreNot) {
  std::string big_descr;
  while (big_descr.size() <= kMaxRpslObjectBytes) big_descr += "descr: a route object\n";
  std::string members;
  while (members.size() <= 2 * kMaxRpslObjectBytes) members += "members: AS1, AS2, AS3\n";
  const std::string long_line(kMaxRpslLineBytes + 10, 'x');
  const std::string text =
      absl::StrCat("route: 10.1.0.0/16\norigin: AS1\nsource: RADB\n", big_descr, "\n",  //
                   "as-set: AS-BIG\n", members, "source: RADB\n\n",                     //
                   "route: 10.2.0.0/16\norigin: AS2\nremarks: ", long_line, "\nsource: RADB\n\n",
                   "% ", long_line, "\n",  // a long comment is just a comment
                   "route: 10.3.0.0/16\norigin: AS3\nsource: RADB\n");
  IrrIndex whole_index;
  RpslLoadStats whole = LoadRpsl(text, whole_index);
  IrrIndex index;
  MemoryByteSource source(text, 100000);
  RpslLoadStats s = LoadRpslStream(source, index);
  for (const RpslLoadStats* stats : {&whole, &s}) {
    EXPECT_EQ(stats->objects, 4u);
    EXPECT_EQ(stats->malformed, 2u);
    EXPECT_EQ(stats->added, 1u);
    EXPECT_EQ(stats->first_error,
              absl::StrCat("object at offset 0 is larger than ", kMaxRpslObjectBytes, " bytes"));
  }
  EXPECT_EQ(index.Lookup(P("10.3.0.0/16"), 3).match, IrrMatch::kExact);
  EXPECT_NE(index.Lookup(P("10.1.0.0/16"), 1).match, IrrMatch::kExact);
  EXPECT_NE(index.Lookup(P("10.2.0.0/16"), 2).match, IrrMatch::kExact);
}

SessionKey S(const char* router, const char* peer) { return {router, *IpAddress::Parse(peer)}; }

Route R(const char* prefix, const char* path) {
  return {P(prefix), {*AsPath::Parse(path), {}, {}, 0}, absl::FromUnixSeconds(1000)};
}

RouteAttributes Attributes(uint32_t origin) {
  RouteAttributes a;
  a.as_path = *AsPath::Parse(absl::StrCat("174 ", origin));
  return a;
}

TEST(AttributeStoreTest, ReleasedSetsAreReusedUntilTheyOutnumberThePeak) {
  AttributeStore store;
  AttributeStore::Id first = store.Acquire(Attributes(1));
  store.Release(first);
  EXPECT_EQ(store.size(), 0u);  // not in use...
  AttributeStore::Id other = store.Acquire(Attributes(7));
  EXPECT_NE(other, first);                         // ...but kept: its slot is not given away
  EXPECT_EQ(store.Acquire(Attributes(1)), first);  // and a re-announcement reuses it
  store.Release(first);
  store.Release(other);
  // Peak use is 1, so unreferenced sets are swept past the 4096 floor; ids are then recycled.
  AttributeStore::Id last = 0;
  for (uint32_t origin = 2; origin < 5000; ++origin) {
    last = store.Acquire(Attributes(origin));
    store.Release(last);
  }
  EXPECT_EQ(store.size(), 0u);
  EXPECT_LT(store.Acquire(Attributes(100000)), last);  // a freed id, not a new slot
  // Sets are still found by value after the sweep freed and recycled their ids.
  AttributeStore::Id again = store.Acquire(Attributes(100001));
  EXPECT_EQ(store.Acquire(Attributes(100001)), again);
  EXPECT_NE(store.Acquire(Attributes(100002)), again);
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.Get(again).as_path.ToString(), "174 100001");
}

TEST(RouteIndexTest, AnnounceReplaceWithdrawAndListeners) {
  RouteIndex index;
  std::vector<RouteChange> seen;
  index.AddListener(
      [&](const std::vector<RouteChange>& c) { seen.insert(seen.end(), c.begin(), c.end()); });
  auto s1 = S("r1", "10.0.0.1");
  index.Announce(s1, R("1.1.1.0/24", "13335"));
  index.Announce(s1, R("1.1.1.0/24", "174 13335"));
  EXPECT_EQ(index.route_count(), 1u);
  EXPECT_EQ(index.attribute_set_count(), 1u);  // the replaced set was released
  EXPECT_EQ(index.Lookup(s1, P("1.1.1.0/24"))->attributes.as_path.ToString(), "174 13335");
  EXPECT_FALSE(index.Lookup(S("r2", "10.0.0.1"), P("1.1.1.0/24")).has_value());
  index.Withdraw(s1, P("1.1.1.0/24"));
  index.Withdraw(s1, P("1.1.1.0/24"));  // a second withdrawal is not a change
  EXPECT_EQ(index.route_count(), 0u);
  EXPECT_EQ(index.attribute_set_count(), 0u);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].kind, RouteChange::Kind::kWithdraw);
}

TEST(RouteIndexTest, SharedAnnouncementsHoldOneAttributeSetPerRoute) {
  RouteIndex index;
  auto s = S("r1", "10.0.0.1");
  RouteBatch batch{s, {}, {}};
  batch.announced_shared.push_back(
      {Attributes(13335), absl::FromUnixSeconds(1000), {P("1.1.1.0/24"), P("1.0.0.0/24")}});
  batch.announced_shared.push_back({Attributes(15169), absl::FromUnixSeconds(1000), {}});
  batch.announced.push_back(R("8.8.8.0/24", "174 13335"));  // equal attributes: shared too
  index.Apply(batch);
  EXPECT_EQ(index.route_count(), 3u);
  EXPECT_EQ(index.attribute_set_count(), 1u);  // the empty group interned nothing
  EXPECT_EQ(index.Lookup(s, P("1.0.0.0/24"))->attributes.as_path.ToString(), "174 13335");
  index.Withdraw(s, P("1.1.1.0/24"));
  index.Withdraw(s, P("8.8.8.0/24"));
  EXPECT_EQ(index.attribute_set_count(), 1u);  // 1.0.0.0/24 still holds it
  index.Withdraw(s, P("1.0.0.0/24"));
  EXPECT_EQ(index.attribute_set_count(), 0u);
}

TEST(RouteIndexTest, SessionStateAndReset) {
  RouteIndex index;
  auto s = S("r1", "2001:db8::1");
  index.Announce(s, R("2606:4700::/32", "13335"));
  EXPECT_TRUE(index.GetSession(s)->established);
  EXPECT_FALSE(index.GetSession(s)->initial_table_complete);
  index.MarkInitialTableComplete(s);
  EXPECT_TRUE(index.GetSession(s)->initial_table_complete);
  index.SetEstablished(s, false);
  EXPECT_FALSE(index.GetSession(s)->established);
  EXPECT_EQ(index.GetSession(s)->route_count, 1u);  // routes kept while down
  index.SetEstablished(s, true);
  EXPECT_FALSE(index.GetSession(s)->initial_table_complete);
  std::vector<RouteChange> seen;
  index.AddListener(
      [&](const std::vector<RouteChange>& c) { seen.insert(seen.end(), c.begin(), c.end()); });
  index.ResetSession(s);
  EXPECT_EQ(index.route_count(), 0u);
  EXPECT_EQ(index.attribute_set_count(), 0u);
  ASSERT_EQ(seen.size(), 1u);  // one session change, not a withdrawal per route
  EXPECT_EQ(seen[0].kind, RouteChange::Kind::kSessionReset);
  index.ResetSession(s);  // empty already: not a change
  EXPECT_EQ(seen.size(), 1u);
}

TEST(RouteIndexTest, QuietSessionsSettleOnceAndStaySettled) {
  absl::Time t = absl::FromUnixSeconds(1000);
  FakeClock clock(t);
  RouteIndex index(&clock);
  auto s = S("r1", "10.0.0.1");
  index.Announce(s, R("1.1.1.0/24", "13335"));  // last_update = the clock's time (t)
  EXPECT_EQ(index.SettleQuietSessions(t + absl::Seconds(59), absl::Seconds(60)), 0u);
  EXPECT_FALSE(index.GetSession(s)->initial_table_complete);
  EXPECT_EQ(index.SettleQuietSessions(t + absl::Seconds(60), absl::Seconds(60)), 1u);
  EXPECT_TRUE(index.GetSession(s)->initial_table_complete);
  index.Withdraw(s, P("1.1.1.0/24"));  // a later update does not reopen the initial table
  EXPECT_TRUE(index.GetSession(s)->initial_table_complete);
  EXPECT_EQ(index.SettleQuietSessions(t + absl::Hours(1), absl::Seconds(60)), 0u);
  index.SetEstablished(s, false);
  EXPECT_EQ(index.SettleQuietSessions(t + absl::Hours(1), absl::Seconds(60)), 0u);  // down
}

// Activity is timed by pfxd's clock, not by the router's timestamps: a router whose clock lags
// (routes stamped an hour ago) is not settled while its table is still arriving.
TEST(RouteIndexTest, ARouteStampedInThePastIsStillActivityNow) {
  absl::Time t = absl::FromUnixSeconds(100000);
  FakeClock clock(t);
  RouteIndex index(&clock);
  auto s = S("r1", "10.0.0.1");
  index.SetEstablished(s, true);
  clock.Advance(absl::Seconds(59));
  Route old = R("1.1.1.0/24", "13335");
  old.received = t - absl::Hours(1);
  index.Announce(s, old);
  EXPECT_EQ(index.SettleQuietSessions(t + absl::Seconds(60), absl::Seconds(60)), 0u);
  EXPECT_EQ(index.SettleQuietSessions(t + absl::Seconds(59 + 60), absl::Seconds(60)), 1u);
}

TEST(RouteIndexTest, ListRoutesPagesInPrefixOrder) {
  RouteIndex index;
  auto s = S("r1", "10.0.0.1");
  for (const char* p : {"9.9.9.0/24", "1.1.1.0/24", "8.8.8.0/24", "1.1.0.0/16"}) {
    index.Announce(s, R(p, "13335"));
  }
  auto page1 = index.ListRoutes(s, std::nullopt, 2);
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0].prefix.ToString(), "1.1.0.0/16");
  EXPECT_EQ(page1[1].prefix.ToString(), "1.1.1.0/24");
  auto page2 = index.ListRoutes(s, page1.back().prefix, 2);
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[1].prefix.ToString(), "9.9.9.0/24");
}

TEST(RouteIndexTest, MixedFamiliesListIpv4ThenIpv6AcrossPages) {
  RouteIndex index;
  auto s = S("r1", "10.0.0.1");
  for (const char* p : {"2606:4700::/32", "9.9.9.0/24", "2001:4860::/32", "1.1.1.0/24",
                        "1.1.1.0/25", "255.255.255.0/24"}) {
    index.Announce(s, R(p, "13335"));
  }
  std::vector<std::string> seen;
  std::optional<IpPrefix> after;
  while (true) {
    auto page = index.ListRoutes(s, after, 2);
    if (page.empty()) break;
    for (const Route& r : page) seen.push_back(r.prefix.ToString());
    after = page.back().prefix;
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{"1.1.1.0/24", "1.1.1.0/25", "9.9.9.0/24", "255.255.255.0/24",
                                      "2001:4860::/32", "2606:4700::/32"}));
  EXPECT_TRUE(index.Lookup(s, P("255.255.255.0/24")).has_value());
  EXPECT_FALSE(index.Lookup(s, P("255.255.255.0/25")).has_value());
  index.ResetSession(s);
  EXPECT_EQ(index.route_count(), 0u);
}

TEST(RouteIndexTest, ConcurrentSourcesKeepCountsExact) {
  RouteIndex index;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&index, t] {
      SessionKey s{absl::StrCat("r", t), *IpAddress::Parse("10.0.0.1")};
      for (int i = 0; i < 2000; ++i) {
        IpPrefix p(IpAddress::V4(0x01000000u + (uint32_t(i) << 8)), 24);
        index.Announce(s, {p, {*AsPath::Parse("13335"), {}, {}, 0}, absl::Now()});
        if (i % 2 == 0) index.Withdraw(s, p);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(index.route_count(), 4u * 1000u);
}

}  // namespace
}  // namespace pfx
