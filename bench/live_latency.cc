// live_latency: issue 11's live change latency. With a big feed in pfxd and a background
// update stream replayed over BMP (bmp_background.h), how long does an announcement that
// completes a registration's required sessions take to make it VERIFIED? Loopback only; run by
// bench/compare.sh --scale, not a test (bench/bmp_latency measures the quiet case through
// real gobgpd routers).
//   live_latency irr RIB K OUT
//       RPSL route objects (origin AS13335) for the K probe prefixes (registry_prefixes.h),
//       for pfxd's --irr.
//   live_latency run GRPC BMP RIB UPDATES COPIES RATE K
//       pfxd at GRPC (HOST:PORT) holds the COPIES-times feed under router "jinx" and names
//       the BMP connections from this host "jinx" (bmp_routers). Creates the VOICE peering
//       "live-probe" (AS13335) with two connections on "jinx", sessions 196.223.250.1 and
//       .2, and registers the K probe prefixes on it; over BMP, announces them all on the
//       first session (community 8075:8007, path 13335) and closes both initial tables, so
//       they are FAILED (the second session lacks them). Then it starts the background
//       stream at RATE UPDATEs/s on the same BMP connection, and after 2 s announces the
//       probes on the second session one at a time: each sample is from writing its UPDATE to
//       reading VERIFIED with GetRegisteredPrefix (polled every millisecond), 20 ms apart.
//       Prints {"samples", "timeouts", "p50_ms", "p99_ms", "max_ms", "background_updates_per_s",
//       "background_prefixes_per_s", ...}; the background rate is what was sent from its start
//       (2 s before the first sample) to the last sample (TCP pushes back when pfxd falls
//       behind, so it is what pfxd took in).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/bmp_background.h"
#include "bench/registry_prefixes.h"
#include "feed/bgp_update_encoder.h"
#include "feed/bmp/bmp_writer.h"
#include "feed/mrt_loader.h"
#include "grpcpp/grpcpp.h"
#include "pfx/v1/peering.grpc.pb.h"
#include "pfx/v1/registration.grpc.pb.h"

namespace {

constexpr uint32_t kProbeAsn = 13335;
constexpr uint32_t kVoiceCommunity = (8075u << 16) | 8007u;
const char* const kProbeSessions[] = {"196.223.250.1", "196.223.250.2"};
const char* const kPeering = "live-probe";

absl::StatusOr<std::vector<pfx::IpPrefix>> Probes(const std::string& rib, size_t k) {
  pfx::RouteIndex index;
  absl::StatusOr<pfx::MrtLoadResult> r = pfx::LoadMrtFile(rib, "jinx", index);
  if (!r.ok()) return r.status();
  std::vector<pfx::IpPrefix> probes = pfx::bench::ProbePrefixes(
      pfx::bench::FullTablePrefixes(index, {"jinx", *pfx::IpAddress::Parse("196.223.14.55")}), k);
  if (probes.size() < k) return absl::InvalidArgumentError("not enough probe prefixes");
  return probes;
}

int Irr(const std::string& rib, size_t k, const std::string& out_path) {
  absl::StatusOr<std::vector<pfx::IpPrefix>> probes = Probes(rib, k);
  if (!probes.ok()) {
    std::cerr << probes.status() << "\n";
    return 1;
  }
  std::ofstream out(out_path);
  for (const pfx::IpPrefix& p : *probes) {
    out << "route: " << p.ToString() << "\norigin: AS" << kProbeAsn << "\nsource: RADB\n\n";
  }
  return out.good() ? 0 : 1;
}

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return ctx;
}

bool Ok(const grpc::Status& s, const std::string& what) {
  if (s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS) return true;
  std::cerr << what << ": " << s.error_message() << "\n";
  return false;
}

