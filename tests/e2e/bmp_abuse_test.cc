// Abuse of the BMP port against the real pfxd (issue 14 §1; docs/bmp.md, "Limits"): floods of
// idle connections (past the cap, and past what the process's descriptors allow) while gRPC
// keeps accepting new clients; a stalled half message; the buffer budget; a live router that
// a second connection from its address cannot evict; unknown sources. Sockets come from the
// test; a second source address is another 127/8 address (all loopback on Linux).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <list>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "feed/bmp/bmp_writer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/bmp_socket.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPeer[] = "198.51.100.1";

std::string Initiation() {
  std::string out;
  AppendBmpInitiation("abuse-test", "pfxd e2e", out);
  return out;
}

std::string PeerUp() {
  BmpPeerHeader p;
  p.address = *IpAddress::Parse(kPeer);
  p.asn = 13335;
  p.bgp_id = 0x0A0A0A0A;
  p.timestamp_seconds = 1700000000;
  std::string out;
  AppendBmpPeerUp(p, 8075, out);
  return out;
}

int Count(const std::string& text, const std::string& part) {
  int n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The i-th of many distinct loopback source addresses: 127.0.1.1, 127.0.1.2, ...
std::string Source(int i) { return absl::StrCat("127.0.", 1 + i / 250, ".", 1 + i % 250); }

// A TCP connection to the BMP port from `source`; -1 if it is not established within 2 s (a
// full accept queue drops SYNs, and a blocking connect would then wait for minutes).
int ConnectFrom(int port, const std::string& source) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0 ||
      (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 && errno != EINPROGRESS)) {
    close(fd);
    return -1;
  }
  pollfd p{fd, POLLOUT, 0};
  int error = 0;
  socklen_t len = sizeof(error);
  if (poll(&p, 1, 2000) != 1 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len) != 0 ||
      error != 0) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

// A client on a channel of its own (a local subchannel pool: a new TCP connection), so the
// call needs pfxd's gRPC acceptor, not just a connection made before the flood. Creates a
// peering and reads it back. `keep` (optional) holds the channel open.
grpc::Status CallOnNewConnection(PfxdProcess& pfxd, int i,
                                 std::shared_ptr<grpc::Channel>* keep = nullptr) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateCustomChannel(pfxd.address(), grpc::InsecureChannelCredentials(), args);
  auto stub = v1::Peerings::NewStub(channel);
  v1::CreatePeeringRequest create;
  *create.mutable_peering() =
      MakePeering(absl::StrCat("flood-", i), 13335, v1::PEERING_KIND_EXCHANGE_ROUTE_SERVER,
                  {{"Seattle", "edge", {"192.0.2.1"}}});
  v1::Peering reply;
  grpc::Status s = stub->CreatePeering(Ctx().get(), create, &reply);
  if (!s.ok()) return s;
  v1::GetPeeringRequest get;
  get.set_name(create.peering().name());
  s = stub->GetPeering(Ctx().get(), get, &reply);
  if (s.ok() && reply.name() != create.peering().name()) {
    return grpc::Status(grpc::StatusCode::INTERNAL, "GetPeering returned another peering");
  }
  if (keep != nullptr) *keep = channel;
  return s;
}

// Is the session (router, kPeer) ESTABLISHED in pfxd's feed?
bool Established(PfxdProcess& pfxd, const std::string& router) {
  v1::ListSessionsResponse resp;
  if (!pfxd.routes().ListSessions(Ctx().get(), v1::ListSessionsRequest(), &resp).ok()) return false;
  for (const auto& s : resp.sessions()) {
    if (s.session().router() == router && s.session().peer_address() == kPeer) {
      return s.session_state() == v1::SESSION_STATE_ESTABLISHED;
    }
  }
  return false;
}

// Connections the test still holds; those pfxd has closed are dropped (so a flood of 1000
// attempts never needs 1000 descriptors in the test).
class Flood {
 public:
  void Add(int fd) { fds_.push_back(fd); }
  // Closes and forgets the connections pfxd has closed; returns how many remain open.
  size_t Sweep() {
    for (auto it = fds_.begin(); it != fds_.end();) {
      if (ClosedWithin(*it, absl::ZeroDuration())) {
        close(*it);
        it = fds_.erase(it);
      } else {
        ++it;
      }
    }
    return fds_.size();
  }
  ~Flood() {
    for (int fd : fds_) close(fd);
  }

