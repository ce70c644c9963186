#include "engine/explain.h"

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
      return v1::CHECK_OUTCOME_PASS;
    case Outcome::kFail:
      return v1::CHECK_OUTCOME_FAIL;
    case Outcome::kNotEvaluated:
      return v1::CHECK_OUTCOME_NOT_EVALUATED;
    case Outcome::kUndetermined:
      return v1::CHECK_OUTCOME_UNDETERMINED;
    case Outcome::kWarn:
      return v1::CHECK_OUTCOME_WARN;
  }
  return v1::CHECK_OUTCOME_UNSPECIFIED;
}

}  // namespace

void ToProtoSegments(const AsPath& path,
                     google::protobuf::RepeatedPtrField<v1::AsPathSegment>* segments) {
  for (const AsPathSegment& in : path.segments()) {
    v1::AsPathSegment* out = segments->Add();
    switch (in.type) {
      case SegmentType::kSequence:
        out->set_type(v1::AsPathSegment::TYPE_SEQUENCE);
        break;
      case SegmentType::kSet:
        out->set_type(v1::AsPathSegment::TYPE_SET);
        break;
      case SegmentType::kConfedSequence:
        out->set_type(v1::AsPathSegment::TYPE_CONFED_SEQUENCE);
        break;
      case SegmentType::kConfedSet:
        out->set_type(v1::AsPathSegment::TYPE_CONFED_SET);
        break;
    }
    out->mutable_asns()->Add(in.asns.begin(), in.asns.end());
  }
}

v1::ExplainResponse ToExplainResponse(const v1::ValidationTarget* target, const std::string& prefix,
                                      const ValidationResult& result,
                                      std::vector<v1::ProviderPeering> provider_peerings) {
  v1::ExplainResponse response;
  if (target != nullptr) {
    *response.mutable_target() = *target;
  } else {
    response.set_dry_run(true);
  }
  for (v1::ProviderPeering& p : provider_peerings) {
    *response.add_provider_peerings() = std::move(p);
  }
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
      e->set_session_state(o.state == FeedSessionState::kUnknownSession ? v1::SESSION_STATE_NONE
                           : o.state == FeedSessionState::kDown         ? v1::SESSION_STATE_IDLE
                                                                : v1::SESSION_STATE_ESTABLISHED);
      e->set_initial_table_complete(o.state == FeedSessionState::kEstablished);
      e->set_backup(o.backup);
      if (o.route.has_value()) {
        v1::RouteSeen* r = e->add_routes();
        r->set_prefix(o.route->prefix.ToString());
        r->set_as_path(o.route->as_path.ToString());
        ToProtoSegments(o.route->as_path, r->mutable_as_path_segments());
        r->set_next_hop(o.route->next_hop);
        for (uint32_t community : o.route->communities)
          r->add_communities(CommunityToString(community));
      }
    }
  }
  return response;
}

}  // namespace pfx
