#include "feed/mrt_loader.h"

#include "absl/container/flat_hash_map.h"
#include "base/log.h"
#include "feed/file_reader.h"

namespace pfx {
namespace {

// Collects routes per session and hands them to the index in batches, so a full table takes
// the index lock once per kBatchSize routes instead of once per route.
class IndexingVisitor : public MrtVisitor {
 public:
  static constexpr size_t kBatchSize = 4096;

  IndexingVisitor(const std::string& router, RouteIndex& index) : router_(router), index_(index) {}

  void OnRibEntry(uint32_t timestamp, const MrtPeer& peer, const IpPrefix& prefix,
                  const RouteAttributes& attributes) override {
    RouteBatch& b = BatchFor(peer);
    b.announced.push_back({prefix, attributes, absl::FromUnixSeconds(timestamp)});
    ++result_.announced;
    if (b.announced.size() >= kBatchSize) Flush(b);
  }

  void OnUpdate(uint32_t timestamp, const MrtPeer& peer, const BgpUpdate& update) override {
    RouteBatch& b = BatchFor(peer);
    // Keep the order of operations: a withdrawal after an announcement in an earlier UPDATE
    // must not be applied first, so flush pending announcements before withdrawing.
    if (!update.withdrawn.empty() && !b.announced.empty()) Flush(b);
    for (const IpPrefix& p : update.withdrawn) b.withdrawn.push_back(p);
    if (!update.withdrawn.empty()) Flush(b);
    result_.withdrawn += update.withdrawn.size();
    for (const IpPrefix& p : update.announced) {
      b.announced.push_back({p, update.attributes, absl::FromUnixSeconds(timestamp)});
    }
    result_.announced += update.announced.size();
    if (b.announced.size() >= kBatchSize) Flush(b);
  }

  void OnStateChange(uint32_t timestamp, const MrtPeer& peer, uint16_t old_state,
                     uint16_t new_state) override {
    RouteBatch& b = BatchFor(peer);
    Flush(b);
    index_.SetEstablished(b.session, new_state == 6, peer.asn);
  }

  MrtLoadResult Finish(MrtStats stats) {
    for (auto& [address, batch] : batches_) {
      Flush(batch);
      index_.MarkInitialTableComplete(batch.session);
    }
    result_.stats = std::move(stats);
    result_.sessions = batches_.size();
    return result_;
  }

 private:
  RouteBatch& BatchFor(const MrtPeer& peer) {
    auto [it, inserted] = batches_.try_emplace(peer.address);
    if (inserted) {
      it->second.session = SessionKey{router_, peer.address};
      index_.SetEstablished(it->second.session, true, peer.asn);
    }
    return it->second;
  }

  void Flush(RouteBatch& b) {
    if (b.announced.empty() && b.withdrawn.empty()) return;
    index_.Apply(b);
    b.announced.clear();
    b.withdrawn.clear();
  }

  std::string router_;
  RouteIndex& index_;
  absl::flat_hash_map<IpAddress, RouteBatch> batches_;
  MrtLoadResult result_;
};

// What a finished load read, for the metrics (feed_counters.h).
void Count(const MrtStats& stats, FeedCounters* counters) {
  if (counters == nullptr) return;
  counters->CountMrt(stats.records - stats.malformed_records,
                     stats.malformed_records + (stats.damaged() ? 1 : 0));
}

}  // namespace

MrtLoadResult LoadMrtBuffer(absl::Span<const uint8_t> data, const std::string& router,
                            RouteIndex& index, FeedCounters* counters) {
  IndexingVisitor visitor(router, index);
  MrtLoadResult result = visitor.Finish(ReadMrt(data, visitor));
  Count(result.stats, counters);
  return result;
}

MrtLoadResult LoadMrtStream(ByteSource& source, const std::string& router, RouteIndex& index,
                            FeedCounters* counters) {
  IndexingVisitor visitor(router, index);
  MrtLoadResult result = visitor.Finish(ReadMrtStream(source, visitor));
  Count(result.stats, counters);
  return result;
}

absl::StatusOr<MrtLoadResult> LoadMrtFile(const std::string& path, const std::string& router,
                                          RouteIndex& index, FeedCounters* counters) {
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(path);
  if (!reader.ok()) return reader.status();
  MrtLoadResult result = LoadMrtStream(**reader, router, index, counters);
  result.notice = (*reader)->notice();
  if (result.stats.damaged()) {
    PFX_LOG(Warning) << "MRT " << path << " is damaged: " << result.stats.damage_message << "; the "
                     << result.stats.records << " records before it are loaded ("
                     << result.announced << " routes announced, " << result.withdrawn
                     << " withdrawn), the rest of the file is not";
  }
  if (!result.notice.empty()) {
    PFX_LOG(Warning) << "MRT " << result.notice;
  }
  return result;
}

}  // namespace pfx
