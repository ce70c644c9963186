#include "feed/rpsl_loader.h"

#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/log.h"
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

bool IsRouteClass(absl::string_view cls) { return cls == "route" || cls == "route6"; }

// Builds one object at a time from its lines. Only route/route6 objects are held, up to
// kMaxRpslObjectBytes; other classes are counted from their first attribute and their lines
// dropped.
class ObjectBuilder {
 public:
  ObjectBuilder(IrrIndex& index, RpslLoadStats& stats) : index_(index), stats_(stats) {}

  // `offset`: where the line starts in the text.
  void Line(absl::string_view line, uint64_t offset) {
    if (line.empty() || absl::StripAsciiWhitespace(line).empty()) {
      Finish();
      return;
    }
    char first = line.front();
    if (first == '#' || first == '%') return;
    Start(offset);
    bytes_ += line.size() + 1;
    if (dropping_) return;
    if (bytes_ > kMaxRpslObjectBytes) {
      return Oversized(absl::StrCat("is larger than ", kMaxRpslObjectBytes, " bytes"));
    }
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
    if (attributes_.size() == 1 && !IsRouteClass(attributes_.front().name)) {
      other_class_ = dropping_ = true;  // counted at its end, its other lines dropped
      attributes_.clear();
    }
  }

  // A line longer than kMaxRpslLineBytes, of which `head` is the start.
  void OverlongLine(absl::string_view head, uint64_t offset) {
    if (head.front() == '#' || head.front() == '%') return;
    Start(offset);
    if (dropping_) return;
    Oversized(absl::StrCat("has a line longer than ", kMaxRpslLineBytes, " bytes"));
  }

  // The end of an object (a blank line, or the end of the text).
  void Finish() {
    if (!oversized_.empty()) {
      ++stats_.objects;
      Malformed(absl::StrCat("object at offset ", start_, " ", oversized_));
    } else if (other_class_) {
      ++stats_.objects;
    } else if (!attributes_.empty()) {
      ++stats_.objects;
      if (IsRouteClass(attributes_.front().name)) AddRoute();
    }
    Reset();
  }

  // The text is damaged: the object in progress may be cut, so it is dropped.
  void Abandon() { Reset(); }

  bool in_object() const { return started_; }
  uint64_t object_start() const { return start_; }

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

  void Start(uint64_t offset) {
    if (started_) return;
    started_ = true;
    start_ = offset;
    bytes_ = 0;
  }

  void Oversized(std::string why) {
    oversized_ = std::move(why);
    dropping_ = true;
    attributes_.clear();
    attributes_.shrink_to_fit();
  }

  void Reset() {
    attributes_.clear();
    started_ = other_class_ = dropping_ = false;
    oversized_.clear();
  }

  IrrIndex& index_;
  RpslLoadStats& stats_;
  std::vector<Attribute> attributes_;
  bool started_ = false;      // a line of the object has been seen
  uint64_t start_ = 0;        // offset of its first line
  size_t bytes_ = 0;          // its size so far
  bool other_class_ = false;  // not route/route6
  std::string oversized_;     // why the object is too big, if it is
  bool dropping_ = false;     // its lines are not held: another class, or oversized
};

// Hands the complete lines at the front of `data` (at `offset` in the text) to `builder` and
// returns the bytes they took; a line longer than kMaxRpslLineBytes goes as OverlongLine.
size_t ConsumeLines(absl::string_view data, uint64_t offset, ObjectBuilder& builder) {
  size_t start = 0;
  while (start < data.size()) {
    size_t end = data.find('\n', start);
    if (end == absl::string_view::npos) break;
    absl::string_view line = data.substr(start, end - start);
    if (line.size() >= kMaxRpslLineBytes) {
      builder.OverlongLine(line, offset + start);
    } else {
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      builder.Line(line, offset + start);
    }
    start = end + 1;
  }
  return start;
}

}  // namespace

RpslLoadStats LoadRpsl(absl::string_view text, IrrIndex& index) {
  RpslLoadStats stats;
  ObjectBuilder builder(index, stats);
  size_t used = ConsumeLines(text, 0, builder);
  if (used < text.size()) {  // a last line without a newline
    ConsumeLines(absl::StrCat(text.substr(used), "\n"), used, builder);
  }
  builder.Finish();
  stats.bytes = text.size();
  return stats;
}

RpslLoadStats LoadRpslStream(ByteSource& source, IrrIndex& index) {
  RpslLoadStats stats;
  ObjectBuilder builder(index, stats);
  std::vector<char> buffer(kMaxRpslLineBytes);
  size_t filled = 0;      // buffer[0, filled): the start of a line
  uint64_t offset = 0;    // of buffer[0] in the text
  bool overlong = false;  // inside a line longer than the buffer, being skipped
  while (true) {
    absl::StatusOr<size_t> n =
        source.Read(absl::MakeSpan(buffer.data() + filled, buffer.size() - filled));
    if (!n.ok()) {
      // The object in progress, or the line that would have started one.
      const bool in_object = builder.in_object() || (filled > 0 && !overlong);
      stats.damaged = true;
      stats.damage_offset = builder.in_object() ? builder.object_start() : offset;
      stats.damage_message =
          absl::StrCat(in_object ? "the object" : "the text", " at offset ", stats.damage_offset,
                       " cannot be read: ", n.status().message());
      builder.Abandon();
      break;
    }
    if (*n == 0) {
      if (filled > 0 && !overlong) {  // a last line without a newline
        buffer.resize(filled);
        buffer.push_back('\n');
        ConsumeLines(absl::string_view(buffer.data(), buffer.size()), offset, builder);
      }
      builder.Finish();
      break;
    }
    stats.bytes += *n;
    filled += *n;
    absl::string_view data(buffer.data(), filled);
    size_t used = 0;
    if (overlong) {
      size_t end = data.find('\n');
      used = end == absl::string_view::npos ? filled : end + 1;
      overlong = end == absl::string_view::npos;
    }
    used += ConsumeLines(data.substr(used), offset + used, builder);
    if (used == 0 && filled == buffer.size()) {  // no newline in a full buffer
      builder.OverlongLine(data, offset);
      overlong = true;
      used = filled;
    }
    std::memmove(buffer.data(), buffer.data() + used, filled - used);
    filled -= used;
    offset += used;
  }
  return stats;
}

absl::StatusOr<RpslLoadStats> LoadRpslFile(const std::string& path, IrrIndex& index) {
  absl::StatusOr<std::unique_ptr<FeedFileReader>> reader = FeedFileReader::Open(path);
  if (!reader.ok()) return reader.status();
  RpslLoadStats stats = LoadRpslStream(**reader, index);
  if (stats.damaged) {
    PFX_LOG(Warning) << "IRR " << path << " is damaged: " << stats.damage_message << "; the "
                     << stats.objects << " objects before it are loaded (" << stats.added
                     << " route objects added), the rest of the file is not";
  }
  if (!(*reader)->notice().empty()) {
    PFX_LOG(Warning) << "IRR " << (*reader)->notice();
  }
  return stats;
}

}  // namespace pfx
