// RouteInjection on a RouteIndex with a fake clock: what an injected announcement stores
// (next hop, received time, session phase), session states, and that a request with an error
// names the field and applies nothing.
#include "engine/route_injection.h"

#include <string>
#include <vector>

#include "feed/route_index.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/fake_clock.h"
#include "validator/community.h"

namespace pfx {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kRouter[] = "sea-1";
constexpr char kPeer[] = "198.51.100.1";

SessionKey Session() { return {kRouter, *IpAddress::Parse(kPeer)}; }

v1::SessionRef Ref(const std::string& router = kRouter, const std::string& peer = kPeer) {
  v1::SessionRef ref;
  ref.set_router(router);
  ref.set_peer_address(peer);
  return ref;
}

v1::InjectedRoute Injected(const std::string& prefix, const std::string& as_path = "13335",
                           std::vector<std::string> communities = {"8075:8007"},
                           const std::string& next_hop = "") {
  v1::InjectedRoute r;
  r.set_prefix(prefix);
  r.set_as_path(as_path);
  for (const std::string& c : communities) r.add_communities(c);
  r.set_next_hop(next_hop);
  return r;
}

v1::AnnounceRoutesRequest Announcement(std::vector<v1::InjectedRoute> routes,
                                       v1::SessionRef session = Ref()) {
  v1::AnnounceRoutesRequest request;
  *request.mutable_session() = std::move(session);
  for (v1::InjectedRoute& r : routes) *request.add_routes() = std::move(r);
  return request;
}

class RouteInjectionTest : public testing::Test {
 protected:
  // The prefixes `session` holds, in order.
  std::vector<std::string> Prefixes(const SessionKey& session = Session()) {
    std::vector<std::string> out;
    for (const Route& r : routes_.ListRoutes(session, std::nullopt, 1000)) {
      out.push_back(r.prefix.ToString());
    }
    return out;
  }

  // `request` fails with INVALID_ARGUMENT naming `field`.
  void ExpectInvalid(const absl::Status& status, const std::string& field) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_THAT(status.message(), HasSubstr(field + ": ")) << status;
  }

  FakeClock clock_;
  RouteIndex routes_{&clock_};
  RouteInjection injection_{&routes_, &clock_};
};

TEST_F(RouteInjectionTest, AnnounceOnANewSessionMarksItsInitialTableComplete) {
  ASSERT_TRUE(injection_.Announce(Announcement({Injected("1.1.1.0/24")})).ok());
  std::optional<SessionStatus> status = routes_.GetSession(Session());
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->established);
  EXPECT_TRUE(status->initial_table_complete);
  EXPECT_EQ(status->route_count, 1u);
}

TEST_F(RouteInjectionTest, EmptyAnnounceStillCreatesACompleteSession) {
  ASSERT_TRUE(injection_.Announce(Announcement({})).ok());
  std::optional<SessionStatus> status = routes_.GetSession(Session());
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->initial_table_complete);
  EXPECT_EQ(status->route_count, 0u);
}

TEST_F(RouteInjectionTest, AnnounceKeepsTheInitialTablePhaseSetSessionStateAskedFor) {
  v1::SetSessionStateRequest up;
  *up.mutable_session() = Ref();
  up.set_established(true);
  up.set_initial_table_complete(false);
  ASSERT_TRUE(injection_.SetSessionState(up).ok());
  ASSERT_FALSE(routes_.GetSession(Session())->initial_table_complete);

  ASSERT_TRUE(injection_.Announce(Announcement({Injected("1.1.1.0/24")})).ok());
  EXPECT_FALSE(routes_.GetSession(Session())->initial_table_complete);
}

TEST_F(RouteInjectionTest, WithdrawOnANewSessionLeavesNoInitialTablePhase) {
  v1::WithdrawRoutesRequest request;
  *request.mutable_session() = Ref();
  request.add_prefixes("1.1.1.0/24");
  ASSERT_TRUE(injection_.Withdraw(request).ok());
  std::optional<SessionStatus> status = routes_.GetSession(Session());
  ASSERT_TRUE(status.has_value());  // RouteIndex::Apply creates the session
  // A session first seen through an injected withdrawal has no initial-table phase either
  // (it was left in one, so validation said UNKNOWN until the settle time).
  EXPECT_TRUE(status->initial_table_complete);
}

