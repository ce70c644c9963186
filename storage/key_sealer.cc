#include "storage/key_sealer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "storage/secret_fields.h"

namespace pfx {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kMaxIdLength = 64;

// Empty only if libcrypto fails.
std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out,
           &length) == nullptr) {
    return std::string();
  }
  return std::string(reinterpret_cast<const char*>(out), length);
}

std::string Aad(absl::string_view id) { return absl::StrCat("pfxd seal v1:", id); }

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
}

}  // namespace

bool IsKeyEncryptionKeyId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

absl::StatusOr<KeyEncryptionKey> ReadKeyEncryptionKey(absl::string_view id,
                                                      const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read it"));
  }
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s: group or others may read or write it (mode %04o); a key-encryption "
                        "key must be its owner's alone: chmod 600 %s",
                        path, st.st_mode & 07777, path));
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot read it"));
  std::string text = content.str();
  KeyEncryptionKey kek{std::string(id), ""};
  if (text.size() == kKeyBytes) {
    kek.material = std::move(text);
  } else {
    absl::string_view hex = absl::StripSuffix(absl::StripSuffix(text, "\n"), "\r");
    bool all_hex = hex.size() == 2 * kKeyBytes;
    for (char c : hex) all_hex = all_hex && absl::ascii_isxdigit(c);
    if (all_hex) kek.material = absl::HexStringToBytes(hex);
    Wipe(text);
    if (!all_hex) {
      return absl::InvalidArgumentError(absl::StrCat(
          path,
          ": a key-encryption key file holds 32 bytes or 64 hex digits (make one with: "
          "openssl rand -hex 32 > ",
          path, ")"));
    }
  }
  return kek;
}

absl::StatusOr<KeySealer> KeySealer::Create(const std::vector<KeyEncryptionKey>& keys) {
  KeySealer sealer;
  absl::flat_hash_set<std::string> ids;
  for (const KeyEncryptionKey& kek : keys) {
    if (!IsKeyEncryptionKeyId(kek.id)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "key-encryption key id '", kek.id, "': 1 to 64 letters, digits, '.', '_' or '-'"));
    }
    if (!ids.insert(kek.id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("key-encryption key id '", kek.id, "' is given twice"));
    }
    if (kek.material.size() != kKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("key-encryption key '", kek.id, "': needs 32 bytes"));
    }
    Subkeys sub{kek.id, HmacSha256(kek.material, "pfxd seal v1 encrypt"),
                HmacSha256(kek.material, "pfxd seal v1 nonce")};
    if (sub.encrypt.size() != kKeyBytes || sub.nonce.size() != kKeyBytes) {
      return absl::InternalError("libcrypto could not derive the sealing subkeys");
    }
    sealer.keys_.push_back(std::move(sub));
  }
  return sealer;
}

KeySealer::~KeySealer() {
  for (Subkeys& k : keys_) {
    Wipe(k.encrypt);
    Wipe(k.nonce);
  }
}

const std::string& KeySealer::sealing_id() const {
  static const std::string* const kNone = new std::string();
  return keys_.empty() ? *kNone : keys_.front().id;
}

const KeySealer::Subkeys* KeySealer::Find(absl::string_view id) const {
  for (const Subkeys& k : keys_) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

bool KeySealer::Knows(absl::string_view id) const { return Find(id) != nullptr; }

bool KeySealer::IsSealed(absl::string_view stored) {
  return absl::StartsWith(stored, kSealedPrefix);
}

absl::string_view KeySealer::SealedKekId(absl::string_view stored) {
  if (!IsSealed(stored)) return "";
  stored.remove_prefix(kSealedPrefix.size());
  return stored.substr(0, stored.find(':'));
}

bool KeySealer::IsCurrent(absl::string_view stored) const {
  if (stored.empty()) return true;  // nothing to hide
  if (!enabled()) return !IsSealed(stored);
  return SealedKekId(stored) == sealing_id();
}

absl::StatusOr<std::string> KeySealer::Seal(absl::string_view plaintext) const {
  if (!enabled()) return std::string(plaintext);
  const Subkeys& key = keys_.front();
  std::string nonce = HmacSha256(key.nonce, plaintext);
  if (nonce.size() < kNonceBytes) return absl::InternalError("libcrypto: HMAC failed");
  nonce.resize(kNonceBytes);
  std::string sealed = nonce;
  sealed.resize(kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* out = Bytes(sealed) + kNonceBytes;
  const std::string aad = Aad(key.id);
  CipherContext ctx(EVP_CIPHER_CTX_new());
  int length = 0, final_length = 0;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key.encrypt), Bytes(nonce)) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, Bytes(aad), static_cast<int>(aad.size())) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), out, &length, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + length, &final_length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, out + plaintext.size()) !=
          1) {
    return absl::InternalError("libcrypto: AES-256-GCM sealing failed");
  }
  return absl::StrCat(kSealedPrefix, key.id, ":", absl::WebSafeBase64Escape(sealed));
}

