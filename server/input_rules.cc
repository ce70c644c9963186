#include "server/input_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "validator/asn.h"

namespace pfx {

absl::Status CheckName(absl::string_view field, absl::string_view value) {
  bool ok = !value.empty() && value.size() <= kMaxNameLength && absl::ascii_isalnum(value[0]);
  for (char c : value) {
    if (!ok) break;
    ok = absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": must be 1-", kMaxNameLength,
                   " characters of [A-Za-z0-9._-], starting with a letter or digit (got ",
                   value.size(), " characters)"));
}

absl::Status CheckText(absl::string_view field, absl::string_view value, bool required) {
  if (value.empty()) {
    return required ? absl::InvalidArgumentError(absl::StrCat(field, ": is required"))
                    : absl::OkStatus();
  }
  if (value.size() > kMaxTextLength) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be at most ", kMaxTextLength,
                                                   " bytes (got ", value.size(), ")"));
  }
  for (unsigned char c : value) {
    if (c < 0x20 || c == 0x7F) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": must not contain control characters"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckRequestId(absl::string_view value) {
  if (value.size() > kMaxRequestIdLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id: must be at most ", kMaxRequestIdLength, " bytes"));
  }
  return CheckText("request_id", value, false);
}

absl::StatusOr<IpPrefix> ParsePrefixField(absl::string_view field, absl::string_view value) {
  absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(value);
  if (!prefix.ok()) {
    // Never echo huge or binary input back: the parser's message quotes at most the prefix.
    std::string message(prefix.status().message());
    if (value.size() > 64 || message.size() > 200) {
      message = absl::StrCat("not a valid prefix (", value.size(), " bytes)");
    }
    for (char& c : message) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
    }
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", message));
  }
  return prefix;
}

absl::StatusOr<uint32_t> ParseAsnField(absl::string_view field, int64_t value) {
  return ValidatePublicAsnField(field, value);
}

absl::StatusOr<PrefixKey> ParseKeyField(absl::string_view field, absl::string_view value) {
  absl::StatusOr<PrefixKey> key = PrefixKey::Parse(value);
  if (!key.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": expected 32 hex digits as xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"));
  }
  return key;
}

}  // namespace pfx
