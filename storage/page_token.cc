#include "storage/page_token.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

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

std::string PageTokens::Mac(absl::string_view listing, absl::string_view resume_at) const {
  // The listing's length first, so ("ab", "c") and ("a", "bc") authenticate differently.
  std::string message = absl::StrCat(listing.size(), ":", listing, resume_at);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), kMacBytes);
}

std::string PageTokens::Issue(absl::string_view listing, absl::string_view resume_at) const {
  std::string token;
  absl::WebSafeBase64Escape(absl::StrCat(Mac(listing, resume_at), resume_at), &token);
  return token;
}

absl::StatusOr<std::string> PageTokens::Resume(absl::string_view listing,
                                               absl::string_view token) const {
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded) || decoded.size() < kMacBytes) {
    return NotIssued();
  }
  std::string resume_at = decoded.substr(kMacBytes);
  std::string expected = Mac(listing, resume_at);
  if (CRYPTO_memcmp(expected.data(), decoded.data(), kMacBytes) != 0) return NotIssued();
  return resume_at;
}

}  // namespace pfx
