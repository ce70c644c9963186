// RouteViews on a real Registry/RocksDB store, a RouteIndex and an IrrStore: received-route
// lookups (peering, connection, filters), paging bounds and tokens, and ListSessions.
#include "engine/route_views.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/dependency_index.h"
#include "engine/irr_store.h"
#include "feed/route_index.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "registry/registry.h"
#include "tests/common/fake_clock.h"
#include "tests/common/registry_call.h"
#include "tests/common/test_store.h"
#include "validator/community.h"

namespace pfx {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// voice-1's sessions, in the peering's connection order (conn-1, conn-2).
SessionKey Sea1() { return {"sea-1", *IpAddress::Parse("198.51.100.1")}; }
SessionKey Sea2() { return {"sea-2", *IpAddress::Parse("198.51.100.5")}; }
// voice-2's sessions (a VOICE peering needs two connections), on voice-1's routers.
SessionKey Other() { return {"sea-1", *IpAddress::Parse("198.51.100.9")}; }
SessionKey Other2() { return {"sea-2", *IpAddress::Parse("198.51.100.13")}; }
// A feed session no peering maps.
SessionKey Unmapped() { return {"sea-3", *IpAddress::Parse("203.0.113.1")}; }

// The i-th of a run of distinct IPv4 prefixes, ascending in i: 10.<i/256>.<i%256>.0/24.
std::string V4(int i) { return absl::StrCat("10.", i / 256, ".", i % 256, ".0/24"); }

// "router|peer prefix" of each route, the order the listing returned them in.
std::vector<std::string> Keys(const v1::ListReceivedRoutesResponse& response) {
  std::vector<std::string> out;
  for (const v1::ReceivedRoute& r : response.received_routes()) {
    out.push_back(
        absl::StrCat(r.session().router(), "|", r.session().peer_address(), " ", r.prefix()));
  }
  return out;
}

std::string Key(const SessionKey& session, const std::string& prefix) {
  return absl::StrCat(session.ToString(), " ", prefix);
}

class RouteViewsTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = std::make_unique<TestStore>("route_views_test");
    ASSERT_TRUE(store_->ok());
    root_ = store_->root();
    db_ = store_->db();
    queue_ = store_->queue();
    events_ = store_->events();
    // 1.1.0.0/16 covers 1.1.1.0/24 and 1.1.2.0/24; 8.8.8.0/24 has its own object; 9.9.9.0/24's
    // object is from a source this store does not accept, so it is not there.
    const std::string irr_path = root_ + "/irr.rpsl";
    std::ofstream(irr_path) << "route: 1.1.0.0/16\norigin: AS13335\nsource: RADB\n\n"
                            << "route: 8.8.8.0/24\norigin: AS15169\nsource: RADB\n\n"
                            << "route: 9.9.9.0/24\norigin: AS19281\nsource: OTHERDB\n\n";
    ASSERT_TRUE(irr_.Reload({irr_path}).ok());
    ASSERT_EQ(irr_.Get()->object_count(), 2u);
    routes_ = std::make_unique<RouteIndex>(&clock_);
    committer_ = std::make_unique<GroupCommitter>(db_, &write_mu_);
    registry_ = std::make_unique<Registry>(StoreContext{db_, queue_, events_,
                                                        &dependencies_, routes_.get(), &clock_,
                                                        &write_mu_, committer_.get()});
    views_ =
        std::make_unique<RouteViews>(db_->page_tokens(), registry_.get(), routes_.get(), &irr_);
    CreatePeering("voice-1", 13335, {Sea1(), Sea2()});
    CreatePeering("voice-2", 15169, {Other(), Other2()});
  }

  void TearDown() override {
    views_.reset();
    registry_.reset();
    if (committer_ != nullptr) committer_->Stop();
    committer_.reset();
    routes_.reset();
    store_.reset();
  }

  // A VOICE peering with one connection (conn-1, conn-2, ...) per session, as the e2e
  // MakePeering shapes it; the connections stay in their initial state.
  void CreatePeering(const std::string& name, int64_t asn,
                     const std::vector<SessionKey>& sessions) {
    v1::CreatePeeringRequest create;
    v1::Peering& p = *create.mutable_peering();
    p.set_name(name);
    p.set_peer_asn(asn);
    p.set_kind(v1::PEERING_KIND_VOICE);
    int i = 0;
    for (const SessionKey& s : sessions) {
      v1::Connection& c = *p.add_connections();
      c.set_connection_id(absl::StrCat("conn-", ++i));
      c.set_peering_location("Seattle");
      c.set_microsoft_router(s.router);
      c.set_bandwidth_mbps(10000);
      c.set_use_for_peering_service(true);
      c.add_sessions()->set_peer_session_ipv4_address(s.peer.ToString());
    }
    absl::StatusOr<v1::Peering> created = Call(*registry_, &Registry::CreatePeering, create);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  void Announce(const SessionKey& session, const std::string& prefix, const std::string& path,
                std::vector<uint32_t> communities = {}) {
    routes_->Announce(session,
                      Route{*IpPrefix::Parse(prefix),
                            {*AsPath::Parse(path), std::move(communities), session.peer, 0},
                            clock_.Now()});
  }

  // Origin states against the IRR above (sea-1: five routes, sea-2: two), in prefix order:
  //   sea-1  1.1.1.0/24 "174 13335" VALID (covering object)   1.1.2.0/24 "174 64512" INVALID
  //          8.8.4.0/24 "3356 15169" NOT_FOUND   8.8.8.0/24 "3356 15169" VALID (exact)
  //          9.9.9.0/24 "19281" NOT_FOUND (object from an unaccepted source)
  //   sea-2  1.1.1.0/24 "3356 13335" VALID   8.8.8.0/24 "174 64512" INVALID (other origin)
  void AnnounceFilterSet() {
    Announce(Sea1(), "9.9.9.0/24", "19281");
    Announce(Sea1(), "8.8.8.0/24", "3356 15169");
    Announce(Sea1(), "8.8.4.0/24", "3356 15169");
    Announce(Sea1(), "1.1.2.0/24", "174 64512");
    Announce(Sea1(), "1.1.1.0/24", "174 13335");
    Announce(Sea2(), "8.8.8.0/24", "174 64512");
    Announce(Sea2(), "1.1.1.0/24", "3356 13335");
  }

  // `count` routes on `session`, one batch: V4(0) .. V4(count - 1).
  void AnnounceMany(const SessionKey& session, int count) {
    RouteBatch batch{session, {}, {}};
    for (int i = 0; i < count; ++i) {
      batch.announced.push_back(Route{
          *IpPrefix::Parse(V4(i)), {*AsPath::Parse("13335"), {}, session.peer, 0}, clock_.Now()});
    }
    routes_->Apply(batch);
  }

  v1::ListReceivedRoutesRequest Request(const std::string& peering = "voice-1") {
    v1::ListReceivedRoutesRequest request;
    request.set_peering_name(peering);
    return request;
  }

  absl::StatusOr<v1::ListReceivedRoutesResponse> List(const v1::ListReceivedRoutesRequest& r) {
    return views_->ListReceivedRoutes(r);
  }

  // Every page of `request` until one has no token; each page's size in `page_sizes`.
  std::vector<std::string> ListAll(v1::ListReceivedRoutesRequest request,
                                   std::vector<int>* page_sizes) {
    std::vector<std::string> all;
    for (int page = 0; page < 100; ++page) {
      absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
      EXPECT_TRUE(response.ok()) << response.status();
      if (!response.ok()) break;
      page_sizes->push_back(response->received_routes_size());
      for (std::string& k : Keys(*response)) all.push_back(std::move(k));
      if (response->next_page_token().empty()) break;
      request.set_page_token(response->next_page_token());
    }
    return all;
  }

  std::string root_;
  FakeClock clock_;
  std::unique_ptr<TestStore> store_;
  Database* db_ = nullptr;
  ValidationQueue* queue_ = nullptr;
  EventLog* events_ = nullptr;
  IrrStore irr_{{"RADB"}};
  DependencyIndex dependencies_;
  absl::Mutex write_mu_;
  std::unique_ptr<RouteIndex> routes_;
  std::unique_ptr<GroupCommitter> committer_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<RouteViews> views_;
};

