// File: wire_fields.h
// -----------------------------------------------------------------------------
// Top-level fields of a serialized message, picked by field number without parsing it. For
// views (storage/records.proto): a view declares a few of its record's fields under the same
// numbers, and parsing the whole record's bytes into it would copy every other field (a
// stored prefix's recent events, a registered prefix's key) into the view's unknown fields,
// only to free them again.
// Thread-safe (no state).

#ifndef PFX_STORAGE_WIRE_FIELDS_H_
#define PFX_STORAGE_WIRE_FIELDS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace pfx {

// Field numbers 1-63 as bits (bit n: field n).
using FieldMask = uint64_t;

// The numbers of the fields `type` declares. Every one must be below 64 (a view is small):
// aborts on a larger one, a programming error (tests/storage/wire_fields_test.cc takes every
// view of records.proto through it).
FieldMask DeclaredFields(const google::protobuf::Descriptor* type);

// Appends to `out` the top-level fields of `bytes` (wire format) whose numbers `keep` holds,
// in their order, and skips the others; false when `bytes` is not wire format (then `out`
// holds a part). Parsing `out` gives what parsing `bytes` gives for the kept fields.
bool KeepFields(absl::string_view bytes, FieldMask keep, std::string& out);

}  // namespace pfx

#endif  // PFX_STORAGE_WIRE_FIELDS_H_
