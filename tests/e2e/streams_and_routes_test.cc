// Streams and feed views: Revalidate progress, WatchValidation, ListReceivedRoutes paging,
// ListSessions, an MRT file loaded at start-up, and pfxctl against the running server.
#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class StreamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string irr = WriteTempFile("streams.rpsl", RouteObjects({{"1.1.1.0/24", 13335}}));
    pfxd_ = std::make_unique<PfxdProcess>(std::vector<std::string>{
        "--enable_route_injection", "--irr=" + irr, "--debounce_millis=20",
        "--mrt=jinx=" PFX_SOURCE_DIR
        "/testdata/mrt/routeviews.route-views.jinx.updates.1401493500.bz2"});
    ASSERT_TRUE(pfxd_->Start());
    ASSERT_TRUE(CreateActivePeering(*pfxd_, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                        {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                         {"Seattle", "sea-2", {"198.51.100.5"}}}))
                    .ok());
  }
  std::unique_ptr<PfxdProcess> pfxd_;
};

TEST_F(StreamsTest, RevalidateStreamsProgressToTheEnd) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(
        RegisterPrefix(*pfxd_, "voice-1", absl::StrCat("r", i), absl::StrCat("30.0.", i, ".0/24"))
            .ok());
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto reader = pfxd_->validation().Revalidate(&ctx, v1::RevalidateRequest());
  v1::RevalidateResponse p, last;
  int messages = 0;
  while (reader->Read(&p)) {
    last = p;
    ++messages;
  }
  grpc::Status finish = reader->Finish();
  ASSERT_TRUE(finish.ok()) << finish.error_message() << " after " << messages << " messages, last "
                           << last.ShortDebugString();
  EXPECT_GE(messages, 1);
  EXPECT_TRUE(last.finished());
  EXPECT_EQ(last.total(), 20);
  EXPECT_EQ(last.done(), 20);
  EXPECT_EQ(last.states().at("PREFIX_VALIDATION_STATE_FAILED"), 20);

  // Filters: exact prefixes (the resources are parsed), states; both must match.
  auto revalidate = [&](const v1::RevalidateRequest& request) {
    grpc::ClientContext c;
    c.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    auto r = pfxd_->validation().Revalidate(&c, request);
    v1::RevalidateResponse progress;
    while (r->Read(&progress)) {
    }
    EXPECT_TRUE(r->Finish().ok());
    return progress;
  };
  v1::RevalidateRequest two;
  two.add_prefixes("30.0.3.0/24");
  two.add_prefixes("30.0.17.0/24");
  EXPECT_EQ(revalidate(two).total(), 2);
  v1::RevalidateRequest failed;
  failed.add_states(v1::PREFIX_VALIDATION_STATE_FAILED);
  EXPECT_EQ(revalidate(failed).done(), 20);
  failed.add_prefixes("30.0.3.0/24");
  EXPECT_EQ(revalidate(failed).total(), 1);
  v1::RevalidateRequest verified;
  verified.add_states(v1::PREFIX_VALIDATION_STATE_VERIFIED);
  EXPECT_EQ(revalidate(verified).total(), 0);

  // A filter that matches nothing finishes at once; a bad filter names the field.
  v1::RevalidateRequest none;
  none.add_prefixes("31.0.0.0/24");
  grpc::ClientContext ctx2;
  auto empty = pfxd_->validation().Revalidate(&ctx2, none);
  while (empty->Read(&p)) {
  }
  EXPECT_TRUE(empty->Finish().ok());
  EXPECT_EQ(p.total(), 0);
  v1::RevalidateRequest bad;
  bad.add_prefixes("31.0.0.1/24");
  grpc::ClientContext ctx3;
  auto rejected = pfxd_->validation().Revalidate(&ctx3, bad);
  while (rejected->Read(&p)) {
  }
  grpc::Status s = rejected->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("prefixes[0]"));
}

