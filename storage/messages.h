// File: messages.h
// -----------------------------------------------------------------------------
// Protobuf messages in column families: typed get / put / paged listing over Database.
// Page tokens come from Database::page_tokens(): bound to the column and key prefix they
// were issued for (storage/page_token.h); any other token is INVALID_ARGUMENT.

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

template <typename Message>
absl::StatusOr<std::optional<Message>> GetMessage(const Database& db, Column column,
                                                  absl::string_view key) {
  absl::StatusOr<std::optional<std::string>> raw = db.Get(column, key);
  if (!raw.ok()) return raw.status();
  if (!raw->has_value()) return std::optional<Message>();
  Message m;
  if (!m.ParseFromString(**raw)) {
    return absl::DataLossError(
        absl::StrCat("stored ", Message::descriptor()->name(), " does not parse"));
  }
  return std::optional<Message>(std::move(m));
}

template <typename Message>
void PutMessage(WriteSet& writes, Column column, absl::string_view key, const Message& m) {
  writes.Put(column, key, SerializeDeterministically(m));
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
    if (!m.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      visit_error = absl::DataLossError(
          absl::StrCat("stored ", Message::descriptor()->name(), " does not parse"));
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
