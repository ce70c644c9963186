// File: keys.h
// -----------------------------------------------------------------------------
// Key encodings for every column family. Resource names never contain NUL (names are
// validated against [A-Za-z0-9._-]), so "parent\0name" keys sort children of one parent
// together and prefix scans by "parent\0" list exactly that parent's children.
// Sequence numbers are big-endian so byte order is numeric order.

#ifndef PFX_STORAGE_KEYS_H_
#define PFX_STORAGE_KEYS_H_

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace pfx::keys {

std::string Child(absl::string_view parent, absl::string_view name);
// The (parent, name) a Child key was made of; a key without the separator is all name.
std::pair<absl::string_view, absl::string_view> SplitChild(absl::string_view child_key);
// "parent/name" for messages.
std::string Readable(absl::string_view child_key);
// Scan bounds [ChildrenStart(p), ChildrenEnd(p)) cover every Child(p, *).
std::string ChildrenStart(absl::string_view parent);
std::string ChildrenEnd(absl::string_view parent);

std::string Asn(uint32_t asn);  // 8 lowercase hex digits
// idx_key and idx_key_users are keyed by a prefix key's digest, not the key, so the key is
// in no RocksDB key (storage/key_sealer.h seals the values): lowercase hex SHA-256 of the
// key's text as stored (PrefixKey::ToString). 122 random bits make it one-way.
std::string KeyDigest(absl::string_view prefix_key);
bool IsKeyDigest(absl::string_view text);  // 64 lowercase hex digits
// idx_key_users: a prefix key and one resource (Child key) that uses it;
// ChildrenStart(KeyDigest(key)) lists its users, SplitChild(...).second is the user.
inline std::string KeyUser(absl::string_view prefix_key, absl::string_view user_key) {
  return Child(KeyDigest(prefix_key), user_key);
}
// idx_peer_asn / idx_provider_services: a resource named `name` under an ASN;
// ChildrenStart(Asn(asn)) lists them.
inline std::string AsnMember(uint32_t asn, absl::string_view name) { return Child(Asn(asn), name); }
std::string Request(absl::string_view method, absl::string_view request_id);

std::string Sequence(uint64_t seq);
uint64_t ParseSequence(absl::string_view key);  // the last 8 bytes

// Events of one resource: kind ('R' registered prefix, 'S' service prefix) + resource key.
std::string EventPrefix(char kind, absl::string_view resource_key);
std::string Event(char kind, absl::string_view resource_key, uint64_t seq);

// The smallest key greater than every key starting with `prefix`.
std::string PrefixEnd(absl::string_view prefix);

}  // namespace pfx::keys

#endif  // PFX_STORAGE_KEYS_H_
