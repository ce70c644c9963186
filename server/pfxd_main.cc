// pfxd: the prefix validation service. Wires storage, the route feed, the validation workers
// and the gRPC services together, then serves until SIGINT/SIGTERM.
#include <sys/resource.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/log.h"
#include "base/serial_executor.h"
#include "engine/recovery.h"
#include "engine/reference_reload.h"
#include "engine/rpki_store.h"
#include "engine/revalidation_trigger.h"
#include "engine/worker_pool.h"
#include "feed/bmp/bmp_listener.h"
#include "feed/mrt_loader.h"
#include "feed/rtr_client.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "pfx_version.h"
#include "registry/db_check.h"
#include "registry/schema_migration.h"
#include "server/access_control.h"
#include "server/call_log.h"
#include "server/config.h"
#include "server/grpc_services.h"
#include "server/metrics.h"
#include "server/tls_credentials.h"
#include "storage/reseal.h"
#include "storage/retention.h"

// A flag overrides the config field it names only when given on the command line; the
// defaults shown by --help are the real ones (server/config.h), used when neither sets it.
ABSL_FLAG(std::string, config, "", "text-format pfx.v1.ServerConfig file (docs/configuration.md)");
ABSL_FLAG(std::string, listen, pfx::kDefaultListen, "gRPC listen address; port 0 picks one");
ABSL_FLAG(std::string, data_dir, pfx::kDefaultDataDir, "RocksDB directory");
ABSL_FLAG(int, workers, pfx::kDefaultWorkers, "validation worker threads, 1-64");
ABSL_FLAG(int, hold_down_seconds, pfx::kDefaultHoldDownSeconds,
          "VERIFIED -> WARNING -> FAILED hold-down, 0-86400 (0: none)");
ABSL_FLAG(int, debounce_millis, pfx::kDefaultDebounceMillis,
          "route changes are gathered this long before requeueing, 0-60000");
ABSL_FLAG(int, settle_seconds, pfx::kDefaultSettleSeconds,
          "a session without End-of-RIB counts as complete after this, 0-3600");
ABSL_FLAG(int, watch_buffer, pfx::kDefaultWatchBuffer,
          "state changes buffered per WatchValidation stream for a slow reader, 1-1000000");
ABSL_FLAG(std::string, bmp_listen, pfx::kDefaultBmpListen, "BMP station address; off disables");
ABSL_FLAG(int, bmp_max_connections, pfx::kDefaultBmpMaxConnections,
          "open BMP connections, 1-65536 (docs/bmp.md, Limits)");
ABSL_FLAG(int, bmp_initiation_timeout_millis, pfx::kDefaultBmpInitiationTimeoutMillis,
          "a BMP connection must send its Initiation within this, 100-600000");
ABSL_FLAG(int, bmp_incomplete_message_timeout_millis,
          pfx::kDefaultBmpIncompleteMessageTimeoutMillis,
          "a BMP connection holding part of a message this long is closed, 100-3600000");
ABSL_FLAG(int64_t, bmp_buffer_budget_bytes, pfx::kDefaultBmpBufferBudgetBytes,
          "bytes of incomplete BMP messages held across connections, 65536-17179869184");
ABSL_FLAG(int64_t, resource_cache_bytes, pfx::kDefaultResourceCacheBytes,
          "memory for resources kept in front of RocksDB for reads, 0-1099511627776 (0: off)");
ABSL_FLAG(int, bmp_silence_timeout_millis, pfx::kDefaultBmpSilenceTimeoutMillis,
          "a router's new BMP connection replaces its open one only after this much silence, "
          "100-86400000");
ABSL_FLAG(bool, bmp_accept_unknown_routers, false,
          "with bmp_routers configured, accept BMP connections from other addresses too");
ABSL_FLAG(std::string, bmp_port_file, "", "write the bound BMP port here once listening");
ABSL_FLAG(bool, enable_route_injection, false, "serve the RouteInjection service (tests, demos)");
ABSL_FLAG(std::vector<std::string>, mrt, {}, "MRT files to load, [ROUTER=]PATH, comma separated");
ABSL_FLAG(std::vector<std::string>, irr, {}, "RPSL dump files to load, comma separated");
ABSL_FLAG(std::string, tls_cert, "",
          "TLS: pfxd's certificate chain (PEM); with --tls_key, --tls_client_ca");
ABSL_FLAG(std::string, tls_key, "", "TLS: pfxd's private key (PEM)");
ABSL_FLAG(std::string, tls_client_ca, "", "TLS: the CA client certificates must chain to (PEM)");
ABSL_FLAG(std::string, tls_crl_dir, "",
          "TLS: a directory of hashed CRLs revoking client certificates");
