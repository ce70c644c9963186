// The BMP station on loopback (feed/bmp/bmp_listener.h): framing errors close only their
// router, the first message must be an Initiation, idle and stalled connections time out,
// the buffer budget, one connection per router (a live one is not evicted), unknown sources,
// the connection cap, and EMFILE on accept without a spinning loop. Second source addresses
// are 127.0.0.2, .3, ... (all of 127/8 is loopback on Linux).
#include "feed/bmp/bmp_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <functional>

#include "absl/base/internal/sysinfo.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "feed/bgp_update_encoder.h"
#include "feed/bmp/bmp_writer.h"
#include "feed/bmp/fd_reserve.h"
#include "feed/feed_counters.h"
#include "gtest/gtest.h"
#include "tests/common/bmp_socket.h"
#include "validator/community.h"

namespace pfx {
namespace {

std::string RouteMonitoring(const BmpPeerHeader& peer, const char* prefix) {
  std::string update, out;
  auto p = *IpPrefix::Parse(prefix);
  RouteAttributes attributes{
      *AsPath::Parse("13335"), {kMapsCommunity}, *IpAddress::Parse("192.0.2.1"), 0};
  AppendUpdate({p}, attributes, {}, update);
  AppendBmpRouteMonitoring(peer, update, out);
  return out;
}

std::string Initiation(const char* sys_name = "edge") {
  std::string out;
  AppendBmpInitiation(sys_name, "test", out);
  return out;
}

std::string PeerUp() {
  std::string out;
  AppendBmpPeerUp(Peer("198.51.100.1", 13335), 8075, out);
  return out;
}

// A TCP connection to the station from `source` (any 127/8 address).
int ConnectFrom(int port, const char* source = "127.0.0.1") {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source, &local.sin_addr);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)), 0) << source;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0) << std::strerror(errno);
  return fd;
}

bool WaitFor(const std::function<bool()>& f, absl::Duration timeout = absl::Seconds(5)) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (f()) return true;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return f();
}

