#include "validator/checks.h"

#include <algorithm>
#include <functional>

#include "absl/container/btree_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "validator/community.h"
#include "validator/special_purpose_registry.h"

namespace pfx {
namespace {

constexpr char kNotReceived[] = "Prefix not received from IP";
constexpr char kMissingCommunity[] = "Advertisement missing MAPS community";
constexpr char kBadAsPath[] = "AS path isn't correct";
constexpr char kPrivateAsn[] = "AS path for prefix shouldn't have any private ASN";
constexpr char kInvalidPrefix[] = "Peering service prefix is invalid";
constexpr char kInvalidRegisteredPrefix[] = "Registered prefix is invalid";
constexpr char kFewPrimary[] = "Provider has fewer than two sessions in its primary location";
constexpr char kNoBackup[] = "Provider has no sessions in its backup location";
constexpr char kNoProvider[] = "Peering service provider not found";

std::vector<const SessionObservation*> SessionsWithRoutes(
    const std::vector<SessionObservation>& sessions) {
  std::vector<const SessionObservation*> out;
  for (const SessionObservation& s : sessions) {
    if (s.route.has_value()) out.push_back(&s);
  }
  return out;
}

// Indexes of the sessions that advertise a route (or of all sessions).
std::vector<uint16_t> Indices(const std::vector<SessionObservation>& sessions, bool with_routes) {
  std::vector<uint16_t> out;
  for (size_t i = 0; i < sessions.size(); ++i) {
    if (!with_routes || sessions[i].route.has_value()) out.push_back(static_cast<uint16_t>(i));
  }
  return out;
}

// `heading`: the resource kind's own ("Registered prefix is invalid" for a registered prefix).
CheckReport NotPrivate(const IpPrefix& prefix, const char* heading) {
  CheckReport r{.check = "not-private"};
  PrivacyVerdict v = SpecialPurposeRegistry::Default().Classify(prefix);
  r.reason = v.reason;
  if (v.entry.has_value()) {
    r.matched_objects.push_back(
        absl::StrCat(v.entry->prefix, " ", v.entry->name, " (", v.entry->rfc, ")"));
  }
  if (v.is_private) {
    r.outcome = Outcome::kFail;
    r.heading = heading;
    r.invalidates = true;
  }
  return r;
}

CheckReport IrrOrigin(const IpPrefix& prefix, const std::vector<SessionObservation>& sessions,
                      const IrrIndex* irr) {
  CheckReport r{.check = "irr-origin", .heading = "IRR origin mismatch"};
  absl::btree_set<uint32_t> origins;
  std::vector<std::string> problems;
  for (uint16_t i : Indices(sessions, true)) {
    const SessionObservation* s = &sessions[i];
    r.evidence.push_back(i);
    std::optional<uint32_t> origin = s->route->as_path.Origin();
    if (origin.has_value()) {
      origins.insert(*origin);
    } else {
      problems.push_back(absl::StrCat("route on session ", s->Label(), " has no single origin AS (",
                                      s->route->as_path.ToString(), ")"));
    }
  }
  if (origins.empty() && problems.empty()) {
    r.outcome = Outcome::kNotEvaluated;
    r.reason = "no route seen, so no origin AS to look up";
    return r;
  }
  std::vector<std::string> passes;
  for (uint32_t origin : origins) {
    IrrVerdict v = irr != nullptr ? irr->Lookup(prefix, origin) : IrrVerdict{};
    std::vector<std::string> objects;
    for (const IrrObject& o : v.objects) objects.push_back(o.ToString());
    r.matched_objects.insert(r.matched_objects.end(), objects.begin(), objects.end());
    switch (v.match) {
      case IrrMatch::kExact:
        passes.push_back(absl::StrCat("AS", origin, " has ", absl::StrJoin(objects, "; ")));
        break;
      case IrrMatch::kLessSpecific:
        passes.push_back(
            absl::StrCat("AS", origin, " matches less-specific ", absl::StrJoin(objects, "; ")));
        break;
      case IrrMatch::kMismatch:
        problems.push_back(
            absl::StrCat("origin AS", origin, " has no route object for ", prefix.ToString(),
                         "; objects have other origins: ", absl::StrJoin(objects, "; ")));
        break;
      case IrrMatch::kNotFound:
        problems.push_back(absl::StrCat("no route object for ", prefix.ToString(),
                                        " or a covering prefix with origin AS", origin,
                                        irr == nullptr ? " (no IRR data loaded)" : ""));
        break;
    }
  }
  if (!problems.empty()) {
    r.outcome = Outcome::kFail;
    r.reason = absl::StrJoin(problems, "; ");
  } else {
    r.reason = absl::StrJoin(passes, "; ");
  }
  return r;
}

// RFC 6811 origin validation of each route seen; what an Invalid one does is the policy's.
CheckReport RpkiOrigin(const IpPrefix& prefix, const std::vector<SessionObservation>& sessions,
                       const RpkiInput& rpki) {
  CheckReport r{.check = "rpki-origin", .heading = "RPKI origin invalid"};
  if (rpki.vrps == nullptr) {
    r.outcome = rpki.unavailable && rpki.policy != RpkiPolicy::kAdvisory ? Outcome::kUndetermined
                                                                          : Outcome::kNotEvaluated;
    r.reason = rpki.unavailable ? "RPKI data unavailable: the RTR cache is not in sync"
                                : "no RPKI source configured";
    return r;
  }
  std::vector<std::string> invalid;
  absl::btree_set<std::string> states;
  for (uint16_t i : Indices(sessions, true)) {
    const SessionObservation& s = sessions[i];
    r.evidence.push_back(i);
    std::optional<uint32_t> origin = s.route->as_path.Origin();
    RpkiVerdict v = rpki.vrps->Lookup(prefix, origin);
    std::vector<std::string> vrps;
    for (const Vrp& vrp : v.covering) vrps.push_back(vrp.ToString());
    for (std::string& text : vrps) {
      if (std::find(r.matched_objects.begin(), r.matched_objects.end(), text) ==
          r.matched_objects.end()) {
        r.matched_objects.push_back(text);
      }
    }
    std::string origin_text = origin.has_value() ? absl::StrCat("AS", *origin) : "no single origin";
    states.insert(absl::StrCat(origin_text, " ", RpkiStateName(v.state)));
    if (v.state == RpkiState::kInvalid) {
      invalid.push_back(absl::StrCat("route on session ", s.Label(), " from ", origin_text,
                                     " is RPKI invalid (covering VRPs: ", absl::StrJoin(vrps, "; "),
                                     ")"));
    }
  }
  if (r.evidence.empty()) {
    r.outcome = Outcome::kNotEvaluated;
    r.reason = "no route seen, so no origin AS to validate";
    return r;
  }
  if (invalid.empty()) {
    r.reason = absl::StrJoin(states, "; ");
    return r;
  }
  r.reason = absl::StrJoin(invalid, "; ");
  switch (rpki.policy) {
    case RpkiPolicy::kAdvisory:
      r.outcome = Outcome::kWarn;
      absl::StrAppend(&r.reason, " (rpki_policy ADVISORY: evidence only)");
      break;
    case RpkiPolicy::kWarn:
      r.outcome = Outcome::kWarn;
      r.warns = true;
      break;
    case RpkiPolicy::kRejectInvalid:
      r.outcome = Outcome::kFail;
      break;
  }
  return r;
}

// Every session in `sessions` must advertise the prefix. `what` names the group in messages.
CheckReport Advertise(std::string check, const IpPrefix& prefix,
                      const std::vector<SessionObservation>& sessions) {
  CheckReport r{.check = std::move(check), .heading = kNotReceived};
  r.evidence = Indices(sessions, false);
  std::vector<std::string> missing;
  std::vector<std::string> pending;
  for (const SessionObservation& s : sessions) {
    if (s.route.has_value()) continue;
    switch (s.state) {
      case FeedSessionState::kInitialTable:
        pending.push_back(s.Label());
        break;
      case FeedSessionState::kDown:
        missing.push_back(absl::StrCat(s.Label(), " (session down)"));
        break;
      case FeedSessionState::kUnknownSession:
        missing.push_back(absl::StrCat(s.Label(), " (session never seen by the feed)"));
        break;
      case FeedSessionState::kEstablished:
        missing.push_back(s.Label());
        break;
    }
  }
  if (!missing.empty()) {
    r.outcome = Outcome::kFail;
    r.reason = absl::StrCat(prefix.ToString(), " not advertised on session",
                            missing.size() > 1 ? "s " : " ", absl::StrJoin(missing, ", "));
  } else if (!pending.empty()) {
    r.outcome = Outcome::kUndetermined;
    r.reason = absl::StrCat("initial table not complete on session",
                            pending.size() > 1 ? "s " : " ", absl::StrJoin(pending, ", "));
  } else {
    r.reason = absl::StrCat("advertised on all ", sessions.size(), " required sessions");
  }
  return r;
}

// Applies a per-route rule to every route seen: FAIL listing each problem, NOT_EVALUATED when
// no route was seen, PASS otherwise. `problem_of` returns the problem of one route, if any,
// and may refine the report (e.g. its heading).
CheckReport PerRouteRule(CheckReport r, const std::vector<SessionObservation>& sessions,
                         const std::function<std::optional<std::string>(const SessionObservation&,
                                                                        CheckReport&)>& problem_of,
                         absl::string_view pass_reason) {
  std::vector<std::string> problems;
  int routes = 0;
  for (uint16_t i : Indices(sessions, true)) {
    ++routes;
    r.evidence.push_back(i);
    if (std::optional<std::string> p = problem_of(sessions[i], r); p.has_value()) {
      problems.push_back(*p);
    }
  }
  if (routes == 0) {
    r.outcome = Outcome::kNotEvaluated;
    r.reason = "no route seen";
  } else if (!problems.empty()) {
    r.outcome = Outcome::kFail;
    r.reason = absl::StrJoin(problems, "; ");
  } else {
    r.reason = absl::StrCat(pass_reason, " on all ", routes, " routes");
  }
  return r;
}

CheckReport Community(const std::vector<SessionObservation>& sessions) {
  return PerRouteRule(
      {.check = "community", .heading = kMissingCommunity}, sessions,
      [](const SessionObservation& s, CheckReport&) -> std::optional<std::string> {
        const ObservedRoute& route = *s.route;
        if (HasCommunity(route.communities, kMapsCommunity)) return std::nullopt;
        std::vector<std::string> seen;
        for (uint32_t c : route.communities) seen.push_back(CommunityToString(c));
        return absl::StrCat(
            "community 8075:8007 missing on session ", s.Label(), " (route ",
            route.prefix.ToString(),
            seen.empty() ? " has no communities" : absl::StrCat(" has ", absl::StrJoin(seen, " ")),
            ")");
      },
      "8075:8007 present");
}

CheckReport AsPathRule(const std::vector<SessionObservation>& sessions) {
  return PerRouteRule(
      {.check = "as-path", .heading = kBadAsPath}, sessions,
      [](const SessionObservation& s, CheckReport& r) -> std::optional<std::string> {
        AsPathVerdict v = CheckAsPath(s.route->as_path);
        if (v.ok) return std::nullopt;
        if (v.private_asn) r.heading = kPrivateAsn;
        return absl::StrCat(v.problem, " on session ", s.Label());
      },
      absl::StrCat("length <= ", kMaxAsPathLength, ", public ASNs only, no prepending"));
}

CheckReport Provider(const ServicePrefixInput& in) {
  if (in.provider_found) {
    return {.check = "provider", .reason = "the provider ASN has a peering with AS8075"};
  }
  return {.check = "provider",
          .outcome = Outcome::kFail,
          .reason = "no peering has the peering service's provider ASN",
          .heading = kNoProvider,
          .invalidates = true};
}

// key-match, by what no route change can fix (INVALID) and what a route can (FAILED):
//   - a key that belongs to none of the provider's registrations, or to a registered prefix
//     of the provider that does not cover this prefix (coverage does not depend on routes):
//     INVALID, whatever the routes;
//   - a key of one of the provider's registered ASNs: matched against the origin of the
//     routes; with no route yet it is NOT_EVALUATED (the advertise check names the missing
//     sessions), with routes from another origin FAILED (a route from that ASN fixes it);
//   - no key (a dry run): NOT_EVALUATED naming the registration whose key would match.
CheckReport KeyMatch(const ServicePrefixInput& in, const std::vector<SessionObservation>& all) {
  CheckReport r{.check = "key-match", .heading = kInvalidPrefix, .invalidates = true};
  if (!in.provider_found) {
    r.outcome = Outcome::kNotEvaluated;
    r.reason = "the provider has no peering, so no registration to match the key against";
    return r;
  }
  std::vector<const KeyCandidate*> candidates;
  for (const KeyCandidate& c : in.registered_prefix_keys) candidates.push_back(&c);
  absl::btree_set<uint32_t> origins;
  for (const SessionObservation* s : SessionsWithRoutes(all)) {
    if (auto origin = s->route->as_path.Origin(); origin.has_value()) origins.insert(*origin);
  }
  for (uint32_t origin : origins) {
    if (auto it = in.registered_asn_keys.find(origin); it != in.registered_asn_keys.end()) {
      candidates.push_back(&it->second);
    }
  }
  std::vector<std::string> owners;
  for (const KeyCandidate* c : candidates) owners.push_back(c->owner);
  std::vector<std::string> origin_text;
  for (uint32_t origin : origins) origin_text.push_back(absl::StrCat("AS", origin));
  const std::string not_registered = absl::StrCat(
      in.prefix.ToString(),
      " is not registered by the provider (no registered prefix equal to or covering it, and ",
      origins.empty() ? "no route seen to find a registered ASN by"
                      : absl::StrCat("no registered ASN for the route's origin ",
                                     absl::StrJoin(origin_text, ", ")),
      ")");

  if (!in.given_key.has_value()) {  // a dry run without a key
    r.outcome = Outcome::kNotEvaluated;
    if (!candidates.empty()) {
      r.reason =
          absl::StrCat("no key given; the key of ", absl::StrJoin(owners, " or "), " would match");
    } else if (origins.empty()) {
      r.reason = absl::StrCat("no key given; ", not_registered);
    } else {
      r.outcome = Outcome::kFail;
      r.reason = not_registered;
    }
    return r;
  }
  // Compare against every candidate without stopping early: constant time per candidate.
  const KeyCandidate* match = nullptr;
  for (const KeyCandidate* c : candidates) {
    if (ConstantTimeEquals(c->key, *in.given_key) && match == nullptr) match = c;
  }
  if (match != nullptr) {
    r.reason = absl::StrCat("key matches ", match->owner);
    r.matched_objects.push_back(match->owner);
    return r;
  }
  const bool asn_key = in.given_key_owner.has_value() && in.given_key_owner->registered_asn;
  if (asn_key && origins.empty()) {
    r.outcome = Outcome::kNotEvaluated;
    r.reason = absl::StrCat("the key belongs to ", in.given_key_owner->description,
                            ", which is matched through the routes' origin ASN, and no provider "
                            "session advertises ",
                            in.prefix.ToString(), " yet");
    return r;
  }
  r.outcome = Outcome::kFail;
  r.reason = candidates.empty() ? not_registered
                                : absl::StrCat("the prefix key does not match the key of ",
                                               absl::StrJoin(owners, " or "));
  if (asn_key) {
    r.invalidates = false;  // a route from the key's ASN fixes it
    absl::StrAppend(&r.reason, "; the key given belongs to ", in.given_key_owner->description,
                    ": announce the prefix from that ASN");
  } else if (in.given_key_owner.has_value()) {
    absl::StrAppend(&r.reason, "; the key given belongs to ", in.given_key_owner->description,
                    ", which does not cover ", in.prefix.ToString());
  } else {
    absl::StrAppend(&r.reason, "; the key given belongs to no registration of the provider");
  }
  return r;
}

CheckReport PrimaryAndBackup(const ServicePrefixInput& in) {
  std::vector<SessionObservation> all = in.primary_sessions;
  all.insert(all.end(), in.backup_sessions.begin(), in.backup_sessions.end());
  if (!in.provider_found) {
    return {.check = "primary-and-backup-advertise",
            .outcome = Outcome::kNotEvaluated,
            .reason = "the provider has no peering, so no sessions to look at"};
  }
  if (in.primary_sessions.size() < 2) {
    return {.check = "primary-and-backup-advertise",
            .outcome = Outcome::kFail,
            .reason = absl::StrCat("the provider has ", in.primary_sessions.size(),
                                   " session(s) on ACTIVE connections at the primary location"),
            .heading = kFewPrimary,
            .evidence = Indices(all, false)};
  }
  if (in.has_backup_location && in.backup_sessions.empty()) {
    return {.check = "primary-and-backup-advertise",
            .outcome = Outcome::kFail,
            .reason = "the provider has no session on an ACTIVE connection at the backup location",
            .heading = kNoBackup,
            .evidence = Indices(all, false)};
  }
  return Advertise("primary-and-backup-advertise", in.prefix, all);
}

}  // namespace

ValidationResult CheckRegisteredPrefix(RegisteredPrefixInput in) {
  ValidationResult result;
  result.checks.push_back(NotPrivate(in.prefix, kInvalidRegisteredPrefix));
  result.checks.push_back(IrrOrigin(in.prefix, in.required_sessions, in.irr));
  CheckReport advertise = Advertise("all-sessions-advertise", in.prefix, in.required_sessions);
  if (in.required_sessions.empty()) {
    advertise.outcome = Outcome::kFail;
    advertise.reason = "the peering has no session on an ACTIVE connection";
  }
  result.checks.push_back(std::move(advertise));
  result.checks.push_back(Community(in.required_sessions));
  result.checks.push_back(AsPathRule(in.required_sessions));
  result.checks.push_back(RpkiOrigin(in.prefix, in.required_sessions, in.rpki));
  result.learned_via_provider = !SessionsWithRoutes(in.required_sessions).empty();
  result.sessions = std::move(in.required_sessions);
  Summarize(result);
  return result;
}

ValidationResult CheckServicePrefix(const ServicePrefixInput& in) {
  std::vector<SessionObservation> all = in.primary_sessions;
  all.insert(all.end(), in.backup_sessions.begin(), in.backup_sessions.end());
  ValidationResult result;
  result.checks.push_back(NotPrivate(in.prefix, kInvalidPrefix));
  result.checks.push_back(IrrOrigin(in.prefix, all, in.irr));
  result.checks.push_back(Provider(in));
  result.checks.push_back(KeyMatch(in, all));
  result.checks.push_back(PrimaryAndBackup(in));
  result.checks.push_back(Community(all));
  result.checks.push_back(AsPathRule(all));
  result.checks.push_back(RpkiOrigin(in.prefix, all, in.rpki));
  result.learned_via_provider = !SessionsWithRoutes(all).empty();
  result.sessions = std::move(all);
  Summarize(result);
  return result;
}

}  // namespace pfx
