// File: rpki_json.h
// -----------------------------------------------------------------------------
// LoadVrpJson: validated ROA payloads from an rpki-client JSON file (plain, .gz or .bz2), the
// layout rpki-client, Routinator (--format json) and stayrtr's caches share:
//   {"metadata": {...}, "roas": [{"asn": 13335, "prefix": "1.1.1.0/24", "maxLength": 24,
//                                 "ta": "apnic"}, ...]}
// "asn" may be a number or "AS13335"; "maxLength" absent means the prefix length; "ta" is
// optional. Parsed with nlohmann::json (Debian nlohmann-json3-dev).
// A file that is not that shape, or any entry that breaks a rule (prefix does not parse, host
// bits set, AS outside 0..4294967295, maxLength shorter than the prefix or longer than the
// family allows), fails the whole load with an error naming the file, the entry's index and
// the field: a reload must never swap in half a table.
// Thread-safe: no shared state.

#ifndef PFX_FEED_RPKI_JSON_H_
#define PFX_FEED_RPKI_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "validator/vrp_index.h"

namespace pfx {

absl::StatusOr<std::vector<Vrp>> ParseVrpJson(absl::string_view json, absl::string_view name);
absl::StatusOr<std::vector<Vrp>> LoadVrpJson(const std::string& path);

}  // namespace pfx

#endif  // PFX_FEED_RPKI_JSON_H_
