#include "server/explain.h"

#include "validator/community.h"

namespace pfx {

v1::PrefixValidationState ToProtoState(ValidationState state) {
  switch (state) {
    case ValidationState::kPending:
      return v1::PREFIX_VALIDATION_STATE_PENDING;
    case ValidationState::kVerified:
      return v1::PREFIX_VALIDATION_STATE_VERIFIED;
    case ValidationState::kFailed:
      return v1::PREFIX_VALIDATION_STATE_FAILED;
    case ValidationState::kInvalid:
      return v1::PREFIX_VALIDATION_STATE_INVALID;
    case ValidationState::kWarning:
      return v1::PREFIX_VALIDATION_STATE_WARNING;
    case ValidationState::kUnknown:
      return v1::PREFIX_VALIDATION_STATE_UNKNOWN;
  }
  return v1::PREFIX_VALIDATION_STATE_NONE;
}

namespace {

v1::CheckOutcome ToProtoOutcome(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return v1::PASS;
    case Outcome::kFail:
      return v1::FAIL;
    case Outcome::kNotEvaluated:
      return v1::NOT_EVALUATED;
    case Outcome::kUndetermined:
      return v1::UNDETERMINED;
  }
  return v1::CHECK_OUTCOME_UNSPECIFIED;
}

}  // namespace

v1::ExplainResponse ToExplainResponse(const v1::ValidationTarget& target, const std::string& prefix,
                                      const ValidationResult& result) {
  v1::ExplainResponse response;
  *response.mutable_target() = target;
  response.set_prefix(prefix);
  response.set_state(ToProtoState(result.state));
  response.set_error_message(result.error_message);
  for (const CheckReport& c : result.checks) {
    v1::CheckResult* out = response.add_checks();
    out->set_check(c.check);
    out->set_outcome(ToProtoOutcome(c.outcome));
    out->set_reason(c.reason);
    for (const std::string& m : c.matched_objects) out->add_matched_objects(m);
    for (uint16_t index : c.evidence) {
      const SessionObservation& o = result.sessions[index];
      v1::SessionEvidence* e = out->add_evidence();
      e->mutable_session()->set_router(o.router);
      e->mutable_session()->set_peer_address(o.peer_address);
      e->set_location(o.location);
      e->set_session_state(FeedSessionStateName(o.state));
      if (o.route.has_value()) {
        v1::RouteSeen* r = e->add_routes();
        r->set_prefix(o.route->prefix.ToString());
        r->set_as_path(o.route->as_path.ToString());
        r->set_next_hop(o.route->next_hop);
        for (uint32_t community : o.route->communities)
          r->add_communities(CommunityToString(community));
      }
    }
  }
  return response;
}

}  // namespace pfx