bool CreateProbePeering(pfx::v1::Peerings::Stub& peerings) {
  pfx::v1::CreatePeeringRequest req;
  pfx::v1::Peering* p = req.mutable_peering();
  p->set_name(kPeering);
  p->set_peer_asn(kProbeAsn);
  p->set_kind(pfx::v1::PEERING_KIND_VOICE);
  for (int i = 0; i < 2; ++i) {
    pfx::v1::Connection* c = p->add_connections();
    c->set_connection_id(absl::StrCat("probe-", i + 1));
    c->set_peering_location(absl::StrCat("Johannesburg-", i + 1));
    c->set_microsoft_router("jinx");
    c->set_bandwidth_mbps(10000);
    c->set_use_for_peering_service(true);
    c->add_sessions()->set_peer_session_ipv4_address(kProbeSessions[i]);
  }
  pfx::v1::Peering reply;
  if (!Ok(peerings.CreatePeering(Ctx().get(), req, &reply), "CreatePeering")) return false;
  for (int i = 0; i < 2; ++i) {
    pfx::v1::SetConnectionStateRequest set;
    set.set_peering_name(kPeering);
    set.set_connection_id(absl::StrCat("probe-", i + 1));
    set.set_connection_state(pfx::v1::CONNECTION_STATE_ACTIVE);
    if (!Ok(peerings.SetConnectionState(Ctx().get(), set, &reply), "SetConnectionState"))
      return false;
  }
  return true;
}

pfx::v1::PrefixValidationState State(pfx::v1::Registrations::Stub& stub, size_t i) {
  pfx::v1::GetRegisteredPrefixRequest req;
  req.set_peering_name(kPeering);
  req.set_name(absl::StrCat("probe-", i));
  pfx::v1::RegisteredPrefix r;
  (void)stub.GetRegisteredPrefix(Ctx().get(), req, &r);
  return r.prefix_validation_state();
}

pfx::BmpPeerHeader ProbePeer(int i) {
  pfx::BmpPeerHeader h;
  h.address = *pfx::IpAddress::Parse(kProbeSessions[i]);
  h.asn = kProbeAsn;
  h.bgp_id = 0x0a0000fa + i;
  return h;
}

// Route Monitoring messages announcing `prefixes` on probe session `i`.
std::string Announce(int i, const std::vector<pfx::IpPrefix>& prefixes) {
  pfx::RouteAttributes a;
  a.as_path = *pfx::AsPath::Parse("13335");
  a.communities = {kVoiceCommunity};
  a.next_hop = *pfx::IpAddress::Parse(kProbeSessions[i]);
  std::string out;
  for (size_t at = 0; at < prefixes.size(); at += 200) {
    std::vector<pfx::IpPrefix> chunk(prefixes.begin() + at,
                                     prefixes.begin() + std::min(prefixes.size(), at + 200));
    std::string update;
    pfx::AppendUpdate(chunk, a, {}, update);
    pfx::AppendBmpRouteMonitoring(ProbePeer(i), update, out);
  }
  return out;
}

double Percentile(std::vector<double> v, double q) {  // nearest rank
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * v.size()));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

