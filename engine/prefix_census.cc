#include "engine/prefix_census.h"

#include "engine/validation_stats.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace pfx {
namespace {

using google::protobuf::internal::WireFormatLite;

// prefix_validation_state is field 5 of both RegisteredPrefixRecord and
// PeeringServicePrefixRecord (storage/records.proto); anything else is skipped unread.
constexpr int kStateField = 5;

// The state a stored record holds (NONE when absent), or -1 when it does not decode.
int StateOf(absl::string_view record) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(record.data()),
                                            static_cast<int>(record.size()));
  int state = 0;
  while (uint32_t tag = in.ReadTag()) {
    if (WireFormatLite::GetTagFieldNumber(tag) == kStateField &&
        WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_VARINT) {
      uint32_t value = 0;
      if (!in.ReadVarint32(&value)) return -1;
      state = static_cast<int>(value);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return -1;
    }
  }
  return in.ConsumedEntireMessage() ? state : -1;
}

}  // namespace

absl::StatusOr<PrefixCensus> CountPrefixesByState(const Database& db) {
  PrefixCensus census;
  for (const auto& [kind_name, column] : {std::pair{"registered", Column::kRegisteredPrefixes},
                                          std::pair{"service", Column::kServicePrefixes}}) {
    const std::string kind = kind_name;  // a lambda below captures it (not a binding: clang 14)
    for (int s = 0; s < v1::PrefixValidationState_ARRAYSIZE; ++s) {
      if (!v1::PrefixValidationState_IsValid(s) || s == 0) continue;
      census[{kind, ValidationStats::StateName(static_cast<v1::PrefixValidationState>(s))}] = 0;
    }
    absl::Status scanned = db.Scan(column, "", "", [&](absl::string_view, absl::string_view value) {
      const int state = StateOf(value);
      ++census[{kind, state < 0 ? "UNREADABLE"
                                : ValidationStats::StateName(
                                      static_cast<v1::PrefixValidationState>(state))}];
      return true;
    });
    if (!scanned.ok()) return scanned;
  }
  return census;
}

}  // namespace pfx