TEST_F(RouteViewsTest, PeeringThatDoesNotExistIsNotFoundNamingPeeringName) {
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(Request("voice-9"));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(response.status().message(), HasSubstr("peering_name: "));
  EXPECT_THAT(response.status().message(), HasSubstr("'voice-9'"));
}

TEST_F(RouteViewsTest, UnknownConnectionIdIsNotFoundNamingConnectionId) {
  v1::ListReceivedRoutesRequest request = Request();
  request.set_connection_id("conn-3");  // voice-1 has conn-1 and conn-2
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(response.status().message(), HasSubstr("connection_id: "));
  EXPECT_THAT(response.status().message(), HasSubstr("'conn-3'"));
}

TEST_F(RouteViewsTest, NegativePageSizeIsInvalidNamingPageSize) {
  v1::ListReceivedRoutesRequest request = Request();
  request.set_page_size(-1);
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("page_size: "));
}

TEST_F(RouteViewsTest, MalformedPrefixFilterIsInvalidNamingPrefix) {
  v1::ListReceivedRoutesRequest request = Request();
  request.set_prefix("1.1.1.1/24");  // host bits set
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("prefix: "));
}

TEST_F(RouteViewsTest, UndefinedOriginStateIsInvalidNamingTheField) {
  v1::ListReceivedRoutesRequest request = Request();
  request.set_origin_as_validation_state(static_cast<v1::RouteValidationState>(99));
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(response.status().message(), HasSubstr("origin_as_validation_state: 99"));
}

