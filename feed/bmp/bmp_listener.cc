#include "feed/bmp/bmp_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace pfx {

struct BmpListener::Connection {
  int fd = -1;
  IpAddress source;
  std::unique_ptr<BmpRouter> router;
  std::string buffer;  // bytes received, not yet framed into whole messages
  BmpConnectionState state;
};

namespace {

constexpr int kListenBacklog = 128;
constexpr int kMaxAcceptsPerWakeup = 64;
constexpr size_t kReadChunk = 1 << 16;
constexpr size_t kMaxReadPerWakeup = 1 << 20;
// A buffer that held a large message gives its memory back once drained.
constexpr size_t kKeepCapacity = 256 << 10;
constexpr absl::Duration kAcceptPause = absl::Milliseconds(100);
constexpr absl::Duration kTick = absl::Seconds(10);  // poll wakes at least this often
// TCP keepalive: a router that died without a FIN is noticed after ~60 s of silence.
constexpr int kKeepIdleSeconds = 30;
constexpr int kKeepIntervalSeconds = 10;
constexpr int kKeepProbes = 3;

// Steady time, as an absl::Time (its epoch means nothing): timeouts must not jump with the
// wall clock.
absl::Time MonotonicNow() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return absl::UnixEpoch() + absl::DurationFromTimespec(ts);
}

IpAddress FromSockaddr(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
      return IpAddress::FromBytes(Family::kIpv4, a->sin6_addr.s6_addr + 12);
    }
    return IpAddress::FromBytes(Family::kIpv6, a->sin6_addr.s6_addr);
  }
  const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
  return IpAddress::FromBytes(Family::kIpv4, reinterpret_cast<const uint8_t*>(&a->sin_addr));
}

void SetKeepalive(int fd) {
  int on = 1, idle = kKeepIdleSeconds, interval = kKeepIntervalSeconds, probes = kKeepProbes;
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof(probes));
}

}  // namespace

BmpListener::BmpListener(BmpListenerOptions options, RouteIndex* index)
    : options_(std::move(options)), index_(index) {}

absl::StatusOr<std::unique_ptr<BmpListener>> BmpListener::Start(BmpListenerOptions options,
                                                                RouteIndex* index) {
  auto listener = std::unique_ptr<BmpListener>(new BmpListener(std::move(options), index));
  absl::StatusOr<IpAddress> address = IpAddress::Parse(listener->options_.address);
  if (!address.ok())
    return absl::InvalidArgumentError(
        absl::StrCat("bmp listen address: ", address.status().message()));
  sockaddr_storage ss{};
  socklen_t len;
  if (address->is_v4()) {
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(listener->options_.port));
    std::memcpy(&a->sin_addr, address->bytes().data(), 4);
    len = sizeof(sockaddr_in);
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(listener->options_.port));
    std::memcpy(&a->sin6_addr, address->bytes().data(), 16);
    len = sizeof(sockaddr_in6);
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 ||
      listen(fd, kListenBacklog) != 0) {
    std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    return absl::UnavailableError(absl::StrCat("BMP listener on ", listener->options_.address, ":",
                                               listener->options_.port, ": ", why));
  }
  sockaddr_storage bound{};
  socklen_t bound_len = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  listener->port_ =
      ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                       : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  listener->listen_fd_ = fd;
  listener->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (listener->wake_fd_ < 0) {
    std::string why = std::strerror(errno);
    close(fd);
    return absl::UnavailableError(absl::StrCat("BMP listener: eventfd: ", why));
  }
  listener->fds_.emplace(listener->options_.limits.fd_reserve);
  listener->thread_ = std::thread([l = listener.get()] { l->Run(); });
  return listener;
}

BmpListener::~BmpListener() { Stop(); }

void BmpListener::Stop() {
  if (stopping_.exchange(true) || !thread_.joinable()) return;
  uint64_t one = 1;
  ssize_t unused = write(wake_fd_, &one, sizeof(one));
  (void)unused;
  thread_.join();
  absl::MutexLock lock(&mu_);
  for (auto& c : connections_) {
    c->router->Disconnected();
    close(c->fd);
  }
  connections_.clear();
  close(listen_fd_);
  close(wake_fd_);
  fds_.reset();
}

