// File: readme_matrix.h
// -----------------------------------------------------------------------------
// Reads the role x RPC matrix from README.md#security, the one statement of who may call what
// that users read: the unit test holds server/access_policy.cc to it, and the e2e security
// test calls every cell of it on a running pfxd.

#ifndef PFX_TESTS_COMMON_README_MATRIX_H_
#define PFX_TESTS_COMMON_README_MATRIX_H_

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace pfx::testing {

inline const std::vector<std::string>& MatrixRoles() {
  static const auto* roles =
      new std::vector<std::string>{"portal", "revalidator", "dashboard", "feed-admin", "ops"};
  return *roles;
}

// "/pfx.v1.Peerings/CreatePeering" -> the roles whose column says "yes". Empty when the
// README has no matrix (the callers assert on its size).
inline std::map<std::string, std::set<std::string>> ReadReadmeMatrix(const std::string& readme) {
  std::map<std::string, std::set<std::string>> matrix;
  std::ifstream in(readme);
  std::string line;
  while (std::getline(in, line)) {
    if (!absl::StartsWith(line, "| `pfx.v1.")) continue;
    std::vector<std::string> cells = absl::StrSplit(line, '|');
    // "", " `pfx.v1.X/Y` ", five role cells, ""
    if (cells.size() != MatrixRoles().size() + 3) continue;
    std::string rpc(absl::StripAsciiWhitespace(cells[1]));
    rpc = std::string(absl::StripSuffix(absl::StripPrefix(rpc, "`"), "`"));
    std::set<std::string>& allowed = matrix["/" + rpc];
    for (size_t i = 0; i < MatrixRoles().size(); ++i) {
      if (absl::StripAsciiWhitespace(cells[i + 2]) == "yes") allowed.insert(MatrixRoles()[i]);
    }
  }
  return matrix;
}

}  // namespace pfx::testing

#endif  // PFX_TESTS_COMMON_README_MATRIX_H_