ABSL_FLAG(std::vector<std::string>, key_encryption_key, {},
          "key-encryption keys sealing prefix keys at rest, ID=FILE, comma separated; the first "
          "seals, all open");
ABSL_FLAG(std::string, port_file, "", "write the bound port here once serving");
ABSL_FLAG(std::vector<std::string>, rpki_json, {},
          "rpki-client JSON files of validated ROA payloads (plain, .gz, .bz2), comma separated");
ABSL_FLAG(std::string, rpki_rtr, "", "HOST:PORT of an RTR cache (stayrtr, Routinator)");
ABSL_FLAG(std::string, rpki_policy, "advisory",
          "what an RPKI-invalid route does: advisory (evidence only), warn (VERIFIED becomes "
          "WARNING) or reject_invalid (FAILED)");
ABSL_FLAG(int, reference_reload_seconds, 0,
          "re-read IRR and RPKI files that changed this often (0: on SIGHUP only)");
ABSL_FLAG(std::string, metrics_listen, pfx::kDefaultMetricsListen,
          "Prometheus metrics HTTP address (HOST:PORT, port 0 picks one); off disables");
ABSL_FLAG(std::string, metrics_port_file, "", "write the bound metrics port here once listening");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warning or error");
ABSL_FLAG(std::string, log_format, "text",
          "text, or json: one object per line with time, level, message and the call's fields");
ABSL_FLAG(std::string, check_db, "",
          "verify every invariant of the data dir DIR (pfxd must not be running) and exit: "
          "0 clean, 1 violations found, 2 cannot open");