void BmpListener::Event(bool error, const std::string& text) const {
  if (options_.on_event) options_.on_event(error, text);
}

void BmpListener::LimitedEvent(bool error, const std::string& text) {
  absl::Time now = MonotonicNow();
  if (std::optional<std::string> summary = limiter_.Summary(now)) Event(true, *summary);
  if (limiter_.Allow(now)) Event(error, text);
}

std::vector<BmpRouterInfo> BmpListener::Routers() const {
  absl::MutexLock lock(&mu_);
  std::vector<BmpRouterInfo> out;
  for (const auto& c : connections_) {
    out.push_back({c->router->name(), c->router->sys_name(), c->source.ToString(),
                   c->state.initiated, c->router->stats()});
  }
  return out;
}

BmpListenerStats BmpListener::Stats() const {
  absl::MutexLock lock(&mu_);
  return stats_;
}

std::vector<const BmpConnectionState*> BmpListener::States() const {
  std::vector<const BmpConnectionState*> out;
  out.reserve(connections_.size());
  for (const auto& c : connections_) out.push_back(&c->state);
  return out;
}

void BmpListener::Accept(absl::Time now) {
  for (int k = 0; k < kMaxAcceptsPerWakeup; ++k) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    int fd =
        accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      Admit(fd, FromSockaddr(ss), now);
      continue;
    }
    const int error = errno;
    switch (error) {
      case EAGAIN:
        return;  // no more pending connections
      case EINTR:
      case ECONNABORTED:
      case EPROTO:
      case EPERM:  // refused by a firewall rule
        continue;  // that connection is gone; the next may be fine
      default:
        break;
    }
    // Out of descriptors or memory (accept checks for a free descriptor first, so this says
    // nothing about the backlog). A pending connection would keep the listening socket
    // readable, and a poll loop that cannot accept it spins: drain it with the spare
    // descriptor (fd_reserve.h), or failing that stop polling the socket for a moment.
    if ((error == EMFILE || error == ENFILE) && fds_->ReleaseSpare()) {
      ss = {};
      len = sizeof(ss);
      int drop = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_CLOEXEC);
      const int drop_error = errno;
      if (drop >= 0) {
        ++stats_.dropped;
        LimitedEvent(true, absl::StrCat("BMP connection from ", FromSockaddr(ss).ToString(),
                                        " refused: the process is out of file descriptors (",
                                        std::strerror(error), ")"));
        close(drop);
      }
      fds_->RestoreSpare();  // retried every loop turn while it fails
      if (drop >= 0) continue;
      if (drop_error == EAGAIN) return;  // nothing was pending
    }
    ++stats_.accept_errors;
    listen_paused_until_ = now + kAcceptPause;
    LimitedEvent(true, absl::StrCat("BMP accept failed: ", std::strerror(error),
                                    "; not accepting for ", absl::FormatDuration(kAcceptPause)));
    return;
  }
}

void BmpListener::Admit(int fd, const IpAddress& source, absl::Time now) {
  std::string name = options_.router_name ? options_.router_name(source) : "";
  const bool known = !name.empty();
  if (!known) name = source.ToString();
  const std::string from = source.ToString();
  fds_->Opened();
  const bool room = fds_->HasRoom(now);
  BmpAdmission a = AdmitBmpConnection(options_.limits, options_.routers_configured, known, name,
                                      from, States(), room, now);
  if (a.kind == BmpAdmission::Kind::kRefuse && a.conflict) {
    // The live connection may have ended a moment ago (its FIN not yet read): read it once
    // more, so a router that reconnects right after closing is not refused.
    std::string why;
    bool clean = false;
    if (!Read(*connections_[*a.conflict], now, &why, &clean)) {
      Close(*a.conflict, !clean, why);
      a = AdmitBmpConnection(options_.limits, options_.routers_configured, known, name, from,
                             States(), fds_->HasRoom(now), now);
    }
  }
  if (a.kind == BmpAdmission::Kind::kRefuse) {
    ++stats_.refused;
    LimitedEvent(true, absl::StrCat("BMP connection from ", from, " refused: ", a.reason));
    close(fd);
    fds_->Closed();
    return;
  }
  if (a.kind == BmpAdmission::Kind::kReplace) {
    ++stats_.replaced;
    Close(a.replace, false, a.reason);
  }
  SetKeepalive(fd);
  auto c = std::make_unique<Connection>();
  c->fd = fd;
  c->source = source;
  c->router = std::make_unique<BmpRouter>(name, index_);
  c->state.router = name;
  c->state.source = from;
  c->state.accepted = now;
  c->state.last_data = now;
  connections_.push_back(std::move(c));
  ++stats_.accepted;
}

