// File: log.h
// -----------------------------------------------------------------------------
// Minimal leveled logging to stderr, one line per message, in one of two formats:
//   text (default)  2026-11-25T13:00:00.123Z I file.cc:42] message key=value ...
//   json            {"time":"2026-11-25T13:00:00.123Z","level":"info","source":"file.cc:42",
//                    "message":"...","key":"value",...}
// Structured fields (LogFields) carry what log pipelines filter on: rpc, request_id, caller,
// status, latency_ms. Abseil's logging library is newer than Debian 12's abseil, so pfxd
// carries this one. Thread-safe: each message is written with one write(2).

#ifndef PFX_BASE_LOG_H_
#define PFX_BASE_LOG_H_

#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace pfx {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

enum class LogFormat { kText, kJson };

void SetMinLogLevel(LogLevel level);
bool ParseLogLevel(absl::string_view text, LogLevel* level);
void SetLogFormat(LogFormat format);
bool ParseLogFormat(absl::string_view text, LogFormat* format);  // "text" or "json"

// Named values logged with a message: strings, or numbers written bare in JSON.
struct LogField {
  std::string key;
  std::string value;
  bool number = false;
};
using LogFields = std::vector<LogField>;

// `text` as the inside of a JSON string (quotes, backslashes and control characters escaped).
std::string JsonEscape(absl::string_view text);

class LogMessage {
 public:
  LogMessage(LogLevel level, const char* file, int line, LogFields fields = {});
  ~LogMessage();
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  const char* file_;
  int line_;
  LogFields fields_;
  std::ostringstream stream_;  // the message
};

bool LogEnabled(LogLevel level);

}  // namespace pfx

#define PFX_LOG(level)                                 \
  if (!::pfx::LogEnabled(::pfx::LogLevel::k##level)) { \
  } else                                               \
    ::pfx::LogMessage(::pfx::LogLevel::k##level, __FILE__, __LINE__).stream()

// PFX_LOG with structured fields: PFX_LOG_FIELDS(Info, {{"rpc", name}}) << "message".
#define PFX_LOG_FIELDS(level, ...)                     \
  if (!::pfx::LogEnabled(::pfx::LogLevel::k##level)) { \
  } else                                               \
    ::pfx::LogMessage(::pfx::LogLevel::k##level, __FILE__, __LINE__, __VA_ARGS__).stream()

#endif  // PFX_BASE_LOG_H_
