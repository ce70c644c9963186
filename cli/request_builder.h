// File: request_builder.h
// -----------------------------------------------------------------------------
// Fills a request message from command-line flags by field name, through protobuf
// reflection, so every RPC gets a command without hand-written flag code.
//   --json '{...}' / --file F.json   merge JSON (proto3 JSON mapping) first;
//   --some-field VALUE               sets `some_field`, looked up on the request, then inside
//                                    its singular message fields (the resource of a Create),
//                                    then inside the first element of a repeated message field;
//   repeated scalars                 comma-separated or the flag repeated;
//   enums                            by name, case-insensitive, prefix optional
//                                    ("verified" -> PREFIX_VALIDATION_STATE_VERIFIED).
// Errors name the flag and the expected form.

#ifndef PFX_CLI_REQUEST_BUILDER_H_
#define PFX_CLI_REQUEST_BUILDER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace pfx::cli {

using FlagList = std::vector<std::pair<std::string, std::string>>;

absl::Status BuildRequest(const FlagList& flags, google::protobuf::Message& request);

// One flag a request takes, as BuildRequest maps it: for help, completion and suggestions.
struct FlagInfo {
  std::string name;                      // "peering-name" (without the dashes)
  std::string value;                     // "TEXT", "INTEGER", "true|false", "ACTIVE|..."
  std::vector<std::string> enum_values;  // short names, lowercase with dashes
  bool repeated = false;                 // comma-separated list
};
// Every flag of `request` (its own fields, then those of its message fields, in field order),
// leaving out the fields marked output_only in the protos.
std::vector<FlagInfo> FlagsOf(const google::protobuf::Descriptor* request);

}  // namespace pfx::cli

#endif  // PFX_CLI_REQUEST_BUILDER_H_