TEST_F(RouteInjectionTest, NextHopDefaultsToTheSessionPeer) {
  ASSERT_TRUE(injection_
                  .Announce(Announcement(
                      {Injected("1.1.1.0/24"), Injected("1.0.0.0/24", "13335", {}, "192.0.2.7")}))
                  .ok());
  std::optional<Route> defaulted = routes_.Lookup(Session(), *IpPrefix::Parse("1.1.1.0/24"));
  ASSERT_TRUE(defaulted.has_value());
  EXPECT_EQ(defaulted->attributes.next_hop.ToString(), kPeer);
  std::optional<Route> given = routes_.Lookup(Session(), *IpPrefix::Parse("1.0.0.0/24"));
  ASSERT_TRUE(given.has_value());
  EXPECT_EQ(given->attributes.next_hop.ToString(), "192.0.2.7");
}

TEST_F(RouteInjectionTest, ReceivedTimeIsTheInjectedClocks) {
  clock_.Advance(absl::Seconds(42));
  const absl::Time now = clock_.Now();
  ASSERT_TRUE(injection_.Announce(Announcement({Injected("1.1.1.0/24")})).ok());
  std::optional<Route> route = routes_.Lookup(Session(), *IpPrefix::Parse("1.1.1.0/24"));
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->received, now);
  EXPECT_EQ(routes_.GetSession(Session())->last_update, now);
}

TEST_F(RouteInjectionTest, AnnounceStoresThePathAndCommunitiesGiven) {
  ASSERT_TRUE(
      injection_
          .Announce(Announcement({Injected("1.1.1.0/24", "174 13335", {"8075:8007", "174:21000"})}))
          .ok());
  std::optional<Route> route = routes_.Lookup(Session(), *IpPrefix::Parse("1.1.1.0/24"));
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->attributes.as_path.ToString(), "174 13335");
  EXPECT_THAT(route->attributes.communities,
              ElementsAre(MakeCommunity(8075, 8007), MakeCommunity(174, 21000)));
}

TEST_F(RouteInjectionTest, BadRouterNamesSessionRouterAndCreatesNoSession) {
  ExpectInvalid(injection_.Announce(Announcement({Injected("1.1.1.0/24")}, Ref(""))),
                "session.router");
  EXPECT_THAT(routes_.Sessions(), IsEmpty());
}

TEST_F(RouteInjectionTest, BadPeerAddressNamesSessionPeerAddressAndCreatesNoSession) {
  ExpectInvalid(
      injection_.Announce(Announcement({Injected("1.1.1.0/24")}, Ref(kRouter, "198.51.100"))),
      "session.peer_address");
  v1::WithdrawRoutesRequest withdraw;
  *withdraw.mutable_session() = Ref(kRouter, "");
  withdraw.add_prefixes("1.1.1.0/24");
  ExpectInvalid(injection_.Withdraw(withdraw), "session.peer_address");
  v1::SetSessionStateRequest state;
  *state.mutable_session() = Ref(kRouter, "not-an-address");
  state.set_established(true);
  ExpectInvalid(injection_.SetSessionState(state), "session.peer_address");
  EXPECT_THAT(routes_.Sessions(), IsEmpty());
  EXPECT_EQ(routes_.route_count(), 0u);
}

TEST_F(RouteInjectionTest, BadPrefixNamesItsIndexAndAppliesNoRouteOfTheRequest) {
  ExpectInvalid(injection_.Announce(Announcement({Injected("1.1.1.0/24"), Injected("1.0.0.1/24")})),
                "routes[1].prefix");
  EXPECT_EQ(routes_.route_count(), 0u);
  EXPECT_FALSE(routes_.GetSession(Session()).has_value());
}

TEST_F(RouteInjectionTest, BadAsPathNamesItsIndexAndAppliesNothing) {
  ExpectInvalid(injection_.Announce(
                    Announcement({Injected("1.1.1.0/24"), Injected("1.0.0.0/24", "13335 {}")})),
                "routes[1].as_path");
  EXPECT_EQ(routes_.route_count(), 0u);
  EXPECT_FALSE(routes_.GetSession(Session()).has_value());
}

