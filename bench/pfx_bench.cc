// pfx_bench: in-process measurements for bench/compare.sh, one JSON object per run on stdout.
//   pfx_bench mrt-load [--stream] FILE...
//                                load MRT files into one RouteIndex; RSS before/after. Each file
//                                is read into memory first (decompressed if need be, not
//                                timed); the timed load streams it through the same reader
//                                pfxd uses (LoadMrtStream: framing, carry buffer, decoding,
//                                indexing), only without read(2). --stream reads the files
//                                as pfxd does (LoadMrtFile, read(2) included): for files too
//                                big to hold in memory beside their index (the growth curve).
//   pfx_bench scale-feed RIB N OUT [IPV6_MRT...]
//                                write N copies of the RIB plus its IPv6 share as distinct
//                                sessions, one plain MRT RIB (OUT, "-" for stdout); how the
//                                copies and the IPv6 routes are made: scaled_feed.h.
//   pfx_bench seed DIR RIB N [IPV6_MRT...]
//                                write a VOICE peering on two JINX sessions and N registered
//                                prefixes into a fresh pfxd data directory (set-up for the
//                                revalidation cases; not timed). The prefixes: the RIB's real
//                                ones, and past those derived ones (registry_prefixes.h, with
//                                the IPv6 set of the RIB and IPV6_MRT files).
//   pfx_bench pipeline RIB N IRR...  one pass of the pure check pipeline over the same N
//                                prefixes and sessions, in-process (the revalidation reference;
//                                real prefixes only).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/registry_prefixes.h"
#include "bench/rib_writer.h"
#include "bench/scaled_feed.h"
#include "feed/file_reader.h"
#include "feed/mrt_loader.h"
#include "feed/rpsl_loader.h"
#include "pfx/v1/registration.pb.h"
#include "registry/key_generator.h"
#include "registry/session_map.h"
#include "storage/keys.h"
#include "storage/messages.h"
#include "storage/records.h"
#include "validator/checks.h"

namespace {

// Resident set size in bytes, from /proc/self/status.
int64_t RssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kb = 0;
      std::string digits;
      for (char c : line) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      (void)absl::SimpleAtoi(digits, &kb);
      return kb * 1024;
    }
  }
  return 0;
}

// The whole decompressed contents of `path`, or an error naming the damage.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  absl::StatusOr<std::unique_ptr<pfx::FeedFileReader>> reader = pfx::FeedFileReader::Open(path);
  if (!reader.ok()) return reader.status();
  std::string data;
  std::vector<char> chunk(1 << 20);
  while (true) {
    absl::StatusOr<size_t> n = (*reader)->Read(absl::MakeSpan(chunk));
    if (!n.ok()) return n.status();
    if (*n == 0) return data;
    data.append(chunk.data(), *n);
  }
}

int MrtLoad(int argc, char** argv) {
  int first = 2;
  const bool stream = argc > 2 && std::string(argv[2]) == "--stream";
  if (stream) ++first;
  std::vector<std::string> files;
  for (int i = first; i < argc; ++i) {
    if (stream) {
      files.push_back(argv[i]);
      continue;
    }
    absl::StatusOr<std::string> data = ReadWholeFile(argv[i]);
    if (!data.ok()) {
      std::cerr << data.status() << "\n";
      return 1;
    }
    files.push_back(std::move(*data));
  }
  pfx::RouteIndex index;
  int64_t rss_before = RssBytes();
  absl::Time start = absl::Now();
  size_t announced = 0, withdrawn = 0, records = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    pfx::MrtLoadResult r;
    if (stream) {
      absl::StatusOr<pfx::MrtLoadResult> loaded =
          pfx::LoadMrtFile(files[i], absl::StrCat("file", i), index);
      if (!loaded.ok()) {
        std::cerr << loaded.status() << "\n";
        return 1;
      }
      r = std::move(*loaded);
    } else {
      pfx::MemoryByteSource source(files[i]);
      r = pfx::LoadMrtStream(source, absl::StrCat("file", i), index);
    }
    if (r.stats.damaged()) {
      std::cerr << argv[i + first] << ": " << r.stats.damage_message << "\n";
      return 1;
    }
    announced += r.announced;
    withdrawn += r.withdrawn;
    records += r.stats.records;
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  int64_t rss_after = RssBytes();
  std::printf(
      "{\"records\": %zu, \"announced\": %zu, \"withdrawn\": %zu, \"routes_in_index\": %zu, "
      "\"sessions\": %zu, \"attribute_sets\": %zu, \"seconds\": %.4f, \"rss_before\": %lld, "
      "\"rss_after\": %lld}\n",
      records, announced, withdrawn, index.route_count(), index.Sessions().size(),
      index.attribute_set_count(), seconds, static_cast<long long>(rss_before),
      static_cast<long long>(rss_after));
  return 0;
}

