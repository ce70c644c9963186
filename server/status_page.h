// File: status_page.h
// -----------------------------------------------------------------------------
// The ops status page (`/status` on the metrics port, server/metrics.h): what an operator
// looks at first. RenderStatusPage is a pure function from a StatusSnapshot (gathered by
// server/status_snapshot.h) to one self-contained HTML document: inline CSS, no script, no
// external resource, every value from storage or the feed HTML-escaped (names, descriptions
// and messages carry partner input).
//
// Sections: prefixes per validation state (registered and peering service); the FAILED and
// WARNING prefixes with their error messages, filtered by the query (?state=FAILED|WARNING,
// ?q=TEXT: a case-insensitive substring of the prefix, its name, parent, message or
// description), at most kMaxProblemRows with an "N more" line; feed sessions with state and
// route counts (at most kMaxSessionRows); the validation queue; feed freshness and message
// counts; IRR freshness and objects; RPKI (a slot: "not configured" until a source fills it).
//
// The snapshot has no field for a prefix key, so the page cannot show one.
// Thread-safe: pure functions.

#ifndef PFX_SERVER_STATUS_PAGE_H_
#define PFX_SERVER_STATUS_PAGE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "feed/feed_counters.h"

namespace pfx {

inline constexpr size_t kMaxProblemRows = 500;
inline constexpr size_t kMaxSessionRows = 500;

// What the page was asked for (the URL's query string).
struct StatusQuery {
  std::string state;  // "FAILED" or "WARNING"; empty: both
  std::string text;   // `q`; empty: no text filter
};

// Parses "state=FAILED&q=10.1." (percent-decoded, '+' as space). An unknown state or key is
// ignored; the text is cut to 200 bytes.
StatusQuery ParseStatusQuery(absl::string_view query_string);

// A FAILED or WARNING prefix. Deliberately no key field (see the file comment).
struct ProblemPrefix {
  std::string kind;    // "registered" or "service"
  std::string parent;  // the peering (registered) or the peering service
  std::string name;
  std::string prefix;
  std::string state;          // "FAILED" or "WARNING"
  std::string error_message;  // the failing checks, as the validation wrote them
  std::string description;    // endpoint_description (registered prefixes)
};

// Whether a problem prefix matches the query's state and text.
bool Matches(const StatusQuery& query, const ProblemPrefix& prefix);

struct SessionRow {
  std::string router;
  std::string peer;
  uint32_t peer_as = 0;
  bool established = false;
  bool initial_table_complete = false;
  size_t routes = 0;
  absl::Time last_update = absl::InfinitePast();  // InfinitePast: no update yet
};

// A reference data set (IRR, RPKI): how big and how fresh.
struct DataSetStatus {
  size_t objects = 0;
  absl::Time loaded_at = absl::InfinitePast();  // InfinitePast: never loaded
};

struct StatusSnapshot {
  absl::Time taken;     // "now" for every age on the page
  std::string version;  // pfxd's version string
  // (kind, state) -> prefixes; kind "registered" or "service" (engine/prefix_census.h's shape).
  std::map<std::pair<std::string, std::string>, uint64_t> counts;
  std::vector<ProblemPrefix> problems;  // those matching the query, at most kMaxProblemRows
  uint64_t problems_not_shown = 0;      // matching ones beyond them
  std::vector<SessionRow> sessions;     // at most kMaxSessionRows
  uint64_t sessions_not_shown = 0;
  size_t queue_depth = 0;
  std::optional<absl::Time> queue_oldest;               // when the oldest waiting entry came
  absl::Time last_route_update = absl::InfinitePast();  // newest update of any session
  std::optional<FeedCounters::Snapshot> feed;           // nullopt: not counted
  DataSetStatus irr;
  // The RPKI slot: nullopt renders "RPKI: not configured"; an RPKI source fills it.
  std::optional<DataSetStatus> rpki;
};

std::string RenderStatusPage(const StatusSnapshot& snapshot, const StatusQuery& query);

// `text` with & < > " ' replaced by entities: safe in element content and quoted attributes.
std::string HtmlEscape(absl::string_view text);

}  // namespace pfx

#endif  // PFX_SERVER_STATUS_PAGE_H_
