// File: request_replies.h
// -----------------------------------------------------------------------------
// idx_request: the reply to each (method, request_id), with the fingerprint of the request it
// answered (AIP-155). A retry of the same request gets the stored reply; the same request_id
// with a different payload is a client bug, refused by the registry.
// Thread-safe: pure functions over Database.

#ifndef PFX_STORAGE_REQUEST_REPLIES_H_
#define PFX_STORAGE_REQUEST_REPLIES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "storage/database.h"
#include "storage/records.pb.h"

namespace pfx {

// SHA-256 of `request`'s deterministic serialization without unknown fields, so the same
// request sent again (by any client library) has the same fingerprint.
std::string RequestFingerprint(const google::protobuf::Message& request);

// The stored answer under `key` (keys::Request); DATA_LOSS when the row does not parse.
absl::StatusOr<std::optional<storage::RequestReplyRecord>> GetRequestReply(const Database& db,
                                                                           absl::string_view key);
// The reply is sealed at rest with the other secrets (storage/key_sealer.h): it may echo a
// prefix key.
[[nodiscard]] absl::Status PutRequestReply(const Database& db, WriteSet& writes,
                                           absl::string_view key, std::string request_sha256,
                                           const google::protobuf::Message& reply);

}  // namespace pfx

#endif  // PFX_STORAGE_REQUEST_REPLIES_H_
