// base/: the log line formats (text and JSON) and the fixed-bucket histogram.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "base/histogram.h"
#include "base/log.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pfx {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::StartsWith;

// What `log` writes to stderr, captured through a file.
template <typename F>
std::string CaptureStderr(F log) {
  const std::string path = ::testing::TempDir() + "/base_test_stderr_" + std::to_string(getpid());
  const int saved = dup(STDERR_FILENO);
  const int fd = open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
  dup2(fd, STDERR_FILENO);
  close(fd);
  log();
  dup2(saved, STDERR_FILENO);
  close(saved);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path.c_str());
  return text.str();
}

TEST(LogTest, TextLinesCarryTheFieldsAfterTheMessage) {
  SetLogFormat(LogFormat::kText);
  const std::string line = CaptureStderr([] {
    PFX_LOG_FIELDS(Info, {{"rpc", "pfx.v1.Peerings/GetPeering"}, {"latency_ms", "1.5", true}})
        << "call";
  });
  EXPECT_THAT(line, MatchesRegex("[0-9T:.-]+Z I base_test.cc:[0-9]+\\] call "
                                 "rpc=pfx.v1.Peerings/GetPeering latency_ms=1.5\n"));
}

TEST(LogTest, JsonLinesAreOneObjectWithEscapedStrings) {
  SetLogFormat(LogFormat::kJson);
  const std::string line = CaptureStderr([] {
    PFX_LOG_FIELDS(Warning, {{"request_id", "a\"b"}, {"latency_ms", "2.250", true}})
        << "line one\nsaid \\ \x01";
  });
  SetLogFormat(LogFormat::kText);
  EXPECT_THAT(line, StartsWith("{\"time\":\""));
  EXPECT_THAT(line, HasSubstr("\"level\":\"warning\",\"source\":\"base_test.cc:"));
  EXPECT_THAT(line, HasSubstr("\"message\":\"line one\\nsaid \\\\ \\u0001\""));
  EXPECT_THAT(line, HasSubstr("\"request_id\":\"a\\\"b\",\"latency_ms\":2.250}"));
  EXPECT_THAT(line, EndsWith("}\n"));
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);
}

TEST(LogTest, FormatsParse) {
  LogFormat f;
  EXPECT_TRUE(ParseLogFormat("json", &f));
  EXPECT_EQ(f, LogFormat::kJson);
  EXPECT_TRUE(ParseLogFormat("text", &f));
  EXPECT_EQ(f, LogFormat::kText);
  EXPECT_FALSE(ParseLogFormat("JSON ", &f));
  EXPECT_EQ(JsonEscape("\t\r\x7f"), "\\t\\r\\u007f");
}

TEST(HistogramTest, BucketsAreCumulativeAndTheBoundIsInclusive) {
  Histogram h({1, 2, 5});
  for (double v : {0.5, 1.0, 1.5, 2.0, 4.0, 9.0}) h.Observe(v);
  Histogram::Snapshot s = h.Read();
  EXPECT_THAT(s.cumulative, ::testing::ElementsAre(2, 4, 5));  // <=1: 0.5 1.0; <=2: +1.5 2.0
  EXPECT_EQ(s.count, 6u);                                      // +Inf holds 9.0 too
  EXPECT_DOUBLE_EQ(s.sum, 18.0);
}

}  // namespace
}  // namespace pfx
