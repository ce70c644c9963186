// File: secret_fields.h
// -----------------------------------------------------------------------------
// The fields marked [(pfx.v1.secret) = true] (api/pfx/v1/common.proto): prefix keys in API
// messages and storage records, and the stored replies that echo them. Two layers act on
// them, driven by the protos' own marks so a secret field added later is covered without a
// change in either: replies clear them for callers that may not see keys
// (server/redaction.h), and storage seals them at rest (storage/key_sealer.h).
// Secret fields are singular string or bytes fields. Thread-safe.

#ifndef PFX_STORAGE_SECRET_FIELDS_H_
#define PFX_STORAGE_SECRET_FIELDS_H_

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace pfx {

// Whether a message of `type` can hold a secret field at any depth (computed once per type).
bool MayHoldSecrets(const google::protobuf::Descriptor* type);

// Calls `visit(holder, field)` for every secret field set in `message` or in the messages
// inside it, `holder` being the message the field is in; stops at the first error. Cheap for
// a message whose type MayHoldSecrets says cannot hold one.
absl::Status VisitSecretFields(
    google::protobuf::Message& message,
    absl::FunctionRef<absl::Status(google::protobuf::Message& holder,
                                   const google::protobuf::FieldDescriptor* field)>
        visit);

}  // namespace pfx

#endif  // PFX_STORAGE_SECRET_FIELDS_H_
