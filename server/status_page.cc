#include "server/status_page.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace pfx {
namespace {

constexpr size_t kMaxQueryText = 200;

// Percent-decoding of one query-string component ('+' is a space); a malformed escape stays
// as it is.
std::string UrlDecode(absl::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+') {
      out.push_back(' ');
    } else if (in[i] == '%' && i + 2 < in.size() && absl::ascii_isxdigit(in[i + 1]) &&
               absl::ascii_isxdigit(in[i + 2])) {
      int value = 0;
      absl::SimpleHexAtoi(in.substr(i + 1, 2), &value);
      out.push_back(static_cast<char>(value));
      i += 2;
    } else {
      out.push_back(in[i]);
    }
  }
  return out;
}

// The page's URL filtered to one state.
std::string StateUrl(absl::string_view state) { return absl::StrCat("/status?state=", state); }

std::string Time(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", t, absl::UTCTimeZone());
}

// "3m 12s" from a duration (negative: clock skew, shown as 0s).
std::string Age(absl::Duration d) {
  int64_t s = std::max<int64_t>(0, absl::ToInt64Seconds(d));
  if (s < 60) return absl::StrCat(s, "s");
  if (s < 3600) return absl::StrCat(s / 60, "m ", s % 60, "s");
  if (s < 86400) return absl::StrCat(s / 3600, "h ", (s % 3600) / 60, "m");
  return absl::StrCat(s / 86400, "d ", (s % 86400) / 3600, "h");
}

// "2026-11-27 22:36:09 UTC (12s ago)", or `none` before the first.
std::string When(absl::Time t, absl::Time now, absl::string_view none) {
  if (t == absl::InfinitePast()) return std::string(none);
  return absl::StrCat(Time(t), " (", Age(now - t), " ago)");
}

constexpr char kStyle[] = R"css(
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1f24;background:#fff}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.1em;margin:1.4em 0 .4em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.3em 0}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.meta{color:#57606a}.FAILED,.INVALID{color:#b42318;font-weight:600}.WARNING{color:#9a6700;font-weight:600}
.VERIFIED{color:#1a7f37;font-weight:600}.down{color:#b42318}.msg{max-width:60em;word-break:break-word}
.grid{display:flex;flex-wrap:wrap;gap:2em}form{margin:.4em 0}input[type=text]{width:18em}
)css";

void Cell(std::string& out, absl::string_view text, absl::string_view cls = "") {
  if (cls.empty()) {
    absl::StrAppend(&out, "<td>", HtmlEscape(text), "</td>");
  } else {
    absl::StrAppend(&out, "<td class=\"", cls, "\">", HtmlEscape(text), "</td>");
  }
}

void Number(std::string& out, uint64_t n) { absl::StrAppend(&out, "<td class=\"n\">", n, "</td>"); }

void Counts(std::string& out, const StatusSnapshot& s) {
  std::set<std::string> states;
  for (const auto& [key, n] : s.counts) states.insert(key.second);
  absl::StrAppend(&out, "<h2 id=\"counts\">Prefixes by validation state</h2>\n",
                  "<table><tr><th>state</th><th>registered</th><th>peering service</th></tr>\n");
  uint64_t total_registered = 0, total_service = 0;
  for (const std::string& state : states) {
    auto get = [&](const char* kind) {
      auto it = s.counts.find({kind, state});
      return it == s.counts.end() ? uint64_t{0} : it->second;
    };
    const uint64_t registered = get("registered"), service = get("service");
    total_registered += registered;
    total_service += service;
    absl::StrAppend(&out, "<tr>");
    if (state == "FAILED" || state == "WARNING") {  // a link to the list of them
      absl::StrAppend(&out, "<td class=\"", state, "\"><a href=\"", HtmlEscape(StateUrl(state)),
                      "\">", state, "</a></td>");
    } else {
      Cell(out, state, state);
    }
    Number(out, registered);
    Number(out, service);
    absl::StrAppend(&out, "</tr>\n");
  }
  absl::StrAppend(&out, "<tr><th>total</th><td class=\"n\">", total_registered,
                  "</td><td class=\"n\">", total_service, "</td></tr>\n</table>\n");
}