namespace pfx {
namespace {

// How long shutdown waits for an MRT load still running before exiting without it
// (documented in docs/configuration.md: SIGTERM ends pfxd within about 8 s).
constexpr absl::Duration kLoaderGrace = absl::Seconds(2);

// Where the TLS files being served are staged, inside the data dir (server/tls_credentials.h).
constexpr char kTlsStageDir[] = "tls-staged";

// The command line as given (this abseil keeps "was it given?" private).
std::vector<std::string>& Arguments() {
  static auto* arguments = new std::vector<std::string>();
  return *arguments;
}

// Whether --flag was given: on the command line (--flag, -flag, with =VALUE or a separate
// value), or through --flagfile / --fromenv, which leave it differing from its default.
bool Given(absl::string_view flag) {
  for (const std::string& a : Arguments()) {
    absl::string_view name = absl::StripPrefix(absl::StripPrefix(a, "-"), "-");
    if (name.size() == a.size()) continue;  // not a flag
    if (name == flag || absl::StartsWith(name, absl::StrCat(flag, "="))) return true;
  }
  const absl::CommandLineFlag* f = absl::FindCommandLineFlag(flag);
  return f != nullptr && f->CurrentValue() != f->DefaultValue();
}

void ApplyFlags(v1::ServerConfig& c) {
  if (Given("listen")) c.set_listen_address(absl::GetFlag(FLAGS_listen));
  if (Given("data_dir")) c.set_data_dir(absl::GetFlag(FLAGS_data_dir));
  if (Given("workers")) c.set_worker_threads(absl::GetFlag(FLAGS_workers));
  if (Given("hold_down_seconds")) c.set_hold_down_seconds(absl::GetFlag(FLAGS_hold_down_seconds));
  if (Given("debounce_millis")) c.set_debounce_millis(absl::GetFlag(FLAGS_debounce_millis));
  if (Given("settle_seconds")) c.set_settle_seconds(absl::GetFlag(FLAGS_settle_seconds));
  if (Given("watch_buffer")) c.set_watch_buffer(absl::GetFlag(FLAGS_watch_buffer));
  if (Given("bmp_listen")) c.set_bmp_listen_address(absl::GetFlag(FLAGS_bmp_listen));
  if (Given("metrics_listen")) c.set_metrics_listen_address(absl::GetFlag(FLAGS_metrics_listen));
  if (Given("bmp_max_connections")) {
    c.set_bmp_max_connections(absl::GetFlag(FLAGS_bmp_max_connections));
  }
  if (Given("bmp_initiation_timeout_millis")) {
    c.set_bmp_initiation_timeout_millis(absl::GetFlag(FLAGS_bmp_initiation_timeout_millis));
  }
  if (Given("bmp_incomplete_message_timeout_millis")) {
    c.set_bmp_incomplete_message_timeout_millis(
        absl::GetFlag(FLAGS_bmp_incomplete_message_timeout_millis));
  }
  if (Given("bmp_buffer_budget_bytes")) {
    c.set_bmp_buffer_budget_bytes(absl::GetFlag(FLAGS_bmp_buffer_budget_bytes));
  }
  if (Given("resource_cache_bytes")) {
    c.set_resource_cache_bytes(absl::GetFlag(FLAGS_resource_cache_bytes));
  }
  if (Given("bmp_silence_timeout_millis")) {
    c.set_bmp_silence_timeout_millis(absl::GetFlag(FLAGS_bmp_silence_timeout_millis));
  }
  if (absl::GetFlag(FLAGS_bmp_accept_unknown_routers)) c.set_bmp_accept_unknown_routers(true);
  if (absl::GetFlag(FLAGS_enable_route_injection)) c.set_enable_route_injection(true);
  for (const std::string& spec : absl::GetFlag(FLAGS_mrt)) {
    std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits('=', 1));
    v1::MrtSource* m = c.add_mrt();
    m->set_router(parts.size() == 2 ? parts[0] : "mrt");
    m->set_path(parts.back());
  }
  for (const std::string& path : absl::GetFlag(FLAGS_irr)) c.add_irr()->set_path(path);
  for (const std::string& path : absl::GetFlag(FLAGS_rpki_json)) {
    c.mutable_rpki()->add_json_file(path);
  }
  if (Given("rpki_rtr")) c.mutable_rpki()->set_rtr_server(absl::GetFlag(FLAGS_rpki_rtr));
  if (Given("rpki_policy")) {
    v1::RpkiPolicy policy = v1::RPKI_POLICY_UNSPECIFIED;
    // An unknown name stays UNSPECIFIED... which means ADVISORY: refuse it here instead.
    if (!v1::RpkiPolicy_Parse(
            absl::StrCat("RPKI_POLICY_", absl::AsciiStrToUpper(absl::GetFlag(FLAGS_rpki_policy))),
            &policy)) {
      policy = static_cast<v1::RpkiPolicy>(-1);
    }
    c.set_rpki_policy(policy);
  }
  if (Given("reference_reload_seconds")) {
    c.set_reference_reload_seconds(absl::GetFlag(FLAGS_reference_reload_seconds));
  }
  if (Given("tls_cert")) c.mutable_tls()->set_cert_file(absl::GetFlag(FLAGS_tls_cert));
  if (Given("tls_key")) c.mutable_tls()->set_key_file(absl::GetFlag(FLAGS_tls_key));
  if (Given("tls_client_ca"))
    c.mutable_tls()->set_client_ca_file(absl::GetFlag(FLAGS_tls_client_ca));
  if (Given("tls_crl_dir")) c.mutable_tls()->set_crl_directory(absl::GetFlag(FLAGS_tls_crl_dir));
  if (Given("key_encryption_key")) {
    c.clear_key_encryption_key();
    for (const std::string& spec : absl::GetFlag(FLAGS_key_encryption_key)) {
      std::vector<std::string> parts = absl::StrSplit(spec, absl::MaxSplits('=', 1));
      v1::KeyEncryptionKey* k = c.add_key_encryption_key();
      if (parts.size() == 2) k->set_id(parts[0]);  // without '=', the id check names the flaw
      k->set_file(parts.back());
    }
  }
}

// How the data dir opens: with the configured key-encryption keys (their files read now).
absl::StatusOr<DatabaseOptions> StorageOptions(const v1::ServerConfig& config) {
  absl::StatusOr<KeySealer> sealer = LoadKeySealer(config);
  if (!sealer.ok()) return sealer.status();
  DatabaseOptions options;
  options.key_sealer = std::move(*sealer);
  options.resource_cache_bytes = static_cast<size_t>(config.resource_cache_bytes());
  return options;
}

// The RPCs that go through the registry's mutation path (and leave an audit record).
bool IsRegistryMutation(absl::string_view path) {
  for (absl::string_view service :
       {"/pfx.v1.Peerings/", "/pfx.v1.Registrations/", "/pfx.v1.PeeringServices/"}) {
    if (!absl::StartsWith(path, service)) continue;
    absl::string_view method = path.substr(service.size());
    return absl::StartsWith(method, "Create") || absl::StartsWith(method, "Delete") ||
           method == "SetConnectionState";
  }
  return false;
}

bool TlsConfigured(const v1::ServerConfig& config) { return !config.tls().cert_file().empty(); }

RpkiPolicy ToRpkiPolicy(const v1::ServerConfig& config) {
  switch (config.rpki_policy()) {
    case v1::RPKI_POLICY_WARN:
      return RpkiPolicy::kWarn;
    case v1::RPKI_POLICY_REJECT_INVALID:
      return RpkiPolicy::kRejectInvalid;
    default:
      return RpkiPolicy::kAdvisory;
  }
}

RtrClientOptions RtrOptions(const v1::RpkiConfig& rpki) {
  HostPort server = SplitHostPort(rpki.rtr_server());
  return {server.host, server.port, rpki.rtr_refresh_seconds(), rpki.rtr_retry_seconds(),
          rpki.rtr_expire_seconds()};
}

// The credentials of the gRPC port: TLS with the access policy when configured, otherwise
// plaintext (ValidateConfig allowed it on loopback only).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> PortCredentials(
    const v1::ServerConfig& config, std::shared_ptr<AccessControl> access,
    std::unique_ptr<TlsCredentials>& tls) {
  if (!TlsConfigured(config)) return grpc::InsecureServerCredentials();
  absl::StatusOr<std::unique_ptr<TlsCredentials>> created = TlsCredentials::Create(
      config.tls(), absl::StrCat(config.data_dir(), "/", kTlsStageDir), std::move(access));
  if (!created.ok()) return created.status();
  tls = std::move(*created);
  return tls->server_credentials();
}

