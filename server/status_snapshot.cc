#include "server/status_snapshot.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "engine/irr_store.h"
#include "engine/rpki_store.h"
#include "engine/validation_stats.h"
#include "feed/route_index.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "pfx_version.h"
#include "storage/database.h"
#include "storage/validation_queue.h"

namespace pfx {
namespace {

using google::protobuf::internal::WireFormatLite;

// Where the shown fields are in each stored record (storage/records.proto). Field 4 of both,
// peering_service_prefix_key, is deliberately absent: it is skipped like any unlisted field.
struct Layout {
  const char* kind;
  Column column;
  int parent, name, prefix, state, message, description;  // 0: the record has none
};
constexpr Layout kRegistered{"registered", Column::kRegisteredPrefixes, 1, 2, 3, 5, 6, 13};
constexpr Layout kService{"service", Column::kServicePrefixes, 1, 2, 3, 5, 7, 0};

struct Shown {
  int state = 0;
  ProblemPrefix prefix;
};

// Reads the fields of `layout` from a stored record; false when the bytes do not decode.
bool ReadShownFields(absl::string_view record, const Layout& layout, Shown& out) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(record.data()),
                                            static_cast<int>(record.size()));
  while (uint32_t tag = in.ReadTag()) {
    const int field = WireFormatLite::GetTagFieldNumber(tag);
    const bool varint = WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT;
    const bool bytes =
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED;
    std::string* text = nullptr;
    if (bytes && field == layout.parent) text = &out.prefix.parent;
    if (bytes && field == layout.name) text = &out.prefix.name;
    if (bytes && field == layout.prefix) text = &out.prefix.prefix;
    if (bytes && field == layout.message) text = &out.prefix.error_message;
    if (bytes && layout.description != 0 && field == layout.description) {
      text = &out.prefix.description;
    }
    if (text != nullptr) {
      if (!WireFormatLite::ReadString(&in, text)) return false;
    } else if (varint && field == layout.state) {
      uint32_t value = 0;
      if (!in.ReadVarint32(&value)) return false;
      out.state = static_cast<int>(value);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return false;
    }
  }
  return in.ConsumedEntireMessage();
}

std::string StateName(int state) {
  return ValidationStats::StateName(static_cast<v1::PrefixValidationState>(state));
}

}  // namespace

absl::Status ScanPrefixes(const Database& db, const StatusQuery& query, StatusSnapshot& out) {
  for (const Layout& layout : {kRegistered, kService}) {
    // Every state appears, 0 when empty (as in engine/prefix_census.h).
    for (int s = 1; s < v1::PrefixValidationState_ARRAYSIZE; ++s) {
      if (v1::PrefixValidationState_IsValid(s)) out.counts[{layout.kind, StateName(s)}] += 0;
    }
    absl::Status scanned =
        db.Scan(layout.column, "", "", [&](absl::string_view, absl::string_view value) {
          Shown shown;
          if (!ReadShownFields(value, layout, shown)) {
            ++out.counts[{layout.kind, "UNREADABLE"}];
            return true;
          }
          const std::string state = StateName(shown.state);
          ++out.counts[{layout.kind, state}];
          if (state != "FAILED" && state != "WARNING") return true;
          shown.prefix.kind = layout.kind;
          shown.prefix.state = state;
          if (!Matches(query, shown.prefix)) return true;
          if (out.problems.size() < kMaxProblemRows) {
            out.problems.push_back(std::move(shown.prefix));
          } else {
            ++out.problems_not_shown;
          }
          return true;
        });
    if (!scanned.ok()) return scanned;
  }
  return absl::OkStatus();
}

absl::StatusOr<StatusSnapshot> GatherStatus(const Metrics::Sources& sources,
                                            const StatusQuery& query) {
  StatusSnapshot s;
  s.taken = absl::Now();
  s.version = PFX_VERSION_STRING;
  if (absl::Status scanned = ScanPrefixes(*sources.db, query, s); !scanned.ok()) return scanned;

  std::vector<SessionStatus> sessions = sources.routes->Sessions();
  std::sort(sessions.begin(), sessions.end(),
            [](const SessionStatus& a, const SessionStatus& b) { return a.key < b.key; });
  for (const SessionStatus& session : sessions) {
    s.last_route_update = std::max(s.last_route_update, session.last_update);
    if (s.sessions.size() >= kMaxSessionRows) {
      ++s.sessions_not_shown;
      continue;
    }
    s.sessions.push_back({session.key.router, session.key.peer.ToString(), session.peer_as,
                          session.established, session.initial_table_complete, session.route_count,
                          session.last_update});
  }
  s.queue_depth = sources.queue->waiting();
  s.queue_oldest = sources.queue->oldest_queued_at();
  if (sources.feed != nullptr) s.feed = sources.feed->Read();
  s.irr = {sources.irr->Get()->object_count(), sources.irr->loaded_at()};
  if (sources.rpki != nullptr && sources.rpki->configured()) {
    s.rpki = {sources.rpki->Get()->size(), sources.rpki->loaded_at()};
  }
  return s;
}

}  // namespace pfx
