// api_load: a closed-loop gRPC load client for the API benchmarks (callback API, a fixed
// number of calls in flight for a fixed time). Prints {"calls", "qps", "p50_ms", "p99_ms"}.
//   api_load write HOST:PORT SECONDS INFLIGHT   CreateRegisteredPrefix on distinct prefixes
//                                               (peering "bench-voice", created if missing)
//   api_load read HOST:PORT SECONDS INFLIGHT N  90 % GetRegisteredPrefix of p0..pN-1,
//                                               10 % ListRegisteredPrefixes (page of 10)
// An optional last argument, WARMUP_SECONDS (default 2), runs the same load first, unmeasured.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "grpcpp/grpcpp.h"
#include "pfx/v1/peering.grpc.pb.h"
#include "pfx/v1/registration.grpc.pb.h"

namespace {

using pfx::v1::Registrations;

struct Shared {
  Registrations::Stub* stub;
  bool write;
  int names;
  absl::Time end;
  std::atomic<uint64_t> next{0};
  std::atomic<uint64_t> errors{0};
  absl::Mutex mu;
  std::vector<double> latencies_ms ABSL_GUARDED_BY(mu);
  int active ABSL_GUARDED_BY(mu) = 0;
};

// One in-flight slot: issues a call, and on completion the next, until the end time.
class Slot {
 public:
  explicit Slot(Shared* shared) : shared_(shared) {}

  void Issue() {
    if (absl::Now() >= shared_->end) {
      absl::MutexLock lock(&shared_->mu);
      --shared_->active;
      return;
    }
    ctx_ = std::make_unique<grpc::ClientContext>();
    start_ = absl::Now();
    uint64_t n = shared_->next.fetch_add(1);
    auto done = [this](grpc::Status s) { Done(s); };
    if (shared_->write) {
      create_.mutable_registered_prefix()->set_peering_name("bench-voice");
      create_.mutable_registered_prefix()->set_traffic_class(pfx::v1::TRAFFIC_CLASS_MEDIA);
      create_.mutable_registered_prefix()->set_endpoint_description("media relays");
      create_.mutable_registered_prefix()->set_name(absl::StrCat("w", n));
      // Distinct public /24s: 1.0.0.0/24, 1.0.1.0/24, ...
      uint32_t a = 0x01000000u + static_cast<uint32_t>(n << 8);
      create_.mutable_registered_prefix()->set_prefix(
          absl::StrCat(a >> 24, ".", (a >> 16) & 255, ".", (a >> 8) & 255, ".0/24"));
      shared_->stub->async()->CreateRegisteredPrefix(ctx_.get(), &create_, &prefix_, done);
    } else if (n % 10 == 9) {
      list_.set_peering_name("bench-voice");
      list_.set_page_size(10);
      shared_->stub->async()->ListRegisteredPrefixes(ctx_.get(), &list_, &page_, done);
    } else {
      get_.set_peering_name("bench-voice");
      get_.set_name(absl::StrCat("p", (n * 7919) % shared_->names));
      shared_->stub->async()->GetRegisteredPrefix(ctx_.get(), &get_, &prefix_, done);
    }
  }

 private:
  void Done(const grpc::Status& s) {
    if (!s.ok()) shared_->errors.fetch_add(1);
    {
      absl::MutexLock lock(&shared_->mu);
      shared_->latencies_ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start_));
    }
    Issue();
  }

  Shared* shared_;
  std::unique_ptr<grpc::ClientContext> ctx_;
  absl::Time start_;
  pfx::v1::CreateRegisteredPrefixRequest create_;
  pfx::v1::GetRegisteredPrefixRequest get_;
  pfx::v1::ListRegisteredPrefixesRequest list_;
  pfx::v1::RegisteredPrefix prefix_;
  pfx::v1::ListRegisteredPrefixesResponse page_;
};