 private:
  std::list<int> fds_;
};

TEST(BmpAbuseTest, LimitsOutOfRangeAreRefusedNamingTheFieldAndTheirEdgesStart) {
  struct Case {
    std::string flag;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"--bmp_max_connections=0", "bmp_max_connections: must be 1-65536, got 0"},
      {"--bmp_max_connections=65537", "bmp_max_connections: must be 1-65536, got 65537"},
      {"--bmp_initiation_timeout_millis=99",
       "bmp_initiation_timeout_millis: must be 100-600000, got 99"},
      {"--bmp_incomplete_message_timeout_millis=3600001",
       "bmp_incomplete_message_timeout_millis: must be 100-3600000, got 3600001"},
      {"--bmp_buffer_budget_bytes=65535",
       "bmp_buffer_budget_bytes: must be 65536-17179869184, got 65535"},
      {"--bmp_buffer_budget_bytes=17179869185",
       "bmp_buffer_budget_bytes: must be 65536-17179869184, got 17179869185"},
      {"--bmp_silence_timeout_millis=99", "bmp_silence_timeout_millis: must be 100-86400000"},
  };
  const std::string data = absl::StrCat(::testing::TempDir(), "/bmp_limits_", getpid());
  for (const Case& c : cases) {
    CommandResult r =
        RunCommand(absl::StrCat("timeout 10 ", PFX_BINARY_DIR, "/server/pfxd ",
                                "--listen=127.0.0.1:0 --data_dir=", data, " ", c.flag, " 2>&1"));
    EXPECT_EQ(r.exit_code, 2) << c.flag << ": " << r.output;
    EXPECT_THAT(r.output, HasSubstr("configuration refused: " + c.message)) << c.flag;
  }
  const std::string edges = WriteTempFile("bmp_edges.textproto",
                                          "bmp_max_connections: 1\n"
                                          "bmp_initiation_timeout_millis: 100\n"
                                          "bmp_incomplete_message_timeout_millis: 100\n"
                                          "bmp_buffer_budget_bytes: 65536\n"
                                          "bmp_silence_timeout_millis: 100\n");
  PfxdProcess pfxd({"--config=" + edges});
  EXPECT_TRUE(pfxd.Start());
}

TEST(BmpAbuseTest, IdleFloodBeyondTheCapIsBoundedAndGrpcKeepsServing) {
  PfxdProcess pfxd({"--bmp_max_connections=16", "--bmp_initiation_timeout_millis=1000"});
  pfxd.set_fd_limit(256);
  pfxd.set_capture_log(true);
  ASSERT_TRUE(pfxd.Start()) << pfxd.Log();
  Flood flood;
  int refused_by_kernel = 0;
  for (int i = 0; i < 1000; ++i) {
    int fd = ConnectFrom(pfxd.bmp_port(), Source(i));
    if (fd < 0) {
      ++refused_by_kernel;
    } else {
      flood.Add(fd);
    }
    if (i % 100 == 99) {
      ASSERT_TRUE(CallOnNewConnection(pfxd, i).ok())
          << "gRPC failed during the flood, at " << i << "\n"
          << pfxd.Log();
      flood.Sweep();
    }
  }
  EXPECT_LT(refused_by_kernel, 100);
  // pfxd holds at most the cap; the others were closed to make room as newer ones came.
  EXPECT_TRUE(WaitFor([&] { return flood.Sweep() <= 16; }, absl::Seconds(5))) << flood.Sweep();
  // Idle connections are closed after the initiation timeout.
  EXPECT_TRUE(WaitFor([&] { return flood.Sweep() == 0; }, absl::Seconds(10))) << flood.Sweep();
  EXPECT_TRUE(CallOnNewConnection(pfxd, 1000).ok());
  // The log says why, without a line per connection: past 50 in 10 s they are counted.
  EXPECT_TRUE(WaitFor(
      [&] {
        return absl::StrContains(pfxd.Log(),
                                 "more BMP connection events like the ones above were not logged");
      },
      absl::Seconds(15)));
  const std::string log = pfxd.Log();
  EXPECT_THAT(log, HasSubstr("bmp_max_connections (16) reached; closed to make room"));
  EXPECT_LT(Count(log, "BMP connection from"), 200);
  EXPECT_THAT(log, Not(HasSubstr("Too many open files")));
  EXPECT_THAT(log, HasSubstr("file descriptor limit 256 (the hard limit)"));
}