// Written atomically (rename) so a reader never sees a partial number.
void WritePortFile(const std::string& path, int port) {
  if (path.empty()) return;
  std::string tmp = path + ".tmp";
  std::ofstream(tmp) << port << "\n";
  std::rename(tmp.c_str(), path.c_str());
}

absl::StatusOr<std::unique_ptr<BmpListener>> StartBmp(const v1::ServerConfig& config,
                                                      RouteIndex& routes, FeedCounters* counters) {
  const std::string& listen = config.bmp_listen_address();
  auto [host, port_text] = SplitHostPort(listen);
  int port = 0;
  if (!absl::SimpleAtoi(port_text, &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("bmp_listen_address: expected HOST:PORT, got '", listen, "'"));
  }
  absl::flat_hash_map<IpAddress, std::string> names;
  for (const v1::BmpRouter& r : config.bmp_routers()) {
    absl::StatusOr<IpAddress> a = IpAddress::Parse(r.address());
    if (!a.ok())
      return absl::InvalidArgumentError(
          absl::StrCat("bmp_routers.address: ", a.status().message()));
    names[*a] = r.name();
  }
  BmpLimits limits;
  limits.max_connections = static_cast<size_t>(config.bmp_max_connections());
  limits.initiation_timeout = absl::Milliseconds(config.bmp_initiation_timeout_millis());
  limits.incomplete_message_timeout =
      absl::Milliseconds(config.bmp_incomplete_message_timeout_millis());
  limits.buffer_budget_bytes = static_cast<size_t>(config.bmp_buffer_budget_bytes());
  limits.silence_timeout = absl::Milliseconds(config.bmp_silence_timeout_millis());
  limits.accept_unknown_routers = config.bmp_accept_unknown_routers();
  BmpListenerOptions options{.address = host,
                             .port = port,
                             .router_name =
                                 [names](const IpAddress& a) {
                                   auto it = names.find(a);
                                   return it == names.end() ? std::string() : it->second;
                                 },
                             .routers_configured = !names.empty(),
                             .limits = limits,
                             .on_event =
                                 [](bool error, const std::string& text) {
                                   if (error) {
                                     PFX_LOG(Warning) << text;
                                   } else {
                                     PFX_LOG(Info) << text;
                                   }
                                 },
                             .counters = counters};
  absl::StatusOr<std::unique_ptr<BmpListener>> listener = BmpListener::Start(options, &routes);
  if (listener.ok()) {
    PFX_LOG(Info) << "BMP station listening on " << host << ":" << (*listener)->port();
  }
  return listener;
}

// BMP connections, gRPC clients and RocksDB's files share one descriptor limit; the soft limit
// (often 1024) is raised to the hard one. The BMP station keeps a reserve of it for the rest of
// pfxd (feed/bmp/fd_reserve.h), so gRPC can always accept.
void RaiseFdLimit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) {
    PFX_LOG(Warning) << "getrlimit(RLIMIT_NOFILE): " << std::strerror(errno);
    return;
  }
  if (r.rlim_cur >= r.rlim_max) {
    PFX_LOG(Info) << "file descriptor limit " << r.rlim_cur << " (the hard limit)";
    return;
  }
  const rlim_t soft = r.rlim_cur;
  r.rlim_cur = r.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &r) != 0) {
    PFX_LOG(Warning) << "file descriptor limit stays " << soft << ": raising it to the hard limit "
                     << r.rlim_max << " failed: " << std::strerror(errno);
    return;
  }
  PFX_LOG(Info) << "file descriptor limit raised from " << soft << " to the hard limit "
                << r.rlim_max;
}

