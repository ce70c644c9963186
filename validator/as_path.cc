#include "validator/as_path.h"

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "validator/asn.h"

namespace pfx {
namespace {

bool IsDelimiter(char c) { return c == ' ' || c == ',' || c == '\t'; }

}  // namespace

absl::StatusOr<AsPath> AsPath::Parse(absl::string_view text) {
  std::vector<AsPathSegment> segments;
  AsPathSegment* open_group = nullptr;
  char closer = 0;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (IsDelimiter(c)) {
      ++i;
      continue;
    }
    if (c == '{' || c == '(' || c == '[') {
      if (open_group != nullptr) {
        return absl::InvalidArgumentError(
            absl::StrCat("as_path: nested '", std::string(1, c), "' at offset ", i));
      }
      SegmentType type = c == '{'   ? SegmentType::kSet
                         : c == '(' ? SegmentType::kConfedSequence
                                    : SegmentType::kConfedSet;
      closer = c == '{' ? '}' : c == '(' ? ')' : ']';
      segments.push_back({type, {}});
      open_group = &segments.back();
      ++i;
      continue;
    }
    if (c == '}' || c == ')' || c == ']') {
      if (open_group == nullptr || c != closer) {
        return absl::InvalidArgumentError(
            absl::StrCat("as_path: unexpected '", std::string(1, c), "' at offset ", i));
      }
      if (open_group->asns.empty()) {
        return absl::InvalidArgumentError(absl::StrCat("as_path: empty group at offset ", i));
      }
      open_group = nullptr;
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && text[end] >= '0' && text[end] <= '9') ++end;
    uint32_t asn = 0;
    if (end == i || end - i > 10 || !absl::SimpleAtoi(text.substr(i, end - i), &asn)) {
      return absl::InvalidArgumentError(
          absl::StrCat("as_path: expected an ASN (0..4294967295) at offset ", i));
    }
    if (open_group != nullptr) {
      open_group->asns.push_back(asn);
    } else {
      if (segments.empty() || segments.back().type != SegmentType::kSequence) {
        segments.push_back({SegmentType::kSequence, {}});
      }
      segments.back().asns.push_back(asn);
    }
    i = end;
  }
  if (open_group != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("as_path: missing '", std::string(1, closer), "'"));
  }
  return AsPath(std::move(segments));
}

int AsPath::Length() const {
  int length = 0;
  for (const AsPathSegment& s : segments_) {
    if (s.type == SegmentType::kSequence) length += static_cast<int>(s.asns.size());
    if (s.type == SegmentType::kSet) length += 1;
  }
  return length;
}

std::optional<uint32_t> AsPath::Origin() const {
  for (auto it = segments_.rbegin(); it != segments_.rend(); ++it) {
    if (it->type == SegmentType::kConfedSequence || it->type == SegmentType::kConfedSet) continue;
    if (it->type == SegmentType::kSequence && !it->asns.empty()) return it->asns.back();
    return std::nullopt;
  }
  return std::nullopt;
}

std::string AsPath::ToString() const {
  std::vector<std::string> parts;
  for (const AsPathSegment& s : segments_) {
    switch (s.type) {
      case SegmentType::kSequence:
        parts.push_back(absl::StrJoin(s.asns, " "));
        break;
      case SegmentType::kSet:
        parts.push_back(absl::StrCat("{", absl::StrJoin(s.asns, ","), "}"));
        break;
      case SegmentType::kConfedSequence:
        parts.push_back(absl::StrCat("(", absl::StrJoin(s.asns, " "), ")"));
        break;
      case SegmentType::kConfedSet:
        parts.push_back(absl::StrCat("[", absl::StrJoin(s.asns, " "), "]"));
        break;
    }
  }
  return absl::StrJoin(parts, " ");
}

AsPathVerdict CheckAsPath(const AsPath& path) {
  AsPathVerdict verdict;
  for (const AsPathSegment& s : path.segments()) {
    for (uint32_t asn : s.asns) {
      AsnVerdict v = ClassifyAsn(asn);
      if (v.asn_class != AsnClass::kPublic) {
        return {false,
                absl::StrCat("AS path ", path.ToString(), " contains AS", asn, " in ", v.range),
                true};
      }
    }
  }
  absl::flat_hash_set<uint32_t> seen;
  for (const AsPathSegment& s : path.segments()) {
    for (uint32_t asn : s.asns) {
      if (!seen.insert(asn).second) {
        return {false,
                absl::StrCat("AS path ", path.ToString(), " repeats AS", asn, " (prepending)"),
                false};
      }
    }
  }
  if (path.Length() > kMaxAsPathLength) {
    return {false,
            absl::StrCat("AS path ", path.ToString(), " has length ", path.Length(), ", more than ",
                         kMaxAsPathLength),
            false};
  }
  return verdict;
}

}  // namespace pfx
