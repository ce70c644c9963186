// File: page_token.h
// -----------------------------------------------------------------------------
// PageTokens: the opaque page tokens of every List RPC. A token names where the next page
// starts and is bound to the listing it was issued for (the list and its filters, as a
// `listing` string the caller builds) by an HMAC-SHA256 under a secret kept in the database,
// so a token survives restarts, and one the server never issued, or issued for another
// listing or filter, is refused: INVALID_ARGUMENT naming page_token.
// Thread-safe: immutable after construction.

#ifndef PFX_STORAGE_PAGE_TOKEN_H_
#define PFX_STORAGE_PAGE_TOKEN_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace pfx {

class PageTokens {
 public:
  static constexpr size_t kSecretBytes = 32;

  // Keys HMAC-SHA256 with `secret`; UNAVAILABLE when libcrypto cannot.
  static absl::StatusOr<std::unique_ptr<PageTokens>> Create(const std::string& secret);
  ~PageTokens();
  PageTokens(const PageTokens&) = delete;
  PageTokens& operator=(const PageTokens&) = delete;

  // A token for the page of `listing` that starts at `resume_at` (INTERNAL only if libcrypto
  // cannot allocate).
  absl::StatusOr<std::string> Issue(absl::string_view listing, absl::string_view resume_at) const;
  // Where the page of `token` starts, if the server issued it for `listing`.
  absl::StatusOr<std::string> Resume(absl::string_view listing, absl::string_view token) const;

 private:
  explicit PageTokens(::evp_mac_ctx_st* keyed) : keyed_(keyed) {}
  absl::StatusOr<std::string> Mac(absl::string_view listing, absl::string_view resume_at) const;
  // An HMAC-SHA256 context keyed once; each token works on a copy. (OpenSSL 3's one-shot
  // HMAC() looks the algorithm up on every call, which cost a List page ~10 us.)
  ::evp_mac_ctx_st* const keyed_;
};

}  // namespace pfx

#endif  // PFX_STORAGE_PAGE_TOKEN_H_
