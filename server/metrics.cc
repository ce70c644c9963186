#include "server/metrics.h"

#include <exception>
#include <limits>
#include <mutex>

#include "CivetServer.h"  // CivetCallbacks
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/histogram.h"
#include "base/log.h"
#include "civetweb.h"
#include "engine/irr_store.h"
#include "engine/prefix_census.h"
#include "engine/reference_reload.h"
#include "engine/rpki_store.h"
#include "engine/validation_engine.h"
#include "feed/feed_counters.h"
#include "feed/route_index.h"
#include "pfx_version.h"
#include "prometheus/collectable.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "server/status_page.h"
#include "server/status_snapshot.h"
#include "storage/database.h"
#include "storage/group_committer.h"
#include "storage/retention.h"
#include "storage/validation_queue.h"

namespace pfx {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));  // same numbers
}

MetricFamily NewFamily(std::string name, std::string help, MetricType type) {
  return MetricFamily{std::move(name), std::move(help), type, {}};
}

ClientMetric GaugeValue(double value, std::vector<prometheus::ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  return m;
}

ClientMetric CounterValue(double value, std::vector<prometheus::ClientMetric::Label> labels) {
  ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = value;
  return m;
}

MetricFamily HistogramFamily(std::string name, std::string help, const Histogram& histogram) {
  MetricFamily family = NewFamily(std::move(name), std::move(help), MetricType::Histogram);
  const Histogram::Snapshot s = histogram.Read();
  ClientMetric m;
  m.histogram.sample_count = s.count;
  m.histogram.sample_sum = s.sum;
  for (size_t i = 0; i < s.bounds.size(); ++i) {
    m.histogram.bucket.push_back({s.cumulative[i], s.bounds[i]});
  }
  m.histogram.bucket.push_back({s.count, std::numeric_limits<double>::infinity()});
  family.metric.push_back(std::move(m));
  return family;
}

double UnixSeconds(absl::Time t) { return absl::ToDoubleSeconds(t - absl::UnixEpoch()); }

}  // namespace

// Everything read at scrape time (see the header).
class ScrapeCollector : public prometheus::Collectable {
 public:
  explicit ScrapeCollector(Metrics::Sources sources) : sources_(sources) {}

  std::vector<MetricFamily> Collect() const override {
    std::vector<MetricFamily> out;
    MetricFamily build =
        NewFamily("pfxd_build_info", "pfxd's version; always 1", MetricType::Gauge);
    build.metric.push_back(GaugeValue(1, {{"version", PFX_VERSION_STRING}}));
    out.push_back(std::move(build));
    Queue(out);
    Validations(out);
    Census(out);
    Sessions(out);
    Feed(out);
    Irr(out);
    ReferenceData(out);
    out.push_back(HistogramFamily("pfxd_commit_group_size",
                                  "mutations made durable by one WAL sync (group commit; groups "
                                  "that wrote nothing are not counted)",
                                  sources_.committer->group_sizes()));
    out.push_back(HistogramFamily("pfxd_wal_sync_seconds",
                                  "time of each group's WAL sync (fsync) in seconds",
                                  sources_.committer->sync_seconds()));
    RocksDb(out);
    return out;
  }

 private:
  void Queue(std::vector<MetricFamily>& out) const {
    MetricFamily depth = NewFamily("pfxd_validation_queue_depth", "prefixes waiting for validation",
                                   MetricType::Gauge);
    depth.metric.push_back(GaugeValue(static_cast<double>(sources_.queue->waiting())));
    out.push_back(std::move(depth));
    MetricFamily age = NewFamily("pfxd_validation_queue_oldest_age_seconds",
                                 "how long the longest-waiting queued prefix has waited (0: none)",
                                 MetricType::Gauge);
    std::optional<absl::Time> oldest = sources_.queue->oldest_queued_at();
    age.metric.push_back(GaugeValue(
        oldest.has_value() ? std::max(0.0, absl::ToDoubleSeconds(absl::Now() - *oldest)) : 0));
    out.push_back(std::move(age));
  }

