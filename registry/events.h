// File: events.h
// -----------------------------------------------------------------------------
// Builders for pfx.v1.PrefixEvent with Azure's event types and pfxd's own
// ValidationStateChangeEvent.

#ifndef PFX_REGISTRY_EVENTS_H_
#define PFX_REGISTRY_EVENTS_H_

#include <string>

#include "absl/time/time.h"
#include "pfx/v1/common.pb.h"

namespace pfx {

inline constexpr char kStateChangeEvent[] = "ValidationStateChangeEvent";

v1::PrefixEvent MakeEvent(absl::string_view type, absl::string_view summary,
                          absl::string_view description, v1::EventLevel level, absl::Time when);
v1::EventLevel LevelForState(v1::PrefixValidationState state);
google::protobuf::Timestamp ToTimestamp(absl::Time t);
absl::Time FromTimestamp(const google::protobuf::Timestamp& t);

}  // namespace pfx

#endif  // PFX_REGISTRY_EVENTS_H_