TEST_F(RouteViewsTest, PageSizeZeroMeansOneHundred) {
  AnnounceMany(Sea1(), 150);
  v1::ListReceivedRoutesRequest request = Request();
  request.set_page_size(0);
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->received_routes_size(), RouteViews::kDefaultPageSize);
  EXPECT_EQ(response->received_routes(99).prefix(), V4(99));
  EXPECT_FALSE(response->next_page_token().empty());
}

TEST_F(RouteViewsTest, PageSizeAboveTheMaximumIsCappedAtOneThousand) {
  AnnounceMany(Sea1(), 1200);
  v1::ListReceivedRoutesRequest request = Request();
  request.set_page_size(5000);
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->received_routes_size(), RouteViews::kMaxPageSize);
  EXPECT_EQ(response->received_routes(999).prefix(), V4(999));
  ASSERT_FALSE(response->next_page_token().empty());

  request.set_page_token(response->next_page_token());
  response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->received_routes_size(), 200);
  EXPECT_EQ(response->received_routes(0).prefix(), V4(1000));
  EXPECT_EQ(response->next_page_token(), "");
}

TEST_F(RouteViewsTest, PagingReturnsEveryRouteOnceInSessionThenPrefixOrder) {
  // Seven routes a session, IPv4 then IPv6, announced in reverse order; the feed also holds
  // routes of other peerings' sessions, which the listing must not show.
  const std::vector<std::string> prefixes = {
      V4(0), V4(1), V4(2), V4(3), V4(4), "2001:db8:1::/48", "2001:db8:2::/48"};
  for (const SessionKey& s : {Sea2(), Sea1()}) {
    for (auto p = prefixes.rbegin(); p != prefixes.rend(); ++p) Announce(s, *p, "13335");
  }
  Announce(Other(), V4(0), "15169");
  Announce(Unmapped(), V4(0), "64500");
  std::vector<std::string> expected;
  for (const SessionKey& s : {Sea1(), Sea2()}) {
    for (const std::string& p : prefixes) expected.push_back(Key(s, p));
  }

  // 14 routes, 3 a page: pages cross from IPv4 to IPv6 and from sea-1 to sea-2.
  v1::ListReceivedRoutesRequest request = Request();
  request.set_page_size(3);
  std::vector<int> page_sizes;
  EXPECT_THAT(ListAll(request, &page_sizes), ElementsAreArray(expected));
  EXPECT_THAT(page_sizes, ElementsAre(3, 3, 3, 3, 2));  // the last (short) page has no token
}