TEST(BmpAbuseTest, FdReserveKeepsGrpcAcceptingWhenTheCapIsAboveTheFdLimit) {
  // 1000 connections allowed, 256 descriptors: only the reserve (64) stands between the flood
  // and gRPC's acceptor.
  PfxdProcess pfxd({"--bmp_max_connections=1000", "--bmp_initiation_timeout_millis=3000"});
  pfxd.set_fd_limit(256);
  pfxd.set_capture_log(true);
  ASSERT_TRUE(pfxd.Start()) << pfxd.Log();
  Flood flood;
  std::vector<std::shared_ptr<grpc::Channel>> clients;  // gRPC connections held open
  for (int i = 0; i < 400; ++i) {
    int fd = ConnectFrom(pfxd.bmp_port(), Source(i));
    if (fd >= 0) flood.Add(fd);
    if (i % 20 == 19) {
      std::shared_ptr<grpc::Channel> channel;
      ASSERT_TRUE(CallOnNewConnection(pfxd, i, &channel).ok())
          << "gRPC failed during the flood, at " << i << "\n"
          << pfxd.Log();
      clients.push_back(channel);
    }
  }
  // Every gRPC client still works, and a new one too, while the flood holds its connections.
  EXPECT_GT(flood.Sweep(), 50u);
  for (auto& channel : clients) {
    v1::ListPeeringsResponse resp;
    EXPECT_TRUE(v1::Peerings::NewStub(channel)
                    ->ListPeerings(Ctx().get(), v1::ListPeeringsRequest(), &resp)
                    .ok());
  }
  EXPECT_TRUE(CallOnNewConnection(pfxd, 1000).ok());
  EXPECT_TRUE(WaitFor([&] { return flood.Sweep() == 0; }, absl::Seconds(15))) << flood.Sweep();
  EXPECT_TRUE(CallOnNewConnection(pfxd, 1001).ok());
  const std::string log = pfxd.Log();
  EXPECT_THAT(log, HasSubstr("no file descriptor to spare"));
  EXPECT_THAT(log, Not(HasSubstr("Too many open files")));
}

TEST(BmpAbuseTest, StalledHalfMessageIsClosedAfterTheTimeout) {
  PfxdProcess pfxd({"--bmp_incomplete_message_timeout_millis=500"});
  pfxd.set_capture_log(true);
  ASSERT_TRUE(pfxd.Start());
  const std::string up = PeerUp();
  int stalled = ConnectFrom(pfxd.bmp_port(), "127.0.0.1");
  int healthy = ConnectFrom(pfxd.bmp_port(), "127.0.0.2");
  ASSERT_GE(stalled, 0);
  ASSERT_GE(healthy, 0);
  Send(stalled, Initiation() + up.substr(0, up.size() / 2));
  Send(healthy, Initiation() + up);
  EXPECT_TRUE(Closed(stalled));
  EXPECT_TRUE(Open(healthy));
  EXPECT_TRUE(WaitFor([&] { return Established(pfxd, "127.0.0.2"); }));
  EXPECT_THAT(pfxd.Log(), HasSubstr(absl::StrCat("BMP router 127.0.0.1 disconnected: an incomplete "
                                                 "message (",
                                                 up.size() / 2, " bytes) pending for")));
  close(stalled);
  close(healthy);
}

TEST(BmpAbuseTest, BufferBudgetClosesTheConnectionHoldingTheMostPendingBytes) {
  PfxdProcess pfxd({"--bmp_buffer_budget_bytes=100000"});
  pfxd.set_capture_log(true);
  ASSERT_TRUE(pfxd.Start());
  int big = ConnectFrom(pfxd.bmp_port(), "127.0.0.2");
  int small = ConnectFrom(pfxd.bmp_port(), "127.0.0.3");
  int last = ConnectFrom(pfxd.bmp_port(), "127.0.0.4");
  ASSERT_TRUE(big >= 0 && small >= 0 && last >= 0);
  // In whatever order pfxd reads them, the total passes 100000 only with all three, and the
  // one holding the most is closed, not the one that arrived last.
  Send(big, Initiation() + Partial(500000, 60000));
  Send(small, Initiation() + Partial(500000, 20000));
  Send(last, Initiation() + Partial(500000, 30000));
  EXPECT_TRUE(Closed(big));
  EXPECT_TRUE(Open(small));
  EXPECT_TRUE(Open(last));
  EXPECT_THAT(pfxd.Log(), HasSubstr("BMP router 127.0.0.2 disconnected: buffer budget exceeded: "
                                    "110000 bytes of incomplete messages across 3 connections"));
  close(big);
  close(small);
  close(last);
}

