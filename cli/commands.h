// File: commands.h
// -----------------------------------------------------------------------------
// pfxctl's command table: "<resource> <verb>" (shaped like `az peering`) -> gRPC method.

#ifndef PFX_CLI_COMMANDS_H_
#define PFX_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace pfx::cli {

struct Command {
  std::string words;    // "registered-prefix create"
  std::string service;  // "pfx.v1.Registrations"
  std::string method;   // "CreateRegisteredPrefix"
  std::string summary;  // one line: what it does
  std::string example;  // the flags of a typical call
};

const std::vector<Command>& Commands();
// Makes sure every pfx.v1 file is in the generated descriptor pool (call before lookups).
void LinkDescriptors();
// Longest command whose words prefix `args`; sets *consumed to the number of words used.
const Command* FindCommand(const std::vector<std::string>& args, size_t* consumed);

}  // namespace pfx::cli

#endif  // PFX_CLI_COMMANDS_H_