  void Validations(std::vector<MetricFamily>& out) const {
    const ValidationStats::Snapshot s = sources_.engine->stats().Read();
    MetricFamily results = NewFamily("pfxd_validations_total",
                                     "validations applied since start, by the state they decided",
                                     MetricType::Counter);
    for (const auto& [state, n] : s.by_result) {
      results.metric.push_back(CounterValue(static_cast<double>(n), {{"result", state}}));
    }
    out.push_back(std::move(results));
    MetricFamily transitions =
        NewFamily("pfxd_validation_transitions_total",
                  "prefix state changes made by validations since start", MetricType::Counter);
    for (const auto& [edge, n] : s.transitions) {
      transitions.metric.push_back(
          CounterValue(static_cast<double>(n), {{"from", edge.first}, {"to", edge.second}}));
    }
    out.push_back(std::move(transitions));
    MetricFamily lost =
        NewFamily("pfxd_verifications_lost_total",
                  "prefixes whose last decided state was VERIFIED (or WARNING in hold-down) that "
                  "validations made FAILED or INVALID, since start, by the new state",
                  MetricType::Counter);
    for (const auto& [to, n] : s.verifications_lost) {
      lost.metric.push_back(CounterValue(static_cast<double>(n), {{"to", to}}));
    }
    out.push_back(std::move(lost));
    MetricFamily checks = NewFamily("pfxd_validation_failed_checks_total",
                                    "failing checks in applied validations since start, by check",
                                    MetricType::Counter);
    for (const auto& [check, n] : s.failing_checks) {
      checks.metric.push_back(CounterValue(static_cast<double>(n), {{"check", check}}));
    }
    out.push_back(std::move(checks));
  }

  void Census(std::vector<MetricFamily>& out) const {
    {
      std::lock_guard<std::mutex> lock(census_mu_);
      if (absl::Now() - census_taken_ > Metrics::kCensusMaxAge) {
        absl::StatusOr<PrefixCensus> census = CountPrefixesByState(*sources_.db);
        if (census.ok()) {
          census_ = std::move(*census);
          census_taken_ = absl::Now();
        } else {
          PFX_LOG(Warning) << "metrics: counting prefixes by state failed: " << census.status();
        }
      }
    }
    MetricFamily prefixes = NewFamily(
        "pfxd_prefixes", "stored prefixes by kind (registered, service) and validation state",
        MetricType::Gauge);
    std::lock_guard<std::mutex> lock(census_mu_);
    for (const auto& [key, n] : census_) {
      prefixes.metric.push_back(
          GaugeValue(static_cast<double>(n), {{"kind", key.first}, {"state", key.second}}));
    }
    out.push_back(std::move(prefixes));
  }

  void Sessions(std::vector<MetricFamily>& out) const {
    MetricFamily sessions = NewFamily("pfxd_sessions",
                                      "BGP sessions the feed reports, by establishment and whether "
                                      "their initial table is complete",
                                      MetricType::Gauge);
    MetricFamily routes =
        NewFamily("pfxd_session_routes", "routes held per session", MetricType::Gauge);
    std::map<std::pair<bool, bool>, double> counts = {
        {{false, false}, 0}, {{false, true}, 0}, {{true, false}, 0}, {{true, true}, 0}};
    absl::Time newest = absl::InfinitePast();
    for (const SessionStatus& s : sources_.routes->Sessions()) {
      ++counts[{s.established, s.initial_table_complete}];
      newest = std::max(newest, s.last_update);
      // The feed keeps every session it has seen; a gone one (down, no routes) gets no series
      // of its own, so sessions that come and go do not grow the label set.
      if (!s.established && s.route_count == 0) continue;
      routes.metric.push_back(
          GaugeValue(static_cast<double>(s.route_count),
                     {{"router", s.key.router}, {"peer", s.key.peer.ToString()}}));
    }
    for (const auto& [key, n] : counts) {
      sessions.metric.push_back(
          GaugeValue(n, {{"established", key.first ? "true" : "false"},
                         {"initial_table_complete", key.second ? "true" : "false"}}));
    }
    out.push_back(std::move(sessions));
    out.push_back(std::move(routes));
    MetricFamily last = NewFamily("pfxd_last_route_update_timestamp_seconds",
                                  "unix time of the newest route update from any session (absent "
                                  "before the first)",
                                  MetricType::Gauge);
    if (newest != absl::InfinitePast()) last.metric.push_back(GaugeValue(UnixSeconds(newest)));
    out.push_back(std::move(last));
  }