int Serve() {
  absl::StatusOr<v1::ServerConfig> config = LoadConfig(absl::GetFlag(FLAGS_config));
  if (!config.ok()) {
    PFX_LOG(Error) << config.status();
    return 2;
  }
  ApplyFlags(*config);
  FillDefaults(*config);
  if (absl::Status s = ValidateConfig(*config); !s.ok()) {
    PFX_LOG(Error) << "configuration refused: " << s.message();
    return 2;
  }
  RaiseFdLimit();

  // Block the stop signals in every thread; main waits for them with sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<DatabaseOptions> storage = StorageOptions(*config);
  if (!storage.ok()) {
    PFX_LOG(Error) << "configuration refused: " << storage.status().message();
    return 2;
  }
  absl::StatusOr<std::unique_ptr<Database>> db =
      Database::Open(config->data_dir(), std::move(*storage));
  if (!db.ok()) {
    PFX_LOG(Error) << db.status();
    return 1;
  }
  if (int n = (*db)->data_dir_tightened(); n > 0) {
    PFX_LOG(Warning) << config->data_dir() << ": took group and world access away from " << n
                     << " entries (the data dir is pfxd's alone: 0700, files 0600)";
  }
  absl::StatusOr<std::unique_ptr<ValidationQueue>> queue = ValidationQueue::Open(db->get());
  absl::StatusOr<std::unique_ptr<EventLog>> events = EventLog::Open(db->get());
  if (!queue.ok() || !events.ok()) {
    PFX_LOG(Error) << (queue.ok() ? events.status() : queue.status());
    return 1;
  }
  if (absl::Status s = MigrateSchema(**db, **events); !s.ok()) {
    PFX_LOG(Error) << "migrating " << config->data_dir() << ": " << s;
    return 1;
  }
  absl::StatusOr<ResealReport> resealed = ResealStoredSecrets(**db);
  if (!resealed.ok()) {
    PFX_LOG(Error) << config->data_dir() << ": " << resealed.status().message();
    return absl::IsFailedPrecondition(resealed.status()) ? 2 : 1;
  }
  if (resealed->rows_resealed > 0 || resealed->compacted) {
    const KeySealer& sealer = (*db)->key_sealer();
    PFX_LOG(Info) << "stored secrets: " << resealed->rows_resealed << " of " << resealed->rows_read
                  << " rows rewritten "
                  << (sealer.enabled()
                          ? absl::StrCat("sealed under key-encryption key '", sealer.sealing_id(),
                                         "'; old values compacted away")
                          : std::string("in plain text"));
  }
  absl::flat_hash_set<std::string> accepted(config->accepted_irr_sources().begin(),
                                            config->accepted_irr_sources().end());
  IrrStore irr(accepted);
  std::vector<std::string> irr_paths;
  for (const v1::IrrSource& s : config->irr()) irr_paths.push_back(s.path());
  if (absl::StatusOr<std::vector<IpPrefix>> loaded = irr.Reload(irr_paths); !loaded.ok()) {
    PFX_LOG(Error) << "--irr: " << loaded.status();
    return 2;
  }
  std::vector<std::string> rpki_paths(config->rpki().json_file().begin(),
                                      config->rpki().json_file().end());
  RpkiStore rpki(!rpki_paths.empty(), !config->rpki().rtr_server().empty());
  if (!rpki_paths.empty()) {
    if (absl::StatusOr<std::vector<IpPrefix>> loaded = rpki.ReloadFiles(rpki_paths);
        !loaded.ok()) {
      PFX_LOG(Error) << "rpki.json_file: " << loaded.status();
      return 2;
    }
  }

  RealClock clock;
  RouteIndex routes(&clock);
  FeedCounters feed_counters;  // BMP and MRT messages read, for the metrics and /status
  DependencyIndex dependencies;
  NoticeHub notices;
  TimerQueue timers(&clock);
  absl::Mutex write_mu;
  GroupCommitter committer(db->get(), &write_mu);  // outlives the gRPC server below
  absl::StatusOr<std::unique_ptr<AuditLog>> audit = AuditLog::Open(db->get());
  if (!audit.ok()) {
    PFX_LOG(Error) << "opening the audit trail: " << audit.status();
    return 1;
  }
  StoreContext ctx{db->get(), queue->get(), events->get(), &dependencies, &routes,
                   &clock,    &write_mu,    &committer,    audit->get()};
  Registry registry(ctx);
  if (absl::Status s = registry.Load(); !s.ok()) {
    PFX_LOG(Error) << "loading the registry's indexes failed: " << s;
    return 1;
  }
  if (absl::Status s = RecoverValidation(ctx, dependencies); !s.ok()) {
    PFX_LOG(Error) << "recovery failed: " << s;
    return 1;
  }
  ValidationEngine engine(ctx, &registry.registered_prefixes(), &dependencies, &irr, &rpki,
                          &notices, &timers,
                          {absl::Seconds(config->hold_down_seconds()), ToRpkiPolicy(*config)});
  // Live reload of IRR and RPKI (SIGHUP, Admin.ReloadReferenceData, the optional timer); RTR
  // updates requeue through the same path.
  ReferenceReloader reloader(&irr, irr_paths, &rpki, rpki_paths, &dependencies, queue->get());
  rpki.SetListener([&reloader](const std::vector<IpPrefix>& changed) {
    reloader.Requeue(changed, "RPKI change");
  });
  if (config->reference_reload_seconds() > 0) {
    reloader.StartTimer(absl::Seconds(config->reference_reload_seconds()));
  }
  const v1::RetentionConfig& keep = config->retention();
  RetentionSweeper retention(
      db->get(), {absl::Hours(24) * keep.event_max_age_days(),
                  static_cast<uint64_t>(keep.events_per_prefix()),
                  absl::Hours(keep.request_reply_max_age_hours()),
                  static_cast<uint64_t>(keep.max_request_replies()),
                  absl::Hours(24) * keep.audit_max_age_days()});
  retention.Start(absl::Seconds(keep.sweep_interval_seconds()));
  std::unique_ptr<RtrClient> rtr;
  if (!config->rpki().rtr_server().empty()) {
    absl::StatusOr<std::unique_ptr<RtrClient>> started = RtrClient::Start(
        RtrOptions(config->rpki()), [&rpki](std::vector<Vrp> vrps, bool in_sync) { rpki.SetRtrVrps(std::move(vrps), in_sync); });
    if (!started.ok()) {
      PFX_LOG(Error) << "rpki.rtr_server: " << started.status();
      return 2;
    }
    rtr = std::move(*started);
  }
  RevalidationTrigger trigger(&routes, &dependencies, queue->get(), &clock,
                              absl::Milliseconds(config->debounce_millis()),
                              absl::Seconds(config->settle_seconds()));
  WorkerPool workers(queue->get(), &engine, config->worker_threads());
  timers.Start();
  trigger.Start();

  std::unique_ptr<Metrics> metrics;  // started below, before gRPC serves
  auto access = std::make_shared<AccessControl>(
      TlsConfigured(*config),
      std::vector<v1::RoleBinding>(config->role().begin(), config->role().end()));
  access->set_on_refused([&registry, &metrics](const Caller& caller, absl::string_view path,
                                               const absl::Status& refusal) {
    if (metrics != nullptr) metrics->RecordRefusal(path, refusal.code());
    // Only callers with a certificate pfxd trusts are recorded: anyone else could fill the
    // disk with records of nothing.
    if (caller.authenticated && IsRegistryMutation(path)) {
      registry.RecordRefusal(ActorOf(caller), path.substr(path.rfind('/') + 1), "", "", refusal);
    }
  });
  std::unique_ptr<TlsCredentials> tls;
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      PortCredentials(*config, access, tls);
  if (!credentials.ok()) {
    PFX_LOG(Error) << credentials.status();
    return 2;
  }
  PeeringsService peerings_service(&registry, access.get());
  RegistrationsService registrations_service(&registry, access.get());
  PeeringServicesService peering_services_service(&registry, access.get());
  SerialExecutor revalidate_selector;  // Revalidate's selection scans, one at a time
  ValidationService validation_service(
      &engine, {db->get(), &registry, &notices, &timers, &revalidate_selector, &clock},
      static_cast<size_t>(config->watch_buffer()), access.get());
  RouteViews route_views(db->get()->page_tokens(), &registry, &routes, &irr, &rpki);
  RoutesService routes_service(&route_views, access.get());
  RouteInjection route_injection(&routes, &clock);
  RouteInjectionService injection_service(&route_injection, access.get());
  AdminService admin_service(audit->get(), &reloader, db->get(), access.get());

  // The BMP station binds before gRPC serves: a taken BMP port stops pfxd before any client
  // sees it up.
  std::unique_ptr<BmpListener> bmp;
  if (config->bmp_listen_address() != "off") {
    absl::StatusOr<std::unique_ptr<BmpListener>> started =
        StartBmp(*config, routes, &feed_counters);
    if (!started.ok()) {
      PFX_LOG(Error) << started.status();
      return 1;
    }
    bmp = std::move(*started);
    WritePortFile(absl::GetFlag(FLAGS_bmp_port_file), bmp->port());
  }

  // Metrics bind before gRPC serves too, and count every call from the first.
  if (config->metrics_listen_address() != "off") {
    std::vector<std::string> methods = {"grpc.health.v1.Health/Check",
                                        "grpc.health.v1.Health/Watch",
                                        "grpc.reflection.v1alpha.ServerReflection/"
                                        "ServerReflectionInfo"};
    for (const RpcRule& rule : RpcRules()) methods.push_back(rule.path.substr(1));
    absl::StatusOr<std::unique_ptr<Metrics>> started = Metrics::Start(
        config->metrics_listen_address(),
        {db->get(), queue->get(), &committer, &routes, &engine, &irr, &feed_counters, &rpki,
         &reloader, &retention},
        std::move(methods));
    if (!started.ok()) {
      PFX_LOG(Error) << started.status();
      return 1;
    }
    metrics = std::move(*started);
    WritePortFile(absl::GetFlag(FLAGS_metrics_port_file), metrics->port());
    const std::string& address = config->metrics_listen_address();
    PFX_LOG(Info) << "metrics on http://" << address.substr(0, address.rfind(':')) << ":"
                  << metrics->port() << "/metrics (status page: /status)";
  }

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> creators;
  creators.push_back(CallLogInterceptorFactory(access));
  if (metrics != nullptr) creators.push_back(metrics->CallInterceptorFactory());
  builder.experimental().SetInterceptorCreators(std::move(creators));
  int port = 0;
  builder.AddListeningPort(config->listen_address(), *credentials, &port);
  builder.RegisterService(&peerings_service);
  builder.RegisterService(&registrations_service);
  builder.RegisterService(&peering_services_service);
  builder.RegisterService(&validation_service);
  builder.RegisterService(&routes_service);
  builder.RegisterService(&admin_service);
  if (config->enable_route_injection()) builder.RegisterService(&injection_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    PFX_LOG(Error) << "cannot listen on " << config->listen_address();
    return 1;
  }
  // Health (docs/operations.md): overall ("") and per service. NOT_SERVING until the initial
  // feed (MRT files) is loaded, SERVING after, NOT_SERVING from the start of shutdown.
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  std::vector<std::string> served = {"pfx.v1.Peerings",        "pfx.v1.Registrations",
                                     "pfx.v1.PeeringServices", "pfx.v1.Validation",
                                     "pfx.v1.Routes",          "pfx.v1.Admin"};
  if (config->enable_route_injection()) served.push_back("pfx.v1.RouteInjection");
  auto set_health = [health, &served](bool serving) {
    health->SetServingStatus(serving);  // "" and every service registered with it
    for (const std::string& service : served) health->SetServingStatus(service, serving);
  };
  set_health(false);
  std::string host = config->listen_address().substr(0, config->listen_address().rfind(':'));
  PFX_LOG(Info) << "pfxd serving on " << host << ":" << port << " (data " << config->data_dir()
                << (tls != nullptr ? absl::StrCat(", TLS with client certificates, ",
                                                  config->role_size(), " role bindings")
                                   : std::string(", plaintext: loopback only, every role"))
                << (config->enable_route_injection() ? ", route injection enabled" : "") << ")";
  WritePortFile(absl::GetFlag(FLAGS_port_file), port);

  // Bulk route sources load in the background; their sessions read as UNKNOWN meanwhile.
  absl::Notification loaded;
  std::atomic<bool> stopping{false};
  std::thread loader([&] {
    for (const v1::MrtSource& m : config->mrt()) {
      absl::Time start = absl::Now();
      absl::StatusOr<MrtLoadResult> r =
          LoadMrtFile(m.path(), m.router(), routes, &feed_counters);
      if (!r.ok()) {
        PFX_LOG(Error) << "--mrt " << m.path() << ": " << r.status();
        continue;
      }
      PFX_LOG(Info) << "MRT " << m.path() << " as router " << m.router() << ": " << r->announced
                    << " announced, " << r->withdrawn << " withdrawn, " << r->sessions
                    << " sessions, " << r->stats.malformed_records << " malformed records in "
                    << absl::FormatDuration(absl::Now() - start)
                    << (r->stats.first_error.empty()
                            ? ""
                            : " (first error: " + r->stats.first_error + ")");
      for (const auto& [type, count] : r->stats.unread) {
        PFX_LOG(Warning) << "MRT " << m.path() << ": " << count << " records of "
                         << MrtTypeName(type.first, type.second)
                         << ", which pfxd does not read, were skipped";
      }
    }
    set_health(true);
    PFX_LOG(Info) << "initial load done: health SERVING";
    loaded.Notify();
    // Serving already; the first reads would otherwise each pay a RocksDB lookup.
    absl::Time warm_start = absl::Now();
    absl::StatusOr<size_t> warmed =
        db->get()->WarmResourceCache([&] { return !stopping.load(); });
    if (!warmed.ok()) {
      PFX_LOG(Warning) << "warming the resource cache stopped: " << warmed.status();
    } else {
      const ResourceCache& cache = db->get()->resource_cache();
      PFX_LOG(Info) << "resource cache: " << cache.entries() << " resources, " << cache.bytes()
                    << " bytes, warmed from " << *warmed << " stored rows in "
                    << absl::FormatDuration(absl::Now() - warm_start);
    }
  });

  // SIGHUP re-reads the TLS files and the reference data; SIGINT and SIGTERM stop pfxd.
  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP) {
    reloader.ReloadNow();  // logs what changed, or the error (the old data stays)
    if (tls == nullptr) {
      PFX_LOG(Info) << "SIGHUP: no TLS files to reload";
    } else if (absl::Status s = tls->Reload(); !s.ok()) {
      PFX_LOG(Error) << "SIGHUP: TLS files not reloaded, the previous ones keep serving: " << s;
    } else {
      PFX_LOG(Info) << "SIGHUP: TLS certificate, key and client CA reloaded";
    }
  }
  PFX_LOG(Info) << "signal " << received << ": shutting down";
  stopping.store(true);
  health->Shutdown();  // NOT_SERVING everywhere, and no later change (the loader's) undoes it
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  PFX_LOG(Debug) << "gRPC server stopped";
  committer.Stop();  // every handed-over mutation is applied and answered; no more come
  // A load that blocks (a FIFO without a writer, a stalled NFS file) does not hold shutdown:
  // it gets kLoaderGrace, then pfxd exits without it once everything else has stopped.
  const bool load_finished = loaded.WaitForNotificationWithTimeout(kLoaderGrace);
  if (bmp != nullptr) bmp->Stop();
  workers.Stop();
  trigger.Stop();
  timers.Stop();
  if (!load_finished) {
    PFX_LOG(Warning) << "an MRT load is still running (blocked reading its file?); exiting "
                        "without waiting for it";
    // Every acknowledged change is already synced; the WAL holds the rest (a process exit
    // loses nothing the OS has). Destructors would race the loader thread: skip them.
    if (absl::Status s = db->get()->SyncWal(); !s.ok()) PFX_LOG(Error) << "WAL sync: " << s;
    std::_Exit(0);
  }
  loader.join();
  return 0;
}