TEST_F(RouteViewsTest, PageThatEndsTheListingHasNoToken) {
  for (const SessionKey& s : {Sea1(), Sea2()}) AnnounceMany(s, 4);
  v1::ListReceivedRoutesRequest request = Request();
  request.set_page_size(4);  // 8 routes: two full pages, the second one ends the listing
  std::vector<int> page_sizes;
  EXPECT_EQ(ListAll(request, &page_sizes).size(), 8u);
  // A full last page has no token (a token on it made the client fetch an extra empty page);
  // like ListMessages, a token is issued only when another route exists.
  EXPECT_THAT(page_sizes, ElementsAre(4, 4));
}

TEST_F(RouteViewsTest, PageSizeMayChangeBetweenPagesOfOneListing) {
  for (const SessionKey& s : {Sea1(), Sea2()}) AnnounceMany(s, 3);
  v1::ListReceivedRoutesRequest request = Request();
  request.set_page_size(2);
  absl::StatusOr<v1::ListReceivedRoutesResponse> first = List(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());
  request.set_page_token(first->next_page_token());
  request.set_page_size(10);
  absl::StatusOr<v1::ListReceivedRoutesResponse> rest = List(request);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_THAT(Keys(*rest), ElementsAre(Key(Sea1(), V4(2)), Key(Sea2(), V4(0)), Key(Sea2(), V4(1)),
                                       Key(Sea2(), V4(2))));
  EXPECT_EQ(rest->next_page_token(), "");
}

TEST_F(RouteViewsTest, TokenReusedWithOtherFiltersIsInvalidNamingPageToken) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_page_size(2);
  absl::StatusOr<v1::ListReceivedRoutesResponse> first = List(request);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token().empty());

  std::vector<v1::ListReceivedRoutesRequest> changed(5, request);
  changed[0].set_as_path("174");
  changed[1].set_connection_id("conn-1");
  changed[2].set_prefix("1.1.1.0/24");
  changed[3].set_origin_as_validation_state(v1::ROUTE_VALIDATION_STATE_VALID);
  changed[4].set_peering_name("voice-2");
  for (v1::ListReceivedRoutesRequest& r : changed) {
    r.set_page_token(first->next_page_token());
    absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(r);
    EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument) << r.DebugString();
    EXPECT_THAT(response.status().message(), HasSubstr("page_token: ")) << r.DebugString();
  }

  v1::ListReceivedRoutesRequest forged = request;
  forged.set_page_token("bm90LWEtdG9rZW4");
  EXPECT_EQ(List(forged).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(RouteViewsTest, ReceivedRouteShowsTheFeedsAttributesAndSession) {
  const absl::Time received = clock_.Now();
  routes_->Announce(Sea2(), Route{*IpPrefix::Parse("1.1.1.0/24"),
                                  {*AsPath::Parse("3356 13335"),
                                   {MakeCommunity(8075, 8007), MakeCommunity(3356, 100)},
                                   *IpAddress::Parse("192.0.2.7"),
                                   0},
                                  received});
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(Request());
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->received_routes_size(), 1);
  const v1::ReceivedRoute& r = response->received_routes(0);
  EXPECT_EQ(r.prefix(), "1.1.1.0/24");
  EXPECT_EQ(r.next_hop(), "192.0.2.7");
  EXPECT_EQ(r.as_path(), "3356 13335");
  ASSERT_EQ(r.as_path_segments_size(), 1);
  EXPECT_THAT(r.as_path_segments(0).asns(), ElementsAre(3356, 13335));
  EXPECT_THAT(r.communities(), ElementsAre("8075:8007", "3356:100"));
  EXPECT_EQ(r.origin_as_validation_state(), v1::ROUTE_VALIDATION_STATE_VALID);
  EXPECT_EQ(r.rpki_validation_state(), v1::ROUTE_VALIDATION_STATE_NOT_EVALUATED);
  EXPECT_EQ(r.received_timestamp().seconds(), absl::ToUnixSeconds(received));
  EXPECT_EQ(r.session().router(), "sea-2");
  EXPECT_EQ(r.session().peer_address(), "198.51.100.5");
  EXPECT_EQ(response->next_page_token(), "");
}

TEST_F(RouteViewsTest, ConnectionIdListsOnlyThatConnectionsSessions) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_connection_id("conn-2");
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Keys(*response), ElementsAre(Key(Sea2(), "1.1.1.0/24"), Key(Sea2(), "8.8.8.0/24")));
}

