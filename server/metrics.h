// File: metrics.h
// -----------------------------------------------------------------------------
// Metrics: pfxd's Prometheus exposition (prometheus-cpp) on its own HTTP port
// (`metrics_listen_address` / --metrics_listen, off by default), at /metrics.
//
// Two kinds of figures, so no layer below server/ links a metrics library:
//   - gRPC calls, counted here by a server interceptor (CallInterceptorFactory): calls by
//     method and status code, and a latency histogram per method;
//   - everything else read at scrape time from the components that keep it (Sources): the
//     queue, the feed's sessions, validation outcomes (engine/validation_stats.h), the group
//     committer's histograms (base/histogram.h), the IRR snapshot, RocksDB properties, and
//     the prefix census (engine/prefix_census.h, a scan of the prefix columns, cached for
//     kCensusMaxAge so scrapes stay cheap);
//   - calls the access policy refused, which no interceptor sees (RecordRefusal).
// docs/operations.md lists every metric and its meaning.
//
// The same port serves the ops status page at /status (server/status_page.h, gathered by
// server/status_snapshot.h from these Sources). prometheus-cpp's Exposer owns its CivetWeb
// server and offers no way to add a handler that is not a Prometheus collector, but it takes
// CivetWeb callbacks: a `begin_request` callback sees every request first and answers
// GET /status itself, leaving every other request (/metrics) to the Exposer. CivetWeb
// callbacks are plain function pointers with no context argument, so the callback finds its
// Metrics in a process-wide table keyed by the listening port (entered once the port is bound,
// removed before the server stops; a request in between gets CivetWeb's 404). Pages are
// rendered one at a time under that table's lock (each is a scan of the prefix columns), and
// written after it is released. Like /metrics, /status is unauthenticated: it shows prefixes,
// names, messages and sessions (never a prefix key), so bind the port to a management address.
// Thread-safe: scrapes and pages run on the exposer's threads, the interceptor on gRPC's.

#ifndef PFX_SERVER_METRICS_H_
#define PFX_SERVER_METRICS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/support/server_interceptor.h"

namespace prometheus {
class Exposer;
class Registry;
}  // namespace prometheus

namespace pfx {

class Database;
class FeedCounters;
class GroupCommitter;
class IrrStore;
class ReferenceReloader;
class RetentionSweeper;
class RpkiStore;
class RouteIndex;
class ValidationEngine;
class ValidationQueue;

class Metrics {
 public:
  // What scrapes read; each outlives the Metrics (pfxd's main owns them all).
  struct Sources {
    const Database* db = nullptr;
    const ValidationQueue* queue = nullptr;
    const GroupCommitter* committer = nullptr;
    const RouteIndex* routes = nullptr;
    const ValidationEngine* engine = nullptr;
    const IrrStore* irr = nullptr;
    const FeedCounters* feed = nullptr;  // optional: BMP and MRT messages, decode errors
    const RpkiStore* rpki = nullptr;     // optional: VRP count and age (when configured)
    const ReferenceReloader* reloader = nullptr;  // optional: reloads and failed reloads
    const RetentionSweeper* retention = nullptr;  // optional: rows the sweep deleted
  };
  // A census is at most this old (a scrape every 15 s would otherwise scan every time).
  static constexpr absl::Duration kCensusMaxAge = absl::Seconds(60);

  // Serves /metrics and /status on `listen_address` (HOST:PORT; port 0 picks one).
  // `known_methods`: the full method names ("pfx.v1.Peerings/GetPeering") calls are labelled
  // with; any other path counts as "unknown", so a client cannot grow the label set.
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(const std::string& listen_address,
                                                        Sources sources,
                                                        std::vector<std::string> known_methods);
  ~Metrics();

  int port() const { return port_; }
  // For grpc::ServerBuilder::experimental().SetInterceptorCreators.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallInterceptorFactory();
  // A call the access policy refused before any handler (and so any interceptor) saw it
  // (server/access_control.h's on_refused hook): pfxd_grpc_server_refused_total.
  void RecordRefusal(absl::string_view path, absl::StatusCode code);

  class Calls;  // the interceptor's counters (metrics.cc)

 private:
  Metrics() = default;
  friend class StatusPages;

  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<Calls> calls_;
  std::shared_ptr<class ScrapeCollector> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  Sources sources_;
  int port_ = 0;
};

}  // namespace pfx

#endif  // PFX_SERVER_METRICS_H_