TEST_F(RouteInjectionTest, BadCommunityNamesItsIndexAndAppliesNothing) {
  ExpectInvalid(injection_.Announce(Announcement(
                    {Injected("1.1.1.0/24"), Injected("1.0.0.0/24", "13335", {"8075:65536"})})),
                "routes[1].communities");
  EXPECT_EQ(routes_.route_count(), 0u);
  EXPECT_FALSE(routes_.GetSession(Session()).has_value());
}

TEST_F(RouteInjectionTest, BadNextHopNamesItsIndexAndAppliesNothing) {
  ExpectInvalid(injection_.Announce(Announcement(
                    {Injected("1.1.1.0/24"), Injected("1.0.0.0/24", "13335", {}, "192.0.2")})),
                "routes[1].next_hop");
  EXPECT_EQ(routes_.route_count(), 0u);
  EXPECT_FALSE(routes_.GetSession(Session()).has_value());
}

TEST_F(RouteInjectionTest, BadRouteOnAnExistingSessionLeavesItsRoutesAsTheyWere) {
  ASSERT_TRUE(injection_.Announce(Announcement({Injected("1.1.1.0/24", "13335")})).ok());
  ExpectInvalid(injection_.Announce(Announcement(
                    {Injected("1.1.1.0/24", "174 13335"), Injected("1.0.0.0/24"), Injected("")})),
                "routes[2].prefix");
  EXPECT_THAT(Prefixes(), ElementsAre("1.1.1.0/24"));
  EXPECT_EQ(
      routes_.Lookup(Session(), *IpPrefix::Parse("1.1.1.0/24"))->attributes.as_path.ToString(),
      "13335");
}

TEST_F(RouteInjectionTest, BadWithdrawnPrefixNamesItsIndexAndWithdrawsNothing) {
  ASSERT_TRUE(
      injection_.Announce(Announcement({Injected("1.1.1.0/24"), Injected("1.0.0.0/24")})).ok());
  v1::WithdrawRoutesRequest request;
  *request.mutable_session() = Ref();
  request.add_prefixes("1.1.1.0/24");
  request.add_prefixes("1.0.0.0/33");
  ExpectInvalid(injection_.Withdraw(request), "prefixes[1]");
  EXPECT_THAT(Prefixes(), ElementsAre("1.0.0.0/24", "1.1.1.0/24"));
}

TEST_F(RouteInjectionTest, WithdrawRemovesOnlyTheNamedPrefixes) {
  ASSERT_TRUE(
      injection_.Announce(Announcement({Injected("1.1.1.0/24"), Injected("1.0.0.0/24")})).ok());
  v1::WithdrawRoutesRequest request;
  *request.mutable_session() = Ref();
  request.add_prefixes("1.1.1.0/24");
  request.add_prefixes("8.8.8.0/24");  // not announced: nothing to do
  ASSERT_TRUE(injection_.Withdraw(request).ok());
  EXPECT_THAT(Prefixes(), ElementsAre("1.0.0.0/24"));
  EXPECT_EQ(routes_.GetSession(Session())->route_count, 1u);
}

TEST_F(RouteInjectionTest, SetSessionStateDownKeepsTheRoutes) {
  ASSERT_TRUE(injection_.Announce(Announcement({Injected("1.1.1.0/24")})).ok());
  v1::SetSessionStateRequest down;
  *down.mutable_session() = Ref();
  down.set_established(false);
  ASSERT_TRUE(injection_.SetSessionState(down).ok());
  std::optional<SessionStatus> status = routes_.GetSession(Session());
  EXPECT_FALSE(status->established);
  EXPECT_EQ(status->route_count, 1u);
}

TEST_F(RouteInjectionTest, SetSessionStateUpMarksTheTableCompleteOnlyWhenAsked) {
  v1::SetSessionStateRequest down;
  *down.mutable_session() = Ref();
  down.set_established(false);
  ASSERT_TRUE(injection_.SetSessionState(down).ok());

  v1::SetSessionStateRequest up = down;
  up.set_established(true);
  ASSERT_TRUE(injection_.SetSessionState(up).ok());
  EXPECT_TRUE(routes_.GetSession(Session())->established);
  EXPECT_FALSE(routes_.GetSession(Session())->initial_table_complete);

  up.set_initial_table_complete(true);
  ASSERT_TRUE(injection_.SetSessionState(up).ok());
  EXPECT_TRUE(routes_.GetSession(Session())->initial_table_complete);
}

}  // namespace
}  // namespace pfx