  void Feed(std::vector<MetricFamily>& out) const {
    if (sources_.feed == nullptr) return;
    const FeedCounters::Snapshot f = sources_.feed->Read();
    MetricFamily messages = NewFamily(
        "pfxd_feed_messages_total",
        "feed messages decoded since start, by source (bmp: messages by BMP type; mrt: records)",
        MetricType::Counter);
    for (size_t i = 0; i < FeedCounters::kBmpTypes; ++i) {
      messages.metric.push_back(CounterValue(
          static_cast<double>(f.bmp_messages[i]),
          {{"source", "bmp"}, {"type", FeedCounters::BmpTypeLabel(static_cast<BmpType>(i))}}));
    }
    messages.metric.push_back(
        CounterValue(static_cast<double>(f.mrt_records), {{"source", "mrt"}, {"type", "record"}}));
    out.push_back(std::move(messages));
    MetricFamily errors =
        NewFamily("pfxd_feed_decode_errors_total",
                  "feed messages that did not decode since start, by source (a BMP one closes "
                  "its connection; an MRT one is a malformed record or a damaged file)",
                  MetricType::Counter);
    errors.metric.push_back(
        CounterValue(static_cast<double>(f.bmp_decode_errors), {{"source", "bmp"}}));
    errors.metric.push_back(
        CounterValue(static_cast<double>(f.mrt_decode_errors), {{"source", "mrt"}}));
    out.push_back(std::move(errors));
  }

  void Irr(std::vector<MetricFamily>& out) const {
    MetricFamily objects =
        NewFamily("pfxd_irr_objects", "IRR route objects in the index in use", MetricType::Gauge);
    objects.metric.push_back(GaugeValue(static_cast<double>(sources_.irr->Get()->object_count())));
    out.push_back(std::move(objects));
    MetricFamily loaded = NewFamily("pfxd_irr_loaded_timestamp_seconds",
                                    "unix time the IRR index in use was loaded", MetricType::Gauge);
    if (absl::Time at = sources_.irr->loaded_at(); at != absl::InfinitePast()) {
      loaded.metric.push_back(GaugeValue(UnixSeconds(at)));
    }
    out.push_back(std::move(loaded));
  }

  // RPKI data (when configured), live reloads of IRR and RPKI, and the retention sweep.
  void ReferenceData(std::vector<MetricFamily>& out) const {
    if (sources_.rpki != nullptr && sources_.rpki->configured()) {
      MetricFamily vrps = NewFamily("pfxd_rpki_vrps",
                                    "validated ROA payloads in the RPKI index in use (files and "
                                    "RTR cache together)",
                                    MetricType::Gauge);
      vrps.metric.push_back(GaugeValue(static_cast<double>(sources_.rpki->Get()->size())));
      out.push_back(std::move(vrps));
      MetricFamily usable = NewFamily(
          "pfxd_rpki_usable",
          "1 when the RPKI data can answer (files configured, or the RTR cache in sync); 0 "
          "while routes are NOT_EVALUATED because the only source, an RTR cache, is not",
          MetricType::Gauge);
      usable.metric.push_back(GaugeValue(sources_.rpki->usable() ? 1 : 0));
      out.push_back(std::move(usable));
      MetricFamily loaded =
          NewFamily("pfxd_rpki_loaded_timestamp_seconds",
                    "unix time the RPKI index in use was built (a file reload or an RTR update)",
                    MetricType::Gauge);
      if (absl::Time at = sources_.rpki->loaded_at(); at != absl::InfinitePast()) {
        loaded.metric.push_back(GaugeValue(UnixSeconds(at)));
      }
      out.push_back(std::move(loaded));
    }
    if (sources_.reloader != nullptr) {
      MetricFamily reloads = NewFamily("pfxd_reference_reloads_total",
                                       "reloads of the IRR and RPKI files since start (SIGHUP, "
                                       "Admin.ReloadReferenceData, the timer)",
                                       MetricType::Counter);
      reloads.metric.push_back(CounterValue(static_cast<double>(sources_.reloader->reloads()), {}));
      out.push_back(std::move(reloads));
      MetricFamily failures = NewFamily(
          "pfxd_reference_reload_failures_total",
          "reloads in which a source kept its old data (a file missing or broken), and "
          "requeues that failed",
          MetricType::Counter);
      failures.metric.push_back(CounterValue(static_cast<double>(sources_.reloader->failures()), {}));
      out.push_back(std::move(failures));
    }
    if (sources_.retention != nullptr) {
      MetricFamily deleted = NewFamily("pfxd_retention_deleted_rows_total",
                                       "events, request_id replies and audit records the "
                                       "retention sweep deleted since start",
                                       MetricType::Counter);
      deleted.metric.push_back(
          CounterValue(static_cast<double>(sources_.retention->deleted_total()), {}));
      out.push_back(std::move(deleted));
    }
  }