int ScaleFeed(int argc, char** argv) {
  int copies = std::atoi(argv[3]);
  absl::Time start = absl::Now();
  absl::StatusOr<pfx::bench::ScaledFeed> feed =
      pfx::bench::ScaledFeed::Build(argv[2], std::vector<std::string>(argv + 5, argv + argc));
  if (!feed.ok()) {
    std::cerr << feed.status() << "\n";
    return 1;
  }
  absl::StatusOr<pfx::bench::ScaledRibStats> stats =
      pfx::bench::WriteScaledRib(*feed, copies, argv[4]);
  if (!stats.ok()) {
    std::cerr << stats.status() << "\n";
    return 1;
  }
  std::fprintf(std::string(argv[4]) == "-" ? stderr : stdout,
               "{\"copies\": %d, \"sessions\": %zu, \"routes\": %zu, \"ipv6_routes\": %zu, "
               "\"base_routes\": %zu, \"base_ipv6_routes\": %zu, \"real_ipv6_prefixes\": %zu, "
               "\"attribute_sets_per_copy\": %zu, \"bytes\": %llu, \"seconds\": %.2f}\n",
               copies, stats->sessions, stats->routes, stats->ipv6_routes, feed->route_count(),
               feed->ipv6_route_count(), feed->real_ipv6_count(), feed->attributes().size(),
               static_cast<unsigned long long>(stats->bytes),
               absl::ToDoubleSeconds(absl::Now() - start));
  return 0;
}

// The benchmark's peering: two connections on router "jinx", the full-table peer and another,
// each session with the IPv6 twin the scaled feed gives the peer (scaled_feed.h).
struct BenchSession {
  const char* ipv4;
  const char* ipv6;
};
const BenchSession kSessions[] = {{"196.223.14.55", "2001:43f8:1f0::55"},
                                  {"196.223.14.46", "2001:43f8:1f0::46"}};

std::vector<pfx::IpPrefix> RealPrefixes(const pfx::RouteIndex& index) {
  return pfx::bench::FullTablePrefixes(index, {"jinx", *pfx::IpAddress::Parse(kSessions[0].ipv4)});
}

// The first `n` real prefixes; past those (only with an IPv6 set), registry_prefixes.h.
std::vector<pfx::IpPrefix> DrawPrefixes(const pfx::RouteIndex& index, size_t n,
                                        const std::vector<pfx::IpPrefix>& ipv6_set = {}) {
  std::vector<pfx::IpPrefix> real = RealPrefixes(index);
  if (n <= real.size() || ipv6_set.empty()) {
    real.resize(std::min(n, real.size()));
    return real;
  }
  return pfx::bench::DrawRegistryPrefixes(real, ipv6_set, n);
}

bool LoadRib(const char* path, pfx::RouteIndex& index) {
  absl::StatusOr<pfx::MrtLoadResult> r = pfx::LoadMrtFile(path, "jinx", index);
  if (!r.ok()) std::cerr << r.status() << "\n";
  return r.ok();
}

