#include "feed/rtr_client.h"

#include <netinet/in.h>

#include <map>
#include <set>
#include <thread>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "base/log.h"
extern "C" {
#include "rtrlib/rtrlib.h"
}

namespace pfx {
namespace {

// RTRlib's record callback carries the pfx_table but no user pointer: the clients by table.
absl::Mutex registry_mu;
absl::flat_hash_map<const pfx_table*, RtrClient::Impl*>& Registry() {
  static auto* registry = new absl::flat_hash_map<const pfx_table*, RtrClient::Impl*>();
  return *registry;
}

absl::StatusOr<Vrp> ToVrp(const pfx_record& record) {
  char text[INET6_ADDRSTRLEN + 1];
  if (lrtr_ip_addr_to_str(&record.prefix, text, sizeof text) != 0) {
    return absl::InvalidArgumentError("RTR record with an unprintable address");
  }
  absl::StatusOr<IpAddress> address = IpAddress::Parse(text);
  if (!address.ok()) return address.status();
  if (record.min_len > address->bit_width() || record.max_len < record.min_len ||
      record.max_len > address->bit_width()) {
    return absl::InvalidArgumentError(absl::StrCat("RTR record ", text, "/", record.min_len,
                                                   "-", record.max_len, " has bad lengths"));
  }
  return Vrp{IpPrefix(*address, record.min_len), record.max_len, record.asn, ""};
}

using VrpKey = std::tuple<IpPrefix, uint8_t, uint32_t>;

}  // namespace

class RtrClient::Impl {
 public:
  Impl(RtrClientOptions options, std::function<void(std::vector<Vrp>, bool)> on_change)
      : options_(std::move(options)), on_change_(std::move(on_change)) {}

  absl::Status Start() {
    tr_tcp_config tcp{};
    tcp.host = options_.host.data();
    tcp.port = options_.port.data();
    if (tr_tcp_init(&tcp, &transport_) != TR_SUCCESS) {
      return absl::InvalidArgumentError(absl::StrCat("RTR cache ", endpoint(), ": transport init failed"));
    }
    socket_.tr_socket = &transport_;
    sockets_[0] = &socket_;
    group_.sockets = sockets_;
    group_.sockets_len = 1;
    group_.preference = 1;
    int rc = rtr_mgr_init(&config_, &group_, 1, options_.refresh_seconds, options_.expire_seconds,
                          options_.retry_seconds, &Impl::OnRecord, nullptr, &Impl::OnStatus, this);
    if (rc != RTR_SUCCESS) {
      FreeTransport();
      return absl::InvalidArgumentError(absl::StrCat(
          "RTR cache ", endpoint(), ": RTRlib refused the intervals (refresh ",
          options_.refresh_seconds, " s must be 1..86400, retry ", options_.retry_seconds,
          " s 1..7200, expire ", options_.expire_seconds, " s 600..172800)"));
    }
    {
      absl::MutexLock lock(&registry_mu);
      Registry()[config_->pfx_table] = this;
    }
    publisher_ = std::thread([this] { Publish(); });
    if (rtr_mgr_start(config_) != RTR_SUCCESS) {
      Stop();
      return absl::UnavailableError(absl::StrCat("RTR cache ", endpoint(), ": could not start"));
    }
    return absl::OkStatus();
  }

