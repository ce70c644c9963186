// File: input_rules.h
// -----------------------------------------------------------------------------
// Validation of API input shared by every service: resource names, free-text fields,
// prefixes, ASNs and keys. Each error is INVALID_ARGUMENT and names the field and the rule,
// e.g. "registered_prefix.name: must be 1-80 characters of [A-Za-z0-9._-], starting with a
// letter or digit (got 0 characters)".

#ifndef PFX_REGISTRY_INPUT_RULES_H_
#define PFX_REGISTRY_INPUT_RULES_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "validator/ip_prefix.h"
#include "validator/prefix_key.h"

namespace pfx {

inline constexpr size_t kMaxNameLength = 80;
inline constexpr size_t kMaxTextLength = 256;
inline constexpr size_t kMaxRequestIdLength = 128;

absl::Status CheckName(absl::string_view field, absl::string_view value);
// Printable ASCII or UTF-8 text of 1..kMaxTextLength bytes (or 0 when optional).
absl::Status CheckText(absl::string_view field, absl::string_view value, bool required);
absl::Status CheckRequestId(absl::string_view value);
absl::StatusOr<IpPrefix> ParsePrefixField(absl::string_view field, absl::string_view value);
absl::StatusOr<uint32_t> ParseAsnField(absl::string_view field, int64_t value);
absl::StatusOr<PrefixKey> ParseKeyField(absl::string_view field, absl::string_view value);

inline constexpr int kDefaultMaxItems = 1000;

// The shape of a request, at any depth; every handler runs it first. INVALID_ARGUMENT naming
// the field path when
//   - an enum field holds a number its enum does not define (proto3 keeps unknown numbers, so
//     a client can send 99): "peering.connections[1].connection_state: 99 is not a
//     ConnectionState (one of ...)";
//   - a repeated field holds more than its (pfx.v1.max_items) option, or kDefaultMaxItems
//     without one: "peering.connections: at most 64 items (got 19000)".
absl::Status CheckRequestFields(const google::protobuf::Message& request);
// Whether messages of `type` can hold an enum or repeated field at any depth: requests
// without any (most Get and List requests) need no CheckRequestFields walk.
bool NeedsFieldCheck(const google::protobuf::Descriptor* type);

}  // namespace pfx

#endif  // PFX_REGISTRY_INPUT_RULES_H_