TEST_F(StreamsTest, WatchSeesStateChanges) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::WatchValidationRequest req;
  req.set_peering_name("voice-1");
  auto reader = pfxd_->validation().WatchValidation(&ctx, req);
  // The stream is registered once its first call reaches the server; retry the trigger until
  // the watcher sees the change (bounded).
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24").ok());
  std::atomic<bool> seen{false};
  std::thread trigger([&] {
    for (int i = 0; i < 50 && !seen; ++i) {
      (void)Announce(*pfxd_, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335");
      (void)Announce(*pfxd_, "sea-2", "198.51.100.5", "1.1.1.0/24", "13335");
      absl::SleepFor(absl::Milliseconds(100));
      (void)Withdraw(*pfxd_, "sea-2", "198.51.100.5", "1.1.1.0/24");
      absl::SleepFor(absl::Milliseconds(100));
    }
  });
  v1::WatchValidationResponse message;
  ASSERT_TRUE(reader->Read(&message));
  EXPECT_TRUE(message.has_started()) << "the first message says the subscription is live";
  bool verified = false;
  while (!verified && reader->Read(&message)) {
    ASSERT_TRUE(message.has_change());
    const v1::ValidationStateChange& change = message.change();
    EXPECT_EQ(change.target().parent(), "voice-1");
    EXPECT_NE(change.old_state(), change.new_state());
    verified = change.new_state() == v1::PREFIX_VALIDATION_STATE_VERIFIED;
  }
  EXPECT_TRUE(verified);
  seen = true;
  ctx.TryCancel();
  trigger.join();
}

TEST_F(StreamsTest, ReceivedRoutesPageThroughASession) {
  for (int i = 0; i < 7; ++i) {
    ASSERT_TRUE(
        Announce(*pfxd_, "sea-1", "198.51.100.1", absl::StrCat("40.0.", i, ".0/24"), "13335 174")
            .ok());
  }
  std::vector<std::string> prefixes;
  std::string token;
  do {
    v1::ListReceivedRoutesRequest req;
    req.set_peering_name("voice-1");
    req.set_page_size(3);
    req.set_page_token(token);
    v1::ListReceivedRoutesResponse resp;
    ASSERT_TRUE(pfxd_->routes().ListReceivedRoutes(Ctx().get(), req, &resp).ok());
    for (const auto& r : resp.received_routes()) {
      prefixes.push_back(r.prefix());
      EXPECT_EQ(r.as_path(), "13335 174");
      EXPECT_EQ(r.session().peer_address(), "198.51.100.1");
    }
    token = resp.next_page_token();
  } while (!token.empty());
  ASSERT_EQ(prefixes.size(), 7u);
  EXPECT_EQ(prefixes.front(), "40.0.0.0/24");
  EXPECT_EQ(prefixes.back(), "40.0.6.0/24");

  v1::ListReceivedRoutesRequest filtered;
  filtered.set_peering_name("voice-1");
  filtered.set_prefix("40.0.3.0/24");
  v1::ListReceivedRoutesResponse one;
  ASSERT_TRUE(pfxd_->routes().ListReceivedRoutes(Ctx().get(), filtered, &one).ok());
  ASSERT_EQ(one.received_routes_size(), 1);
  EXPECT_EQ(one.received_routes(0).origin_as_validation_state(),
            v1::ROUTE_VALIDATION_STATE_NOT_FOUND);
  ASSERT_EQ(one.received_routes(0).as_path_segments_size(), 1);
  EXPECT_EQ(one.received_routes(0).as_path_segments(0).type(), v1::AsPathSegment::TYPE_SEQUENCE);
  EXPECT_THAT(one.received_routes(0).as_path_segments(0).asns(),
              ::testing::ElementsAre(13335, 174));
}

TEST_F(StreamsTest, SessionsIncludeTheMrtFeed) {
  ASSERT_TRUE(WaitFor([&] {
    v1::ListSessionsResponse resp;
    if (!pfxd_->routes().ListSessions(Ctx().get(), v1::ListSessionsRequest(), &resp).ok())
      return false;
    for (const auto& s : resp.sessions()) {
      if (s.session().router() == "jinx" && s.initial_table_complete()) return true;
    }
    return false;
  }));
}