// --check_db: a read-only verification of a stopped pfxd's data dir (registry/db_check.h).
int CheckDb(const std::string& dir) {
  if (!std::filesystem::exists(std::filesystem::path(dir) / "CURRENT")) {
    PFX_LOG(Error) << "--check_db " << dir << ": not a pfxd data dir (no RocksDB CURRENT file)";
    return 2;
  }
  // The configured key-encryption keys open sealed prefix keys (--config or
  // --key_encryption_key); nothing else of the configuration matters here.
  absl::StatusOr<v1::ServerConfig> config = LoadConfig(absl::GetFlag(FLAGS_config));
  if (!config.ok()) {
    PFX_LOG(Error) << "--check_db " << dir << ": " << config.status();
    return 2;
  }
  ApplyFlags(*config);
  absl::StatusOr<DatabaseOptions> storage = StorageOptions(*config);
  if (!storage.ok()) {
    PFX_LOG(Error) << "--check_db " << dir << ": " << storage.status().message();
    return 2;
  }
  absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(dir, std::move(*storage));
  if (!db.ok()) {
    PFX_LOG(Error) << "--check_db " << dir << ": " << db.status();
    return 2;
  }
  absl::StatusOr<DbCheckReport> report = CheckDatabase(**db);
  if (!report.ok()) {
    PFX_LOG(Error) << "--check_db " << dir << ": " << report.status();
    return 2;
  }
  std::cout << dir << ": " << report->ToString() << std::endl;
  return report->clean() ? 0 : 1;
}

}  // namespace
}  // namespace pfx