void EnsurePeering(const std::shared_ptr<grpc::Channel>& channel) {
  auto peerings = pfx::v1::Peerings::NewStub(channel);
  pfx::v1::CreatePeeringRequest req;
  pfx::v1::Peering* p = req.mutable_peering();
  p->set_name("bench-voice");
  p->set_peer_asn(30844);
  p->set_kind(pfx::v1::PEERING_KIND_VOICE);
  for (int i = 0; i < 2; ++i) {
    pfx::v1::Connection* c = p->add_connections();
    c->set_connection_id(absl::StrCat("jnb-", i + 1));
    c->set_peering_location(absl::StrCat("Johannesburg-", i + 1));
    c->set_microsoft_router("jinx");
    c->set_bandwidth_mbps(10000);
    c->set_use_for_peering_service(true);
    c->add_sessions()->set_peer_session_ipv4_address(i == 0 ? "196.223.14.55" : "196.223.14.46");
  }
  pfx::v1::Peering out;
  grpc::ClientContext ctx;
  (void)peerings->CreatePeering(&ctx, req, &out);  // ALREADY_EXISTS is fine; the echo ignores it
  for (int i = 0; i < 2; ++i) {
    pfx::v1::SetConnectionStateRequest set;
    set.set_peering_name("bench-voice");
    set.set_connection_id(absl::StrCat("jnb-", i + 1));
    set.set_connection_state(pfx::v1::CONNECTION_STATE_ACTIVE);
    grpc::ClientContext c2;
    (void)peerings->SetConnectionState(&c2, set, &out);
  }
}

// Keeps `inflight` calls going for `seconds`; returns the seconds it took.
double RunPhase(Shared& shared, int seconds, int inflight) {
  std::vector<std::unique_ptr<Slot>> slots;
  absl::Time start = absl::Now();
  shared.end = start + absl::Seconds(seconds);
  {
    absl::MutexLock lock(&shared.mu);
    shared.active = inflight;
  }
  for (int i = 0; i < inflight; ++i) slots.push_back(std::make_unique<Slot>(&shared));
  for (auto& s : slots) s->Issue();
  absl::MutexLock lock(&shared.mu);
  shared.mu.Await(absl::Condition(
      +[](int* active) { return *active == 0; }, &shared.active));
  return absl::ToDoubleSeconds(absl::Now() - start);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5 || (std::string(argv[1]) != "write" && std::string(argv[1]) != "read")) {
    std::cerr << "usage: api_load write|read HOST:PORT SECONDS INFLIGHT [NAMES [WARMUP_SECONDS]]\n";
    return 2;
  }
  auto channel = grpc::CreateChannel(argv[2], grpc::InsecureChannelCredentials());
  auto stub = Registrations::NewStub(channel);
  Shared shared;
  shared.stub = stub.get();
  shared.write = std::string(argv[1]) == "write";
  shared.names = argc > 5 ? std::atoi(argv[5]) : 1;
  int seconds = std::atoi(argv[3]), inflight = std::atoi(argv[4]);
  if (shared.write) EnsurePeering(channel);
  // A warm-up phase, not measured, against every server alike: a server's first seconds
  // (connection buffers, allocator arenas, caches) would otherwise weigh on the figure.
  const int warmup = argc > 6 ? std::atoi(argv[6]) : 2;
  if (warmup > 0) RunPhase(shared, warmup, inflight);
  shared.errors.store(0);
  {
    absl::MutexLock lock(&shared.mu);
    shared.latencies_ms.clear();
  }
  const double elapsed = RunPhase(shared, seconds, inflight);
  std::vector<double>& l = shared.latencies_ms;
  std::sort(l.begin(), l.end());
  auto pct = [&](double p) {
    return l.empty() ? 0.0 : l[std::min(l.size() - 1, size_t(p * l.size()))];
  };
  std::printf(
      "{\"calls\": %zu, \"errors\": %llu, \"qps\": %.0f, \"p50_ms\": %.3f, \"p99_ms\": %.3f}\n",
      l.size(), static_cast<unsigned long long>(shared.errors.load()), l.size() / elapsed, pct(0.5),
      pct(0.99));
  return 0;
}
