#include "storage/keys.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pfx::keys {

std::string Child(absl::string_view parent, absl::string_view name) {
  return absl::StrCat(parent, absl::string_view("\0", 1), name);
}

std::string KeyDigest(absl::string_view prefix_key) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // SHA-256 of a few bytes fails only when libcrypto cannot allocate. No index entry may be
  // made from a wrong digest, and going on without memory is hopeless anyway.
  if (EVP_Digest(prefix_key.data(), prefix_key.size(), digest, &length, EVP_sha256(), nullptr) !=
      1) {
    std::fputs("pfxd: libcrypto could not compute SHA-256; aborting\n", stderr);
    std::abort();
  }
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(digest), length));
}

bool IsKeyDigest(absl::string_view text) {
  if (text.size() != 64) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

std::pair<absl::string_view, absl::string_view> SplitChild(absl::string_view child_key) {
  size_t separator = child_key.find('\0');
  if (separator == absl::string_view::npos) return {absl::string_view(), child_key};
  return {child_key.substr(0, separator), child_key.substr(separator + 1)};
}

std::string Readable(absl::string_view child_key) {
  std::string out(child_key);
  std::replace(out.begin(), out.end(), '\0', '/');
  return out;
}

std::string ChildrenStart(absl::string_view parent) {
  return absl::StrCat(parent, absl::string_view("\0", 1));
}

std::string ChildrenEnd(absl::string_view parent) {
  return absl::StrCat(parent, absl::string_view("\1", 1));
}

std::string Asn(uint32_t asn) { return absl::StrFormat("%08x", asn); }

std::string Request(absl::string_view method, absl::string_view request_id) {
  return Child(method, request_id);
}

std::string Sequence(uint64_t seq) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(seq & 0xFF);
    seq >>= 8;
  }
  return out;
}

uint64_t ParseSequence(absl::string_view key) {
  uint64_t seq = 0;
  if (key.size() < 8) return 0;
  for (char c : key.substr(key.size() - 8)) seq = seq << 8 | static_cast<uint8_t>(c);
  return seq;
}

std::string EventPrefix(char kind, absl::string_view resource_key) {
  return absl::StrCat(absl::string_view(&kind, 1), resource_key, absl::string_view("\0", 1));
}

std::string Event(char kind, absl::string_view resource_key, uint64_t seq) {
  return absl::StrCat(EventPrefix(kind, resource_key), Sequence(seq));
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    if (static_cast<uint8_t>(end.back()) != 0xFF) {
      end.back() = static_cast<char>(static_cast<uint8_t>(end.back()) + 1);
      return end;
    }
    end.pop_back();
  }
  return end;  // empty: no upper bound
}

}  // namespace pfx::keys