  void RocksDb(std::vector<MetricFamily>& out) const {
    const struct {
      const char* metric;
      const char* property;
      const char* help;
    } kProperties[] = {
        {"pfxd_rocksdb_pending_compaction_bytes", "rocksdb.estimate-pending-compaction-bytes",
         "bytes RocksDB estimates compaction must still rewrite"},
        {"pfxd_rocksdb_sst_bytes", "rocksdb.total-sst-files-size", "size of all table files"},
        {"pfxd_rocksdb_memtable_bytes", "rocksdb.cur-size-all-mem-tables",
         "bytes held in memtables"},
        {"pfxd_rocksdb_write_stopped", "rocksdb.is-write-stopped",
         "1 while RocksDB stops writes (a write stall)"},
        {"pfxd_rocksdb_delayed_write_rate_bytes_per_second", "rocksdb.actual-delayed-write-rate",
         "the rate writes are slowed to (0: not delayed)"},
    };
    for (const auto& p : kProperties) {
      std::optional<uint64_t> value = sources_.db->AggregatedProperty(p.property);
      if (!value.has_value()) continue;
      MetricFamily family = NewFamily(p.metric, p.help, MetricType::Gauge);
      family.metric.push_back(GaugeValue(static_cast<double>(*value)));
      out.push_back(std::move(family));
    }
    const ResourceCache& cache = sources_.db->resource_cache();
    MetricFamily entries = NewFamily("pfxd_resource_cache_resources",
                                     "resources whose stored bytes reads find in memory",
                                     MetricType::Gauge);
    entries.metric.push_back(GaugeValue(static_cast<double>(cache.entries())));
    out.push_back(std::move(entries));
    MetricFamily bytes = NewFamily("pfxd_resource_cache_bytes",
                                   "memory those resources count for (resource_cache_bytes "
                                   "bounds it)",
                                   MetricType::Gauge);
    bytes.metric.push_back(GaugeValue(static_cast<double>(cache.bytes())));
    out.push_back(std::move(bytes));
  }

  const Metrics::Sources sources_;
  mutable std::mutex census_mu_;
  mutable PrefixCensus census_;
  mutable absl::Time census_taken_ = absl::InfinitePast();
};

// gRPC calls by method and code, and their latency.
class Metrics::Calls {
 public:
  Calls(std::shared_ptr<prometheus::Registry> registry, std::vector<std::string> known_methods)
      : registry_(std::move(registry)),
        handled_(prometheus::BuildCounter()
                     .Name("pfxd_grpc_server_handled_total")
                     .Help("gRPC calls completed, by method and status code")
                     .Register(*registry_)),
        refused_(prometheus::BuildCounter()
                     .Name("pfxd_grpc_server_refused_total")
                     .Help("gRPC calls the access policy refused before any handler ran, by "
                           "method and status code")
                     .Register(*registry_)),
        seconds_(prometheus::BuildHistogram()
                     .Name("pfxd_grpc_server_handling_seconds")
                     .Help("gRPC call latency in seconds, from arrival to status, by method")
                     .Register(*registry_)),
        known_(known_methods.begin(), known_methods.end()) {}

  void RecordRefusal(absl::string_view path, absl::StatusCode code) {
    refused_.Add({{"grpc_method", Label(path)}, {"grpc_code", absl::StatusCodeToString(code)}})
        .Increment();
  }

  void Record(absl::string_view path, grpc::StatusCode code, absl::Duration latency) {
    const std::string label = Label(path);
    handled_.Add({{"grpc_method", label}, {"grpc_code", CodeName(code)}}).Increment();
    seconds_
        .Add({{"grpc_method", label}},
             prometheus::Histogram::BucketBoundaries{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                     0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10})
        .Observe(absl::ToDoubleSeconds(latency));
  }

 private:
  // The method a path names when pfxd serves it, else "unknown" (paths come from clients).
  std::string Label(absl::string_view path) const {
    absl::string_view method = absl::StripPrefix(path, "/");
    return known_.contains(method) ? std::string(method) : "unknown";
  }

  const std::shared_ptr<prometheus::Registry> registry_;  // owns the families below
  prometheus::Family<prometheus::Counter>& handled_;
  prometheus::Family<prometheus::Counter>& refused_;
  prometheus::Family<prometheus::Histogram>& seconds_;
  const absl::flat_hash_set<std::string> known_;
};

namespace {

class CallInterceptor : public grpc::experimental::Interceptor {
 public:
  CallInterceptor(grpc::experimental::ServerRpcInfo* info, std::shared_ptr<Metrics::Calls> calls)
      : path_(info->method()), calls_(std::move(calls)) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      calls_->Record(path_, methods->GetSendStatus().error_code(), absl::Now() - start_);
    }
    methods->Proceed();
  }

 private:
  const std::string path_;
  const std::shared_ptr<Metrics::Calls> calls_;
  const absl::Time start_ = absl::Now();
};

class CallInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallInterceptorFactory(std::shared_ptr<Metrics::Calls> calls)
      : calls_(std::move(calls)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new CallInterceptor(info, calls_);
  }

 private:
  std::shared_ptr<Metrics::Calls> calls_;
};

}  // namespace

// The status page's way onto the exposer's CivetWeb server (see the header): which Metrics
// serves /status on which listening port, and the begin_request callback that looks it up.
class StatusPages {
 public:
  static void Add(int port, const Metrics* metrics) {
    std::lock_guard<std::mutex> lock(mu_);
    Table()[port] = metrics;
  }
  static void Remove(int port) {
    std::lock_guard<std::mutex> lock(mu_);
    Table().erase(port);
  }

  // Non-zero: answered here (the HTTP status, for CivetWeb's access log); 0: CivetWeb goes on
  // with the request (the Exposer's /metrics, or a 404).
  static int BeginRequest(mg_connection* conn) {
    const mg_request_info* request = mg_get_request_info(conn);
    if (request == nullptr || request->local_uri == nullptr ||
        absl::string_view(request->local_uri) != "/status") {
      return 0;
    }
    const absl::string_view method = request->request_method;
    if (method != "GET" && method != "HEAD") {
      return Send(conn, 405, "text/plain; charset=utf-8", "GET /status\n", true);
    }
    const StatusQuery query =
        ParseStatusQuery(request->query_string == nullptr ? "" : request->query_string);
    std::string body;
    int code = 200;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = Table().find(request->server_port);
      if (it == Table().end()) return 0;
      absl::StatusOr<StatusSnapshot> snapshot = GatherStatus(it->second->sources_, query);
      if (snapshot.ok()) {
        body = RenderStatusPage(*snapshot, query);
      } else {
        PFX_LOG(Warning) << "status page: " << snapshot.status();
        code = 500;
        body = absl::StrCat("<!DOCTYPE html><title>pfxd status</title><p>",
                            HtmlEscape(snapshot.status().ToString()), "</p>");
      }
    }
    return Send(conn, code, "text/html; charset=utf-8", body, method == "GET");
  }

 private:
  static int Send(mg_connection* conn, int code, absl::string_view type, absl::string_view body,
                  bool with_body) {
    // No script may run on the page even if a value escaped its escaping (defence in depth).
    mg_printf(conn,
              "HTTP/1.1 %d %s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n"
              "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
              "Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'; "
              "form-action 'self'\r\nConnection: close\r\n\r\n",
              code, mg_get_response_code_text(conn, code), static_cast<int>(type.size()),
              type.data(), body.size());
    if (with_body) mg_write(conn, body.data(), body.size());
    return code;
  }

  static absl::flat_hash_map<int, const Metrics*>& Table() {
    static auto* table = new absl::flat_hash_map<int, const Metrics*>();
    return *table;
  }
  static inline std::mutex mu_;
};

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(const std::string& listen_address,
                                                        Sources sources,
                                                        std::vector<std::string> known_methods) {
  auto metrics = std::unique_ptr<Metrics>(new Metrics());
  metrics->registry_ = std::make_shared<prometheus::Registry>();
  metrics->calls_ = std::make_shared<Calls>(metrics->registry_, std::move(known_methods));
  metrics->collector_ = std::make_shared<ScrapeCollector>(sources);
  metrics->sources_ = sources;
  CivetCallbacks callbacks;  // copied by CivetWeb
  callbacks.begin_request = &StatusPages::BeginRequest;
  try {
    // civetweb takes "HOST:PORT" for IPv4; port 0 lets the kernel pick.
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(listen_address, 2, &callbacks);
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("metrics_listen_address ", listen_address, ": cannot listen: ", e.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  metrics->exposer_->RegisterCollectable(metrics->collector_);
  std::vector<int> ports = metrics->exposer_->GetListeningPorts();
  metrics->port_ = ports.empty() ? 0 : ports.front();
  StatusPages::Add(metrics->port_, metrics.get());
  return metrics;
}

Metrics::~Metrics() {
  if (exposer_ != nullptr) StatusPages::Remove(port_);  // before the server stops
}

void Metrics::RecordRefusal(absl::string_view path, absl::StatusCode code) {
  calls_->RecordRefusal(path, code);
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
Metrics::CallInterceptorFactory() {
  return std::make_unique<pfx::CallInterceptorFactory>(calls_);
}

}  // namespace pfx
