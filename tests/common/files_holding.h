// File: files_holding.h
// -----------------------------------------------------------------------------
// FilesHolding: which files under a directory hold any of some byte strings (the keys-at-rest
// tests search a data dir, WAL and table files included, for every prefix key issued).

#ifndef PFX_TESTS_COMMON_FILES_HOLDING_H_
#define PFX_TESTS_COMMON_FILES_HOLDING_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace pfx {

// "FILE holds NEEDLE" for each file under `dir` (recursively) and each needle in its bytes.
inline std::vector<std::string> FilesHolding(const std::string& dir,
                                             const std::vector<std::string>& needles) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const std::string& needle : needles) {
      if (bytes.find(needle) != std::string::npos) {
        found.push_back(entry.path().filename().string() + " holds " + needle);
      }
    }
  }
  return found;
}

}  // namespace pfx

#endif  // PFX_TESTS_COMMON_FILES_HOLDING_H_
