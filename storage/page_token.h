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

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pfx {

class PageTokens {
 public:
  static constexpr size_t kSecretBytes = 32;

  explicit PageTokens(std::string secret) : secret_(std::move(secret)) {}

  // A token for the page of `listing` that starts at `resume_at`.
  std::string Issue(absl::string_view listing, absl::string_view resume_at) const;
  // Where the page of `token` starts, if the server issued it for `listing`.
  absl::StatusOr<std::string> Resume(absl::string_view listing, absl::string_view token) const;

 private:
  std::string Mac(absl::string_view listing, absl::string_view resume_at) const;
  std::string secret_;
};

}  // namespace pfx

#endif  // PFX_STORAGE_PAGE_TOKEN_H_
