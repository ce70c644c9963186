#include "bench/rib_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "feed/byte_writer.h"

namespace pfx::bench {
namespace {

constexpr uint16_t kTableDumpV2 = 13;
constexpr uint16_t kPeerIndexTable = 1;
constexpr uint16_t kRibIpv4Unicast = 2;
constexpr uint16_t kRibIpv6Unicast = 4;
constexpr size_t kFlushBytes = 4 << 20;

// One attribute set in RIB-entry form, with where a copy patches it.
struct Encoded {
  std::string bytes;
  int first_asn = -1;  // offset of the AS path's first ASN
  int next_hop = -1;   // offset of the next hop, when it moves with the copy
};

void PutAttributeHeader(std::string& s, uint8_t flags, uint8_t type, size_t length) {
  if (length > 255) flags |= 0x10;
  Put8(s, flags);
  Put8(s, type);
  if (flags & 0x10) {
    Put16(s, static_cast<uint16_t>(length));
  } else {
    Put8(s, static_cast<uint8_t>(length));
  }
}

Encoded Encode(const RouteAttributes& a, bool next_hop_moves) {
  Encoded e;
  std::string& s = e.bytes;
  PutAttributeHeader(s, 0x40, 1, 1);
  Put8(s, a.origin);
  size_t path_length = 0;
  for (const AsPathSegment& seg : a.as_path.segments()) path_length += 2 + 4 * seg.asns.size();
  PutAttributeHeader(s, 0x40, 2, path_length);
  for (const AsPathSegment& seg : a.as_path.segments()) {
    Put8(s, static_cast<uint8_t>(seg.type));
    Put8(s, static_cast<uint8_t>(seg.asns.size()));
    for (uint32_t asn : seg.asns) {
      if (e.first_asn < 0) e.first_asn = static_cast<int>(s.size());
      Put32(s, asn);
    }
  }
  const bool v4 = a.next_hop.is_v4();
  const size_t width = v4 ? 4 : 16;
  if (v4) {
    PutAttributeHeader(s, 0x40, 3, 4);
  } else {
    PutAttributeHeader(s, 0x80, 14, 1 + width);  // abbreviated: length and next hop only
    Put8(s, static_cast<uint8_t>(width));
  }
  if (next_hop_moves) e.next_hop = static_cast<int>(s.size());
  s.append(reinterpret_cast<const char*>(a.next_hop.bytes().data()), width);
  if (!a.communities.empty()) {
    PutAttributeHeader(s, 0xC0, 8, 4 * a.communities.size());
    for (uint32_t c : a.communities) Put32(s, c);
  }
  return e;
}

void PatchAt(std::string& s, size_t offset, const uint8_t* bytes, size_t n) {
  std::memcpy(s.data() + offset, bytes, n);
}

class Output {
 public:
  explicit Output(const std::string& path) : path_(path) {
    fd_ = path == "-" ? 1 : open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) error_ = absl::UnavailableError(absl::StrCat(path, ": ", std::strerror(errno)));
    buffer_.reserve(kFlushBytes + (1 << 20));
  }
  ~Output() {
    if (fd_ > 1) close(fd_);
  }

  std::string& buffer() { return buffer_; }
  void MaybeFlush() {
    if (buffer_.size() >= kFlushBytes) Flush();
  }
  absl::Status Finish() {
    Flush();
    if (error_.ok() && fd_ > 1 && close(fd_) != 0) {
      error_ = absl::UnavailableError(absl::StrCat(path_, ": ", std::strerror(errno)));
    }
    fd_ = -1;
    return error_;
  }
  uint64_t written() const { return written_; }

 private:
  void Flush() {
    size_t done = 0;
    while (error_.ok() && done < buffer_.size()) {
      ssize_t n = write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        error_ = absl::UnavailableError(absl::StrCat(path_, ": write: ", std::strerror(errno)));
      } else {
        done += static_cast<size_t>(n);
      }
    }
    written_ += done;
    buffer_.clear();
  }

  std::string path_;
  int fd_ = -1;
  std::string buffer_;
  uint64_t written_ = 0;
  absl::Status error_;
};

// Appends an MRT header whose length is filled in by EndRecord.
size_t BeginRecord(std::string& s, uint32_t timestamp, uint16_t subtype) {
  Put32(s, timestamp);
  Put16(s, kTableDumpV2);
  Put16(s, subtype);
  Put32(s, 0);
  return s.size();
}

void EndRecord(std::string& s, size_t body_start) {
  uint32_t length = static_cast<uint32_t>(s.size() - body_start);
  uint8_t be[4] = {static_cast<uint8_t>(length >> 24), static_cast<uint8_t>(length >> 16),
                   static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
  PatchAt(s, body_start - 4, be, 4);
}

}  // namespace

