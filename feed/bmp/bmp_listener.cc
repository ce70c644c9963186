#include "feed/bmp/bmp_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace pfx {

struct BmpListener::Connection {
  int fd = -1;
  IpAddress source;
  std::unique_ptr<BmpRouter> router;
  std::string buffer;  // bytes received, not yet framed into whole messages
};

namespace {

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
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0 || listen(fd, 64) != 0) {
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
  listener->thread_ = std::thread([l = listener.get()] { l->Run(); });
  return listener;
}

BmpListener::~BmpListener() { Stop(); }

void BmpListener::Stop() {
  if (stopping_ || !thread_.joinable()) return;
  stopping_ = true;
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
}

void BmpListener::Event(bool error, const std::string& text) const {
  if (options_.on_event) options_.on_event(error, text);
}

std::vector<BmpRouterInfo> BmpListener::Routers() const {
  absl::MutexLock lock(&mu_);
  std::vector<BmpRouterInfo> out;
  for (const auto& c : connections_) {
    out.push_back(
        {c->router->name(), c->router->sys_name(), c->source.ToString(), c->router->stats()});
  }
  return out;
}

void BmpListener::Accept() {
  while (true) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    int fd =
        accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: no more pending connections
    auto c = std::make_unique<Connection>();
    c->fd = fd;
    c->source = FromSockaddr(ss);
    std::string name = options_.router_name ? options_.router_name(c->source) : "";
    if (name.empty()) name = c->source.ToString();
    c->router = std::make_unique<BmpRouter>(name, index_);
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < connections_.size(); ++i) {
      if (connections_[i]->router->name() == name) {
        Event(false,
              absl::StrCat("BMP router ", name, " reconnected; closing its previous connection"));
        connections_[i]->router->Disconnected();
        close(connections_[i]->fd);
        connections_.erase(connections_.begin() + static_cast<long>(i));
        break;
      }
    }
    Event(false, absl::StrCat("BMP router ", name, " connected from ", c->source.ToString()));
    connections_.push_back(std::move(c));
  }
}

bool BmpListener::Read(Connection& c, std::string* why) {
  char chunk[1 << 16];
  while (true) {
    ssize_t n = read(c.fd, chunk, sizeof(chunk));
    if (n == 0) {
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
    c.buffer.append(chunk, static_cast<size_t>(n));
    size_t offset = 0;
    while (true) {
      auto view = absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(c.buffer.data()) + offset,
                                      c.buffer.size() - offset);
      absl::StatusOr<size_t> length = BmpMessageLength(view);
      if (!length.ok()) {
        *why = std::string(length.status().message());
        return false;
      }
      if (*length == 0) break;
      absl::StatusOr<BmpMessage> message = ParseBmpMessage(view.subspan(0, *length));
      absl::Status applied = message.ok() ? c.router->Apply(*message) : message.status();
      if (!applied.ok()) {
        *why = std::string(applied.message());
        return false;
      }
      offset += *length;
      if (message->type == BmpType::kTermination) {
        *why = "Termination received";
        return false;
      }
    }
    c.router->Flush();
    c.buffer.erase(0, offset);  // the remainder is less than one message (<= 1 MiB)
  }
}

void BmpListener::Close(size_t i, bool error, const std::string& why) {
  Connection& c = *connections_[i];
  c.router->Disconnected();
  close(c.fd);
  Event(error, absl::StrCat("BMP router ", c.router->name(), " disconnected: ", why,
                            "; its sessions are down"));
  connections_.erase(connections_.begin() + static_cast<long>(i));
}

void BmpListener::Run() {
  while (true) {
    std::vector<pollfd> fds = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    {
      absl::MutexLock lock(&mu_);
      for (const auto& c : connections_) fds.push_back({c->fd, POLLIN, 0});
    }
    if (poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
    if (fds[1].revents != 0) return;  // Stop()
    if (fds[0].revents & POLLIN) Accept();
    absl::MutexLock lock(&mu_);
    // Connections only change on this thread, so indexes match `fds` (offset 2) until a close;
    // walk backwards so closing one does not shift the ones not yet visited.
    for (size_t k = fds.size(); k-- > 2;) {
      if (fds[k].revents == 0) continue;
      size_t i = k - 2;
      if (i >= connections_.size() || connections_[i]->fd != fds[k].fd) continue;
      std::string why;
      if (!Read(*connections_[i], &why)) {
        bool clean = why == "connection closed" || why == "Termination received";
        Close(i, !clean, why);
      }
    }
  }
}

}  // namespace pfx