TEST(BmpAbuseTest, ASecondConnectionFromARouterDoesNotEvictItWhileItIsLive) {
  PfxdProcess pfxd({"--bmp_silence_timeout_millis=1000"});
  pfxd.set_capture_log(true);
  ASSERT_TRUE(pfxd.Start());
  const std::string router = "127.0.0.1";  // no bmp_routers: named by its address
  int first = ConnectFrom(pfxd.bmp_port(), router);
  ASSERT_GE(first, 0);
  Send(first, Initiation() + PeerUp());
  ASSERT_TRUE(WaitFor([&] { return Established(pfxd, router); }));

  // Anyone on the router's address: refused, the router keeps its connection and session.
  int intruder = ConnectFrom(pfxd.bmp_port(), router);
  ASSERT_GE(intruder, 0);
  Send(intruder, Initiation());
  EXPECT_TRUE(Closed(intruder));
  EXPECT_TRUE(Open(first));
  EXPECT_TRUE(Established(pfxd, router));
  EXPECT_THAT(pfxd.Log(), HasSubstr("BMP connection from 127.0.0.1 refused: router 127.0.0.1 is "
                                    "connected from 127.0.0.1 and sent data"));

  // Once the router has said nothing for the silence timeout, a new connection replaces it.
  absl::SleepFor(absl::Milliseconds(1200));
  int second = ConnectFrom(pfxd.bmp_port(), router);
  ASSERT_GE(second, 0);
  Send(second, Initiation() + PeerUp());
  EXPECT_TRUE(Closed(first));
  EXPECT_TRUE(Open(second));
  EXPECT_TRUE(WaitFor([&] { return Established(pfxd, router); }));
  EXPECT_THAT(pfxd.Log(), HasSubstr("BMP router 127.0.0.1 disconnected: replaced by a new "
                                    "connection of router 127.0.0.1 from 127.0.0.1 (silent for"));

  // A router that closes its connection may reconnect at once.
  close(second);
  int third = ConnectFrom(pfxd.bmp_port(), router);
  ASSERT_GE(third, 0);
  Send(third, Initiation() + PeerUp());
  EXPECT_TRUE(WaitFor([&] { return Established(pfxd, router); }));
  EXPECT_TRUE(Open(third));
  close(first);
  close(intruder);
  close(third);
}

TEST(BmpAbuseTest, UnknownSourcesAreRefusedWhenRoutersAreConfigured) {
  const std::string config = WriteTempFile(
      "bmp_abuse.textproto", "bmp_routers { address: \"127.0.0.1\" name: \"edge\" }\n");
  for (bool lab : {false, true}) {
    SCOPED_TRACE(lab ? "--bmp_accept_unknown_routers" : "default");
    std::vector<std::string> args = {"--config=" + config};
    if (lab) args.push_back("--bmp_accept_unknown_routers");
    PfxdProcess pfxd(args);
    pfxd.set_capture_log(true);
    ASSERT_TRUE(pfxd.Start());
    int unknown = ConnectFrom(pfxd.bmp_port(), "127.0.0.3");
    int edge = ConnectFrom(pfxd.bmp_port(), "127.0.0.1");
    ASSERT_TRUE(unknown >= 0 && edge >= 0);
    Send(edge, Initiation() + PeerUp());
    EXPECT_TRUE(WaitFor([&] { return Established(pfxd, "edge"); }));
    if (lab) {
      Send(unknown, Initiation() + PeerUp());
      EXPECT_TRUE(WaitFor([&] { return Established(pfxd, "127.0.0.3"); }));
      EXPECT_TRUE(Open(unknown));
    } else {
      EXPECT_TRUE(Closed(unknown));
      EXPECT_THAT(pfxd.Log(), HasSubstr("BMP connection from 127.0.0.3 refused: 127.0.0.3 is not a "
                                        "configured BMP router"));
    }
    EXPECT_TRUE(Open(edge));
    close(unknown);
    close(edge);
  }
}

}  // namespace
}  // namespace pfx::testing
