// File: output.h
// -----------------------------------------------------------------------------
// Renders replies for people (tables for lists, "field: value" for one resource; enum
// prefixes dropped, timestamps as RFC 3339) or for programs (--output json: the proto3 JSON
// mapping with the proto field names).

#ifndef PFX_CLI_OUTPUT_H_
#define PFX_CLI_OUTPUT_H_

#include <string>

#include "google/protobuf/message.h"

namespace pfx::cli {

enum class OutputFormat { kTable, kJson };

// An enum value without its type's prefix: PREFIX_VALIDATION_STATE_VERIFIED -> VERIFIED.
std::string ShortEnum(const google::protobuf::EnumValueDescriptor* value);
// One line of compact JSON (streams: one object per line, for jq).
std::string JsonLine(const google::protobuf::Message& m);
std::string Render(const google::protobuf::Message& reply, OutputFormat format);
// One short cell: scalars as text, enums without their type prefix, timestamps as RFC 3339.
std::string Cell(const google::protobuf::Message& m, const google::protobuf::FieldDescriptor* f);

}  // namespace pfx::cli

#endif  // PFX_CLI_OUTPUT_H_