absl::StatusOr<std::string> KeySealer::Open(absl::string_view stored) const {
  if (!IsSealed(stored)) return std::string(stored);
  const absl::string_view id = SealedKekId(stored);
  const Subkeys* key = Find(id);
  if (key == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a stored prefix key is sealed under key-encryption key '", id,
        "', which is not configured (key_encryption_key { id: \"", id, "\" file: ... })"));
  }
  std::string sealed;
  absl::string_view encoded = stored.substr(kSealedPrefix.size() + id.size() + 1);
  if (stored.size() <= kSealedPrefix.size() + id.size() ||
      !absl::WebSafeBase64Unescape(encoded, &sealed) || sealed.size() < kNonceBytes + kTagBytes) {
    return absl::DataLossError(absl::StrCat("a stored sealed value (key-encryption key '", id,
                                            "') is damaged: it does not decode"));
  }
  const size_t text_bytes = sealed.size() - kNonceBytes - kTagBytes;
  const absl::string_view nonce(sealed.data(), kNonceBytes);
  const absl::string_view ciphertext(sealed.data() + kNonceBytes, text_bytes);
  std::string tag = sealed.substr(kNonceBytes + text_bytes);
  std::string plaintext(text_bytes, '\0');
  const std::string aad = Aad(key->id);
  CipherContext ctx(EVP_CIPHER_CTX_new());
  int length = 0, final_length = 0;
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key->encrypt),
                         Bytes(nonce)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, Bytes(aad), static_cast<int>(aad.size())) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), Bytes(plaintext), &length, Bytes(ciphertext),
                        static_cast<int>(ciphertext.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), Bytes(plaintext) + length, &final_length) != 1) {
    return absl::DataLossError(
        absl::StrCat("a stored sealed value does not open under key-encryption key '", id,
                     "': damaged, or sealed by another key that had this id"));
  }
  return plaintext;
}

absl::Status KeySealer::SealSecrets(google::protobuf::Message& message) const {
  if (!enabled()) return absl::OkStatus();
  return VisitSecretFields(message, [&](google::protobuf::Message& holder,
                                        const google::protobuf::FieldDescriptor* field) {
    const google::protobuf::Reflection* reflection = holder.GetReflection();
    std::string scratch;
    const std::string& value = reflection->GetStringReference(holder, field, &scratch);
    if (value.empty() || IsCurrent(value)) return absl::OkStatus();
    absl::StatusOr<std::string> plain = Open(value);
    if (!plain.ok()) return plain.status();
    absl::StatusOr<std::string> sealed = Seal(*plain);
    if (!sealed.ok()) return sealed.status();
    reflection->SetString(&holder, field, std::move(*sealed));
    return absl::OkStatus();
  });
}

absl::Status KeySealer::OpenSecrets(google::protobuf::Message& message) const {
  return VisitSecretFields(message, [&](google::protobuf::Message& holder,
                                        const google::protobuf::FieldDescriptor* field) {
    const google::protobuf::Reflection* reflection = holder.GetReflection();
    std::string scratch;
    const std::string& value = reflection->GetStringReference(holder, field, &scratch);
    if (!IsSealed(value)) return absl::OkStatus();
    absl::StatusOr<std::string> plain = Open(value);
    if (!plain.ok()) return plain.status();
    reflection->SetString(&holder, field, std::move(*plain));
    return absl::OkStatus();
  });
}

}  // namespace pfx
