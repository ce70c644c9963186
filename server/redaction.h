// File: redaction.h
// -----------------------------------------------------------------------------
// Keeps secrets out of replies: clears every field marked [(pfx.v1.secret) = true] (the
// peering service prefix keys), at any depth of a message, for callers that may not see keys
// (server/access_policy.h SeesKeys). Driven by the protos' own marks, so a secret field added
// later is covered without a change here.

#ifndef PFX_SERVER_REDACTION_H_
#define PFX_SERVER_REDACTION_H_

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace pfx {

// Whether a message of `type` can hold a secret field at any depth (computed once per type).
bool MayHoldSecrets(const google::protobuf::Descriptor* type);

// Clears every secret field of `message` and of the messages inside it. Cheap for a message
// whose type MayHoldSecrets says cannot hold one.
void RedactSecrets(google::protobuf::Message& message);

}  // namespace pfx

#endif  // PFX_SERVER_REDACTION_H_
