// ValidationEngine, part 3: Explain of a stored prefix and the dry runs of candidates.
#include "engine/validation_engine.h"


#include "absl/strings/str_cat.h"
#include "engine/explain.h"
#include "engine/validation_engine_internal.h"
#include "registry/input_rules.h"
#include "registry/peering_rules.h"
#include "registry/session_map.h"

namespace pfx {

absl::StatusOr<v1::ExplainResponse> ValidationEngine::Explain(
    const v1::ExplainRequest& request) const {
  BatchReads reads = StartReads();
  switch (request.subject_case()) {
    case v1::ExplainRequest::kTarget:
      return ExplainTarget(request.target(), reads);
    case v1::ExplainRequest::kRegisteredPrefixCandidate:
      return DryRunRegisteredPrefix(request.registered_prefix_candidate(), reads);
    case v1::ExplainRequest::kPeeringServicePrefixCandidate:
      return DryRunServicePrefix(request.peering_service_prefix_candidate(), reads);
    case v1::ExplainRequest::SUBJECT_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(
      "target: one of target, registered_prefix_candidate or peering_service_prefix_candidate "
      "is required");
}

absl::StatusOr<v1::ExplainResponse> ValidationEngine::ExplainTarget(
    const v1::ValidationTarget& target, BatchReads& reads) const {
  if (target.kind() == v1::ValidationTarget::KIND_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "target.kind: is required (KIND_REGISTERED_PREFIX or KIND_PEERING_SERVICE_PREFIX)");
  }
  if (auto s = CheckName("target.parent", target.parent()); !s.ok()) return s;
  if (auto s = CheckName("target.name", target.name()); !s.ok()) return s;
  std::vector<v1::ProviderPeering> considered;
  absl::StatusOr<Evaluation> ev = Evaluate(target, reads, &considered);
  if (!ev.ok()) return ev.status();
  if (!ev->found) {
    return absl::NotFoundError(absl::StrCat(
        "target: ",
        target.kind() == v1::ValidationTarget::KIND_REGISTERED_PREFIX ? "registered prefix '"
                                                                      : "peering service prefix '",
        target.parent(), "/", target.name(), "' does not exist"));
  }
  return ToExplainResponse(&target, ev->prefix, ev->result, std::move(considered));
}

absl::StatusOr<v1::ExplainResponse> ValidationEngine::DryRunRegisteredPrefix(
    const v1::RegisteredPrefixCandidate& c, BatchReads& reads) const {
  if (auto s = CheckName("registered_prefix_candidate.peering_name", c.peering_name()); !s.ok()) {
    return s;
  }
  absl::StatusOr<IpPrefix> prefix =
      ParsePrefixField("registered_prefix_candidate.prefix", c.prefix());
  if (!prefix.ok()) return prefix.status();
  absl::StatusOr<const v1::Peering*> peering = reads.Peering(c.peering_name());
  if (!peering.ok()) return peering.status();
  if (*peering == nullptr) {
    return absl::NotFoundError(absl::StrCat("registered_prefix_candidate.peering_name: peering '",
                                            c.peering_name(), "' does not exist"));
  }
  if ((*peering)->kind() != v1::PEERING_KIND_VOICE) {
    return absl::FailedPreconditionError(
        absl::StrCat("registered prefixes are for VOICE peerings; peering '", c.peering_name(),
                     "' is ", v1::PeeringKind_Name((*peering)->kind())));
  }
  absl::StatusOr<ValidationResult> result = CheckRegistered(*prefix, c.peering_name(), reads);
  if (!result.ok()) return result.status();
  // "Would it pass today" includes "could it be registered today" (SPEC §2).
  absl::StatusOr<CheckReport> registrable = Registrable(*prefix, **peering);
  if (!registrable.ok()) return registrable.status();
  result->checks.insert(result->checks.begin(), std::move(*registrable));
  Summarize(*result);
  return ToExplainResponse(/*target=*/nullptr, prefix->ToString(), *result);
}

absl::StatusOr<v1::ExplainResponse> ValidationEngine::DryRunServicePrefix(
    const v1::PeeringServicePrefixCandidate& c, BatchReads& reads) const {
  constexpr absl::string_view kField = "peering_service_prefix_candidate.";
  absl::StatusOr<uint32_t> asn =
      ParseAsnField(absl::StrCat(kField, "provider_asn"), c.provider_asn());
  if (!asn.ok()) return asn.status();
  if (auto s = CheckText(absl::StrCat(kField, "primary_peering_location"),
                         c.primary_peering_location(), true);
      !s.ok()) {
    return s;
  }
  if (auto s = CheckText(absl::StrCat(kField, "backup_peering_location"),
                         c.backup_peering_location(), false);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<IpPrefix> prefix = ParsePrefixField(absl::StrCat(kField, "prefix"), c.prefix());
  if (!prefix.ok()) return prefix.status();
  ServiceQuery query{*prefix, std::nullopt, *asn, c.primary_peering_location(),
                     c.backup_peering_location()};
  if (!c.peering_service_prefix_key().empty()) {
    absl::StatusOr<PrefixKey> key = ParseKeyField(
        absl::StrCat(kField, "peering_service_prefix_key"), c.peering_service_prefix_key());
    if (!key.ok()) return key.status();
    query.given_key = *key;
  }
  std::vector<v1::ProviderPeering> considered;
  absl::StatusOr<ValidationResult> result = CheckService(query, reads, &considered);
  if (!result.ok()) return result.status();
  return ToExplainResponse(/*target=*/nullptr, prefix->ToString(), *result, std::move(considered));
}

}  // namespace pfx
