// File: suggest.h
// -----------------------------------------------------------------------------
// "Did you mean": the closest of a set of words to a mistyped one, by edit distance
// (Levenshtein), if it is close enough to be a likely typo. Pure functions.

#ifndef PFX_CLI_SUGGEST_H_
#define PFX_CLI_SUGGEST_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pfx::cli {

size_t EditDistance(absl::string_view a, absl::string_view b);
// The candidate nearest to `word`, when at most max(2, |word| / 3) edits away (ties: the first).
std::optional<std::string> Closest(absl::string_view word,
                                   const std::vector<std::string>& candidates);

}  // namespace pfx::cli

#endif  // PFX_CLI_SUGGEST_H_