int main(int argc, char** argv) {
  // Debian's abseil is built with its debug-mode default, which tracks every Mutex acquisition
  // in a lock graph to find cycles (gRPC's locks included): ~4 % of a loaded server's CPU.
  // Unit tests keep the check (abseil's default there); the server does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::FlagsUsageConfig usage;
  usage.version_string = [] { return std::string("pfxd " PFX_VERSION_STRING "\n"); };
  absl::SetFlagsUsageConfig(usage);
  absl::SetProgramUsageMessage(
      "pfxd --config FILE | --listen ADDR --data_dir DIR [--mrt R=FILE] [--irr FILE]");
  // Every file pfxd creates (also with --check_db) is its owner's alone, whatever umask it was
  // started with: the data dir holds prefix keys (storage/data_dir.h narrows what an older
  // pfxd left open).
  umask(077);
  pfx::Arguments().assign(argv + 1, argv + argc);
  absl::ParseCommandLine(argc, argv);
  pfx::LogLevel level;
  if (!pfx::ParseLogLevel(absl::GetFlag(FLAGS_log_level), &level)) {
    PFX_LOG(Error) << "--log_level: expected debug, info, warning or error";
    return 2;
  }
  pfx::SetMinLogLevel(level);
  pfx::LogFormat format;
  if (!pfx::ParseLogFormat(absl::GetFlag(FLAGS_log_format), &format)) {
    PFX_LOG(Error) << "--log_format: expected text or json";
    return 2;
  }
  pfx::SetLogFormat(format);
  if (!absl::GetFlag(FLAGS_check_db).empty()) return pfx::CheckDb(absl::GetFlag(FLAGS_check_db));
  return pfx::Serve();
}
