#include "cli/bmp_replay.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "feed/bgp_update_encoder.h"
#include "feed/bmp/bmp_writer.h"
#include "feed/file_reader.h"
#include "feed/mrt_reader.h"

namespace pfx::cli {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

absl::StatusOr<int> Connect(const std::string& to) {
  size_t colon = to.rfind(':');
  if (colon == std::string::npos) return absl::InvalidArgumentError("--to: expected HOST:PORT");
  std::string host = to.substr(0, colon), port = to.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* result = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &result); rc != 0) {
    return absl::InvalidArgumentError(absl::StrCat("--to: ", gai_strerror(rc)));
  }
  int fd = -1;
  for (addrinfo* a = result; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd >= 0 && connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(result);
  if (fd < 0)
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", to, ": ", std::strerror(errno)));
  return fd;
}

class Replayer : public MrtVisitor {
 public:
  explicit Replayer(int fd) : fd_(fd) {
    AppendBmpInitiation("pfxctl-bmp-replay", "MRT replay", out_);
    // Sent at once: pfxd closes a connection without an Initiation after a few seconds, and
    // the first MRT records of a slow (streamed, compressed) file may take longer.
    Flush();
  }

  void OnRibEntry(uint32_t timestamp, const MrtPeer& peer, const IpPrefix& prefix,
                  const RouteAttributes& attributes) override {
    std::string update;
    AppendUpdate({prefix}, attributes, {}, update);
    Monitor(PeerFor(peer, timestamp), update);
    ++stats_.routes;
  }

  void OnUpdate(uint32_t timestamp, const MrtPeer& peer, const BgpUpdate& u) override {
    const BmpPeerHeader& header = PeerFor(peer, timestamp);
    for (Family family : {Family::kIpv4, Family::kIpv6}) {
      std::vector<IpPrefix> announced, withdrawn;
      for (const IpPrefix& p : u.announced) {
        if (p.family() == family) announced.push_back(p);
      }
      for (const IpPrefix& p : u.withdrawn) {
        if (p.family() == family) withdrawn.push_back(p);
      }
      if (announced.empty() && withdrawn.empty()) continue;
      std::string update;
      AppendUpdate(announced, u.attributes, withdrawn, update);
      Monitor(header, update);
      stats_.routes += announced.size() + withdrawn.size();
    }
  }

  void OnStateChange(uint32_t timestamp, const MrtPeer& peer, uint16_t,
                     uint16_t new_state) override {
    BmpPeerHeader& header = PeerFor(peer, timestamp);
    if (new_state == 6) {
      AppendBmpPeerUp(header, 8075, out_);
    } else {
      AppendBmpPeerDown(header, 2, out_);
    }
    ++stats_.messages;
  }

  absl::StatusOr<ReplayStats> Finish() {
    for (auto& [address, header] : peers_) {
      for (Family family : {Family::kIpv4, Family::kIpv6}) {
        std::string eor;
        AppendEndOfRib(family, eor);
        Monitor(header, eor);
      }
    }
    AppendBmpTermination(out_);
    ++stats_.messages;
    if (!Flush()) return error_;
    return stats_;
  }

  absl::Status error() const { return error_; }

 private:
  BmpPeerHeader& PeerFor(const MrtPeer& peer, uint32_t timestamp) {
    auto [it, inserted] = peers_.try_emplace(peer.address);
    BmpPeerHeader& h = it->second;
    h.timestamp_seconds = timestamp;
    if (inserted) {
      h.address = peer.address;
      h.asn = peer.asn;
      h.bgp_id = static_cast<uint32_t>(peers_.size());
      AppendBmpPeerUp(h, 8075, out_);
      ++stats_.messages;
    }
    return h;
  }

  void Monitor(const BmpPeerHeader& peer, const std::string& update) {
    AppendBmpRouteMonitoring(peer, update, out_);
    ++stats_.messages;
    if (out_.size() >= kFlushBytes) Flush();
  }

  bool Flush() {
    size_t done = 0;
    while (error_.ok() && done < out_.size()) {
      ssize_t n = write(fd_, out_.data() + done, out_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        error_ = absl::UnavailableError(absl::StrCat("write: ", std::strerror(errno)));
      else
        done += static_cast<size_t>(n);
    }
    stats_.bytes += done;
    out_.clear();
    return error_.ok();
  }

  int fd_;
  std::string out_;
  absl::flat_hash_map<IpAddress, BmpPeerHeader> peers_;
  ReplayStats stats_;
  absl::Status error_;
};

}  // namespace

absl::StatusOr<ReplayStats> BmpReplay(const std::string& mrt_path, const std::string& to) {
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(mrt_path);
  if (!reader.ok()) return reader.status();
  absl::StatusOr<int> fd = Connect(to);
  if (!fd.ok()) return fd.status();
  absl::Time start = absl::Now();
  Replayer replayer(*fd);
  MrtStats mrt = ReadMrtStream(**reader, replayer);
  absl::StatusOr<ReplayStats> stats = replayer.Finish();
  // Half-close, then wait for the station to close: every byte has been read by then.
  shutdown(*fd, SHUT_WR);
  char sink[256];
  while (read(*fd, sink, sizeof(sink)) > 0) {
  }
  close(*fd);
  if (!stats.ok()) return stats.status();
  // A damaged file has been replayed up to the damage (as a router would have sent it), and
  // the replay still fails so that a benchmark never runs on half a table unawares.
  if (mrt.damaged()) {
    return absl::DataLossError(absl::StrCat(mrt_path, ": ", mrt.damage_message, " (the ",
                                            mrt.records, " records before it were replayed)"));
  }
  if (mrt.malformed_records > 0) {
    return absl::DataLossError(absl::StrCat(mrt_path, ": ", mrt.malformed_records,
                                            " malformed records (first: ", mrt.first_error, ")"));
  }
  stats->seconds = absl::ToDoubleSeconds(absl::Now() - start);
  return stats;
}

}  // namespace pfx::cli