int Seed(const char* dir, const char* rib, size_t n, const std::vector<std::string>& ipv6_sources) {
  pfx::RouteIndex index;
  if (!LoadRib(rib, index)) return 1;
  std::vector<pfx::IpPrefix> ipv6_set;
  if (n > RealPrefixes(index).size()) {
    absl::StatusOr<pfx::bench::ScaledFeed> feed = pfx::bench::ScaledFeed::Build(rib, ipv6_sources);
    if (!feed.ok()) {
      std::cerr << feed.status() << "\n";
      return 1;
    }
    ipv6_set = feed->ipv6_set();
  }
  std::vector<pfx::IpPrefix> prefixes = DrawPrefixes(index, n, ipv6_set);
  if (prefixes.size() < n) {
    std::cerr << "seed: only " << prefixes.size() << " distinct prefixes can be drawn\n";
    return 1;
  }
  absl::StatusOr<std::unique_ptr<pfx::Database>> db = pfx::Database::Open(dir);
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  pfx::v1::Peering peering;
  peering.set_name("bench-voice");
  peering.set_peer_asn(30844);
  peering.set_kind(pfx::v1::PEERING_KIND_VOICE);
  peering.set_sku("Premium Free");
  peering.set_provisioning_state(pfx::v1::PROVISIONING_STATE_SUCCEEDED);
  for (int i = 0; i < 2; ++i) {
    pfx::v1::Connection* c = peering.add_connections();
    c->set_connection_id(absl::StrCat("jnb-", i + 1));
    c->set_peering_location(absl::StrCat("Johannesburg-", i + 1));
    c->set_microsoft_router("jinx");
    c->set_bandwidth_mbps(10000);
    c->set_use_for_peering_service(true);
    c->set_session_address_provider(pfx::v1::SESSION_ADDRESS_PROVIDER_MICROSOFT);
    c->set_connection_state(pfx::v1::CONNECTION_STATE_ACTIVE);
    pfx::v1::Session* session = c->add_sessions();
    session->set_peer_session_ipv4_address(kSessions[i].ipv4);
    session->set_peer_session_ipv6_address(kSessions[i].ipv6);
  }
  pfx::WriteSet writes;
  if (!pfx::PutMessage(**db, writes, pfx::Column::kPeerings, peering.name(), pfx::ToRecord(peering))
           .ok())
    return 1;
  for (size_t i = 0; i < prefixes.size(); ++i) {
    pfx::RegisteredPrefixRecord r;
    r.set_peering_name(peering.name());
    r.set_traffic_class(pfx::v1::TRAFFIC_CLASS_MEDIA);
    r.set_endpoint_description("media relays");
    r.set_name(absl::StrCat("p", i));
    r.set_prefix(prefixes[i].ToString());
    r.set_peering_service_prefix_key(pfx::GeneratePrefixKey()->ToString());
    r.set_prefix_validation_state(pfx::v1::PREFIX_VALIDATION_STATE_PENDING);
    r.set_provisioning_state(pfx::v1::PROVISIONING_STATE_SUCCEEDED);
    std::string key = pfx::keys::Child(peering.name(), r.name());
    if (!pfx::PutMessage(**db, writes, pfx::Column::kRegisteredPrefixes, key, r).ok()) return 1;
    writes.Put(pfx::Column::kIdxPrefix, r.prefix(), key);
    writes.Put(pfx::Column::kIdxKey, pfx::keys::KeyDigest(r.peering_service_prefix_key()),
               absl::StrCat("R", key));
    if (writes.size() >= 3000) {
      if (!(*db)->Commit(writes, pfx::Durability::kBuffered).ok()) return 1;
      writes = pfx::WriteSet();
    }
  }
  if (!(*db)->Commit(writes, pfx::Durability::kSynced).ok()) return 1;
  size_t real = std::min(n, RealPrefixes(index).size());
  size_t ipv6 = std::count_if(prefixes.begin(), prefixes.end(),
                              [](const pfx::IpPrefix& p) { return !p.is_v4(); });
  std::printf("{\"prefixes\": %zu, \"real_ipv4\": %zu, \"ipv6\": %zu, \"derived_ipv4\": %zu}\n",
              prefixes.size(), real, ipv6, prefixes.size() - real - ipv6);
  return 0;
}

int Pipeline(int argc, char** argv) {
  pfx::RouteIndex index;
  if (!LoadRib(argv[2], index)) return 1;
  size_t n = std::strtoul(argv[3], nullptr, 10);
  pfx::IrrIndex irr;
  for (int i = 4; i < argc; ++i) {
    if (!pfx::LoadRpslFile(argv[i], irr).ok()) return 1;
  }
  std::vector<pfx::IpPrefix> prefixes = DrawPrefixes(index, n);
  if (prefixes.size() < n) {
    std::cerr << "pipeline: the RIB holds " << prefixes.size() << " real prefixes\n";
    return 1;
  }
  std::vector<pfx::RequiredSession> sessions;
  for (int i = 0; i < 2; ++i) {
    sessions.push_back({{"jinx", *pfx::IpAddress::Parse(kSessions[i].ipv4)},
                        absl::StrCat("Johannesburg-", i + 1),
                        absl::StrCat("jnb-", i + 1)});
  }
  std::map<std::string, size_t> states;
  absl::Time start = absl::Now();
  for (const pfx::IpPrefix& p : prefixes) {
    pfx::ValidationResult r =
        pfx::CheckRegisteredPrefix({p, pfx::Observe(index, sessions, p), &irr});
    ++states[pfx::ValidationStateName(r.state)];
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::printf("{\"prefixes\": %zu, \"seconds\": %.4f, \"verified\": %zu, \"failed\": %zu}\n",
              prefixes.size(), seconds, states["VERIFIED"], states["FAILED"]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc >= 2 ? argv[1] : "";
  if (command == "mrt-load" && argc >= 3) return MrtLoad(argc, argv);
  if (command == "scale-feed" && argc >= 5) return ScaleFeed(argc, argv);
  if (command == "seed" && argc >= 5) {
    return Seed(argv[2], argv[3], std::strtoul(argv[4], nullptr, 10),
                std::vector<std::string>(argv + 5, argv + argc));
  }
  if (command == "pipeline" && argc >= 4) return Pipeline(argc, argv);
  std::cerr << "usage: pfx_bench mrt-load [--stream] FILE... | scale-feed RIB N OUT [IPV6_MRT...]"
               " | seed DIR RIB N [IPV6_MRT...] | pipeline RIB N IRR...\n";
  return 2;
}