bool BmpListener::Read(Connection& c, absl::Time now, std::string* why, bool* clean) {
  char chunk[kReadChunk];
  *clean = false;
  size_t budget = kMaxReadPerWakeup;
  while (budget > 0) {
    ssize_t n = read(c.fd, chunk, sizeof(chunk));
    if (n == 0) {
      *clean = c.buffer.empty();
      *why = c.buffer.empty() ? "connection closed"
                              : absl::StrCat("connection closed inside a message (",
                                             c.buffer.size(), " bytes pending)");
      return false;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
      if (errno == EINTR) continue;
      *why = std::strerror(errno);
      return false;
    }
    budget -= std::min(budget, static_cast<size_t>(n));
    c.state.last_data = now;
    const bool was_pending = !c.buffer.empty();
    c.buffer.append(chunk, static_cast<size_t>(n));
    size_t offset = 0;
    bool framed = false;
    while (true) {
      auto view = absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(c.buffer.data()) + offset,
                                      c.buffer.size() - offset);
      // Before its Initiation a connection may not hold more than an Initiation's worth: the
      // common header (version, length, type) tells as soon as its 6 bytes are in.
      if (!c.state.initiated && view.size() >= 6) {
        const uint32_t declared = uint32_t{view[1]} << 24 | uint32_t{view[2]} << 16 |
                                  uint32_t{view[3]} << 8 | uint32_t{view[4]};
        if (static_cast<BmpType>(view[5]) != BmpType::kInitiation) {
          *why = absl::StrCat("the first message must be an Initiation (RFC 7854 section 4.3), ",
                              "got ", BmpTypeName(static_cast<BmpType>(view[5])));
          return false;
        }
        if (declared > kMaxInitiationBytes) {
          *why = absl::StrCat("an Initiation of ", declared, " bytes (at most ",
                              kMaxInitiationBytes, ")");
          return false;
        }
      }
      absl::StatusOr<size_t> length = BmpMessageLength(view);
      if (!length.ok()) {
        if (options_.counters != nullptr) options_.counters->CountBmpDecodeError();
        *why = std::string(length.status().message());
        return false;
      }
      if (*length == 0) break;
      absl::StatusOr<BmpMessage> message = ParseBmpMessage(view.subspan(0, *length));
      absl::Status applied = message.ok() ? c.router->Apply(*message) : message.status();
      if (!applied.ok()) {
        if (options_.counters != nullptr) options_.counters->CountBmpDecodeError();
        *why = std::string(applied.message());
        return false;
      }
      if (options_.counters != nullptr) options_.counters->CountBmpMessage(message->type);
      offset += *length;
      framed = true;
      if (!c.state.initiated) {
        c.state.initiated = true;
        Event(false, absl::StrCat("BMP router ", c.router->name(), " connected from ",
                                  c.source.ToString(), " (sysName '", c.router->sys_name(), "')"));
      }
      if (message->type == BmpType::kTermination) {
        *clean = true;
        *why = "Termination received";
        return false;
      }
    }
    c.router->Flush();
    c.buffer.erase(0, offset);  // the remainder is less than one message (<= 1 MiB)
    c.state.pending = c.buffer.size();
    if (c.buffer.empty()) {
      c.state.pending_since = absl::InfiniteFuture();
      if (c.buffer.capacity() > kKeepCapacity) std::string().swap(c.buffer);
    } else if (framed || !was_pending) {
      c.state.pending_since = now;  // a new incomplete message began with this read
    }
  }
  return true;
}