TEST_F(RouteViewsTest, ExactPrefixFilterMatchesOnlyThatPrefixOnEachSession) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_prefix("1.1.1.0/24");
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Keys(*response), ElementsAre(Key(Sea1(), "1.1.1.0/24"), Key(Sea2(), "1.1.1.0/24")));

  request.set_prefix("1.1.0.0/16");  // covers routes, but is not one
  response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->received_routes_size(), 0);
  EXPECT_EQ(response->next_page_token(), "");
}

TEST_F(RouteViewsTest, ExactPrefixFilterPagesOneSessionAtATime) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_prefix("1.1.1.0/24");
  request.set_page_size(1);
  std::vector<int> page_sizes;
  EXPECT_THAT(ListAll(request, &page_sizes),
              ElementsAre(Key(Sea1(), "1.1.1.0/24"), Key(Sea2(), "1.1.1.0/24")));
  EXPECT_EQ(page_sizes.front(), 1);
}

TEST_F(RouteViewsTest, AsPathFilterMatchesASubstringOfThePathText) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_as_path("174");
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Keys(*response), ElementsAre(Key(Sea1(), "1.1.1.0/24"), Key(Sea1(), "1.1.2.0/24"),
                                           Key(Sea2(), "8.8.8.0/24")));

  request.set_as_path("3356 151");  // across an ASN boundary, into the next ASN
  response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Keys(*response), ElementsAre(Key(Sea1(), "8.8.4.0/24"), Key(Sea1(), "8.8.8.0/24")));

  request.set_as_path("13335 174");  // the order matters
  response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->received_routes_size(), 0);
}

TEST_F(RouteViewsTest, OriginFilterValidMatchesExactAndCoveringIrrObjects) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_origin_as_validation_state(v1::ROUTE_VALIDATION_STATE_VALID);
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Keys(*response), ElementsAre(Key(Sea1(), "1.1.1.0/24"), Key(Sea1(), "8.8.8.0/24"),
                                           Key(Sea2(), "1.1.1.0/24")));
  for (const v1::ReceivedRoute& r : response->received_routes()) {
    EXPECT_EQ(r.origin_as_validation_state(), v1::ROUTE_VALIDATION_STATE_VALID);
  }
}

TEST_F(RouteViewsTest, OriginFilterInvalidMatchesObjectsWithOtherOriginsOnly) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_origin_as_validation_state(v1::ROUTE_VALIDATION_STATE_INVALID);
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Keys(*response), ElementsAre(Key(Sea1(), "1.1.2.0/24"), Key(Sea2(), "8.8.8.0/24")));
  for (const v1::ReceivedRoute& r : response->received_routes()) {
    EXPECT_EQ(r.origin_as_validation_state(), v1::ROUTE_VALIDATION_STATE_INVALID);
  }
}

TEST_F(RouteViewsTest, OriginFilterNotFoundMatchesRoutesWithoutAnAcceptedObject) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_origin_as_validation_state(v1::ROUTE_VALIDATION_STATE_NOT_FOUND);
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Keys(*response), ElementsAre(Key(Sea1(), "8.8.4.0/24"), Key(Sea1(), "9.9.9.0/24")));
  for (const v1::ReceivedRoute& r : response->received_routes()) {
    EXPECT_EQ(r.origin_as_validation_state(), v1::ROUTE_VALIDATION_STATE_NOT_FOUND);
  }
}

TEST_F(RouteViewsTest, FiltersCombineWithAnd) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_as_path("3356");
  request.set_origin_as_validation_state(v1::ROUTE_VALIDATION_STATE_VALID);
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_THAT(Keys(*response), ElementsAre(Key(Sea1(), "8.8.8.0/24"), Key(Sea2(), "1.1.1.0/24")));
}

TEST_F(RouteViewsTest, FilteredPagesAreFullAndSkipNonMatchingRoutes) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_origin_as_validation_state(v1::ROUTE_VALIDATION_STATE_VALID);
  request.set_page_size(2);
  std::vector<int> page_sizes;
  EXPECT_THAT(
      ListAll(request, &page_sizes),
      ElementsAre(Key(Sea1(), "1.1.1.0/24"), Key(Sea1(), "8.8.8.0/24"), Key(Sea2(), "1.1.1.0/24")));
  EXPECT_THAT(page_sizes, ElementsAre(2, 1));
}

