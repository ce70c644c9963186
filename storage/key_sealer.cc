#include "storage/key_sealer.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

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

// Fetched once: OpenSSL 3 looks an algorithm up on every use of EVP_aes_256_gcm() otherwise,
// which costs more than sealing a key.
const EVP_CIPHER* AesGcm() {
  static const EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  return cipher;
}

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

KeyEncryptionKey::~KeyEncryptionKey() { Wipe(material); }

absl::StatusOr<KeyEncryptionKey> ReadKeyEncryptionKey(absl::string_view id,
                                                      const std::string& path) {
  // The mode is checked on the file that is read (fstat of the open descriptor), not on
  // whatever the path names a moment earlier.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat(path, ": cannot read it: ", std::strerror(errno)));
  }
  struct stat st;
  std::string text;
  bool read_ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (read_ok && (st.st_mode & 077) == 0) {
    // A key file is tiny: anything longer than the hex form plus a line end is refused below.
    text.resize(2 * kKeyBytes + 3);
    ssize_t n = 0;
    size_t got = 0;
    while (got < text.size() && (n = read(fd, text.data() + got, text.size() - got)) > 0) {
      got += static_cast<size_t>(n);
    }
    read_ok = n >= 0;
    text.resize(got);
  }
  close(fd);
  if (!read_ok) return absl::NotFoundError(absl::StrCat(path, ": cannot read it as a file"));
  if ((st.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(
        absl::StrFormat("%s: group or others may read or write it (mode %04o); a key-encryption "
                        "key must be its owner's alone: chmod 600 %s",
                        path, st.st_mode & 07777, path));
  }
  KeyEncryptionKey kek{std::string(id), ""};
  if (text.size() == kKeyBytes) {
    // 32 random bytes are all printable with a chance of about 1e-14: such a file is a
    // passphrase, far weaker than a key.
    bool printable = true;
    for (char c : text) printable = printable && absl::ascii_isprint(c);
    if (printable) {
      Wipe(text);
      return absl::InvalidArgumentError(absl::StrCat(
          path,
          ": 32 printable characters look like a passphrase, not a random key (make one "
          "with: openssl rand -hex 32 > ",
          path, ")"));
    }
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
    Subkeys sub{kek.id, HmacSha256(kek.material, "pfxd seal v1 encrypt"), nullptr};
    std::string nonce_key = HmacSha256(kek.material, "pfxd seal v1 nonce");
    EVP_MAC* hmac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
    sub.nonce_mac.reset(hmac == nullptr ? nullptr : EVP_MAC_CTX_new(hmac));
    EVP_MAC_free(hmac);  // the context keeps its own reference
    char digest_name[] = "SHA256";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end()};
    const bool keyed =
        sub.nonce_mac != nullptr && nonce_key.size() == kKeyBytes &&
        EVP_MAC_init(sub.nonce_mac.get(), Bytes(nonce_key), nonce_key.size(), params) == 1;
    Wipe(nonce_key);
    if (sub.encrypt.size() != kKeyBytes || !keyed || AesGcm() == nullptr) {
      return absl::InternalError("libcrypto could not derive the sealing subkeys");
    }
    sealer.keys_.push_back(std::move(sub));
  }
  return sealer;
}

void KeySealer::MacContextFree::operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }

KeySealer::~KeySealer() {
  for (Subkeys& k : keys_) Wipe(k.encrypt);
}

absl::StatusOr<std::string> KeySealer::Nonce(const Subkeys& key,
                                             absl::string_view plaintext) const {
  std::unique_ptr<EVP_MAC_CTX, MacContextFree> ctx(EVP_MAC_CTX_dup(key.nonce_mac.get()));
  unsigned char mac[EVP_MAX_MD_SIZE];
  size_t length = 0;
  if (ctx == nullptr || EVP_MAC_update(ctx.get(), Bytes(plaintext), plaintext.size()) != 1 ||
      EVP_MAC_final(ctx.get(), mac, &length, sizeof(mac)) != 1 || length < kNonceBytes) {
    return absl::InternalError("libcrypto: HMAC-SHA256 of the nonce failed");
  }
  return std::string(reinterpret_cast<const char*>(mac), kNonceBytes);
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
  // Any version: a value sealed by a later format is not plain text either.
  return absl::StartsWith(stored, kSealedMark);
}

absl::string_view KeySealer::SealedKekId(absl::string_view stored) {
  if (!absl::StartsWith(stored, kSealedPrefix)) return "";
  stored.remove_prefix(kSealedPrefix.size());
  return stored.substr(0, stored.find(':'));
}

bool KeySealer::IsCurrent(absl::string_view stored) const {
  if (stored.empty()) return true;  // nothing to hide
  if (!enabled()) return !IsSealed(stored);
  return SealedKekId(stored) == sealing_id();
}

KeySealer::Standing KeySealer::Classify(absl::string_view stored) const {
  if (IsCurrent(stored)) return Standing::kCurrent;
  if (!IsSealed(stored)) return Standing::kStale;  // plain while sealing is on
  const absl::string_view id = SealedKekId(stored);
  if (!IsKeyEncryptionKeyId(id)) return Standing::kDamaged;
  return Knows(id) ? Standing::kStale : Standing::kUnknownKek;
}

absl::StatusOr<std::string> KeySealer::Seal(absl::string_view plaintext) const {
  if (!enabled()) return std::string(plaintext);
  const Subkeys& key = keys_.front();
  absl::StatusOr<std::string> nonce = Nonce(key, plaintext);
  if (!nonce.ok()) return nonce.status();
  std::string sealed = *nonce;
  sealed.resize(kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* out = Bytes(sealed) + kNonceBytes;
  const std::string aad = Aad(key.id);
  CipherContext ctx(EVP_CIPHER_CTX_new());
  int length = 0, final_length = 0;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex2(ctx.get(), AesGcm(), Bytes(key.encrypt), Bytes(*nonce), nullptr) != 1 ||
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
  if (!absl::StartsWith(stored, kSealedPrefix)) {
    return absl::DataLossError(
        absl::StrCat("a stored value is sealed in a format this pfxd does not know ('",
                     stored.substr(0, std::min(stored.size(), kSealedPrefix.size())), "...')"));
  }
  const absl::string_view id = SealedKekId(stored);
  const size_t id_end = kSealedPrefix.size() + id.size();
  if (!IsKeyEncryptionKeyId(id) || stored.size() <= id_end || stored[id_end] != ':') {
    return absl::DataLossError("a stored sealed value is damaged: it names no key-encryption key");
  }
  const Subkeys* key = Find(id);
  if (key == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a stored prefix key is sealed under key-encryption key '", id,
        "', which is not configured (key_encryption_key { id: \"", id, "\" file: ... })"));
  }
  std::string sealed;
  if (!absl::WebSafeBase64Unescape(stored.substr(id_end + 1), &sealed) ||
      sealed.size() < kNonceBytes + kTagBytes) {
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
      EVP_DecryptInit_ex2(ctx.get(), AesGcm(), Bytes(key->encrypt), Bytes(nonce), nullptr) != 1 ||
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
    if (!plain.ok()) {
      return absl::Status(plain.status().code(),
                          absl::StrCat(field->name(), ": ", plain.status().message()));
    }
    reflection->SetString(&holder, field, std::move(*plain));
    return absl::OkStatus();
  });
}

}  // namespace pfx
