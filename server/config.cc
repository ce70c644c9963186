#include "server/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <tuple>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "registry/input_rules.h"
#include "server/access_policy.h"
#include "server/tls_credentials.h"
#include "validator/ip_prefix.h"

namespace pfx {
namespace {

// Collects text-format parse errors with their line and column.
class ErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (first_.empty())
      first_ = absl::StrCat("line ", line + 1, ", column ", column + 1, ": ", message);
  }
  std::string first_;
};

absl::Status Invalid(absl::string_view field, absl::string_view rule) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", rule));
}

absl::Status CheckRange(absl::string_view field, int64_t value, int64_t low, int64_t high,
                        absl::string_view note = "") {
  if (value >= low && value <= high) return absl::OkStatus();
  return Invalid(field, absl::StrCat("must be ", low, "-", high, note, ", got ", value));
}

}  // namespace

HostPort SplitHostPort(absl::string_view address) {
  const size_t colon = address.rfind(':');
  absl::string_view host = address.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {std::string(host),
          std::string(colon == absl::string_view::npos ? "" : address.substr(colon + 1))};
}

namespace {

// HOST:PORT with a numeric port 0-65535 and a host that is an IP address or a name
// ("[::1]:50051", "localhost:50051", "0.0.0.0:0").
absl::Status CheckHostPort(absl::string_view field, const std::string& value) {
  size_t colon = value.rfind(':');
  int port = -1;
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(value.substr(colon + 1), &port) || port < 0 || port > 65535) {
    return Invalid(field,
                   absl::StrCat("expected HOST:PORT with a port 0-65535, got '", value, "'"));
  }
  std::string host = value.substr(0, colon);
  if (host.front() != '[' && host.find(':') != std::string::npos) {
    return Invalid(
        field, absl::StrCat("an IPv6 address goes in brackets ([::1]:50051), got '", value, "'"));
  }
  if (host.front() == '[') {
    if (host.back() != ']' || !IpAddress::Parse(host.substr(1, host.size() - 2)).ok()) {
      return Invalid(field, absl::StrCat("'", host, "' is not a bracketed IPv6 address"));
    }
  }
  return absl::OkStatus();
}

// Checked without opening the file: opening a FIFO that has no writer yet blocks.
absl::Status CheckReadable(absl::string_view field, const std::string& path) {
  if (path.empty()) return Invalid(field, "is required");
  struct stat info;
  if (stat(path.c_str(), &info) != 0 || access(path.c_str(), R_OK) != 0) {
    return Invalid(field, absl::StrCat("cannot read '", path, "': ", std::strerror(errno)));
  }
  if (S_ISDIR(info.st_mode)) return Invalid(field, absl::StrCat("'", path, "' is a directory"));
  return absl::OkStatus();
}

