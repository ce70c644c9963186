#include "feed/mrt_loader.h"

#include "absl/container/flat_hash_map.h"
#include "base/log.h"
#include "feed/file_reader.h"

namespace pfx {
namespace {

// Collects routes per session and hands them to the index in batches, so a full table takes
// the index lock once per kBatchSize routes instead of once per route. A RIB entry with the
// same attributes and time as the session's previous one joins its group (SharedRoutes):
// about half of a full table's entries do (an AS's prefixes sit next to each other), and
// each group is copied and interned once instead of once per route.
class IndexingVisitor : public MrtVisitor {
 public:
  static constexpr size_t kBatchSize = 4096;

  IndexingVisitor(const std::string& router, RouteIndex& index) : router_(router), index_(index) {}

  void OnRibEntry(uint32_t timestamp, const MrtPeer& peer, const IpPrefix& prefix,
                  const RouteAttributes& attributes) override {
    Pending& pending = BatchFor(peer);
    RouteBatch& b = pending.batch;
    if (!b.announced.empty()) Flush(pending);  // keep the order of an UPDATE's routes
    const absl::Time received = absl::FromUnixSeconds(timestamp);
    if (b.announced_shared.empty() || b.announced_shared.back().received != received ||
        !(b.announced_shared.back().attributes == attributes)) {
      b.announced_shared.push_back({attributes, received, {}});
    }
    b.announced_shared.back().prefixes.push_back(prefix);
    ++result_.announced;
    if (++pending.routes >= kBatchSize) Flush(pending);
  }

  void OnUpdate(uint32_t timestamp, const MrtPeer& peer, const BgpUpdate& update) override {
    Pending& pending = BatchFor(peer);
    RouteBatch& b = pending.batch;
    if (!b.announced_shared.empty()) Flush(pending);  // RIB entries before, applied first
    // Keep the order of operations: a withdrawal after an announcement in an earlier UPDATE
    // must not be applied first, so flush pending announcements before withdrawing.
    if (!update.withdrawn.empty() && !b.announced.empty()) Flush(pending);
    for (const IpPrefix& p : update.withdrawn) b.withdrawn.push_back(p);
    if (!update.withdrawn.empty()) Flush(pending);
    result_.withdrawn += update.withdrawn.size();
    for (const IpPrefix& p : update.announced) {
      b.announced.push_back({p, update.attributes, absl::FromUnixSeconds(timestamp)});
    }
    result_.announced += update.announced.size();
    pending.routes += update.announced.size();
    if (pending.routes >= kBatchSize) Flush(pending);
  }

  void OnStateChange(uint32_t timestamp, const MrtPeer& peer, uint16_t old_state,
                     uint16_t new_state) override {
    Pending& pending = BatchFor(peer);
    Flush(pending);
    index_.SetEstablished(pending.batch.session, new_state == 6, peer.asn);
  }

  MrtLoadResult Finish(MrtStats stats) {
    for (auto& [address, pending] : batches_) {
      Flush(pending);
      index_.MarkInitialTableComplete(pending.batch.session);
    }
    result_.stats = std::move(stats);
    result_.sessions = batches_.size();
    return result_;
  }

 private:
  // A session's routes not yet handed to the index.
  struct Pending {
    RouteBatch batch;
    size_t routes = 0;  // announcements in `batch`
  };

  Pending& BatchFor(const MrtPeer& peer) {
    auto [it, inserted] = batches_.try_emplace(peer.address);
    if (inserted) {
      it->second.batch.session = SessionKey{router_, peer.address};
      index_.SetEstablished(it->second.batch.session, true, peer.asn);
    }
    return it->second;
  }

  void Flush(Pending& pending) {
    RouteBatch& b = pending.batch;
    if (b.announced.empty() && b.withdrawn.empty() && b.announced_shared.empty()) return;
    index_.Apply(b);
    b.announced.clear();
    b.withdrawn.clear();
    b.announced_shared.clear();
    pending.routes = 0;
  }

  std::string router_;
  RouteIndex& index_;
  absl::flat_hash_map<IpAddress, Pending> batches_;
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
