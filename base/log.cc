#include "base/log.h"

#include <unistd.h>

#include <atomic>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace pfx {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<int> format{static_cast<int>(LogFormat::kText)};

}  // namespace

void SetMinLogLevel(LogLevel level) { min_level = static_cast<int>(level); }

bool LogEnabled(LogLevel level) { return static_cast<int>(level) >= min_level; }

void SetLogFormat(LogFormat f) { format = static_cast<int>(f); }

bool ParseLogFormat(absl::string_view text, LogFormat* f) {
  if (text == "text") {
    *f = LogFormat::kText;
  } else if (text == "json") {
    *f = LogFormat::kJson;
  } else {
    return false;
  }
  return true;
}

std::string JsonEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  std::string t = absl::AsciiStrToLower(text);
  if (t == "debug")
    *level = LogLevel::kDebug;
  else if (t == "info")
    *level = LogLevel::kInfo;
  else if (t == "warning" || t == "warn")
    *level = LogLevel::kWarning;
  else if (t == "error")
    *level = LogLevel::kError;
  else
    return false;
  return true;
}

LogMessage::LogMessage(LogLevel level, const char* file, int line, LogFields fields)
    : level_(level), file_(file), line_(line), fields_(std::move(fields)) {}

LogMessage::~LogMessage() {
  static constexpr char kLetters[] = "DIWE";
  static constexpr const char* kNames[] = {"debug", "info", "warning", "error"};
  const char* base = std::strrchr(file_, '/');
  const char* source = base ? base + 1 : file_;
  const std::string time =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  std::string s;
  if (static_cast<LogFormat>(format.load()) == LogFormat::kJson) {
    s = absl::StrCat("{\"time\":\"", time, "\",\"level\":\"", kNames[static_cast<int>(level_)],
                     "\",\"source\":\"", JsonEscape(source), ":", line_, "\",\"message\":\"",
                     JsonEscape(stream_.str()), "\"");
    for (const LogField& f : fields_) {
      absl::StrAppend(&s, ",\"", JsonEscape(f.key), "\":");
      if (f.number) {
        absl::StrAppend(&s, f.value);
      } else {
        absl::StrAppend(&s, "\"", JsonEscape(f.value), "\"");
      }
    }
    s += "}\n";
  } else {
    s = absl::StrCat(time, " ", std::string(1, kLetters[static_cast<int>(level_)]), " ", source,
                     ":", line_, "] ", stream_.str());
    for (const LogField& f : fields_) absl::StrAppend(&s, " ", f.key, "=", f.value);
    s += '\n';
  }
  ssize_t unused = ::write(STDERR_FILENO, s.data(), s.size());
  (void)unused;
}

}  // namespace pfx
