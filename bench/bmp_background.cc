#include "bench/bmp_background.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "feed/bgp_update_encoder.h"
#include "feed/bmp/bmp_writer.h"
#include "feed/file_reader.h"
#include "feed/mrt_reader.h"

namespace pfx::bench {
namespace {

// The UPDATEs of an MRT updates file, in order.
class UpdateCollector : public MrtVisitor {
 public:
  struct Event {
    MrtPeer peer;
    BgpUpdate update;
  };
  void OnRibEntry(uint32_t, const MrtPeer&, const IpPrefix&, const RouteAttributes&) override {}
  void OnUpdate(uint32_t, const MrtPeer& peer, const BgpUpdate& update) override {
    if (!update.end_of_rib) events.push_back({peer, update});
  }
  void OnStateChange(uint32_t, const MrtPeer&, uint16_t, uint16_t) override {}
  std::vector<Event> events;
};

}  // namespace

absl::StatusOr<std::unique_ptr<BmpConnection>> BmpConnection::Open(const std::string& to) {
  size_t colon = to.rfind(':');
  if (colon == std::string::npos) return absl::InvalidArgumentError("expected HOST:PORT");
  std::string host = to.substr(0, colon), port = to.substr(colon + 1);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &result); rc != 0) {
    return absl::InvalidArgumentError(absl::StrCat(to, ": ", gai_strerror(rc)));
  }
  int fd = -1;
  for (addrinfo* a = result; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(result);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", to, ": ", std::strerror(errno)));
  }
  std::unique_ptr<BmpConnection> c(new BmpConnection(fd));
  std::string init;
  AppendBmpInitiation("pfx-live-latency", "issue 11 live change latency", init);
  if (absl::Status s = c->Send(init); !s.ok()) return s;
  return c;
}

BmpConnection::~BmpConnection() {
  std::string end;
  AppendBmpTermination(end);
  (void)Send(end);
  shutdown(fd_, SHUT_WR);
  char sink[256];
  while (read(fd_, sink, sizeof(sink)) > 0) {
  }
  close(fd_);
}

absl::Status BmpConnection::Send(absl::string_view bytes) {
  absl::MutexLock lock(&mu_);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(absl::StrCat("BMP write: ", std::strerror(errno)));
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<BackgroundStream>> BackgroundStream::Create(
    const ScaledFeed& feed, int copies, const std::string& updates_file) {
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(updates_file);
  if (!reader.ok()) return reader.status();
  UpdateCollector collector;
  MrtStats mrt = ReadMrtStream(**reader, collector);
  if (mrt.damaged()) return absl::DataLossError(mrt.damage_message);
  if (collector.events.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(updates_file, ": no UPDATEs"));
  }
  std::unique_ptr<BackgroundStream> s(new BackgroundStream());
  for (int prepends : {0, 1}) {
    for (int copy = 0; copy < copies; ++copy) {
      for (const UpdateCollector::Event& e : collector.events) {
        BmpPeerHeader header;
        MrtPeer peer = feed.MapPeer(copy, e.peer);
        header.address = peer.address;
        header.asn = peer.asn;
        header.bgp_id = 1;
        RouteAttributes attributes =
            feed.MapAttributes(copy, e.peer.asn, e.update.attributes, prepends);
        for (Family family : {Family::kIpv4, Family::kIpv6}) {
          std::vector<IpPrefix> announced, withdrawn;
          for (const IpPrefix& p : e.update.announced) {
            if (p.family() == family) announced.push_back(p);
          }
          for (const IpPrefix& p : e.update.withdrawn) {
            if (p.family() == family) withdrawn.push_back(p);
          }
          if (announced.empty() && withdrawn.empty()) continue;
          std::string update;
          AppendUpdate(announced, attributes, withdrawn, update);
          AppendBmpRouteMonitoring(header, update, s->bytes_);
          s->messages_.push_back(
              {s->bytes_.size(), static_cast<uint32_t>(announced.size() + withdrawn.size())});
        }
      }
      ++s->passes_;
    }
  }
  return s;
}

BackgroundStream::~BackgroundStream() {
  if (thread_.joinable()) Stop();
}

void BackgroundStream::Start(BmpConnection* connection, double rate) {
  stop_ = false;
  thread_ = std::thread([this, connection, rate] { Run(connection, rate); });
}

BackgroundStats BackgroundStream::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  return stats_;
}

void BackgroundStream::Run(BmpConnection* connection, double rate) {
  // Every millisecond or so, send what is due by then: a steady stream rather than bursts.
  const absl::Time start = absl::Now();
  size_t next = 0;
  stats_ = BackgroundStats();
  while (!stop_) {
    double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
    auto due = static_cast<uint64_t>(rate * elapsed);
    if (due <= stats_.updates) {
      absl::SleepFor(absl::Microseconds(500));
      continue;
    }
    // One contiguous run of messages per write (at most to the end of the passes).
    size_t first = next, count = 0;
    uint32_t prefixes = 0;
    while (stats_.updates + count < due && next < messages_.size() && count < 512) {
      prefixes += messages_[next].prefixes;
      ++next;
      ++count;
    }
    size_t begin = first == 0 ? 0 : messages_[first - 1].end;
    absl::Status s =
        connection->Send(absl::string_view(bytes_).substr(begin, messages_[next - 1].end - begin));
    if (!s.ok()) {
      stats_.error = s;
      break;
    }
    stats_.updates += count;
    stats_.prefixes += prefixes;
    if (next == messages_.size()) next = 0;
  }
  stats_.seconds = absl::ToDoubleSeconds(absl::Now() - start);
}

}  // namespace pfx::bench
