#include "storage/page_token.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace pfx {
namespace {

// 96 bits of the HMAC: forging a token takes ~2^96 guesses, and tokens stay short.
constexpr size_t kMacBytes = 12;

absl::Status NotIssued() {
  return absl::InvalidArgumentError(
      "page_token: not a token this server issued for this listing and filter (pass the "
      "next_page_token of the previous page of the same request, or none for the first page)");
}

}  // namespace

absl::StatusOr<std::unique_ptr<PageTokens>> PageTokens::Create(const std::string& secret) {
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr);
  EVP_MAC_CTX* keyed = hmac == nullptr ? nullptr : EVP_MAC_CTX_new(hmac);
  EVP_MAC_free(hmac);  // the context keeps its own reference
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (keyed == nullptr || EVP_MAC_init(keyed, reinterpret_cast<const unsigned char*>(secret.data()),
                                       secret.size(), params) != 1) {
    EVP_MAC_CTX_free(keyed);
    return absl::UnavailableError("libcrypto offers no HMAC-SHA256 for page tokens");
  }
  return std::unique_ptr<PageTokens>(new PageTokens(keyed));
}

PageTokens::~PageTokens() { EVP_MAC_CTX_free(keyed_); }

absl::StatusOr<std::string> PageTokens::Mac(absl::string_view listing,
                                            absl::string_view resume_at) const {
  // The listing's length first, so ("ab", "c") and ("a", "bc") authenticate differently.
  std::string message = absl::StrCat(listing.size(), ":", listing, resume_at);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed_);
  unsigned char digest[EVP_MAX_MD_SIZE];
  size_t length = 0;
  bool ok = ctx != nullptr &&
            EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1 &&
            EVP_MAC_final(ctx, digest, &length, sizeof(digest)) == 1 && length >= kMacBytes;
  EVP_MAC_CTX_free(ctx);
  if (!ok) return absl::InternalError("page_token: HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(digest), kMacBytes);
}

absl::StatusOr<std::string> PageTokens::Issue(absl::string_view listing,
                                              absl::string_view resume_at) const {
  absl::StatusOr<std::string> mac = Mac(listing, resume_at);
  if (!mac.ok()) return mac.status();
  std::string token;
  absl::WebSafeBase64Escape(absl::StrCat(*mac, resume_at), &token);
  return token;
}

absl::StatusOr<std::string> PageTokens::Resume(absl::string_view listing,
                                               absl::string_view token) const {
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded) || decoded.size() < kMacBytes) {
    return NotIssued();
  }
  std::string resume_at = decoded.substr(kMacBytes);
  absl::StatusOr<std::string> expected = Mac(listing, resume_at);
  if (!expected.ok()) return expected.status();
  if (CRYPTO_memcmp(expected->data(), decoded.data(), kMacBytes) != 0) return NotIssued();
  return resume_at;
}

}  // namespace pfx
