#include "engine/route_views.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "engine/explain.h"
#include "registry/events.h"
#include "registry/input_rules.h"
#include "registry/session_map.h"
#include "storage/messages.h"
#include "validator/community.h"

namespace pfx {
namespace {

v1::RouteValidationState OriginValidation(const IrrIndex& irr, const Route& route) {
  std::optional<uint32_t> origin = route.attributes.as_path.Origin();
  if (!origin.has_value()) return v1::ROUTE_VALIDATION_STATE_NOT_FOUND;
  switch (irr.Lookup(route.prefix, *origin).match) {
    case IrrMatch::kExact:
    case IrrMatch::kLessSpecific:
      return v1::ROUTE_VALIDATION_STATE_VALID;
    case IrrMatch::kMismatch:
      return v1::ROUTE_VALIDATION_STATE_INVALID;
    case IrrMatch::kNotFound:
      return v1::ROUTE_VALIDATION_STATE_NOT_FOUND;
  }
  return v1::ROUTE_VALIDATION_STATE_NOT_FOUND;
}

// RFC 6811 state of a route; NOT_EVALUATED without RPKI data. `trust_anchor` (optional)
// receives the matching VRP's trust anchor when Valid.
v1::RouteValidationState RpkiValidation(const VrpIndex* vrps, const Route& route,
                                        std::string* trust_anchor = nullptr) {
  if (vrps == nullptr) return v1::ROUTE_VALIDATION_STATE_NOT_EVALUATED;
  RpkiVerdict v = vrps->Lookup(route.prefix, route.attributes.as_path.Origin());
  switch (v.state) {
    case RpkiState::kValid:
      if (trust_anchor != nullptr) *trust_anchor = v.covering.front().trust_anchor;
      return v1::ROUTE_VALIDATION_STATE_VALID;
    case RpkiState::kInvalid:
      return v1::ROUTE_VALIDATION_STATE_INVALID;
    case RpkiState::kNotFound:
      return v1::ROUTE_VALIDATION_STATE_NOT_FOUND;
  }
  return v1::ROUTE_VALIDATION_STATE_NOT_EVALUATED;
}

// The listing a page token is bound to: the request without its paging fields.
std::string Listing(const v1::ListReceivedRoutesRequest& request) {
  v1::ListReceivedRoutesRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  return absl::StrCat("received_routes ", SerializeDeterministically(filters));
}

// Page token payload: "<session index>|<last prefix>".
absl::StatusOr<std::string> EncodeToken(const PageTokens& tokens,
                                        const v1::ListReceivedRoutesRequest& request,
                                        size_t session, const IpPrefix& last) {
  return tokens.Issue(Listing(request), absl::StrCat(session, "|", last.ToString()));
}

absl::Status DecodeToken(const PageTokens& tokens, const v1::ListReceivedRoutesRequest& request,
                         size_t* session, std::optional<IpPrefix>* last) {
  absl::StatusOr<std::string> raw = tokens.Resume(Listing(request), request.page_token());
  if (!raw.ok()) return raw.status();
  std::vector<std::string> parts = absl::StrSplit(*raw, absl::MaxSplits('|', 1));
  absl::StatusOr<IpPrefix> p = IpPrefix::Parse(parts.size() == 2 ? parts[1] : "");
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[0], session) || !p.ok()) {
    return absl::InvalidArgumentError("page_token: not a token of this listing");
  }
  *last = *p;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<v1::ListReceivedRoutesResponse> RouteViews::ListReceivedRoutes(
    const v1::ListReceivedRoutesRequest& request) const {
  if (auto s = CheckRequestFields(request); !s.ok()) return s;
  absl::StatusOr<v1::Peering> peering =
      registry_->FindPeering("peering_name", request.peering_name());
  if (!peering.ok()) return peering.status();
  std::optional<IpPrefix> exact;
  if (!request.prefix().empty()) {
    absl::StatusOr<IpPrefix> p = ParsePrefixField("prefix", request.prefix());
    if (!p.ok()) return p.status();
    exact = *p;
  }
  std::vector<RequiredSession> sessions;
  for (const RequiredSession& s : AllSessionsOfPeering(*peering)) {
    if (request.connection_id().empty() || s.connection_id == request.connection_id()) {
      sessions.push_back(s);
    }
  }
  if (!request.connection_id().empty() && sessions.empty()) {
    return absl::NotFoundError(absl::StrCat("connection_id: peering '", peering->name(),
                                            "' has no connection '", request.connection_id(),
                                            "' with sessions"));
  }
  if (request.page_size() < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  size_t limit =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  size_t first_session = 0;
  std::optional<IpPrefix> after;
  if (!request.page_token().empty()) {
    if (auto s = DecodeToken(tokens_, request, &first_session, &after); !s.ok()) return s;
  }
  std::shared_ptr<const IrrIndex> irr = irr_->Get();
  std::shared_ptr<const VrpIndex> vrps = rpki_ != nullptr ? rpki_->GetIfUsable() : nullptr;
  auto filter = [&](const Route& r) {
    if (exact.has_value() && !(r.prefix == *exact)) return false;
    if (!request.as_path().empty() &&
        !absl::StrContains(r.attributes.as_path.ToString(), request.as_path())) {
      return false;
    }
    if (request.origin_as_validation_state() != v1::ROUTE_VALIDATION_STATE_UNSPECIFIED &&
        OriginValidation(*irr, r) != request.origin_as_validation_state()) {
      return false;
    }
    if (request.rpki_validation_state() != v1::ROUTE_VALIDATION_STATE_UNSPECIFIED &&
        RpkiValidation(vrps.get(), r) != request.rpki_validation_state()) {
      return false;
    }
    return true;
  };
  // One route more than the page holds says whether a next page exists: a page that ends the
  // listing has no token, even when it is full.
  struct Found {
    size_t session;
    Route route;
  };
  std::vector<Found> found;
  for (size_t i = first_session; i < sessions.size() && found.size() <= limit; ++i) {
    std::optional<IpPrefix> start = i == first_session ? after : std::nullopt;
    if (exact.has_value()) {
      std::optional<Route> r = routes_->Lookup(sessions[i].key, *exact);
      if (r.has_value() && !start.has_value() && filter(*r)) found.push_back({i, std::move(*r)});
      continue;
    }
    for (Route& r : routes_->ListRoutes(sessions[i].key, start, limit + 1 - found.size(), filter)) {
      found.push_back({i, std::move(r)});
    }
  }
  v1::ListReceivedRoutesResponse response;
  const size_t shown = std::min(found.size(), limit);
  for (size_t k = 0; k < shown; ++k) {
    const Route& r = found[k].route;
    const SessionKey& session = sessions[found[k].session].key;
    v1::ReceivedRoute* out = response.add_received_routes();
    out->set_prefix(r.prefix.ToString());
    out->set_next_hop(r.attributes.next_hop.ToString());
    out->set_as_path(r.attributes.as_path.ToString());
    ToProtoSegments(r.attributes.as_path, out->mutable_as_path_segments());
    for (uint32_t c : r.attributes.communities) out->add_communities(CommunityToString(c));
    out->set_origin_as_validation_state(OriginValidation(*irr, r));
    std::string trust_anchor;
    out->set_rpki_validation_state(RpkiValidation(vrps.get(), r, &trust_anchor));
    out->set_trust_anchor(trust_anchor);
    *out->mutable_received_timestamp() = ToTimestamp(r.received);
    out->mutable_session()->set_router(session.router);
    out->mutable_session()->set_peer_address(session.peer.ToString());
  }
  if (found.size() > limit) {
    const Found& last = found[limit - 1];
    absl::StatusOr<std::string> token =
        EncodeToken(tokens_, request, last.session, last.route.prefix);
    if (!token.ok()) return token.status();
    response.set_next_page_token(std::move(*token));
  }
  return response;
}

absl::StatusOr<v1::ListSessionsResponse> RouteViews::ListSessions(
    const v1::ListSessionsRequest& request) const {
  std::optional<absl::flat_hash_set<SessionKey>> wanted;
  if (!request.peering_name().empty()) {
    absl::StatusOr<v1::Peering> peering =
        registry_->FindPeering("peering_name", request.peering_name());
    if (!peering.ok()) return peering.status();
    wanted.emplace();
    for (const RequiredSession& s : AllSessionsOfPeering(*peering)) wanted->insert(s.key);
  }
  v1::ListSessionsResponse response;
  for (const SessionStatus& s : routes_->Sessions()) {
    if (wanted.has_value() && !wanted->contains(s.key)) continue;
    v1::SessionStatus* out = response.add_sessions();
    out->mutable_session()->set_router(s.key.router);
    out->mutable_session()->set_peer_address(s.key.peer.ToString());
    out->set_session_state(s.established ? v1::SESSION_STATE_ESTABLISHED : v1::SESSION_STATE_IDLE);
    out->set_initial_table_complete(s.initial_table_complete);
    out->set_route_count(static_cast<int64_t>(s.route_count));
    if (s.last_update != absl::InfinitePast())
      *out->mutable_last_update() = ToTimestamp(s.last_update);
  }
  return response;
}

}  // namespace pfx
