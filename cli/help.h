// File: help.h
// -----------------------------------------------------------------------------
// pfxctl's help, all generated from the command table (commands.h) and the request
// descriptors (request_builder.h FlagsOf), so help, completion and the flags that are
// accepted cannot drift apart:
//   Usage()              every command, grouped by resource;
//   NextWords(words)     the verbs (or sub-resources) that may follow `words` ("peering");
//   CommandHelp(c)       one command: its RPC, its flags with their values, examples;
//   BashCompletion()     a bash completion script (`source <(pfxctl completion bash)`).

#ifndef PFX_CLI_HELP_H_
#define PFX_CLI_HELP_H_

#include <string>
#include <vector>

#include "cli/commands.h"

namespace pfx::cli {

std::string Usage();
std::vector<std::string> NextWords(const std::vector<std::string>& words);
std::string CommandHelp(const Command& command);
std::string BashCompletion();

}  // namespace pfx::cli

#endif  // PFX_CLI_HELP_H_
