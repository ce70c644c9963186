// Google Benchmark micro benchmarks for the hot paths: UPDATE decode, AS-path rule,
// special-range lookup, route index insert/lookup, key parse/compare, IRR lookup.
#include "benchmark/benchmark.h"
#include "feed/bgp_update.h"
#include "feed/bgp_update_encoder.h"
#include "feed/route_index.h"
#include "pfx/v1/registration.pb.h"
#include "storage/key_sealer.h"
#include "storage/keys.h"
#include "validator/as_path.h"
#include "validator/community.h"
#include "validator/irr_index.h"
#include "validator/prefix_key.h"
#include "validator/special_purpose_registry.h"

namespace pfx {
namespace {

RouteAttributes Attrs() {
  return {*AsPath::Parse("13335 174 3356"),
          {kMapsCommunity, MakeCommunity(174, 21000)},
          *IpAddress::Parse("192.0.2.1"),
          0};
}

void BM_DecodeUpdate(benchmark::State& state) {
  std::vector<IpPrefix> prefixes;
  for (int i = 0; i < 10; ++i)
    prefixes.push_back(IpPrefix(IpAddress::V4(0x01000000u + (i << 8)), 24));
  std::string message;
  AppendUpdate(prefixes, Attrs(), {}, message);
  auto bytes =
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(message.data()), message.size());
  for (auto _ : state) benchmark::DoNotOptimize(DecodeUpdateMessage(bytes, {}));
  state.SetItemsProcessed(state.iterations() * 10);  // routes
}
BENCHMARK(BM_DecodeUpdate);

void BM_CheckAsPath(benchmark::State& state) {
  AsPath path = *AsPath::Parse("13335 174 3356");
  for (auto _ : state) benchmark::DoNotOptimize(CheckAsPath(path));
}
BENCHMARK(BM_CheckAsPath);

void BM_ClassifySpecialPurpose(benchmark::State& state) {
  IpPrefix p = *IpPrefix::Parse("203.0.112.0/24");
  const auto& registry = SpecialPurposeRegistry::Default();
  for (auto _ : state) benchmark::DoNotOptimize(registry.Classify(p));
}
BENCHMARK(BM_ClassifySpecialPurpose);

void BM_RouteIndexInsert(benchmark::State& state) {
  RouteIndex index;
  SessionKey session{"r", *IpAddress::Parse("10.0.0.1")};
  RouteBatch batch{session, {}, {}};
  RouteAttributes attrs = Attrs();
  uint32_t next = 0;
  for (auto _ : state) {
    batch.announced.clear();
    for (int i = 0; i < 1024; ++i) {
      batch.announced.push_back(
          {IpPrefix(IpAddress::V4(0x01000000u + ((next++ & 0xFFFFF) << 8)), 24), attrs,
           absl::UnixEpoch()});
    }
    index.Apply(batch);
  }
  state.SetItemsProcessed(state.iterations() * 1024);
}
BENCHMARK(BM_RouteIndexInsert);

void BM_RouteIndexLookup(benchmark::State& state) {
  RouteIndex index;
  SessionKey session{"r", *IpAddress::Parse("10.0.0.1")};
  RouteBatch batch{session, {}, {}};
  for (uint32_t i = 0; i < 100000; ++i) {
    batch.announced.push_back(
        {IpPrefix(IpAddress::V4(0x01000000u + (i << 8)), 24), Attrs(), absl::UnixEpoch()});
  }
  index.Apply(batch);
  uint32_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        index.Lookup(session, IpPrefix(IpAddress::V4(0x01000000u + ((i++ % 100000) << 8)), 24)));
  }
}
BENCHMARK(BM_RouteIndexLookup);

void BM_KeyParseAndCompare(benchmark::State& state) {
  PrefixKey key = *PrefixKey::Parse("3f2504e0-4f89-41d3-9a0c-0305e82c3301");
  std::string text = key.ToString();
  for (auto _ : state) {
    absl::StatusOr<PrefixKey> parsed = PrefixKey::Parse(text);
    benchmark::DoNotOptimize(ConstantTimeEquals(*parsed, key));
  }
}
BENCHMARK(BM_KeyParseAndCompare);

void BM_IrrLookupLessSpecific(benchmark::State& state) {
  IrrIndex irr;
  for (uint32_t i = 0; i < 100000; ++i)
    irr.Add(IpPrefix(IpAddress::V4(0x01000000u + (i << 8)), 16), 13335, "RADB");
  IpPrefix p = *IpPrefix::Parse("1.1.1.0/24");
  for (auto _ : state) benchmark::DoNotOptimize(irr.Lookup(p, 13335));
}
BENCHMARK(BM_IrrLookupLessSpecific);

// Keys at rest: what a create (seal) and every read of a stored key (open) add.
KeySealer BenchSealer() { return std::move(*KeySealer::Create({{"k1", std::string(32, 'k')}})); }
constexpr char kBenchKey[] = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

void BM_SealPrefixKey(benchmark::State& state) {
  KeySealer sealer = BenchSealer();
  for (auto _ : state) benchmark::DoNotOptimize(sealer.Seal(kBenchKey));
}
BENCHMARK(BM_SealPrefixKey);

void BM_OpenPrefixKey(benchmark::State& state) {
  KeySealer sealer = BenchSealer();
  const std::string sealed = *sealer.Seal(kBenchKey);
  for (auto _ : state) benchmark::DoNotOptimize(sealer.Open(sealed));
}
BENCHMARK(BM_OpenPrefixKey);

// The whole per-record cost on a read: the reflection walk plus opening.
void BM_OpenSecretsOfARecord(benchmark::State& state) {
  KeySealer sealer = BenchSealer();
  v1::RegisteredPrefix sealed;
  sealed.set_name("r1");
  sealed.set_prefix("192.0.2.0/24");
  sealed.set_peering_service_prefix_key(kBenchKey);
  (void)sealer.SealSecrets(sealed);
  for (auto _ : state) {
    v1::RegisteredPrefix r = sealed;
    benchmark::DoNotOptimize(sealer.OpenSecrets(r));
  }
}
BENCHMARK(BM_OpenSecretsOfARecord);

void BM_KeyDigest(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(keys::KeyDigest(kBenchKey));
}
BENCHMARK(BM_KeyDigest);

}  // namespace
}  // namespace pfx

BENCHMARK_MAIN();
