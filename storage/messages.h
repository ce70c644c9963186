// File: messages.h
// -----------------------------------------------------------------------------
// Protobuf messages in column families: typed get / put / paged listing over Database.
// Page tokens come from Database::page_tokens(): bound to the column and key prefix they
// were issued for (storage/page_token.h); any other token is INVALID_ARGUMENT.
// Secret fields (storage/secret_fields.h) are sealed on the way in and opened on the way out
// by the database's KeySealer (storage/key_sealer.h): callers see plain values, the files
// hold sealed ones when key-encryption keys are configured. Bytes read or written without
// these functions go through ParseStored / SerializeStored.

#ifndef PFX_STORAGE_MESSAGES_H_
#define PFX_STORAGE_MESSAGES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message_lite.h"
#include "storage/database.h"
#include "storage/keys.h"
#include "storage/secret_fields.h"
#include "storage/wire_fields.h"

namespace pfx {

// The message's bytes with map entries in key order, so equal messages give equal bytes
// (stored resources are compared byte-wise to skip rewriting unchanged ones).
inline std::string SerializeDeterministically(const google::protobuf::MessageLite& m) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }  // the stream trims `out` to what was written when it goes
  return out;
}

// Whether messages of this type can hold a secret field (computed once per type).
template <typename Message>
bool HoldsSecrets() {
  static const bool may_hold_secrets = MayHoldSecrets(Message::descriptor());
  return may_hold_secrets;
}

// The bytes `m` is stored as: its secret fields sealed, serialized deterministically.
template <typename Message>
absl::StatusOr<std::string> SerializeStored(const Database& db, const Message& m) {
  if (!HoldsSecrets<Message>() || !db.key_sealer().enabled()) {
    return SerializeDeterministically(m);
  }
  Message sealed = m;
  if (absl::Status s = db.key_sealer().SealSecrets(sealed); !s.ok()) return s;
  return SerializeDeterministically(sealed);
}

// `m` from stored bytes, its secret fields opened; DATA_LOSS when the bytes do not parse or
// a sealed value is damaged, FAILED_PRECONDITION when its key-encryption key is missing.
template <typename Message>
absl::Status ParseStored(const Database& db, absl::string_view bytes, Message& m) {
  if (!m.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(
        absl::StrCat("stored ", Message::descriptor()->name(), " does not parse"));
  }
  // Opened with sealing off too: a sealed value must fail loudly (FAILED_PRECONDITION), never
  // pass as a key (storage/reseal.h refuses such a store at start-up already).
  if (!HoldsSecrets<Message>()) return absl::OkStatus();
  absl::Status opened = db.key_sealer().OpenSecrets(m);
  if (opened.ok()) return opened;
  return absl::Status(opened.code(), absl::StrCat("stored ", Message::descriptor()->name(), ": ",
                                                  opened.message()));
}

// A view (storage/records.proto) from its record's stored bytes: as ParseStored, but only
// the fields the view declares are parsed; the record's others are skipped, not kept as the
// view's unknown fields.
template <typename View>
absl::Status ParseStoredView(const Database& db, absl::string_view bytes, View& view) {
  static const FieldMask kDeclared = DeclaredFields(View::descriptor());
  thread_local std::string kept;
  kept.clear();
  if (!KeepFields(bytes, kDeclared, kept)) {
    return absl::DataLossError(
        absl::StrCat("stored ", View::descriptor()->name(), " does not parse"));
  }
  return ParseStored(db, kept, view);
}

template <typename Message>
absl::StatusOr<std::optional<Message>> GetMessage(const Database& db, Column column,
                                                  absl::string_view key) {
  absl::StatusOr<std::optional<std::string>> raw = db.Get(column, key);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<Message>();
  Message m;
  if (absl::Status s = ParseStored(db, **raw, m); !s.ok()) return s;
  return std::optional<Message>(std::move(m));
}

