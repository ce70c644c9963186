// File: key_sealer.h
// -----------------------------------------------------------------------------
// KeySealer: secrets at rest. With key-encryption keys (KEKs) configured, every secret field
// pfxd stores (storage/secret_fields.h: prefix keys, and the stored replies that echo them)
// is written sealed, so the data dir's files do not hold a key in plain text; without, values
// are stored as given (the default, and the only mode before schema 7).
//
// Sealed form: "sealed:v1:<kek id>:<base64url, unpadded, of nonce(12) | ciphertext | tag(16)>",
// AES-256-GCM through libcrypto. Two subkeys are derived from each KEK with HMAC-SHA256 (one
// encrypts, one makes nonces). The nonce is the HMAC of the plaintext under the nonce subkey,
// cut to 96 bits (a synthetic IV, as in SIV): sealing is deterministic, so a record written
// again unchanged has the same bytes (the engine skips rewriting an unchanged record by
// comparing bytes), and a nonce repeats only together with its plaintext, which GCM
// tolerates; what it shows is that two stored values are equal, which idx_key_users shows
// anyway. The KEK id is authenticated data: a value cannot pass as sealed under another id.
//
// Rotation: the first KEK seals, every configured KEK opens. storage/reseal.h rewrites
// values sealed under any other KEK (or not sealed) at start-up.
// A plain value (never starting with "sealed:") passes through Open unchanged; the sealed
// prefix cannot begin a prefix key (hex) nor a serialized proto3 reply (0x73 's' is the tag
// of a group, which proto3 never writes).
// Thread-safe: immutable after Create; each call uses its own cipher context.

#ifndef PFX_STORAGE_KEY_SEALER_H_
#define PFX_STORAGE_KEY_SEALER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace pfx {

struct KeyEncryptionKey {
  ~KeyEncryptionKey();   // wipes the material
  std::string id;        // [A-Za-z0-9._-], 1 to 64 characters
  std::string material;  // exactly 32 bytes
};

// Whether `id` can name a KEK: 1 to 64 of [A-Za-z0-9._-].
bool IsKeyEncryptionKeyId(absl::string_view id);

// Reads a KEK file: 32 random bytes, or 64 hex digits with an optional trailing newline
// (`openssl rand -hex 32 > FILE`). Refuses a file that group or others may read or write
// (FAILED_PRECONDITION naming the chmod to run) and any other content, 32 printable
// characters (a passphrase) included (INVALID_ARGUMENT).
absl::StatusOr<KeyEncryptionKey> ReadKeyEncryptionKey(absl::string_view id,
                                                      const std::string& path);

class KeySealer {
 public:
  static constexpr absl::string_view kSealedMark = "sealed:";       // any format version
  static constexpr absl::string_view kSealedPrefix = "sealed:v1:";  // the one written

  KeySealer() = default;  // sealing off
  // `keys`: the first seals, every one opens (the others are retired KEKs, kept until a
  // restart has resealed what they sealed). Refuses a malformed or repeated id. Empty: off.
  static absl::StatusOr<KeySealer> Create(const std::vector<KeyEncryptionKey>& keys);

  KeySealer(KeySealer&&) = default;
  KeySealer& operator=(KeySealer&&) = default;
  ~KeySealer();  // wipes the subkeys

  bool enabled() const { return !keys_.empty(); }
  // The id of the KEK that seals ("" when off).
  const std::string& sealing_id() const;
  // Whether a KEK with this id is configured.
  bool Knows(absl::string_view id) const;

  // `plaintext` sealed under the first KEK; unchanged when sealing is off. INTERNAL only when
  // libcrypto fails.
  absl::StatusOr<std::string> Seal(absl::string_view plaintext) const;
  // The plaintext of a sealed value; a plain value unchanged. FAILED_PRECONDITION when its
  // KEK is not configured, DATA_LOSS when it is damaged (or sealed by another KEK of that id,
  // or in an unknown format version).
  absl::StatusOr<std::string> Open(absl::string_view stored) const;

  // Whether `stored` is sealed (in any format version), and under which KEK id (v1 only).
  static bool IsSealed(absl::string_view stored);
  static absl::string_view SealedKekId(absl::string_view stored);  // "" when not sealed
  // Whether `stored` is as Seal would store its plaintext now.
  bool IsCurrent(absl::string_view stored) const;
  // Where a stored value stands against this configuration: as Seal would store it now;
  // opens but is not (plain while sealing is on, or sealed under a KEK listed after the
  // first); sealed under a KEK not configured; damaged or in an unknown format.
  enum class Standing { kCurrent, kStale, kUnknownKek, kDamaged };
  Standing Classify(absl::string_view stored) const;

  // Every secret field of `message` (storage/secret_fields.h), at any depth.
  absl::Status SealSecrets(google::protobuf::Message& message) const;
  absl::Status OpenSecrets(google::protobuf::Message& message) const;

 private:
  struct MacContextFree {
    void operator()(::evp_mac_ctx_st* ctx) const;
  };
  struct Subkeys {
    std::string id;
    std::string encrypt;  // 32 bytes
    // HMAC-SHA256 keyed with the nonce subkey, copied for each nonce (keying costs more
    // than the MAC of a key).
    std::unique_ptr<::evp_mac_ctx_st, MacContextFree> nonce_mac;
  };
  absl::StatusOr<std::string> Nonce(const Subkeys& key, absl::string_view plaintext) const;
  const Subkeys* Find(absl::string_view id) const;

  std::vector<Subkeys> keys_;
};

}  // namespace pfx

#endif  // PFX_STORAGE_KEY_SEALER_H_
