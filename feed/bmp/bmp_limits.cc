#include "feed/bmp/bmp_limits.h"

#include "absl/strings/str_cat.h"

namespace pfx {
namespace {

// Rounded to milliseconds: "silent for 1.234s", not nanoseconds.
std::string Ago(absl::Duration d) {
  return absl::FormatDuration(absl::Trunc(d, absl::Milliseconds(1)));
}

// The oldest connection that has not sent its Initiation, if any.
std::optional<size_t> OldestUninitiated(absl::Span<const BmpConnectionState* const> open) {
  std::optional<size_t> oldest;
  for (size_t i = 0; i < open.size(); ++i) {
    if (open[i]->initiated) continue;
    if (!oldest || open[i]->accepted < open[*oldest]->accepted) oldest = i;
  }
  return oldest;
}

}  // namespace

BmpAdmission AdmitBmpConnection(const BmpLimits& limits, bool routers_configured, bool known,
                                const std::string& router, const std::string& source,
                                absl::Span<const BmpConnectionState* const> open, bool fd_room,
                                absl::Time now) {
  using Kind = BmpAdmission::Kind;
  if (routers_configured && !known && !limits.accept_unknown_routers) {
    return {.kind = Kind::kRefuse,
            .reason = absl::StrCat(source,
                                   " is not a configured BMP router (bmp_routers; "
                                   "bmp_accept_unknown_routers lets unknown sources in)")};
  }
  for (size_t i = 0; i < open.size(); ++i) {
    const BmpConnectionState& old = *open[i];
    if (old.router != router) continue;
    if (!old.initiated) {
      return {.kind = Kind::kReplace,
              .replace = i,
              .reason = absl::StrCat("replaced by a new connection of router ", router, " from ",
                                     source, " (it had not sent its Initiation)")};
    }
    const absl::Duration silent = now - old.last_data;
    if (silent >= limits.silence_timeout) {
      return {.kind = Kind::kReplace,
              .replace = i,
              .reason = absl::StrCat("replaced by a new connection of router ", router, " from ",
                                     source, " (silent for ", Ago(silent), ", bmp_silence_timeout ",
                                     Ago(limits.silence_timeout), ")")};
    }
    return {.kind = Kind::kRefuse,
            .conflict = i,
            .reason = absl::StrCat(
                "router ", router, " is connected from ", old.source, " and sent data ",
                Ago(silent), " ago; a new connection replaces it only after ",
                Ago(limits.silence_timeout), " of silence (bmp_silence_timeout)")};
  }
  const bool full = open.size() >= limits.max_connections;
  if (!full && fd_room) return {.kind = Kind::kAccept};
  const std::string why =
      full ? absl::StrCat("bmp_max_connections (", limits.max_connections, ") reached")
           : std::string("no file descriptor to spare (the rest of pfxd keeps its reserve)");
  if (std::optional<size_t> oldest = OldestUninitiated(open)) {
    return {.kind = Kind::kReplace,
            .replace = *oldest,
            .reason = absl::StrCat(why, "; closed to make room (no Initiation after ",
                                   Ago(now - open[*oldest]->accepted), ")")};
  }
  return {.kind = Kind::kRefuse, .reason = why};
}

std::string BmpConnectionExpired(const BmpLimits& limits, const BmpConnectionState& c,
                                 absl::Time now) {
  if (!c.initiated && now - c.accepted >= limits.initiation_timeout) {
    return absl::StrCat("no Initiation within ", Ago(limits.initiation_timeout),
                        " (bmp_initiation_timeout)");
  }
  if (c.pending > 0 && now - c.pending_since >= limits.incomplete_message_timeout) {
    return absl::StrCat("an incomplete message (", c.pending, " bytes) pending for ",
                        Ago(now - c.pending_since), " (bmp_incomplete_message_timeout ",
                        Ago(limits.incomplete_message_timeout), ")");
  }
  return "";
}

absl::Time BmpConnectionDeadline(const BmpLimits& limits, const BmpConnectionState& c) {
  absl::Time deadline = absl::InfiniteFuture();
  if (!c.initiated) deadline = c.accepted + limits.initiation_timeout;
  if (c.pending > 0)
    deadline = std::min(deadline, c.pending_since + limits.incomplete_message_timeout);
  return deadline;
}

std::optional<size_t> BmpOverBudget(const BmpLimits& limits,
                                    absl::Span<const BmpConnectionState* const> open,
                                    size_t* total) {
  *total = 0;
  std::optional<size_t> most, most_uninitiated;
  for (size_t i = 0; i < open.size(); ++i) {
    *total += open[i]->pending;
    if (!most || open[i]->pending > open[*most]->pending) most = i;
    if (!open[i]->initiated && open[i]->pending > 0 &&
        (!most_uninitiated || open[i]->pending > open[*most_uninitiated]->pending)) {
      most_uninitiated = i;
    }
  }
  if (*total <= limits.buffer_budget_bytes) return std::nullopt;
  return most_uninitiated ? most_uninitiated : most;
}

void BmpEventLimiter::Roll(absl::Time now) {
  if (now - window_start_ < window_) return;
  unreported_ += suppressed_;
  if (suppressed_ > 0) unreported_window_ = now - window_start_;
  suppressed_ = 0;
  window_start_ = now;
  in_window_ = 0;
}

bool BmpEventLimiter::Allow(absl::Time now) {
  Roll(now);
  if (in_window_ < burst_) {
    ++in_window_;
    return true;
  }
  ++suppressed_;
  return false;
}

std::optional<std::string> BmpEventLimiter::Summary(absl::Time now) {
  Roll(now);
  if (unreported_ == 0) return std::nullopt;
  std::string line = absl::StrCat(
      unreported_, " more BMP connection events like the ones above were not logged in ",
      Ago(unreported_window_));
  unreported_ = 0;
  return line;
}

absl::Time BmpEventLimiter::SummaryDue() const {
  if (unreported_ > 0) return absl::InfinitePast();
  return suppressed_ == 0 ? absl::InfiniteFuture() : window_start_ + window_;
}

}  // namespace pfx
