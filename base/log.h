// File: log.h
// -----------------------------------------------------------------------------
// Minimal leveled logging to stderr ("2026-11-25T13:00:00.123Z I file.cc:42] message").
// Abseil's logging library is newer than Debian 12's abseil, so pfxd carries this one.
// Thread-safe: each message is written with one write(2).

#ifndef PFX_BASE_LOG_H_
#define PFX_BASE_LOG_H_

#include <sstream>

#include "absl/strings/string_view.h"

namespace pfx {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

void SetMinLogLevel(LogLevel level);
bool ParseLogLevel(absl::string_view text, LogLevel* level);

class LogMessage {
 public:
  LogMessage(LogLevel level, const char* file, int line);
  ~LogMessage();
  std::ostream& stream() { return stream_; }

 private:
  LogLevel level_;
  std::ostringstream stream_;
};

bool LogEnabled(LogLevel level);

}  // namespace pfx

#define PFX_LOG(level)                                 \
  if (!::pfx::LogEnabled(::pfx::LogLevel::k##level)) { \
  } else                                               \
    ::pfx::LogMessage(::pfx::LogLevel::k##level, __FILE__, __LINE__).stream()

#endif  // PFX_BASE_LOG_H_