absl::Status CheckTls(const v1::ServerConfig& c) {
  const v1::TlsConfig& t = c.tls();
  const int given = !t.cert_file().empty() + !t.key_file().empty() + !t.client_ca_file().empty();
  if ((given != 0 && given != 3) || (given == 0 && !t.crl_directory().empty())) {
    return Invalid("tls", "needs all of cert_file, key_file and client_ca_file");
  }
  const std::string host = c.listen_address().substr(0, c.listen_address().rfind(':'));
  if (given == 0) {
    if (!IsLoopbackHost(host)) {
      return Invalid("listen_address",
                     absl::StrCat("'", c.listen_address(),
                                  "' is not a loopback address: serving beyond this machine "
                                  "needs tls { cert_file key_file client_ca_file } "
                                  "(README.md#security)"));
    }
    if (c.role_size() > 0) {
      return Invalid("role", "role bindings match client certificates, which need tls { }");
    }
    return absl::OkStatus();
  }
  if (absl::Status s = CheckTlsFiles(t); !s.ok()) return s;
  for (int i = 0; i < c.role_size(); ++i) {
    const v1::RoleBinding& b = c.role(i);
    const std::string field = absl::StrCat("role[", i, "]");
    if (!ParseRole(b.role()).has_value()) {
      return Invalid(field + ".role",
                     absl::StrCat("'", b.role(),
                                  "' is not a role (portal, revalidator, dashboard, feed-admin, "
                                  "ops)"));
    }
    const int matchers = !b.san_uri().empty() + !b.san_dns().empty() + !b.subject().empty();
    if (matchers != 1) {
      return Invalid(field, "needs exactly one of san_uri, san_dns, subject");
    }
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<std::string>& DefaultIrrSources() {
  static const auto* sources = new std::vector<std::string>{"RADB",    "RIPE",   "ARIN",   "APNIC",
                                                            "AFRINIC", "LACNIC", "NTTCOM", "ALTDB"};
  return *sources;
}

const std::vector<std::string>& KnownIrrSources() {
  static const auto* sources = new std::vector<std::string>{
      "AFRINIC", "ALTDB", "APNIC", "ARIN",   "ARIN-NONAUTH", "BBOI",    "BELL",
      "CANARIE", "IDNIC", "JPIRR", "LACNIC", "LEVEL3",       "NESTEGG", "NTTCOM",
      "PANIX",   "RADB",  "REACH", "RIPE",   "RIPE-NONAUTH", "TC",      "WCGDB"};
  return *sources;
}

void FillDefaults(v1::ServerConfig& c) {
  if (c.listen_address().empty()) c.set_listen_address(kDefaultListen);
  if (c.data_dir().empty()) c.set_data_dir(kDefaultDataDir);
  if (!c.has_worker_threads()) c.set_worker_threads(kDefaultWorkers);
  if (!c.has_hold_down_seconds()) c.set_hold_down_seconds(kDefaultHoldDownSeconds);
  if (!c.has_debounce_millis()) c.set_debounce_millis(kDefaultDebounceMillis);
  if (c.bmp_listen_address().empty()) c.set_bmp_listen_address(kDefaultBmpListen);
  if (c.metrics_listen_address().empty()) c.set_metrics_listen_address(kDefaultMetricsListen);
  if (!c.has_settle_seconds()) c.set_settle_seconds(kDefaultSettleSeconds);
  if (!c.has_watch_buffer()) c.set_watch_buffer(kDefaultWatchBuffer);
  if (!c.has_bmp_max_connections()) c.set_bmp_max_connections(kDefaultBmpMaxConnections);
  if (!c.has_bmp_initiation_timeout_millis()) {
    c.set_bmp_initiation_timeout_millis(kDefaultBmpInitiationTimeoutMillis);
  }
  if (!c.has_bmp_incomplete_message_timeout_millis()) {
    c.set_bmp_incomplete_message_timeout_millis(kDefaultBmpIncompleteMessageTimeoutMillis);
  }
  if (!c.has_bmp_buffer_budget_bytes()) c.set_bmp_buffer_budget_bytes(kDefaultBmpBufferBudgetBytes);
  if (!c.has_resource_cache_bytes()) c.set_resource_cache_bytes(kDefaultResourceCacheBytes);
  if (!c.has_bmp_silence_timeout_millis()) {
    c.set_bmp_silence_timeout_millis(kDefaultBmpSilenceTimeoutMillis);
  }
  if (c.accepted_irr_sources().empty()) {
    for (const std::string& s : DefaultIrrSources()) c.add_accepted_irr_sources(s);
  }
  v1::RpkiConfig& rpki = *c.mutable_rpki();
  if (!rpki.has_rtr_refresh_seconds()) rpki.set_rtr_refresh_seconds(300);
  if (!rpki.has_rtr_retry_seconds()) rpki.set_rtr_retry_seconds(30);
  if (!rpki.has_rtr_expire_seconds()) rpki.set_rtr_expire_seconds(3600);
  if (c.rpki_policy() == v1::RPKI_POLICY_UNSPECIFIED) c.set_rpki_policy(v1::RPKI_POLICY_ADVISORY);
  if (!c.has_reference_reload_seconds()) c.set_reference_reload_seconds(0);
  v1::RetentionConfig& keep = *c.mutable_retention();
  if (!keep.has_event_max_age_days()) keep.set_event_max_age_days(365);
  if (!keep.has_events_per_prefix()) keep.set_events_per_prefix(1000);
  if (!keep.has_request_reply_max_age_hours()) keep.set_request_reply_max_age_hours(168);
  if (!keep.has_max_request_replies()) keep.set_max_request_replies(1000000);
  if (!keep.has_audit_max_age_days()) keep.set_audit_max_age_days(400);
  if (!keep.has_sweep_interval_seconds()) keep.set_sweep_interval_seconds(600);
}

absl::Status ValidateConfig(const v1::ServerConfig& c) {
  if (auto s = CheckHostPort("listen_address", c.listen_address()); !s.ok()) return s;
  if (c.data_dir().empty()) return Invalid("data_dir", "is required");
  if (auto s = CheckRange("worker_threads", c.worker_threads(), 1, 64); !s.ok()) return s;
  if (auto s =
          CheckRange("hold_down_seconds", c.hold_down_seconds(), 0, 86400, " (0: no hold-down)");
      !s.ok()) {
    return s;
  }
  if (auto s = CheckRange("debounce_millis", c.debounce_millis(), 0, 60000); !s.ok()) return s;
  if (auto s = CheckRange("settle_seconds", c.settle_seconds(), 0, 3600); !s.ok()) return s;
  if (auto s = CheckRange("watch_buffer", c.watch_buffer(), 1, 1000000); !s.ok()) return s;
  for (int i = 0; i < c.mrt_size(); ++i) {
    std::string field = absl::StrCat("mrt[", i, "]");
    if (auto s = CheckName(field + ".router", c.mrt(i).router()); !s.ok()) return s;
    if (auto s = CheckReadable(field + ".path", c.mrt(i).path()); !s.ok()) return s;
  }
  for (int i = 0; i < c.irr_size(); ++i) {
    if (auto s = CheckReadable(absl::StrCat("irr[", i, "].path"), c.irr(i).path()); !s.ok())
      return s;
  }
  const std::vector<std::string>& known = KnownIrrSources();
  for (int i = 0; i < c.accepted_irr_sources_size(); ++i) {
    const std::string& name = c.accepted_irr_sources(i);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return Invalid(absl::StrCat("accepted_irr_sources[", i, "]"),
                     absl::StrCat("'", name, "' is not an IRR source pfxd knows (one of ",
                                  absl::StrJoin(known, " "), "; names are upper case)"));
    }
  }
  for (int i = 0; i < c.rpki().json_file_size(); ++i) {
    if (auto s = CheckReadable(absl::StrCat("rpki.json_file[", i, "]"), c.rpki().json_file(i));
        !s.ok()) {
      return s;
    }
  }
  if (!c.rpki().rtr_server().empty()) {
    if (auto s = CheckHostPort("rpki.rtr_server", c.rpki().rtr_server()); !s.ok()) return s;
  }
  if (auto s = CheckRange("rpki.rtr_refresh_seconds", c.rpki().rtr_refresh_seconds(), 1, 86400);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckRange("rpki.rtr_retry_seconds", c.rpki().rtr_retry_seconds(), 1, 7200);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckRange("rpki.rtr_expire_seconds", c.rpki().rtr_expire_seconds(), 600, 172800);
      !s.ok()) {
    return s;
  }
  const v1::RetentionConfig& keep = c.retention();
  for (auto [field, value, max] :
       {std::tuple{"retention.event_max_age_days", keep.event_max_age_days(), 36500},
        std::tuple{"retention.events_per_prefix", keep.events_per_prefix(), 10000000},
        std::tuple{"retention.request_reply_max_age_hours", keep.request_reply_max_age_hours(),
                   87600},
        std::tuple{"retention.audit_max_age_days", keep.audit_max_age_days(), 36500}}) {
    if (auto s = CheckRange(field, value, 0, max, " (0 keeps them forever)"); !s.ok()) return s;
  }
  if (keep.max_request_replies() < 0) {
    return Invalid("retention.max_request_replies", "must be 0 (no limit) or more");
  }
  if (auto s = CheckRange("retention.sweep_interval_seconds", keep.sweep_interval_seconds(), 1,
                          86400);
      !s.ok()) {
    return s;
  }
  if (!v1::RpkiPolicy_IsValid(c.rpki_policy())) {
    return Invalid("rpki_policy", "must be ADVISORY, WARN or REJECT_INVALID");
  }
  if (c.reference_reload_seconds() != 0) {
    if (auto s = CheckRange("reference_reload_seconds", c.reference_reload_seconds(), 10, 86400,
                            " (0: reload only on SIGHUP or the admin RPC)");
        !s.ok()) {
      return s;
    }
  }
  if (c.bmp_listen_address() != "off") {
    if (auto s = CheckHostPort("bmp_listen_address", c.bmp_listen_address()); !s.ok()) return s;
  }
  if (c.metrics_listen_address() != "off") {
    if (auto s = CheckHostPort("metrics_listen_address", c.metrics_listen_address()); !s.ok()) {
      return s;
    }
    // The metrics HTTP server (civetweb) binds numeric addresses only.
    if (!IpAddress::Parse(SplitHostPort(c.metrics_listen_address()).host).ok()) {
      return Invalid("metrics_listen_address",
                     absl::StrCat("'", c.metrics_listen_address(),
                                  "' needs an IP address, not a name (e.g. 127.0.0.1:9464)"));
    }
  }
  if (auto s = CheckRange("bmp_max_connections", c.bmp_max_connections(), 1, 65536); !s.ok()) {
    return s;
  }
  if (auto s = CheckRange("bmp_initiation_timeout_millis", c.bmp_initiation_timeout_millis(), 100,
                          600000);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckRange("bmp_incomplete_message_timeout_millis",
                          c.bmp_incomplete_message_timeout_millis(), 100, 3600000);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckRange("bmp_buffer_budget_bytes", c.bmp_buffer_budget_bytes(), int64_t{1} << 16,
                          int64_t{16} << 30);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckRange("resource_cache_bytes", c.resource_cache_bytes(), int64_t{0},
                          int64_t{1} << 40);
      !s.ok()) {
    return s;
  }
  if (auto s =
          CheckRange("bmp_silence_timeout_millis", c.bmp_silence_timeout_millis(), 100, 86400000);
      !s.ok()) {
    return s;
  }
  for (int i = 0; i < c.bmp_routers_size(); ++i) {
    std::string field = absl::StrCat("bmp_routers[", i, "]");
    if (absl::StatusOr<IpAddress> a = IpAddress::Parse(c.bmp_routers(i).address()); !a.ok()) {
      return Invalid(field + ".address", a.status().message());
    }
    if (auto s = CheckName(field + ".name", c.bmp_routers(i).name()); !s.ok()) return s;
  }
  absl::flat_hash_set<std::string> kek_ids;
  for (int i = 0; i < c.key_encryption_key_size(); ++i) {
    const v1::KeyEncryptionKey& k = c.key_encryption_key(i);
    const std::string field = absl::StrCat("key_encryption_key[", i, "]");
    if (!IsKeyEncryptionKeyId(k.id())) {
      return Invalid(field + ".id",
                     absl::StrCat("'", k.id(), "' is not 1-64 letters, digits, '.', '_' or '-'"));
    }
    if (!kek_ids.insert(k.id()).second) {
      return Invalid(field + ".id", absl::StrCat("'", k.id(), "' is given twice"));
    }
    if (auto s = CheckReadable(field + ".file", k.file()); !s.ok()) return s;
  }
  return CheckTls(c);
}

absl::StatusOr<KeySealer> LoadKeySealer(const v1::ServerConfig& config) {
  std::vector<KeyEncryptionKey> keys;
  for (int i = 0; i < config.key_encryption_key_size(); ++i) {
    const v1::KeyEncryptionKey& k = config.key_encryption_key(i);
    absl::StatusOr<KeyEncryptionKey> kek = ReadKeyEncryptionKey(k.id(), k.file());
    if (!kek.ok()) {
      return absl::Status(kek.status().code(), absl::StrCat("key_encryption_key[", i,
                                                            "].file: ", kek.status().message()));
    }
    keys.push_back(std::move(*kek));
  }
  return KeySealer::Create(keys);
}

absl::StatusOr<v1::ServerConfig> LoadConfig(const std::string& path) {
  v1::ServerConfig config;
  if (path.empty()) return config;
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("--config: cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  google::protobuf::TextFormat::Parser parser;
  ErrorCollector errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(text.str(), &config)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", errors.first_));
  }
  return config;
}

}  // namespace pfx
