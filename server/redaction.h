// File: redaction.h
// -----------------------------------------------------------------------------
// Keeps secrets out of replies: clears every field marked [(pfx.v1.secret) = true] (the
// peering service prefix keys), at any depth of a message, for callers that may not see keys
// (server/access_policy.h SeesKeys). Which fields are secret is the protos' own marks
// (storage/secret_fields.h, also what storage seals at rest).

#ifndef PFX_SERVER_REDACTION_H_
#define PFX_SERVER_REDACTION_H_

#include "google/protobuf/message.h"
#include "storage/secret_fields.h"

namespace pfx {

// Clears every secret field of `message` and of the messages inside it. Cheap for a message
// whose type MayHoldSecrets says cannot hold one.
void RedactSecrets(google::protobuf::Message& message);

}  // namespace pfx

#endif  // PFX_SERVER_REDACTION_H_