// Runs pfxctl; `streams` picks what is captured ("2>&1": both, "2>/dev/null": stdout only).
std::string RunPfxctl(const std::string& address, const std::string& args, int* rc,
                      const std::string& streams = "2>&1") {
  CommandResult r = RunCommand(
      absl::StrCat(PFX_BINARY_DIR, "/cli/pfxctl --server ", address, " ", args, " ", streams));
  *rc = r.exit_code;
  return r.output;
}

TEST_F(StreamsTest, PfxctlDrivesEveryKindOfCall) {
  int rc = 0;
  std::string out =
      RunPfxctl(pfxd_->address(),
                "registered-prefix create --peering-name voice-1 --name cli --prefix 1.1.1.0/24 "
                "--traffic-class media --endpoint-description 'RTP relays'",
                &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_THAT(out, HasSubstr("prefix_validation_state: PENDING"));
  out = RunPfxctl(pfxd_->address(), "--output json registered-prefix list --peering-name voice-1",
                  &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_THAT(out, HasSubstr("\"prefix\": \"1.1.1.0/24\""));
  out = RunPfxctl(pfxd_->address(),
                  "registered-prefix create --peering-name voice-1 --name bad --prefix 1.1.1.1/24 "
                  "--traffic-class media --endpoint-description x",
                  &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_THAT(out, HasSubstr("INVALID_ARGUMENT: registered_prefix.prefix"));
  out = RunPfxctl(pfxd_->address(), "revalidate --peering-name voice-1", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_THAT(out, HasSubstr("1/1"));
  out = RunPfxctl(pfxd_->address(), "explain --kind registered-prefix --parent voice-1 --name cli",
                  &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_THAT(out, HasSubstr("all-sessions-advertise"));
  out = RunPfxctl(pfxd_->address(), "explain --dry-run --peering-name voice-1 --prefix 1.1.2.0/24",
                  &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_THAT(out, HasSubstr("dry run (nothing stored)"));
  EXPECT_THAT(out, HasSubstr("not advertised on sessions 198.51.100.1 on router sea-1"));
  out = RunPfxctl(pfxd_->address(), "no such command", &rc);
  EXPECT_EQ(rc, 2);
  out = RunPfxctl(pfxd_->address(), "peering show --nmae x", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_THAT(out, HasSubstr("--nmae: not a field"));
}

TEST_F(StreamsTest, PfxctlHelpsLikeTheToolsOperatorsKnow) {
  int rc = 0;
  // Help on stdout, per command, with the flags generated from the request (no output-only).
  std::string out =
      RunPfxctl(pfxd_->address(), "registered-prefix create --help", &rc, "2>/dev/null");
  EXPECT_EQ(rc, 0);
  EXPECT_THAT(out, HasSubstr("--traffic-class signalling|media|signalling-and-media|other"));
  EXPECT_THAT(out, HasSubstr("--endpoint-description TEXT"));
  EXPECT_THAT(out, Not(HasSubstr("--prefix-validation-state")));
  out = RunPfxctl(pfxd_->address(), "peering", &rc, "2>/dev/null");
  EXPECT_EQ(rc, 0);
  EXPECT_THAT(out, HasSubstr("set-connection-state"));
  out = RunPfxctl(pfxd_->address(), "--help", &rc, "2>/dev/null");
  EXPECT_EQ(rc, 0);
  EXPECT_THAT(out, HasSubstr("service prefix create"));
  out = RunPfxctl(pfxd_->address(), "--version", &rc, "2>/dev/null");
  EXPECT_EQ(rc, 0);
  EXPECT_THAT(out, ::testing::MatchesRegex("pfxctl [0-9.]+ \\(git [0-9a-z-]+\\)\n"));
  // Did you mean: commands and flags.
  out = RunPfxctl(pfxd_->address(), "regstered-prefix lst", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_THAT(out, HasSubstr("did you mean 'registered-prefix lst'"));
  out = RunPfxctl(pfxd_->address(), "registered-prefix lst", &rc);
  EXPECT_THAT(out, HasSubstr("did you mean 'registered-prefix list'"));
  out = RunPfxctl(pfxd_->address(), "peering show --nmae x", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_THAT(out, HasSubstr("did you mean --name?"));
  // Boolean flags without a value; --timeout checked; a hint when nothing answers.
  out = RunPfxctl(pfxd_->address(),
                  "registered-prefix delete --peering-name voice-1 --name x --force", &rc);
  EXPECT_THAT(out, HasSubstr("NOT_FOUND"));  // parsed: --force took no value
  // ...but only a boolean: a text flag without its value is an error, not the text "true".
  out =
      RunPfxctl(pfxd_->address(),
                "registered-prefix create --peering-name voice-1 --name --prefix 1.1.1.0/24", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_THAT(out, HasSubstr("--name needs a value (TEXT)"));
  out = RunPfxctl(pfxd_->address(),
                  "explain --kind registered-prefix --parent voice-1 --name x "
                  "--prefix 1.1.1.0/24",
                  &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_THAT(out, HasSubstr("--prefix: cannot be combined with the flags before it"));
  out = RunPfxctl(pfxd_->address(), "--timeout 0 peering list", &rc);
  EXPECT_EQ(rc, 2);
  EXPECT_THAT(out, HasSubstr("--timeout: expected whole seconds"));
  out = RunPfxctl("127.0.0.1:1", "--timeout 1 peering list", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_THAT(out, HasSubstr("hint: no pfxd answered at 127.0.0.1:1"));
  EXPECT_THAT(out, HasSubstr("PFXD_SERVER"));
  // Streams as JSON: one object per line, the first saying the watch is live.
  out = RunPfxctl(pfxd_->address(), "--output json revalidate --peering-name voice-1", &rc);
  EXPECT_EQ(rc, 0) << out;
  for (absl::string_view l : absl::StrSplit(out, '\n', absl::SkipEmpty())) {
    EXPECT_TRUE(absl::StartsWith(l, "{") && absl::EndsWith(l, "}")) << l;
  }
  // Completion from the same table: enum values of the flag being completed.
  const std::string script = absl::StrCat(::testing::TempDir(), "/pfxctl_completion.sh");
  out = RunPfxctl(pfxd_->address(),
                  absl::StrCat("completion bash > ", script, " && bash -c 'source ", script,
                               "; COMP_WORDS=(pfxctl peering set-connection-state "
                               "--connection-state act); COMP_CWORD=4; _pfxctl; echo "
                               "\"${COMPREPLY[@]}\"'"),
                  &rc);
  EXPECT_EQ(out, "active\n");
}

TEST_F(StreamsTest, PfxctlMutationsCarryARequestIdSoRetriesApplyOnce) {
  int rc = 0;
  std::string out = RunPfxctl(
      pfxd_->address(),
      "--output json registered-prefix create --peering-name voice-1 --name idem --prefix "
      "1.1.1.0/24 --traffic-class media --endpoint-description relays --request-id fixed-1",
      &rc);
  ASSERT_EQ(rc, 0) << out;
  // The same request_id again: the first reply, not ALREADY_EXISTS.
  std::string again = RunPfxctl(
      pfxd_->address(),
      "--output json registered-prefix create --peering-name voice-1 --name idem --prefix "
      "1.1.1.0/24 --traffic-class media --endpoint-description relays --request-id fixed-1",
      &rc);
  EXPECT_EQ(rc, 0) << again;
  EXPECT_EQ(again, out);
  // Without one, pfxctl makes one per invocation: a second create is a new request.
  again = RunPfxctl(pfxd_->address(),
                    "registered-prefix create --peering-name voice-1 --name idem --prefix "
                    "1.1.1.0/24 --traffic-class media --endpoint-description relays",
                    &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_THAT(again, HasSubstr("ALREADY_EXISTS"));
}

}  // namespace
}  // namespace pfx::testing
