#include "feed/rpki_json.h"

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "feed/file_reader.h"
#include "nlohmann/json.hpp"

namespace pfx {
namespace {

using Json = nlohmann::json;

absl::StatusOr<uint32_t> ParseAsn(const Json& value) {
  if (value.is_number_unsigned()) {
    uint64_t n = value.get<uint64_t>();
    if (n <= std::numeric_limits<uint32_t>::max()) return static_cast<uint32_t>(n);
  } else if (value.is_string()) {
    absl::string_view text = value.get_ref<const std::string&>();
    if (absl::StartsWithIgnoreCase(text, "AS")) text.remove_prefix(2);
    uint32_t n = 0;
    if (!text.empty() && text[0] != '-' && text[0] != '+' && absl::SimpleAtoi(text, &n)) return n;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("asn ", value.dump(), " is not an AS number in 0..4294967295 (13335 or \"AS13335\")"));
}

absl::StatusOr<Vrp> ParseRoa(const Json& roa) {
  if (!roa.is_object()) return absl::InvalidArgumentError("is not an object");
  Vrp vrp;
  auto prefix_it = roa.find("prefix");
  if (prefix_it == roa.end() || !prefix_it->is_string()) {
    return absl::InvalidArgumentError("prefix is missing or not a string");
  }
  absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(prefix_it->get_ref<const std::string&>());
  if (!prefix.ok()) return absl::InvalidArgumentError(absl::StrCat("prefix: ", prefix.status().message()));
  vrp.prefix = *prefix;
  auto asn_it = roa.find("asn");
  if (asn_it == roa.end()) return absl::InvalidArgumentError("asn is missing");
  absl::StatusOr<uint32_t> asn = ParseAsn(*asn_it);
  if (!asn.ok()) return asn.status();
  vrp.asn = *asn;
  int max_length = vrp.prefix.length();
  if (auto it = roa.find("maxLength"); it != roa.end()) {
    if (!it->is_number_integer()) return absl::InvalidArgumentError("maxLength is not an integer");
    int64_t n = it->get<int64_t>();
    const int width = vrp.prefix.address().bit_width();
    if (n < vrp.prefix.length() || n > width) {
      return absl::InvalidArgumentError(absl::StrCat("maxLength ", n, " is outside ",
                                                     vrp.prefix.length(), "..", width,
                                                     " (the prefix length up to the family's width)"));
    }
    max_length = static_cast<int>(n);
  }
  vrp.max_length = static_cast<uint8_t>(max_length);
  if (auto it = roa.find("ta"); it != roa.end() && it->is_string()) {
    vrp.trust_anchor = it->get<std::string>();
  }
  return vrp;
}

}  // namespace

absl::StatusOr<std::vector<Vrp>> ParseVrpJson(absl::string_view json, absl::string_view name) {
  Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": not valid JSON"));
  }
  auto roas = doc.is_object() ? doc.find("roas") : doc.end();
  if (!doc.is_object() || roas == doc.end() || !roas->is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, ": no \"roas\" array (expected rpki-client's JSON: {\"roas\": [...]})"));
  }
  std::vector<Vrp> out;
  out.reserve(roas->size());
  for (size_t i = 0; i < roas->size(); ++i) {
    absl::StatusOr<Vrp> vrp = ParseRoa((*roas)[i]);
    if (!vrp.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": roas[", i, "]: ", vrp.status().message()));
    }
    out.push_back(std::move(*vrp));
  }
  return out;
}

absl::StatusOr<std::vector<Vrp>> LoadVrpJson(const std::string& path) {
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(path);
  if (!reader.ok()) return reader.status();
  std::string text;
  std::vector<char> buffer(1 << 16);
  while (true) {
    absl::StatusOr<size_t> n = (*reader)->Read(absl::MakeSpan(buffer));
    if (!n.ok()) return absl::Status(n.status().code(), absl::StrCat(path, ": ", n.status().message()));
    if (*n == 0) break;
    text.append(buffer.data(), *n);
  }
  return ParseVrpJson(text, path);
}

}  // namespace pfx