void Problems(std::string& out, const StatusSnapshot& s, const StatusQuery& q) {
  absl::StrAppend(&out, "<h2 id=\"problems\">FAILED and WARNING prefixes</h2>\n");
  absl::StrAppend(&out, "<form method=\"get\" action=\"/status\">state ",
                  "<select name=\"state\">");
  for (absl::string_view state : {"", "FAILED", "WARNING"}) {
    absl::StrAppend(&out, "<option value=\"", state, "\"", q.state == state ? " selected" : "", ">",
                    state.empty() ? "FAILED and WARNING" : state, "</option>");
  }
  absl::StrAppend(&out, "</select> text <input type=\"text\" name=\"q\" value=\"",
                  HtmlEscape(q.text),
                  "\" placeholder=\"prefix, name, peering, message\"> "
                  "<button type=\"submit\">filter</button> <a href=\"/status\">clear</a></form>\n");
  const uint64_t matching = s.problems.size() + s.problems_not_shown;
  absl::StrAppend(&out, "<p class=\"meta\" id=\"problem-count\">", matching, " matching");
  if (!q.state.empty()) absl::StrAppend(&out, ", state ", q.state);
  if (!q.text.empty()) absl::StrAppend(&out, ", text \"", HtmlEscape(q.text), "\"");
  absl::StrAppend(&out, "</p>\n");
  if (s.problems.empty()) return;
  absl::StrAppend(&out,
                  "<table id=\"problem-table\"><tr><th>state</th><th>prefix</th><th>kind</th>"
                  "<th>peering / service</th><th>name</th><th>error message</th>"
                  "<th>description</th></tr>\n");
  for (const ProblemPrefix& p : s.problems) {
    absl::StrAppend(&out, "<tr>");
    Cell(out, p.state, p.state == "FAILED" || p.state == "WARNING" ? p.state : "");
    Cell(out, p.prefix);
    Cell(out, p.kind == "service" ? "peering service" : p.kind);
    Cell(out, p.parent);
    Cell(out, p.name);
    Cell(out, p.error_message, "msg");
    Cell(out, p.description);
    absl::StrAppend(&out, "</tr>\n");
  }
  absl::StrAppend(&out, "</table>\n");
  if (s.problems_not_shown > 0) {
    absl::StrAppend(&out, "<p id=\"problems-more\">", s.problems_not_shown,
                    " more not shown (the first ", s.problems.size(),
                    " are); narrow the filter to see them.</p>\n");
  }
}

void Sessions(std::string& out, const StatusSnapshot& s) {
  absl::StrAppend(&out, "<h2 id=\"sessions\">Feed sessions</h2>\n");
  if (s.sessions.empty()) {
    absl::StrAppend(&out, "<p>No session has reported yet.</p>\n");
    return;
  }
  absl::StrAppend(&out,
                  "<table id=\"session-table\"><tr><th>router</th><th>peer</th><th>peer AS</th>"
                  "<th>state</th><th>initial table</th><th>routes</th><th>last update</th></tr>\n");
  for (const SessionRow& r : s.sessions) {
    absl::StrAppend(&out, "<tr>");
    Cell(out, r.router);
    Cell(out, r.peer);
    if (r.peer_as == 0) {  // not known (injected routes, an MRT table without it)
      absl::StrAppend(&out, "<td class=\"n\">-</td>");
    } else {
      Number(out, r.peer_as);
    }
    Cell(out, r.established ? "established" : "down", r.established ? "" : "down");
    Cell(out, r.initial_table_complete ? "complete" : "loading");
    Number(out, r.routes);
    Cell(out, When(r.last_update, s.taken, "never"));
    absl::StrAppend(&out, "</tr>\n");
  }
  absl::StrAppend(&out, "</table>\n");
  if (s.sessions_not_shown > 0) {
    absl::StrAppend(&out, "<p>", s.sessions_not_shown, " more sessions not shown.</p>\n");
  }
}

