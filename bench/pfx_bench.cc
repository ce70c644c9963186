// pfx_bench: in-process measurements for bench/compare.sh, one JSON object per run on stdout.
//   pfx_bench mrt-load FILE...   load MRT files (plain, already decompressed: only parsing and
//                                indexing are timed) into one RouteIndex; RSS before/after.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "feed/file_reader.h"
#include "feed/mrt_loader.h"

namespace {

// Resident set size in bytes, from /proc/self/status.
int64_t RssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      int64_t kb = 0;
      std::string digits;
      for (char c : line) {
        if (c >= '0' && c <= '9') digits.push_back(c);
      }
      (void)absl::SimpleAtoi(digits, &kb);
      return kb * 1024;
    }
  }
  return 0;
}

int MrtLoad(int argc, char** argv) {
  std::vector<std::string> files;
  for (int i = 2; i < argc; ++i) {
    absl::StatusOr<std::string> data = pfx::ReadMaybeCompressedFile(argv[i]);
    if (!data.ok()) {
      std::cerr << data.status() << "\n";
      return 1;
    }
    files.push_back(std::move(*data));
  }
  pfx::RouteIndex index;
  int64_t rss_before = RssBytes();
  absl::Time start = absl::Now();
  size_t announced = 0, withdrawn = 0, records = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    pfx::MrtLoadResult r = pfx::LoadMrtBuffer(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(files[i].data()), files[i].size()),
        absl::StrCat("file", i), index);
    announced += r.announced;
    withdrawn += r.withdrawn;
    records += r.stats.records;
  }
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  int64_t rss_after = RssBytes();
  std::printf(
      "{\"records\": %zu, \"announced\": %zu, \"withdrawn\": %zu, \"routes_in_index\": %zu, "
      "\"attribute_sets\": %zu, \"seconds\": %.4f, \"rss_before\": %lld, \"rss_after\": %lld}\n",
      records, announced, withdrawn, index.route_count(), index.attribute_set_count(), seconds,
      static_cast<long long>(rss_before), static_cast<long long>(rss_after));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::string(argv[1]) == "mrt-load") return MrtLoad(argc, argv);
  std::cerr << "usage: pfx_bench mrt-load FILE...\n";
  return 2;
}
