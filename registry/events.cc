#include "registry/events.h"

namespace pfx {

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  int64_t nanos = absl::ToUnixNanos(t);
  ts.set_seconds(nanos / 1000000000);
  ts.set_nanos(static_cast<int32_t>(nanos % 1000000000));
  return ts;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

v1::PrefixEvent MakeEvent(absl::string_view type, absl::string_view summary,
                          absl::string_view description, v1::EventLevel level, absl::Time when) {
  v1::PrefixEvent e;
  e.set_event_type(std::string(type));
  e.set_event_summary(std::string(summary));
  e.set_event_description(std::string(description));
  e.set_event_level(level);
  *e.mutable_event_timestamp() = ToTimestamp(when);
  return e;
}

v1::EventLevel LevelForState(v1::PrefixValidationState state) {
  switch (state) {
    case v1::PREFIX_VALIDATION_STATE_VERIFIED:
    case v1::PREFIX_VALIDATION_STATE_PENDING:
      return v1::EVENT_LEVEL_INFORMATION;
    case v1::PREFIX_VALIDATION_STATE_WARNING:
    case v1::PREFIX_VALIDATION_STATE_UNKNOWN:
      return v1::EVENT_LEVEL_WARNING;
    default:
      return v1::EVENT_LEVEL_ERROR;
  }
}

}  // namespace pfx