absl::StatusOr<ScaledRibStats> WriteScaledRib(const ScaledFeed& feed, int copies,
                                              const std::string& path) {
  if (copies < 1 || copies > kMaxCopies) {
    return absl::InvalidArgumentError(absl::StrCat("copies: must be 1-", kMaxCopies));
  }
  const std::vector<MrtPeer>& peers = feed.peers();
  const size_t P = peers.size();
  // Each set as it is, and as the template of copies 1..N-1 (an attribute set belongs to one
  // peer: scaled_feed.h interns per peer).
  std::vector<Encoded> original(feed.attributes().size()), templ(feed.attributes().size());
  std::vector<bool> encoded(feed.attributes().size());
  for (const ScaledFeed::Record& r : feed.records()) {
    for (const ScaledFeed::Entry& e : r.entries) {
      if (encoded[e.attributes]) continue;
      encoded[e.attributes] = true;
      const RouteAttributes& a = feed.attributes()[e.attributes];
      original[e.attributes] = Encode(a, false);
      templ[e.attributes] =
          Encode(feed.MapAttributes(1, peers[e.peer].asn, a), feed.OnPeeringLan(a.next_hop));
    }
  }

  Output out(path);
  ScaledRibStats stats;
  stats.sessions = P * static_cast<size_t>(copies);
  std::string& s = out.buffer();
  {
    size_t body = BeginRecord(s, feed.timestamp(), kPeerIndexTable);
    Put32(s, 0x0a000001);  // collector BGP id
    std::string view = absl::StrCat("pfx-scaled-x", copies);
    Put16(s, static_cast<uint16_t>(view.size()));
    s.append(view);
    Put16(s, static_cast<uint16_t>(stats.sessions));
    for (int k = 0; k < copies; ++k) {
      for (size_t p = 0; p < P; ++p) {
        MrtPeer peer = feed.MapPeer(k, peers[p]);
        Put8(s, static_cast<uint8_t>(0x2 | (peer.address.is_v4() ? 0 : 0x1)));  // AS4, family
        Put32(s, static_cast<uint32_t>(k * P + p + 1));                         // BGP id
        s.append(reinterpret_cast<const char*>(peer.address.bytes().data()),
                 peer.address.is_v4() ? 4 : 16);
        Put32(s, peer.asn);
      }
    }
    EndRecord(s, body);
  }
  if (stats.sessions > 0xffff) return absl::InvalidArgumentError("more than 65,535 sessions");

  uint32_t sequence = 0;
  for (const ScaledFeed::Record& r : feed.records()) {
    size_t entries = r.entries.size() * static_cast<size_t>(copies);
    if (entries > 0xffff) {
      return absl::InvalidArgumentError(
          absl::StrCat(r.prefix.ToString(), ": ", entries, " entries in one RIB record"));
    }
    size_t body =
        BeginRecord(s, feed.timestamp(), r.prefix.is_v4() ? kRibIpv4Unicast : kRibIpv6Unicast);
    Put32(s, sequence++);
    Put8(s, static_cast<uint8_t>(r.prefix.length()));
    s.append(reinterpret_cast<const char*>(r.prefix.address().bytes().data()),
             (r.prefix.length() + 7) / 8);
    Put16(s, static_cast<uint16_t>(entries));
    for (int k = 0; k < copies; ++k) {
      for (const ScaledFeed::Entry& e : r.entries) {
        const Encoded& enc = k == 0 ? original[e.attributes] : templ[e.attributes];
        Put16(s, static_cast<uint16_t>(k * P + e.peer));
        Put32(s, feed.timestamp());
        Put16(s, static_cast<uint16_t>(enc.bytes.size()));
        size_t at = s.size();
        s.append(enc.bytes);
        if (k == 0) continue;
        if (enc.first_asn >= 0) {
          uint32_t asn = ScaledFeed::MapAsn(k, peers[e.peer].asn);
          uint8_t be[4] = {static_cast<uint8_t>(asn >> 24), static_cast<uint8_t>(asn >> 16),
                           static_cast<uint8_t>(asn >> 8), static_cast<uint8_t>(asn)};
          PatchAt(s, at + enc.first_asn, be, 4);
        }
        if (enc.next_hop >= 0) {
          IpAddress nh = feed.MapAddress(k, feed.attributes()[e.attributes].next_hop);
          PatchAt(s, at + enc.next_hop, nh.bytes().data(), nh.is_v4() ? 4 : 16);
        }
      }
    }
    EndRecord(s, body);
    stats.routes += entries;
    if (!r.prefix.is_v4()) stats.ipv6_routes += entries;
    ++stats.records;
    out.MaybeFlush();
  }
  if (absl::Status st = out.Finish(); !st.ok()) return st;
  stats.bytes = out.written();
  return stats;
}

}  // namespace pfx::bench