  void Stop() {
    if (config_ == nullptr) return;
    {
      // First, so the purge below is never published as the cache's set.
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    if (publisher_.joinable()) publisher_.join();
    rtr_mgr_stop(config_);  // purges the records (OnRecord sees removals, nobody publishes)
    {
      absl::MutexLock lock(&registry_mu);
      Registry().erase(config_->pfx_table);
    }
    rtr_mgr_free(config_);  // frees the transport too (its free_fp): no FreeTransport here
    config_ = nullptr;
  }

  std::string endpoint() const { return absl::StrCat(options_.host, ":", options_.port); }
  bool in_sync() const { return config_ != nullptr && rtr_mgr_conf_in_sync(config_); }

 private:
  // RTRlib 0.8 exports no tr_free: the transport's own free function.
  void FreeTransport() {
    if (transport_.free_fp != nullptr) transport_.free_fp(&transport_);
    transport_ = {};
  }
  static void OnRecord(pfx_table* table, const pfx_record record, const bool added) {
    absl::MutexLock lock(&registry_mu);
    auto it = Registry().find(table);
    if (it != Registry().end()) it->second->Apply(record, added);
  }
  static void OnStatus(const rtr_mgr_group*, rtr_mgr_status status, const rtr_socket* socket,
                       void* data) {
    auto* self = static_cast<Impl*>(data);
    PFX_LOG(Info) << "RTR cache " << self->endpoint() << ": " << rtr_mgr_status_to_str(status)
                  << (socket != nullptr ? absl::StrCat(" (", rtr_state_to_str(socket->state), ")")
                                        : "");
  }

  void Apply(const pfx_record& record, bool added) {
    absl::StatusOr<Vrp> vrp = ToVrp(record);
    if (!vrp.ok()) {
      PFX_LOG(Warning) << "RTR cache " << endpoint() << ": " << vrp.status();
      return;
    }
    absl::MutexLock lock(&mu_);
    VrpKey key{vrp->prefix, vrp->max_length, vrp->asn};
    if (added) {
      vrps_.insert(key);
    } else {
      vrps_.erase(key);
    }
    dirty_ = true;
    last_record_ = absl::Now();
  }

  // Hands the whole set to on_change once records have paused for kSettle, and whenever
  // RTRlib's in-sync answer changed since the last call (the first sync completes after its
  // records; an expiry or a reset takes it away).
  void Publish() {
    bool published_sync = false;
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        auto ready = [this] {
          mu_.AssertHeld();
          return stopping_ || (dirty_ && absl::Now() - last_record_ >= kSettle);
        };
        mu_.AwaitWithTimeout(absl::Condition(&ready), kSettle / 2);
        if (stopping_) return;
      }
      // Outside mu_: RTRlib takes its own locks here, and its thread calls OnRecord (mu_).
      const bool sync = rtr_mgr_conf_in_sync(config_);
      std::vector<Vrp> snapshot;
      {
        absl::MutexLock lock(&mu_);
        if (stopping_) return;
        if (dirty_ && absl::Now() - last_record_ < kSettle) continue;  // a burst still arriving
        if (!dirty_ && sync == published_sync) continue;
        dirty_ = false;
        snapshot.reserve(vrps_.size());
        for (const auto& [prefix, max_length, asn] : vrps_) {
          snapshot.push_back({prefix, max_length, asn, ""});
        }
      }
      published_sync = sync;
      on_change_(std::move(snapshot), sync);
    }
  }

  RtrClientOptions options_;
  std::function<void(std::vector<Vrp>, bool)> on_change_;
  tr_socket transport_{};
  rtr_socket socket_{};
  rtr_socket* sockets_[1] = {nullptr};
  rtr_mgr_group group_{};
  rtr_mgr_config* config_ = nullptr;
  std::thread publisher_;

  absl::Mutex mu_;
  std::set<VrpKey> vrps_ ABSL_GUARDED_BY(mu_);
  bool dirty_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_record_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<RtrClient>> RtrClient::Start(
    RtrClientOptions options, std::function<void(std::vector<Vrp>, bool)> on_change) {
  auto impl = std::make_unique<Impl>(std::move(options), std::move(on_change));
  if (absl::Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<RtrClient>(new RtrClient(std::move(impl)));
}

RtrClient::RtrClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RtrClient::~RtrClient() { impl_->Stop(); }
std::string RtrClient::endpoint() const { return impl_->endpoint(); }
bool RtrClient::in_sync() const { return impl_->in_sync(); }

}  // namespace pfx