template <typename Message>
[[nodiscard]] absl::Status PutMessage(const Database& db, WriteSet& writes, Column column,
                                      absl::string_view key, const Message& m) {
  absl::StatusOr<std::string> bytes = SerializeStored(db, m);
  if (!bytes.ok()) return bytes.status();
  writes.Put(column, key, *bytes);
  return absl::OkStatus();
}

template <typename Message>
struct Page {
  std::vector<Message> items;
  std::string next_page_token;
};

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;

// Lists messages whose keys start with `key_prefix` (empty: the whole column).
template <typename Message>
absl::StatusOr<Page<Message>> ListMessages(const Database& db, Column column,
                                           absl::string_view key_prefix,
                                           absl::string_view page_token, int page_size) {
  if (page_size < 0) return absl::InvalidArgumentError("page_size: must not be negative");
  size_t limit = page_size == 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  std::string start(key_prefix);
  const std::string listing = absl::StrCat("column ", static_cast<int>(column), " ", key_prefix);
  if (!page_token.empty()) {
    absl::StatusOr<std::string> resume = db.page_tokens().Resume(listing, page_token);
    if (!resume.ok()) return resume.status();
    if (!absl::StartsWith(*resume, key_prefix)) {
      return absl::InvalidArgumentError("page_token: not a token of this listing");
    }
    start = std::move(*resume);
  }
  Page<Message> page;
  std::string end = key_prefix.empty() ? "" : keys::PrefixEnd(key_prefix);
  absl::Status visit_error;
  absl::Status s = db.Scan(column, start, end, [&](absl::string_view key, absl::string_view value) {
    if (page.items.size() == limit) {
      absl::StatusOr<std::string> token = db.page_tokens().Issue(listing, key);
      if (token.ok()) {
        page.next_page_token = std::move(*token);
      } else {
        visit_error = token.status();
      }
      return false;
    }
    Message m;
    if (absl::Status parsed = ParseStored(db, value, m); !parsed.ok()) {
      visit_error = std::move(parsed);
      return false;
    }
    page.items.push_back(std::move(m));
    return true;
  });
  if (!s.ok()) return s;
  if (!visit_error.ok()) return visit_error;
  return page;
}

// The child `name` of `parent` (keys::Child), or NOT_FOUND "name: <what> '<name>' does not
// exist on <parent_what> '<parent>'".
template <typename Message>
absl::StatusOr<Message> GetChildMessage(const Database& db, Column column, absl::string_view parent,
                                        absl::string_view name, absl::string_view what,
                                        absl::string_view parent_what) {
  absl::StatusOr<std::optional<Message>> m =
      GetMessage<Message>(db, column, keys::Child(parent, name));
  if (!m.ok()) return m.status();
  if (!m->has_value()) {
    return absl::NotFoundError(absl::StrCat("name: ", what, " '", name, "' does not exist on ",
                                            parent_what, " '", parent, "'"));
  }
  return std::move(**m);
}

// The names of at most `limit` children of `parent` in `column` (for messages that name what
// blocks a deletion); a failed scan is the caller's error.
inline absl::StatusOr<std::vector<std::string>> ListChildNames(const Database& db, Column column,
                                                               absl::string_view parent,
                                                               size_t limit) {
  std::vector<std::string> names;
  absl::Status s = db.Scan(column, keys::ChildrenStart(parent), keys::ChildrenEnd(parent),
                           [&](absl::string_view key, absl::string_view) {
                             names.push_back(std::string(keys::SplitChild(key).second));
                             return names.size() < limit;
                           });
  if (!s.ok()) return s;
  return names;
}

// Lists the children of `parent`, or every message of the column when `parent` is empty.
template <typename Message>
absl::StatusOr<Page<Message>> ListChildMessages(const Database& db, Column column,
                                                absl::string_view parent,
                                                absl::string_view page_token, int page_size) {
  return ListMessages<Message>(db, column, parent.empty() ? "" : keys::ChildrenStart(parent),
                               page_token, page_size);
}

}  // namespace pfx

#endif  // PFX_STORAGE_MESSAGES_H_