int Run(char** argv) {
  const std::string grpc_address = argv[2], bmp_address = argv[3], rib = argv[4], updates = argv[5];
  const int copies = std::atoi(argv[6]);
  const double rate = std::atof(argv[7]);
  const size_t k = std::strtoul(argv[8], nullptr, 10);
  absl::StatusOr<std::vector<pfx::IpPrefix>> probes = Probes(rib, k);
  absl::StatusOr<pfx::bench::ScaledFeed> feed = pfx::bench::ScaledFeed::Build(rib, {});
  if (!probes.ok() || !feed.ok()) {
    std::cerr << (probes.ok() ? feed.status() : probes.status()) << "\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<pfx::bench::BackgroundStream>> background =
      pfx::bench::BackgroundStream::Create(*feed, copies, updates);
  if (!background.ok()) {
    std::cerr << background.status() << "\n";
    return 1;
  }

  auto channel = grpc::CreateChannel(grpc_address, grpc::InsecureChannelCredentials());
  auto peerings = pfx::v1::Peerings::NewStub(channel);
  auto registrations = pfx::v1::Registrations::NewStub(channel);
  if (!CreateProbePeering(*peerings)) return 1;
  for (size_t i = 0; i < probes->size(); ++i) {
    pfx::v1::CreateRegisteredPrefixRequest req;
    pfx::v1::RegisteredPrefix* r = req.mutable_registered_prefix();
    r->set_peering_name(kPeering);
    r->set_name(absl::StrCat("probe-", i));
    r->set_prefix((*probes)[i].ToString());
    r->set_traffic_class(pfx::v1::TRAFFIC_CLASS_SIGNALLING_AND_MEDIA);
    r->set_endpoint_description("SBC cluster");
    pfx::v1::RegisteredPrefix reply;
    if (!Ok(registrations->CreateRegisteredPrefix(Ctx().get(), req, &reply), "register")) return 1;
  }

  absl::StatusOr<std::unique_ptr<pfx::bench::BmpConnection>> bmp =
      pfx::bench::BmpConnection::Open(bmp_address);
  if (!bmp.ok()) {
    std::cerr << bmp.status() << "\n";
    return 1;
  }
  std::string setup;
  for (int i = 0; i < 2; ++i) pfx::AppendBmpPeerUp(ProbePeer(i), 8075, setup);
  setup += Announce(0, *probes);
  for (int i = 0; i < 2; ++i) {
    std::string eor;
    pfx::AppendEndOfRib(pfx::Family::kIpv4, eor);
    pfx::AppendBmpRouteMonitoring(ProbePeer(i), eor, setup);
  }
  if (absl::Status s = (*bmp)->Send(setup); !s.ok()) {
    std::cerr << s << "\n";
    return 1;
  }
  // Every probe validated once (FAILED: the second session lacks it) before sampling.
  absl::Time deadline = absl::Now() + absl::Seconds(120);
  for (size_t i = 0; i < probes->size(); ++i) {
    while (State(*registrations, i) != pfx::v1::PREFIX_VALIDATION_STATE_FAILED) {
      if (absl::Now() > deadline) {
        std::cerr << "probe-" << i << " did not reach FAILED before sampling\n";
        return 1;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
  }

  (*background)->Start(bmp->get(), rate);
  absl::SleepFor(absl::Seconds(2));
  std::vector<double> ms;
  size_t timeouts = 0;
  absl::Time sampling_start = absl::Now();
  for (size_t i = 0; i < probes->size(); ++i) {
    absl::Time start = absl::Now();
    if (absl::Status s = (*bmp)->Send(Announce(1, {(*probes)[i]})); !s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
    bool verified = false;
    while (absl::Now() - start < absl::Seconds(10)) {
      if (State(*registrations, i) == pfx::v1::PREFIX_VALIDATION_STATE_VERIFIED) {
        verified = true;
        break;
      }
      absl::SleepFor(absl::Milliseconds(1));
    }
    if (verified) {
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
    } else {
      ++timeouts;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  double sampling = absl::ToDoubleSeconds(absl::Now() - sampling_start);
  pfx::bench::BackgroundStats bg = (*background)->Stop();
  if (!bg.error.ok()) {
    std::cerr << "background: " << bg.error << "\n";
    return 1;
  }
  if (ms.empty()) {
    std::cerr << "no probe reached VERIFIED\n";
    return 1;
  }
  std::printf(
      "{\"samples\": %zu, \"timeouts\": %zu, \"p50_ms\": %.1f, \"p99_ms\": %.1f, "
      "\"max_ms\": %.1f, \"background_updates_per_s\": %.0f, \"background_prefixes_per_s\": %.0f, "
      "\"target_rate\": %.0f, \"copies\": %d, \"updates_per_pass\": %zu, \"sampling_s\": %.1f}\n",
      ms.size(), timeouts, Percentile(ms, 0.5), Percentile(ms, 0.99),
      *std::max_element(ms.begin(), ms.end()), bg.updates / bg.seconds, bg.prefixes / bg.seconds,
      rate, copies, (*background)->updates_per_pass(), sampling);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc >= 2 ? argv[1] : "";
  if (command == "irr" && argc == 5)
    return Irr(argv[2], std::strtoul(argv[3], nullptr, 10), argv[4]);
  if (command == "run" && argc == 9) return Run(argv);
  std::cerr << "usage: live_latency irr RIB K OUT | run GRPC BMP RIB UPDATES COPIES RATE K\n";
  return 2;
}
