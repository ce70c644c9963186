// WatchValidation streams are callback reactors: a thousand open streams cost pfxd no threads
// and all of them see a change; a reader that stops reading gets back-pressure, then
// RESOURCE_EXHAUSTED naming watch_buffer once its buffer overflows (docs/streams.md).
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;

constexpr int kStreams = 1000;
constexpr int kChannels = 4;  // separate connections, 250 streams each

v1::Peering VoicePeering() {
  return MakePeering(
      "voice-1", 13335, v1::PEERING_KIND_VOICE,
      {{"Seattle", "sea-1", {"198.51.100.1"}}, {"Seattle", "sea-2", {"198.51.100.5"}}});
}

// Waits for `count` completions on `cq`; each must succeed. Bounded by `deadline`.
void Drain(grpc::CompletionQueue& cq, int count, absl::Duration timeout) {
  auto deadline = std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
  for (int i = 0; i < count; ++i) {
    void* tag = nullptr;
    bool ok = false;
    ASSERT_EQ(cq.AsyncNext(&tag, &ok, deadline), grpc::CompletionQueue::GOT_EVENT)
        << "after " << i << " of " << count << " completions";
    ASSERT_TRUE(ok) << "completion " << i << " failed";
  }
}

TEST(WatchStreamsTest, AThousandOpenStreamsCostNoThreadsAndAllSeeAChange) {
  PfxdProcess pfxd({"--enable_route_injection"});
  ASSERT_TRUE(pfxd.Start());
  ASSERT_TRUE(CreateActivePeering(pfxd, VoicePeering()).ok());

  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<v1::Validation::Stub>> stubs;
  for (int c = 0; c < kChannels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // a connection of its own
    args.SetInt("grpc.channel_id", c);                   // not shared with the other channels
    channels.push_back(
        grpc::CreateCustomChannel(pfxd.address(), grpc::InsecureChannelCredentials(), args));
    stubs.push_back(v1::Validation::NewStub(channels.back()));
  }
  grpc::CompletionQueue cq;
  struct Stream {
    grpc::ClientContext context;
    std::unique_ptr<grpc::ClientAsyncReader<v1::WatchValidationResponse>> reader;
    v1::WatchValidationResponse message;
    grpc::Status status;
  };
  std::vector<std::unique_ptr<Stream>> streams;
  v1::WatchValidationRequest request;
  request.set_peering_name("voice-1");
  auto open = [&](int count) {
    for (int i = 0; i < count; ++i) {
      auto& s = streams.emplace_back(std::make_unique<Stream>());
      s->reader =
          stubs[streams.size() % kChannels]->PrepareAsyncWatchValidation(&s->context, request, &cq);
      s->reader->StartCall(s.get());
    }
    Drain(cq, count, absl::Seconds(30));
    for (size_t i = streams.size() - count; i < streams.size(); ++i) {
      streams[i]->reader->Read(&streams[i]->message, streams[i].get());
    }
    Drain(cq, count, absl::Seconds(30));
    for (size_t i = streams.size() - count; i < streams.size(); ++i) {
      ASSERT_TRUE(streams[i]->message.has_started()) << "stream " << i;
    }
  };

  // A first few streams let gRPC start whatever threads it starts for any stream.
  open(kChannels * 4);
  const int baseline = pfxd.ThreadCount();
  ASSERT_GT(baseline, 0);
  open(kStreams - kChannels * 4);
  const int with_all_open = pfxd.ThreadCount();
  EXPECT_LE(with_all_open - baseline, 8)
      << baseline << " threads with " << kChannels * 4 << " streams open, " << with_all_open
      << " with " << kStreams << " (a thread per stream would add " << kStreams - kChannels * 4
      << ")";

  // A documentation prefix (RFC 5737) is INVALID: PENDING -> INVALID reaches every stream.
  for (auto& s : streams) s->reader->Read(&s->message, s.get());
  ASSERT_TRUE(RegisterPrefix(pfxd, "voice-1", "r1", "192.0.2.0/24").ok());
  Drain(cq, kStreams, absl::Seconds(30));
  for (size_t i = 0; i < streams.size(); ++i) {
    ASSERT_TRUE(streams[i]->message.has_change()) << "stream " << i;
    EXPECT_EQ(streams[i]->message.change().target().name(), "r1");
    EXPECT_EQ(streams[i]->message.change().new_state(), v1::PREFIX_VALIDATION_STATE_INVALID);
  }

  for (auto& s : streams) s->context.TryCancel();
  for (auto& s : streams) s->reader->Finish(&s->status, s.get());
  for (int i = 0; i < kStreams; ++i) {  // finishing a cancelled stream completes, ok or not
    void* tag;
    bool ok;
    ASSERT_EQ(cq.AsyncNext(&tag, &ok, std::chrono::system_clock::now() + std::chrono::seconds(30)),
              grpc::CompletionQueue::GOT_EVENT);
  }
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
  EXPECT_LE(pfxd.ThreadCount() - baseline, 8) << "threads after the streams closed";
}

TEST(WatchStreamsTest, AReaderThatStopsReadingGetsResourceExhaustedNamingTheBuffer) {
  constexpr int kPrefixes = 2500;  // far more than the buffer and the HTTP/2 window hold
  PfxdProcess pfxd({"--enable_route_injection", "--watch_buffer=8"});
  ASSERT_TRUE(pfxd.Start());
  ASSERT_TRUE(CreateActivePeering(pfxd, VoicePeering()).ok());

  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);  // the client's window stays at its initial size
  auto channel =
      grpc::CreateCustomChannel(pfxd.address(), grpc::InsecureChannelCredentials(), args);
  auto stub = v1::Validation::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::WatchValidationRequest request;
  request.set_peering_name("voice-1");
  auto reader = stub->WatchValidation(&ctx, request);
  v1::WatchValidationResponse message;
  ASSERT_TRUE(reader->Read(&message));
  ASSERT_TRUE(message.has_started());

  // The client reads nothing while kPrefixes changes happen (private prefixes: each
  // PENDING -> INVALID, decided without routes).
  for (int i = 0; i < kPrefixes; ++i) {
    ASSERT_TRUE(RegisterPrefix(pfxd, "voice-1", absl::StrCat("r", i),
                               absl::StrCat("10.", i / 256, ".", i % 256, ".0/24"))
                    .ok());
  }
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", absl::StrCat("r", kPrefixes - 1),
                                     v1::PREFIX_VALIDATION_STATE_INVALID));

  int changes = 0;
  while (reader->Read(&message)) {
    ASSERT_TRUE(message.has_change());
    ++changes;
  }
  grpc::Status status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message() << " after " << changes << " changes";
  EXPECT_THAT(status.error_message(), HasSubstr("fell more than 8 changes behind (watch_buffer)"));
  EXPECT_LT(changes, kPrefixes) << "the stream ended before delivering every change";

  // pfxd is unharmed: a new watcher sees the next change.
  grpc::ClientContext again;
  again.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  auto second = pfxd.validation().WatchValidation(&again, request);
  ASSERT_TRUE(second->Read(&message));
  ASSERT_TRUE(message.has_started());
  ASSERT_TRUE(RegisterPrefix(pfxd, "voice-1", "last", "192.0.2.0/24").ok());
  ASSERT_TRUE(second->Read(&message));
  EXPECT_EQ(message.change().target().name(), "last");
  again.TryCancel();
}

}  // namespace
}  // namespace pfx::testing
