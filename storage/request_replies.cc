#include "storage/request_replies.h"

#include <openssl/evp.h>

#include <memory>

#include "absl/time/clock.h"
#include "storage/messages.h"

namespace pfx {

std::string RequestFingerprint(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  copy->DiscardUnknownFields();
  const std::string bytes = SerializeDeterministically(*copy);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return bytes;  // never expected; the bytes themselves still tell requests apart
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

absl::StatusOr<std::optional<storage::RequestReplyRecord>> GetRequestReply(const Database& db,
                                                                           absl::string_view key) {
  return GetMessage<storage::RequestReplyRecord>(db, Column::kIdxRequest, key);
}

absl::Status PutRequestReply(const Database& db, WriteSet& writes, absl::string_view key,
                             std::string request_sha256, const google::protobuf::Message& reply) {
  storage::RequestReplyRecord record;
  record.set_request_sha256(std::move(request_sha256));
  record.set_reply(SerializeDeterministically(reply));
  record.set_stored_micros(absl::ToUnixMicros(absl::Now()));
  return PutMessage(db, writes, Column::kIdxRequest, key, record);
}

}  // namespace pfx
