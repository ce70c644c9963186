#include "cli/help.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/request_builder.h"
#include "google/protobuf/descriptor.h"

namespace pfx::cli {
namespace {

constexpr char kGlobalFlags[] =
    "Global flags (before or after the command):\n"
    "  --server HOST:PORT     pfxd to talk to (default $PFXD_SERVER, else 127.0.0.1:50051)\n"
    "  --output table|json    json: the reply as JSON; streams print one object per line\n"
    "  --timeout SECONDS      deadline of a unary call, 1-3600 (default 30)\n"
    "  --tls-ca FILE          TLS: the CA of pfxd's certificate (default $PFXCTL_TLS_CA)\n"
    "  --tls-cert FILE        TLS: this client's certificate, whose role pfxd checks\n"
    "                         (default $PFXCTL_TLS_CERT)\n"
    "  --tls-key FILE         TLS: the certificate's key (default $PFXCTL_TLS_KEY)\n"
    "  --tls-server-name NAME TLS: the name pfxd's certificate must hold, when it is not the\n"
    "                         --server host (default $PFXCTL_TLS_SERVER_NAME)\n"
    "  --help, --version\n";

const google::protobuf::Descriptor* RequestOf(const Command& c) {
  LinkDescriptors();
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      absl::StrCat(c.service, ".", c.method));
  return method == nullptr ? nullptr : method->input_type();
}

std::string Pad(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

// Flags of `c` for help and completion: the request's, plus --json/--file and the extras.
std::vector<FlagInfo> AllFlags(const Command& c) {
  std::vector<FlagInfo> flags;
  if (c.method == "Explain") flags.push_back({"dry-run", "", {}, false});
  if (const auto* request = RequestOf(c); request != nullptr) {
    for (FlagInfo& f : FlagsOf(request)) flags.push_back(std::move(f));
  }
  flags.push_back({"json", "'{...}'", {}, false});
  flags.push_back({"file", "FILE.json", {}, false});
  return flags;
}

}  // namespace

std::string Usage() {
  std::string out =
      "pfxctl: the command-line client of pfxd (one command per pfx.v1 RPC)\n\n"
      "usage: pfxctl [global flags] <command> [--field value ...]\n"
      "       pfxctl <command> --help     flags of one command\n\n"
      "Commands:\n";
  std::string resource;
  for (const Command& c : Commands()) {
    std::string first = c.words.substr(0, c.words.find(' '));
    if (first != resource && !resource.empty()) absl::StrAppend(&out, "\n");
    resource = first;
    absl::StrAppend(&out, "  ", Pad(c.words, 32), c.summary, "\n");
  }
  absl::StrAppend(&out, "\n  ", Pad("health [SERVICE]", 32),
                  "grpc.health.v1 Check: prints SERVING or NOT_SERVING, exit 0 only when "
                  "SERVING\n",
                  "  ", Pad("bmp-replay FILE --to HOST:PORT", 32),
                  "play an MRT file to a BMP station as a router would\n", "  ",
                  Pad("completion bash", 32), "print a bash completion script\n\n", kGlobalFlags,
                  "\nFlags name request fields (dashes for underscores; enums by short name, "
                  "lists comma-separated).\n");
  return out;
}

std::vector<std::string> NextWords(const std::vector<std::string>& words) {
  std::vector<std::string> next;
  for (const Command& c : Commands()) {
    std::vector<std::string> cw = absl::StrSplit(c.words, ' ');
    if (cw.size() <= words.size() || !std::equal(words.begin(), words.end(), cw.begin())) continue;
    const std::string& word = cw[words.size()];
    if (std::find(next.begin(), next.end(), word) == next.end()) next.push_back(word);
  }
  if (words.empty()) {
    next.push_back("health");
    next.push_back("bmp-replay");
    next.push_back("completion");
  }
  return next;
}

std::string CommandHelp(const Command& c) {
  std::string out =
      absl::StrCat("pfxctl ", c.words, ": ", c.summary, "\n  RPC ", c.service, ".", c.method,
                   "\n\nExample:\n  pfxctl ", c.words, " ", c.example, "\n\nFlags:\n");
  for (const FlagInfo& f : AllFlags(c)) {
    std::string left = absl::StrCat("--", f.name, f.value.empty() ? "" : " ", f.value);
    std::string note = f.repeated ? "a list: comma-separated" : "";
    if (f.name == "request-id") note = "default: a new UUID, so retries apply once";
    if (f.name == "dry-run") note = "check a prefix that is not registered; store nothing";
    if (f.name == "json" || f.name == "file") note = "the whole request as JSON, merged first";
    absl::StrAppend(&out, "  ", note.empty() ? left : absl::StrCat(Pad(left, 40), note), "\n");
  }
  absl::StrAppend(&out, "\n", kGlobalFlags);
  return out;
}

std::string BashCompletion() {
  std::string cases;
  std::vector<std::vector<std::string>> prefixes = {{}};
  for (const Command& c : Commands()) {
    std::vector<std::string> cw = absl::StrSplit(c.words, ' ');
    for (size_t n = 1; n < cw.size(); ++n) {
      std::vector<std::string> p(cw.begin(), cw.begin() + n);
      if (std::find(prefixes.begin(), prefixes.end(), p) == prefixes.end()) prefixes.push_back(p);
    }
  }
  for (const auto& p : prefixes) {
    std::vector<std::string> next = NextWords(p);
    if (p.empty()) {
      for (const char* g : {"--server", "--output", "--timeout", "--tls-ca", "--tls-cert",
                            "--tls-key", "--tls-server-name", "--help", "--version"})
        next.push_back(g);
    }
    absl::StrAppend(&cases, "    \"", absl::StrJoin(p, " "), "\") opts=\"",
                    absl::StrJoin(next, " "), "\" ;;\n");
  }
  for (const Command& c : Commands()) {
    std::string flags = "--help";
    std::string values;
    for (const FlagInfo& f : AllFlags(c)) {
      absl::StrAppend(&flags, " --", f.name);
      if (!f.enum_values.empty()) {
        absl::StrAppend(&values, "        --", f.name, ") COMPREPLY=($(compgen -W \"",
                        absl::StrJoin(f.enum_values, " "), "\" -- \"$cur\")); return ;;\n");
      }
    }
    absl::StrAppend(&cases, "    \"", c.words, "\")\n      case \"$prev\" in\n", values,
                    "      esac\n      opts=\"", flags, "\" ;;\n");
  }
  return absl::StrCat(
      "# bash completion for pfxctl, generated by `pfxctl completion bash` from its command\n"
      "# table. Use: source <(pfxctl completion bash)\n"
      "_pfxctl() {\n"
      "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n"
      "  local words=() i w\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=\"${COMP_WORDS[i]}\"\n"
      "    case \"$w\" in\n"
      "      --server|--output|--timeout|--tls-ca|--tls-cert|--tls-key|--tls-server-name) "
      "((i++)) ;;\n"
      "      --*) break ;;\n"
      "      *) words+=(\"$w\") ;;\n"
      "    esac\n"
      "  done\n"
      "  case \"$prev\" in\n"
      "    --output) COMPREPLY=($(compgen -W \"table json\" -- \"$cur\")); return ;;\n"
      "    --server|--timeout|--tls-server-name) return ;;\n"
      "    --tls-ca|--tls-cert|--tls-key) COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n"
      "  esac\n"
      "  local opts=\"\"\n"
      "  case \"${words[*]}\" in\n",
      cases,
      "  esac\n"
      "  COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      "}\n"
      "complete -F _pfxctl pfxctl\n");
}

}  // namespace pfx::cli