// The queue, the feed and the reference data, side by side.
void Freshness(std::string& out, const StatusSnapshot& s) {
  // The queue.
  absl::StrAppend(&out, "<div><h2 id=\"queue\">Validation queue</h2><table>",
                  "<tr><th>waiting</th><td class=\"n\" id=\"queue-depth\">", s.queue_depth,
                  "</td></tr><tr><th>oldest waiting</th><td>",
                  s.queue_oldest.has_value() ? HtmlEscape(Age(s.taken - *s.queue_oldest)) : "-",
                  "</td></tr></table></div>\n");
  // The feed.
  absl::StrAppend(&out, "<div><h2 id=\"feed\">Feed</h2><table><tr><th>last route update</th><td>",
                  HtmlEscape(When(s.last_route_update, s.taken, "none yet")), "</td></tr>");
  if (s.feed.has_value()) {
    const FeedCounters::Snapshot& f = *s.feed;
    uint64_t bmp = 0;
    for (uint64_t n : f.bmp_messages) bmp += n;
    absl::StrAppend(&out, "<tr><th>BMP messages</th><td class=\"n\">", bmp, "</td></tr>",
                    "<tr><th>BMP route monitoring</th><td class=\"n\">",
                    f.bmp_messages[static_cast<size_t>(BmpType::kRouteMonitoring)], "</td></tr>",
                    "<tr><th>BMP decode errors</th><td class=\"n\">", f.bmp_decode_errors,
                    "</td></tr><tr><th>MRT records</th><td class=\"n\">", f.mrt_records,
                    "</td></tr><tr><th>MRT decode errors</th><td class=\"n\">", f.mrt_decode_errors,
                    "</td></tr>");
  }
  absl::StrAppend(&out, "</table></div>\n");
  // Reference data.
  absl::StrAppend(&out, "<div><h2 id=\"reference\">Reference data</h2><table>",
                  "<tr><th>IRR route objects</th><td class=\"n\" id=\"irr-objects\">",
                  s.irr.objects, "</td></tr><tr><th>IRR loaded</th><td>",
                  HtmlEscape(When(s.irr.loaded_at, s.taken, "never")), "</td></tr>");
  if (s.rpki.has_value()) {
    absl::StrAppend(&out, "<tr><th>RPKI VRPs</th><td class=\"n\" id=\"rpki\">", s.rpki->objects,
                    "</td></tr><tr><th>RPKI loaded</th><td>",
                    HtmlEscape(When(s.rpki->loaded_at, s.taken, "never")), "</td></tr>");
  } else {
    absl::StrAppend(&out, "<tr><th>RPKI</th><td id=\"rpki\">RPKI: not configured</td></tr>");
  }
  absl::StrAppend(&out, "</table></div>\n");
}

}  // namespace

StatusQuery ParseStatusQuery(absl::string_view query_string) {
  StatusQuery q;
  for (absl::string_view part : absl::StrSplit(query_string, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(part, absl::MaxSplits('=', 1));
    const std::string value = UrlDecode(kv.second);
    if (kv.first == "state") {
      const std::string state = absl::AsciiStrToUpper(value);
      if (state == "FAILED" || state == "WARNING") q.state = state;
    } else if (kv.first == "q") {
      q.text = std::string(absl::StripAsciiWhitespace(value)).substr(0, kMaxQueryText);
    }
  }
  return q;
}

bool Matches(const StatusQuery& query, const ProblemPrefix& p) {
  if (!query.state.empty() && p.state != query.state) return false;
  if (query.text.empty()) return true;
  const std::string text = absl::AsciiStrToLower(query.text);
  for (const std::string* field :
       {&p.prefix, &p.name, &p.parent, &p.error_message, &p.description}) {
    if (absl::StrContains(absl::AsciiStrToLower(*field), text)) return true;
  }
  return false;
}

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string RenderStatusPage(const StatusSnapshot& s, const StatusQuery& q) {
  std::string out;
  absl::StrAppend(&out,
                  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                  "<meta http-equiv=\"refresh\" content=\"30\">"
                  "<title>pfxd status</title><style>",
                  kStyle, "</style></head>\n<body>\n<h1>pfxd status</h1>\n<p class=\"meta\">pfxd ",
                  HtmlEscape(s.version), " &middot; ", HtmlEscape(Time(s.taken)),
                  " &middot; refreshes every 30 s &middot; <a href=\"/metrics\">metrics</a></p>\n");
  // At a glance first (counts and freshness fit one screen), then the lists.
  absl::StrAppend(&out, "<div class=\"grid\"><div>");
  Counts(out, s);
  absl::StrAppend(&out, "</div>\n");
  Freshness(out, s);
  absl::StrAppend(&out, "</div>\n");
  Problems(out, s, q);
  Sessions(out, s);
  absl::StrAppend(&out, "</body></html>\n");
  return out;
}

}  // namespace pfx
