// File: explain.h
// -----------------------------------------------------------------------------
// Conversion of the pipeline's ValidationResult into the Explain API message, of validator
// states into pfx.v1.PrefixValidationState, and of AS paths into pfx.v1 segments.

#ifndef PFX_ENGINE_EXPLAIN_H_
#define PFX_ENGINE_EXPLAIN_H_

#include "pfx/v1/validation.pb.h"
#include "validator/check_result.h"

namespace pfx {

v1::PrefixValidationState ToProtoState(ValidationState state);
void ToProtoSegments(const AsPath& path,
                     google::protobuf::RepeatedPtrField<v1::AsPathSegment>* segments);
// `target` null: a dry run (dry_run set, no target). `provider_peerings`: peering service
// prefixes only.
v1::ExplainResponse ToExplainResponse(const v1::ValidationTarget* target, const std::string& prefix,
                                      const ValidationResult& result,
                                      std::vector<v1::ProviderPeering> provider_peerings = {});

}  // namespace pfx

#endif  // PFX_ENGINE_EXPLAIN_H_