void BmpListener::Close(size_t i, bool error, const std::string& why) {
  Connection& c = *connections_[i];
  c.router->Disconnected();
  // Logged before the close, so the log is complete once the peer sees the connection end.
  if (c.state.initiated) {
    Event(error, absl::StrCat("BMP router ", c.router->name(), " disconnected: ", why,
                              "; its sessions are down"));
  } else {
    LimitedEvent(error, absl::StrCat("BMP connection from ", c.state.source, " (router ",
                                     c.router->name(), ") closed before its Initiation: ", why));
  }
  close(c.fd);
  fds_->Closed();
  connections_.erase(connections_.begin() + static_cast<long>(i));
}

void BmpListener::ExpireAndEnforceBudget(absl::Time now) {
  for (size_t i = connections_.size(); i-- > 0;) {
    std::string why = BmpConnectionExpired(options_.limits, connections_[i]->state, now);
    if (why.empty()) continue;
    ++stats_.timed_out;
    Close(i, true, why);
  }
  size_t total = 0;
  while (std::optional<size_t> most = BmpOverBudget(options_.limits, States(), &total)) {
    ++stats_.over_budget;
    std::string why =
        absl::StrCat("buffer budget exceeded: ", total, " bytes of incomplete messages across ",
                     connections_.size(), " connections, bmp_buffer_budget_bytes ",
                     options_.limits.buffer_budget_bytes, "; this connection held the most (",
                     connections_[*most]->state.pending, " bytes)");
    Close(*most, true, why);
  }
  stats_.pending_bytes = total;
}

absl::Time BmpListener::NextDeadline() const {
  absl::Time next = limiter_.SummaryDue();
  for (const auto& c : connections_) {
    next = std::min(next, BmpConnectionDeadline(options_.limits, c->state));
  }
  return next;
}

void BmpListener::Run() {
  while (true) {
    std::vector<pollfd> fds;
    int timeout_ms = 0;
    {
      absl::MutexLock lock(&mu_);
      absl::Time now = MonotonicNow();
      ExpireAndEnforceBudget(now);
      if (std::optional<std::string> summary = limiter_.Summary(now)) Event(true, *summary);
      if (!fds_->has_spare()) fds_->RestoreSpare();
      const bool paused = now < listen_paused_until_;
      // A negative descriptor is skipped by poll: a paused listening socket is not watched.
      fds = {{wake_fd_, POLLIN, 0}, {paused ? -1 : listen_fd_, POLLIN, 0}};
      for (const auto& c : connections_) fds.push_back({c->fd, POLLIN, 0});
      absl::Time deadline = std::min(NextDeadline(), now + kTick);
      if (paused) deadline = std::min(deadline, listen_paused_until_);
      timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(
          absl::Ceil(std::max(deadline - now, absl::ZeroDuration()), absl::Milliseconds(1))));
    }
    if (poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) {
      const std::string why = absl::StrCat("BMP station stopped: poll: ", std::strerror(errno));
      Event(true, why);
      absl::MutexLock lock(&mu_);
      while (!connections_.empty()) Close(connections_.size() - 1, true, why);
      return;
    }
    if (fds[0].revents != 0) return;  // Stop()
    absl::MutexLock lock(&mu_);
    ++stats_.wakeups;
    absl::Time now = MonotonicNow();
    // Reads first, so a router that closed and reconnected at once finds its old connection
    // gone. Connections only change on this thread, so indexes match `fds` (offset 2) until a
    // close; walk backwards so closing one does not shift the ones not yet visited.
    for (size_t k = fds.size(); k-- > 2;) {
      if (fds[k].revents == 0) continue;
      size_t i = k - 2;
      if (i >= connections_.size() || connections_[i]->fd != fds[k].fd) continue;
      std::string why;
      bool clean = false;
      if (!Read(*connections_[i], now, &why, &clean)) Close(i, !clean, why);
    }
    ExpireAndEnforceBudget(now);
    if (fds[1].revents & POLLIN) Accept(now);
  }
}

}  // namespace pfx