TEST_F(RouteViewsTest, RpkiFilterOtherThanNotEvaluatedMatchesNothingYet) {
  AnnounceFilterSet();
  v1::ListReceivedRoutesRequest request = Request();
  request.set_rpki_validation_state(v1::ROUTE_VALIDATION_STATE_NOT_EVALUATED);
  absl::StatusOr<v1::ListReceivedRoutesResponse> response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->received_routes_size(), 7);

  request.set_rpki_validation_state(v1::ROUTE_VALIDATION_STATE_VALID);
  response = List(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->received_routes_size(), 0);
  EXPECT_EQ(response->next_page_token(), "");
}

TEST_F(RouteViewsTest, ListSessionsOfAPeeringListsOnlyItsSessionsWithRouteCounts) {
  AnnounceFilterSet();                   // sea-1: 5 routes, sea-2: 2
  Announce(Other(), V4(0), "15169");     // voice-2, same router as sea-1
  Announce(Unmapped(), V4(0), "64500");  // no peering
  routes_->SetEstablished(Sea2(), false);
  routes_->MarkInitialTableComplete(Sea1());

  v1::ListSessionsRequest request;
  request.set_peering_name("voice-1");
  absl::StatusOr<v1::ListSessionsResponse> response = views_->ListSessions(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->sessions_size(), 2);
  const v1::SessionStatus& sea1 = response->sessions(0);
  EXPECT_EQ(sea1.session().router(), "sea-1");
  EXPECT_EQ(sea1.session().peer_address(), "198.51.100.1");
  EXPECT_EQ(sea1.route_count(), 5);
  EXPECT_EQ(sea1.session_state(), v1::SESSION_STATE_ESTABLISHED);
  EXPECT_TRUE(sea1.initial_table_complete());
  EXPECT_EQ(sea1.last_update().seconds(), absl::ToUnixSeconds(clock_.Now()));
  const v1::SessionStatus& sea2 = response->sessions(1);
  EXPECT_EQ(sea2.session().router(), "sea-2");
  EXPECT_EQ(sea2.session().peer_address(), "198.51.100.5");
  EXPECT_EQ(sea2.route_count(), 2);  // a session that went down keeps its routes
  EXPECT_EQ(sea2.session_state(), v1::SESSION_STATE_IDLE);
  EXPECT_FALSE(sea2.initial_table_complete());
}

TEST_F(RouteViewsTest, ListSessionsWithoutAPeeringListsEveryFeedSession) {
  AnnounceFilterSet();
  Announce(Other(), V4(0), "15169");
  Announce(Unmapped(), V4(0), "64500");
  absl::StatusOr<v1::ListSessionsResponse> response = views_->ListSessions({});
  ASSERT_TRUE(response.ok()) << response.status();
  std::vector<std::string> listed;
  for (const v1::SessionStatus& s : response->sessions()) {
    listed.push_back(
        absl::StrCat(s.session().router(), "|", s.session().peer_address(), " ", s.route_count()));
  }
  EXPECT_THAT(listed, ElementsAre("sea-1|198.51.100.1 5", "sea-1|198.51.100.9 1",
                                  "sea-2|198.51.100.5 2", "sea-3|203.0.113.1 1"));
}

TEST_F(RouteViewsTest, ListSessionsOmitsMappedSessionsTheFeedHasNotSeen) {
  Announce(Sea2(), V4(0), "13335");
  v1::ListSessionsRequest request;
  request.set_peering_name("voice-1");
  absl::StatusOr<v1::ListSessionsResponse> response = views_->ListSessions(request);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->sessions_size(), 1);
  EXPECT_EQ(response->sessions(0).session().router(), "sea-2");
  EXPECT_EQ(response->sessions(0).route_count(), 1);
}

TEST_F(RouteViewsTest, ListSessionsOfAPeeringThatDoesNotExistIsNotFoundNamingPeeringName) {
  v1::ListSessionsRequest request;
  request.set_peering_name("voice-9");
  absl::StatusOr<v1::ListSessionsResponse> response = views_->ListSessions(request);
  EXPECT_EQ(response.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(response.status().message(), HasSubstr("peering_name: "));
}

}  // namespace
}  // namespace pfx