class Events {
 public:
  std::function<void(bool, const std::string&)> Sink() {
    return [this](bool, const std::string& e) {
      absl::MutexLock lock(&mu_);
      lines_.push_back(e);
    };
  }
  bool Has(const std::string& part) {
    absl::MutexLock lock(&mu_);
    for (const auto& e : lines_) {
      if (e.find(part) != std::string::npos) return true;
    }
    return false;
  }
  std::string All() {
    absl::MutexLock lock(&mu_);
    std::string out;
    for (const auto& e : lines_) absl::StrAppend(&out, e, "\n");
    return out;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

std::unique_ptr<BmpListener> StartListener(RouteIndex& index, Events& events, BmpLimits limits = {},
                                           std::function<std::string(const IpAddress&)> names = {},
                                           bool routers_configured = false) {
  auto listener = BmpListener::Start({.address = "127.0.0.1",
                                      .port = 0,
                                      .router_name = std::move(names),
                                      .routers_configured = routers_configured,
                                      .limits = limits,
                                      .on_event = events.Sink()},
                                     &index);
  EXPECT_TRUE(listener.ok()) << listener.status();
  return listener.ok() ? std::move(*listener) : nullptr;
}

size_t Initiated(const BmpListener& listener) {
  size_t n = 0;
  for (const auto& r : listener.Routers()) n += r.initiated;
  return n;
}

TEST(BmpListenerTest, GarbageClosesOnlyThatRouter) {
  RouteIndex index;
  Events events;
  int next = 0;
  auto listener =
      StartListener(index, events, {}, [&](const IpAddress&) { return absl::StrCat("r", next++); });
  BmpPeerHeader peer = Peer("198.51.100.1", 13335);
  std::string good = Initiation() + PeerUp() + RouteMonitoring(peer, "1.1.1.0/24");

  int a = ConnectFrom(listener->port());
  int b = ConnectFrom(listener->port());
  ASSERT_TRUE(WaitFor([&] { return listener->Routers().size() == 2; }));
  Send(a, Initiation());
  Send(b, good.substr(0, 30));  // a partial message is buffered, not an error
  absl::SleepFor(absl::Milliseconds(20));
  Send(b, good.substr(30));
  ASSERT_TRUE(WaitFor([&] { return index.route_count() == 1 && Initiated(*listener) == 2; }));
  Send(a, std::string(64, '\x07'));  // not BMP at all
  ASSERT_TRUE(Closed(a));
  EXPECT_TRUE(events.Has("disconnected: BMP: version")) << events.All();
  // The other router still works.
  Send(b, RouteMonitoring(peer, "8.8.8.0/24"));
  EXPECT_TRUE(WaitFor([&] { return index.route_count() == 2; }));
  close(b);
  EXPECT_TRUE(WaitFor([&] { return listener->Routers().empty(); }));
  EXPECT_TRUE(WaitFor([&] {
    for (const auto& s : index.Sessions()) {
      if (s.established) return false;
    }
    return true;
  }));
  close(a);
  listener->Stop();
}

// The station's feed counters (feed/feed_counters.h, the metrics' pfxd_feed_*{source="bmp"}):
// every applied message by type; a message that does not decode is one decode error.
TEST(BmpListenerTest, CountsMessagesByTypeAndDecodeErrors) {
  RouteIndex index;
  Events events;
  FeedCounters counters;
  auto listener = BmpListener::Start(
      {.address = "127.0.0.1", .port = 0, .on_event = events.Sink(), .counters = &counters},
      &index);
  ASSERT_TRUE(listener.ok()) << listener.status();
  BmpPeerHeader peer = Peer("198.51.100.1", 13335);
  std::string down, termination;
  AppendBmpPeerDown(peer, 2, down);
  AppendBmpTermination(termination);
  int a = ConnectFrom((*listener)->port());
  Send(a, Initiation() + PeerUp() + RouteMonitoring(peer, "1.1.1.0/24") +
              RouteMonitoring(peer, "8.8.8.0/24") + down + termination);
  ASSERT_TRUE(Closed(a));
  close(a);
  int b = ConnectFrom((*listener)->port(), "127.0.0.2");
  // A Route Monitoring whose BGP message is cut short: its length fields disagree.
  std::string broken = RouteMonitoring(peer, "9.9.9.0/24");
  broken[kBmpCommonHeaderSize + kBmpPerPeerHeaderSize + 17] = 10;  // BGP length 10 (< 19)
  Send(b, Initiation() + broken);
  ASSERT_TRUE(Closed(b));
  close(b);
  ASSERT_TRUE(WaitFor([&] { return counters.Read().bmp_decode_errors == 1; })) << events.All();
  FeedCounters::Snapshot s = counters.Read();
  auto count = [&](BmpType t) { return s.bmp_messages[static_cast<size_t>(t)]; };
  EXPECT_EQ(count(BmpType::kInitiation), 2u);
  EXPECT_EQ(count(BmpType::kPeerUp), 1u);
  EXPECT_EQ(count(BmpType::kRouteMonitoring), 2u);
  EXPECT_EQ(count(BmpType::kPeerDown), 1u);
  EXPECT_EQ(count(BmpType::kTermination), 1u);
  EXPECT_EQ(count(BmpType::kStatisticsReport), 0u);
  EXPECT_EQ(s.bmp_decode_errors, 1u);
  EXPECT_STREQ(FeedCounters::BmpTypeLabel(BmpType::kRouteMonitoring), "route_monitoring");
  EXPECT_STREQ(FeedCounters::BmpTypeLabel(BmpType::kPeerUp), "peer_up");
  (*listener)->Stop();
}

TEST(BmpListenerTest, ReconnectAfterCloseReplacesThePreviousConnection) {
  RouteIndex index;
  Events events;
  auto listener = StartListener(index, events);
  BmpPeerHeader peer = Peer("198.51.100.1", 13335);
  int first = ConnectFrom(listener->port());
  Send(first, Initiation() + PeerUp() + RouteMonitoring(peer, "1.1.1.0/24") +
                  RouteMonitoring(peer, "1.0.0.0/24"));
  ASSERT_TRUE(WaitFor([&] { return index.route_count() == 2; }));
  close(first);  // the router restarts: its next connection comes at once
  int second = ConnectFrom(listener->port());  // same source address: the same router
  Send(second, Initiation() + PeerUp() + RouteMonitoring(peer, "1.1.1.0/24"));
  ASSERT_TRUE(WaitFor([&] { return index.route_count() == 1 && Initiated(*listener) == 1; }));
  EXPECT_EQ(listener->Routers()[0].name, "127.0.0.1");
  EXPECT_TRUE(Open(second));
  EXPECT_EQ(listener->Stats().refused, 0u) << events.All();
  close(second);
}

TEST(BmpListenerTest, FirstMessageMustBeAnInitiation) {
  RouteIndex index;
  Events events;
  auto listener = StartListener(index, events);
  int fd = ConnectFrom(listener->port());
  Send(fd, PeerUp());
  EXPECT_TRUE(Closed(fd));
  EXPECT_TRUE(
      events.Has("closed before its Initiation: the first message must be an Initiation "
                 "(RFC 7854 section 4.3), got Peer Up"))
      << events.All();
  EXPECT_EQ(index.Sessions().size(), 0u);  // nothing was applied
  close(fd);
}

// Before its Initiation a connection is closed as soon as the 6-byte common header says it is
// anything else, or an Initiation too long to be one: strangers cannot park a megabyte each.
TEST(BmpListenerTest, AFirstHeaderThatIsNotASmallInitiationClosesAtOnce) {
  RouteIndex index;
  Events events;
  auto listener = StartListener(index, events);
  int huge = ConnectFrom(listener->port(), "127.0.0.1");
  std::string header = {3, 0, 0x10, 0, 0, 4 /* Initiation */};  // declares 1 MiB
  Send(huge, header);
  EXPECT_TRUE(Closed(huge));
  EXPECT_TRUE(events.Has("an Initiation of 1048576 bytes (at most 65536)")) << events.All();
  int other = ConnectFrom(listener->port(), "127.0.0.2");
  Send(other, Partial(1000, 6));  // a Statistics Report header, its body never sent
  EXPECT_TRUE(Closed(other));
  EXPECT_TRUE(events.Has("got Statistics Report")) << events.All();
  close(huge);
  close(other);
}

TEST(BmpListenerTest, IdleConnectionsAreClosedAfterTheInitiationTimeout) {
  RouteIndex index;
  Events events;
  BmpLimits limits;
  limits.initiation_timeout = absl::Milliseconds(200);
  auto listener = StartListener(index, events, limits);
  int idle = ConnectFrom(listener->port(), "127.0.0.1");
  int router = ConnectFrom(listener->port(), "127.0.0.2");
  Send(router, Initiation());
  // Well before the 10 s poll tick: the poll timeout follows the nearest deadline.
  EXPECT_TRUE(ClosedWithin(idle, absl::Seconds(3)));
  EXPECT_TRUE(Open(router));
  EXPECT_EQ(listener->Stats().timed_out, 1u);
  EXPECT_TRUE(
      events.Has("BMP connection from 127.0.0.1 (router 127.0.0.1) closed before its "
                 "Initiation: no Initiation within 200ms (bmp_initiation_timeout)"))
      << events.All();
  close(idle);
  close(router);
}

TEST(BmpListenerTest, StalledIncompleteMessagesAreClosed) {
  RouteIndex index;
  Events events;
  BmpLimits limits;
  limits.incomplete_message_timeout = absl::Milliseconds(300);
  auto listener = StartListener(index, events, limits);
  const std::string up = PeerUp();
  int stalled = ConnectFrom(listener->port(), "127.0.0.1");
  int whole = ConnectFrom(listener->port(), "127.0.0.2");
  int trickle = ConnectFrom(listener->port(), "127.0.0.3");
  Send(stalled, Initiation() + up.substr(0, up.size() / 2));
  Send(whole, Initiation() + up);
  Send(trickle, Initiation() + up.substr(0, 1));
  // A byte every 50 ms does not keep an incomplete message alive.
  bool trickle_closed = false;
  for (size_t i = 1; i < up.size() - 1 && !trickle_closed; ++i) {
    trickle_closed = ClosedWithin(trickle, absl::Milliseconds(50));
    if (!trickle_closed) Send(trickle, up.substr(i, 1));
  }
  EXPECT_TRUE(trickle_closed);
  EXPECT_TRUE(Closed(stalled));
  EXPECT_TRUE(Open(whole));
  EXPECT_EQ(listener->Stats().timed_out, 2u);
  EXPECT_TRUE(events.Has(absl::StrCat("BMP router 127.0.0.1 disconnected: an incomplete message (",
                                      up.size() / 2, " bytes) pending for")))
      << events.All();
  close(stalled);
  close(whole);
  close(trickle);
}

TEST(BmpListenerTest, BufferBudgetClosesTheConnectionHoldingTheMost) {
  RouteIndex index;
  Events events;
  BmpLimits limits;
  limits.buffer_budget_bytes = 100000;
  auto listener = StartListener(index, events, limits);
  int big = ConnectFrom(listener->port(), "127.0.0.2");
  int small = ConnectFrom(listener->port(), "127.0.0.3");
  int last = ConnectFrom(listener->port(), "127.0.0.4");
  Send(big, Initiation() + Partial(200000, 60000));
  ASSERT_TRUE(WaitFor([&] { return listener->Stats().pending_bytes == 60000; }));
  Send(small, Initiation() + Partial(200000, 20000));
  ASSERT_TRUE(WaitFor([&] { return listener->Stats().pending_bytes == 80000; }));
  Send(last, Initiation() + Partial(200000, 30000));  // 110000 > 100000
  EXPECT_TRUE(Closed(big));
  EXPECT_TRUE(Open(small));
  EXPECT_TRUE(Open(last));
  BmpListenerStats stats = listener->Stats();
  EXPECT_EQ(stats.over_budget, 1u);
  EXPECT_EQ(stats.pending_bytes, 50000u);
  EXPECT_TRUE(
      events.Has("BMP router 127.0.0.2 disconnected: buffer budget exceeded: 110000 bytes "
                 "of incomplete messages across 3 connections, bmp_buffer_budget_bytes "
                 "100000; this connection held the most (60000 bytes)"))
      << events.All();
  close(big);
  close(small);
  close(last);
}

TEST(BmpListenerTest, ALiveRouterIsNotEvictedAndASilentOneIsReplaced) {
  RouteIndex index;
  Events events;
  BmpLimits limits;
  limits.silence_timeout = absl::Milliseconds(500);
  auto listener = StartListener(index, events, limits);
  int first = ConnectFrom(listener->port());
  Send(first, Initiation("first") + PeerUp());
  ASSERT_TRUE(WaitFor([&] { return Initiated(*listener) == 1; }));

  int intruder = ConnectFrom(listener->port());  // same source, first one live
  EXPECT_TRUE(Closed(intruder));
  EXPECT_TRUE(Open(first));
  EXPECT_EQ(listener->Stats().refused, 1u);
  EXPECT_TRUE(
      events.Has("BMP connection from 127.0.0.1 refused: router 127.0.0.1 is connected "
                 "from 127.0.0.1 and sent data"))
      << events.All();
  EXPECT_TRUE(index.Sessions().at(0).established);

  absl::SleepFor(absl::Milliseconds(600));  // first says nothing past the silence timeout
  int second = ConnectFrom(listener->port());
  Send(second, Initiation("second") + PeerUp());
  EXPECT_TRUE(Closed(first));
  ASSERT_TRUE(WaitFor([&] {
    auto routers = listener->Routers();
    return routers.size() == 1 && routers[0].sys_name == "second";
  }));
  EXPECT_TRUE(Open(second));
  EXPECT_TRUE(WaitFor([&] { return index.Sessions().at(0).established; }));
  EXPECT_TRUE(
      events.Has("disconnected: replaced by a new connection of router 127.0.0.1 from "
                 "127.0.0.1 (silent for"))
      << events.All();
  close(first);
  close(intruder);
  close(second);
}

TEST(BmpListenerTest, UnknownSourcesAreRefusedWhenRoutersAreConfigured) {
  auto names = [](const IpAddress& a) {
    return a.ToString() == "127.0.0.1" ? std::string("edge") : std::string();
  };
  for (bool accept_unknown : {false, true}) {
    SCOPED_TRACE(accept_unknown ? "bmp_accept_unknown_routers" : "default");
    RouteIndex index;
    Events events;
    BmpLimits limits;
    limits.accept_unknown_routers = accept_unknown;
    auto listener = StartListener(index, events, limits, names, /*routers_configured=*/true);
    int known = ConnectFrom(listener->port(), "127.0.0.1");
    int unknown = ConnectFrom(listener->port(), "127.0.0.3");
    Send(known, Initiation());
    ASSERT_TRUE(WaitFor([&] { return Initiated(*listener) >= 1; }));
    if (accept_unknown) {
      Send(unknown, Initiation());
      EXPECT_TRUE(WaitFor([&] { return Initiated(*listener) == 2; }));
      EXPECT_TRUE(Open(unknown));
    } else {
      EXPECT_TRUE(Closed(unknown));
      EXPECT_TRUE(
          events.Has("BMP connection from 127.0.0.3 refused: 127.0.0.3 is not a "
                     "configured BMP router"))
          << events.All();
    }
    EXPECT_TRUE(Open(known));
    EXPECT_EQ(listener->Routers()[0].name, "edge");
    close(known);
    close(unknown);
  }
}

TEST(BmpListenerTest, AtTheCapTheOldestWithoutInitiationMakesRoom) {
  RouteIndex index;
  Events events;
  BmpLimits limits;
  limits.max_connections = 2;
  auto listener = StartListener(index, events, limits);
  int router_a = ConnectFrom(listener->port(), "127.0.0.2");
  Send(router_a, Initiation());
  ASSERT_TRUE(WaitFor([&] { return Initiated(*listener) == 1; }));
  int idle_b = ConnectFrom(listener->port(), "127.0.0.3");
  ASSERT_TRUE(WaitFor([&] { return listener->Routers().size() == 2; }));
  int idle_c = ConnectFrom(listener->port(), "127.0.0.4");
  EXPECT_TRUE(Closed(idle_b));
  EXPECT_TRUE(events.Has("bmp_max_connections (2) reached; closed to make room")) << events.All();
  int router_d = ConnectFrom(listener->port(), "127.0.0.5");
  Send(router_d, Initiation());
  EXPECT_TRUE(Closed(idle_c));
  ASSERT_TRUE(WaitFor([&] { return Initiated(*listener) == 2; }));
  int refused = ConnectFrom(listener->port(), "127.0.0.6");  // two routers: nothing to replace
  EXPECT_TRUE(Closed(refused));
  EXPECT_TRUE(Open(router_a));
  EXPECT_TRUE(Open(router_d));
  BmpListenerStats stats = listener->Stats();
  EXPECT_EQ(stats.replaced, 2u);
  EXPECT_EQ(stats.refused, 1u);
  EXPECT_TRUE(events.Has("BMP connection from 127.0.0.6 refused: bmp_max_connections (2) reached"))
      << events.All();
  for (int fd : {router_a, idle_b, idle_c, router_d, refused}) close(fd);
}

int HighestOpenFd() {
  int highest = -1;
  for (int fd = 0; fd < 65536; ++fd) {
    if (fcntl(fd, F_GETFD) != -1) highest = fd;
  }
  return highest;
}

TEST(BmpListenerTest, EmfileOnAcceptDrainsTheBacklogWithoutSpinning) {
  RouteIndex index;
  Events events;
  BmpLimits limits;
  limits.fd_reserve = 0;  // let the process really run out
  limits.max_connections = 1000;
  auto listener = StartListener(index, events, limits);
  constexpr int kClients = 40;
  std::vector<int> clients;
  for (int i = 0; i < kClients; ++i) {
    // Distinct sources (distinct routers): a router's newer connection would replace its
    // older one, closing a descriptor.
    clients.push_back(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 256 + static_cast<uint32_t>(i));
    ASSERT_EQ(bind(clients.back(), reinterpret_cast<sockaddr*>(&local), sizeof(local)), 0);
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(listener->port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // The limit bounds descriptor numbers and a new descriptor takes the lowest free one: fill
  // every hole below the highest open descriptor, so the limit leaves exactly three.
  std::vector<int> fillers;
  const int highest = HighestOpenFd();
  for (int fd = open("/dev/null", O_RDONLY | O_CLOEXEC); fd >= 0 && fd < highest;
       fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) {
    fillers.push_back(fd);
  }
  if (HighestOpenFd() > highest) close(HighestOpenFd());  // the one past the holes
  // The first contended absl::Mutex asks abseil for the CPU count, which reads
  // /sys/devices/system/cpu/online once per process: a descriptor of this thread that would
  // take one of the three (or the station's spare) for a moment. Read it now, before the limit.
  absl::base_internal::NumCPUs();
  const int room = 3;
  {
    // Room for three accepted connections, then accept fails with EMFILE.
    SoftFdLimit limit(static_cast<rlim_t>(highest + 1 + room));
    for (int fd : clients) {
      ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    }
    ASSERT_TRUE(WaitFor([&] {
      BmpListenerStats s = listener->Stats();
      return s.accepted + s.dropped == kClients;
    })) << events.All();
    BmpListenerStats stats = listener->Stats();
    EXPECT_EQ(stats.accepted, static_cast<uint64_t>(room));
    EXPECT_EQ(stats.dropped, static_cast<uint64_t>(kClients - room));
    EXPECT_EQ(stats.accept_errors, 0u);  // the spare always drained the backlog
    // The backlog is empty: the loop sleeps instead of spinning on a readable socket.
    absl::SleepFor(absl::Milliseconds(300));
    EXPECT_LE(listener->Stats().wakeups - stats.wakeups, 3u);
    int closed = 0;
    for (int fd : clients) closed += ClosedWithin(fd, absl::ZeroDuration());
    EXPECT_EQ(closed, kClients - room);
    EXPECT_TRUE(events.Has("refused: the process is out of file descriptors (Too many open files)"))
        << events.All();
  }
  for (int fd : clients) close(fd);
  for (int fd : fillers) close(fd);
  // Descriptors are back: connections are accepted again.
  int fd = ConnectFrom(listener->port(), "127.0.0.9");
  Send(fd, Initiation());
  EXPECT_TRUE(WaitFor([&] { return Initiated(*listener) == 1; }));
  close(fd);
}

}  // namespace
}  // namespace pfx
