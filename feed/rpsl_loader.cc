#include "feed/rpsl_loader.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "feed/file_reader.h"

namespace pfx {
namespace {

struct Attribute {
  std::string name;  // lower case
  std::string value;
};

absl::string_view StripComment(absl::string_view line) {
  size_t hash = line.find('#');
  if (hash != absl::string_view::npos) line = line.substr(0, hash);
  return absl::StripAsciiWhitespace(line);
}

class ObjectBuilder {
 public:
  ObjectBuilder(IrrIndex& index, RpslLoadStats& stats) : index_(index), stats_(stats) {}

  void Line(absl::string_view line) {
    if (line.empty() || absl::StripAsciiWhitespace(line).empty()) {
      Finish();
      return;
    }
    char first = line.front();
    if (first == '#' || first == '%') return;
    if ((first == ' ' || first == '\t' || first == '+') && !attributes_.empty()) {
      absl::string_view more = StripComment(line.substr(1));
      if (!more.empty()) absl::StrAppend(&attributes_.back().value, " ", more);
      return;
    }
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos || colon == 0) return;  // NRTM ADD/DEL, stray text
    absl::string_view name = line.substr(0, colon);
    if (name.find(' ') != absl::string_view::npos) return;
    attributes_.push_back(
        {absl::AsciiStrToLower(name), std::string(StripComment(line.substr(colon + 1)))});
  }

  void Finish() {
    if (attributes_.empty()) return;
    ++stats_.objects;
    const std::string& cls = attributes_.front().name;
    if (cls == "route" || cls == "route6") AddRoute();
    attributes_.clear();
  }

 private:
  const std::string* Find(absl::string_view name) const {
    for (const Attribute& a : attributes_) {
      if (a.name == name) return &a.value;
    }
    return nullptr;
  }

  void Malformed(std::string why) {
    ++stats_.malformed;
    if (stats_.first_error.empty()) stats_.first_error = std::move(why);
  }

  void AddRoute() {
    ++stats_.route_objects;
    const std::string& prefix_text = attributes_.front().value;
    const std::string* origin_text = Find("origin");
    const std::string* source = Find("source");
    absl::StatusOr<IpPrefix> prefix = IpPrefix::Parse(prefix_text);
    if (!prefix.ok()) {
      return Malformed(absl::StrCat("route object ", prefix_text, ": ", prefix.status().message()));
    }
    uint32_t origin = 0;
    if (origin_text == nullptr || origin_text->size() < 3 ||
        !absl::StartsWithIgnoreCase(*origin_text, "AS") ||
        !absl::SimpleAtoi(absl::string_view(*origin_text).substr(2), &origin)) {
      return Malformed(absl::StrCat("route object ", prefix_text, ": bad or missing origin"));
    }
    if (source == nullptr || source->empty()) {
      return Malformed(absl::StrCat("route object ", prefix_text, ": missing source"));
    }
    if (index_.Add(*prefix, origin, *source)) {
      ++stats_.added;
    } else {
      ++stats_.rejected_source;
    }
  }

  IrrIndex& index_;
  RpslLoadStats& stats_;
  std::vector<Attribute> attributes_;
};

}  // namespace

RpslLoadStats LoadRpsl(absl::string_view text, IrrIndex& index) {
  RpslLoadStats stats;
  ObjectBuilder builder(index, stats);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == absl::string_view::npos) end = text.size();
    absl::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    builder.Line(line);
    start = end + 1;
  }
  builder.Finish();
  return stats;
}

absl::StatusOr<RpslLoadStats> LoadRpslFile(const std::string& path, IrrIndex& index) {
  absl::StatusOr<std::string> text = ReadMaybeCompressedFile(path);
  if (!text.ok()) return text.status();
  return LoadRpsl(*text, index);
}

}  // namespace pfx
