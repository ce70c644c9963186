// pfxctl: the command-line client for pfxd, one command per RPC (see commands.cc).
//   pfxctl [--server HOST:PORT] [--output table|json] [--tls-ca F --tls-cert F --tls-key F]
//          [--tls-server-name NAME]
//          <resource> <verb> [--field value ...]
//   pfxctl health [SERVICE]     (cli/health.h: exit 0 only when SERVING)
// Help, completion and suggestions come from the command table and the request descriptors
// (help.h); help goes to stdout, errors to stderr with exit code 2 (usage) or 1 (call).
#include <unistd.h>

#include <array>
#include <cstdio>
#include <iostream>
#include <memory>
#include <random>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "cli/bmp_replay.h"
#include "cli/channel.h"
#include "cli/commands.h"
#include "cli/health.h"
#include "cli/help.h"
#include "cli/output.h"
#include "cli/request_builder.h"
#include "cli/suggest.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "pfx/v1/validation.grpc.pb.h"
#include "pfx_version.h"

namespace pfx::cli {
namespace {

struct Options {
  ChannelOptions channel{.server = "127.0.0.1:50051"};
  OutputFormat format = OutputFormat::kTable;
  int timeout_seconds = 30;
};

constexpr int kMaxAttempts = 4;  // a call that meets UNAVAILABLE is retried (see CallUnary)

std::unique_ptr<grpc::ClientContext> Context(const Options& o, bool streaming) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  if (!streaming) {
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(o.timeout_seconds));
  }
  return ctx;
}

int Fail(const grpc::Status& s) {
  static const char* kCodes[] = {"OK",
                                 "CANCELLED",
                                 "UNKNOWN",
                                 "INVALID_ARGUMENT",
                                 "DEADLINE_EXCEEDED",
                                 "NOT_FOUND",
                                 "ALREADY_EXISTS",
                                 "PERMISSION_DENIED",
                                 "RESOURCE_EXHAUSTED",
                                 "FAILED_PRECONDITION",
                                 "ABORTED",
                                 "OUT_OF_RANGE",
                                 "UNIMPLEMENTED",
                                 "INTERNAL",
                                 "UNAVAILABLE",
                                 "DATA_LOSS",
                                 "UNAUTHENTICATED"};
  int code = s.error_code();
  std::cerr << "error: " << (code >= 0 && code <= 16 ? kCodes[code] : "?") << ": "
            << s.error_message() << "\n";
  return 1;
}

// UNAVAILABLE means no pfxd answered: say where pfxctl looked and how to point it elsewhere.
int FailCall(const Options& o, const grpc::Status& s) {
  int rc = Fail(s);
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE) {
    std::cerr << "hint: no pfxd answered at " << o.channel.server
              << "; point pfxctl at it with --server HOST:PORT or PFXD_SERVER\n";
  }
  return rc;
}

// A random RFC 4122 version-4 UUID: the request_id of a mutation the user gave none, so the
// retries below are applied once (pfxd answers a repeated request_id with the first reply).
std::string NewRequestId() {
  std::array<uint8_t, 16> b{};
  std::random_device random;
  for (uint8_t& byte : b) byte = static_cast<uint8_t>(random());
  b[6] = static_cast<uint8_t>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3F) | 0x80);
  std::string hex =
      absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

// Calls `c` and prints the reply. UNAVAILABLE (pfxd restarting, not up yet) is retried with
// backoff: safe, because every mutation carries a request_id (generated when the user gave
// none) and pfxd applies a request_id once.
int CallUnary(const Options& o, const std::shared_ptr<grpc::Channel>& channel, const Command& c,
              google::protobuf::Message& request, google::protobuf::Message& reply) {
  const auto* id = request.GetDescriptor()->FindFieldByName("request_id");
  if (id != nullptr && request.GetReflection()->GetString(request, id).empty()) {
    request.GetReflection()->SetString(&request, id, NewRequestId());
  }
  grpc::GenericStub stub(channel);
  std::string bytes = request.SerializeAsString();
  grpc::ByteBuffer reply_buffer;
  grpc::Status status;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request_buffer(&slice, 1);
    absl::Notification done;
    auto ctx = Context(o, false);
    stub.UnaryCall(ctx.get(), absl::StrCat("/", c.service, "/", c.method), grpc::StubOptions(),
                   &request_buffer, &reply_buffer, [&](grpc::Status s) {
                     status = std::move(s);
                     done.Notify();
                   });
    done.WaitForNotification();
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE || attempt == kMaxAttempts) break;
    absl::SleepFor(absl::Milliseconds(200) * (1 << (attempt - 1)));
  }
  if (!status.ok()) return FailCall(o, status);
  std::vector<grpc::Slice> slices;
  (void)reply_buffer.Dump(&slices);
  std::string out;
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  if (!reply.ParseFromString(out)) {
    std::cerr << "error: reply does not parse as " << reply.GetDescriptor()->full_name() << "\n";
    return 1;
  }
  std::cout << Render(reply, o.format);
  return 0;
}

std::string ProgressLine(const v1::RevalidateResponse& p) {
  constexpr int kWidth = 30;
  int filled = p.total() == 0 ? kWidth : static_cast<int>(kWidth * p.done() / p.total());
  std::string line = absl::StrCat("[", std::string(filled, '#'), std::string(kWidth - filled, '.'),
                                  "] ", p.done(), "/", p.total());
  for (const auto& [state, count] : p.states()) {
    absl::StrAppend(&line, " ", absl::StripPrefix(state, "PREFIX_VALIDATION_STATE_"), "=", count);
  }
  return line;
}

int Revalidate(const Options& o, const std::shared_ptr<grpc::Channel>& channel,
               const google::protobuf::Message& request) {
  v1::RevalidateRequest req;
  req.CopyFrom(request);
  auto stub = v1::Validation::NewStub(channel);
  auto ctx = Context(o, true);
  auto reader = stub->Revalidate(ctx.get(), req);
  v1::RevalidateResponse p;
  bool tty = isatty(STDOUT_FILENO);
  while (reader->Read(&p)) {
    if (o.format == OutputFormat::kJson) {
      std::cout << JsonLine(p) << std::flush;
    } else {
      std::cout << (tty ? "\r" : "") << ProgressLine(p) << (tty ? "" : "\n") << std::flush;
    }
  }
  if (tty && o.format == OutputFormat::kTable) std::cout << "\n";
  grpc::Status s = reader->Finish();
  return s.ok() ? 0 : FailCall(o, s);
}

int Watch(const Options& o, const std::shared_ptr<grpc::Channel>& channel,
          const google::protobuf::Message& request) {
  v1::WatchValidationRequest req;
  req.CopyFrom(request);
  auto stub = v1::Validation::NewStub(channel);
  auto ctx = Context(o, true);
  auto reader = stub->WatchValidation(ctx.get(), req);
  v1::WatchValidationResponse message;
  while (reader->Read(&message)) {
    if (o.format == OutputFormat::kJson) {
      std::cout << JsonLine(message) << std::flush;
      continue;
    }
    if (message.has_started()) {
      std::cerr << "watching: every state change from now on is shown (Ctrl-C ends)\n";
      continue;
    }
    const v1::ValidationStateChange& change = message.change();
    const auto* d = change.GetDescriptor();
    std::cout << Cell(change, d->FindFieldByName("timestamp")) << "  " << change.target().parent()
              << "/" << change.target().name() << "  " << change.prefix() << "  "
              << Cell(change, d->FindFieldByName("old_state")) << " -> "
              << Cell(change, d->FindFieldByName("new_state"))
              << (change.error_message().empty() ? "" : "  " + change.error_message()) << "\n"
              << std::flush;
  }
  grpc::Status s = reader->Finish();
  return s.ok() ? 0 : FailCall(o, s);
}

// The command line split into global options, command words and request flags.
struct CommandLine {
  std::vector<std::string> words;
  FlagList flags;
  std::vector<std::string> valueless;  // flags given without a value: booleans only
  bool help = false;
  bool version = false;
};

// Global flags may come anywhere. A flag without a value (last, or followed by another flag)
// is a boolean: --force, --dry-run. Returns 0, or the exit code of a usage error.
int Parse(int argc, char** argv, Options& o, CommandLine& line) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help" || (a == "help" && line.words.empty())) {
      line.help = true;
      continue;
    }
    if (a == "--version") {
      line.version = true;
      continue;
    }
    if (!absl::StartsWith(a, "--")) {
      if (!line.flags.empty()) {
        std::cerr << "error: '" << a << "' follows the flags; put command words first\n";
        return 2;
      }
      line.words.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc && !absl::StartsWith(argv[i + 1], "--")) {
      value = argv[++i];
    } else {
      value = "true";
      line.valueless.push_back(name);
      if (name == "server" || name == "output" || name == "timeout" ||
          absl::StartsWith(name, "tls-")) {
        std::cerr << "error: --" << name << " needs a value\n";
        return 2;
      }
    }
    if (name == "server") {
      o.channel.server = value;
    } else if (name == "tls-ca") {
      o.channel.tls_ca = value;
    } else if (name == "tls-cert") {
      o.channel.tls_cert = value;
    } else if (name == "tls-key") {
      o.channel.tls_key = value;
    } else if (name == "tls-server-name") {
      o.channel.tls_server_name = value;
    } else if (name == "output") {
      if (value != "json" && value != "table") {
        std::cerr << "error: --output: expected table or json, got '" << value << "'\n";
        return 2;
      }
      o.format = value == "json" ? OutputFormat::kJson : OutputFormat::kTable;
    } else if (name == "timeout") {
      if (!absl::SimpleAtoi(value, &o.timeout_seconds) || o.timeout_seconds < 1 ||
          o.timeout_seconds > 3600) {
        std::cerr << "error: --timeout: expected whole seconds from 1 to 3600, got '" << value
                  << "'\n";
        return 2;
      }
    } else {
      line.flags.emplace_back(name, value);
    }
  }
  return 0;
}

int ReplayBmp(const CommandLine& line) {
  std::string to;
  for (const auto& [name, value] : line.flags) {
    if (name == "to") to = value;
  }
  if (line.words.size() != 2 || to.empty()) {
    std::cerr << "usage: pfxctl bmp-replay FILE --to HOST:PORT\n";
    return 2;
  }
  absl::StatusOr<ReplayStats> stats = BmpReplay(line.words[1], to);
  if (!stats.ok()) {
    std::cerr << "error: " << stats.status().message() << "\n";
    return 1;
  }
  std::cout << "sent " << stats->routes << " routes in " << stats->messages << " BMP messages ("
            << stats->bytes << " bytes) in " << stats->seconds
            << " s: " << static_cast<int64_t>(stats->routes / std::max(stats->seconds, 1e-9))
            << " routes/s\n";
  return 0;
}

// `pfxctl health [SERVICE]` (cli/health.h): exit 0 only when SERVING.
int Health(Options& o, const CommandLine& line) {
  if (line.words.size() > 2 || !line.flags.empty()) {
    std::cerr << "usage: pfxctl health [SERVICE]   (exit 0 only when SERVING)\n";
    return 2;
  }
  o.channel.FillFromEnvironment();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel = OpenChannel(o.channel);
  if (!channel.ok()) {
    std::cerr << "error: " << channel.status().message() << "\n";
    return 2;
  }
  const std::string service = line.words.size() == 2 ? line.words[1] : "";
  absl::StatusOr<ServingStatus> status =
      CheckHealth(*channel, service, absl::Seconds(o.timeout_seconds));
  if (!status.ok()) {
    return FailCall(o, grpc::Status(static_cast<grpc::StatusCode>(status.status().code()),
                                    std::string(status.status().message())));
  }
  std::cout << ServingStatusName(*status) << "\n";
  return *status == ServingStatus::kServing ? 0 : 1;
}

// Words that are not a command: the verbs of a resource ("pfxctl peering"), or an error with
// the nearest command word.
int NotACommand(const CommandLine& line, size_t matched) {
  std::vector<std::string> prefix(line.words.begin(), line.words.begin() + matched);
  std::vector<std::string> next = NextWords(prefix);
  if (matched == line.words.size() && !prefix.empty()) {
    std::cout << "pfxctl " << absl::StrJoin(prefix, " ") << " <" << absl::StrJoin(next, "|")
              << "> [--flag value ...]\n\n";
    for (const Command& c : Commands()) {
      if (absl::StartsWith(c.words, absl::StrCat(absl::StrJoin(prefix, " "), " "))) {
        std::cout << "  " << c.words
                  << std::string(c.words.size() < 32 ? 32 - c.words.size() : 1, ' ') << c.summary
                  << "\n";
      }
    }
    std::cout << "\n'pfxctl " << absl::StrJoin(prefix, " ") << " <verb> --help' shows its flags.\n";
    return 0;
  }
  if (line.words.empty()) {
    std::cout << Usage();
    return 0;
  }
  const std::string& wrong = line.words[matched];
  std::optional<std::string> close = Closest(wrong, next);
  std::cerr << "error: unknown command '" << absl::StrJoin(line.words, " ") << "'";
  if (close.has_value()) {
    prefix.push_back(*close);
    prefix.insert(prefix.end(), line.words.begin() + matched + 1, line.words.end());
    std::cerr << "; did you mean '" << absl::StrJoin(prefix, " ") << "'?";
  }
  std::cerr << "\n'pfxctl --help' lists every command.\n";
  return 2;
}

// How many leading words name a command or a group of commands.
size_t MatchedWords(const std::vector<std::string>& words) {
  size_t matched = 0;
  while (matched < words.size()) {
    std::vector<std::string> prefix(words.begin(), words.begin() + matched);
    std::vector<std::string> next = NextWords(prefix);
    if (std::find(next.begin(), next.end(), words[matched]) == next.end()) break;
    ++matched;
  }
  return matched;
}

int Run(int argc, char** argv) {
  Options o;
  if (const char* env = getenv("PFXD_SERVER"); env != nullptr && *env) o.channel.server = env;
  CommandLine line;
  if (int rc = Parse(argc, argv, o, line); rc != 0) return rc;
  if (line.version) {
    std::cout << "pfxctl " << PFX_VERSION_STRING << "\n";
    return 0;
  }
  if (!line.words.empty() && line.words[0] == "bmp-replay") return ReplayBmp(line);
  if (!line.words.empty() && line.words[0] == "health") {
    if (!line.help) return Health(o, line);
    std::cout << "pfxctl health [SERVICE]: grpc.health.v1 Check of pfxd (SERVICE empty: the "
                 "whole server)\nprints SERVING, NOT_SERVING or SERVICE_UNKNOWN; exit 0 only "
                 "when SERVING, 1 otherwise or when pfxd does not answer in --timeout\n";
    return 0;
  }
  if (!line.words.empty() && line.words[0] == "completion") {
    if (line.words.size() != 2 || line.words[1] != "bash") {
      std::cerr << "usage: pfxctl completion bash   (then: source <(pfxctl completion bash))\n";
      return 2;
    }
    std::cout << BashCompletion();
    return 0;
  }
  size_t consumed = 0;
  const Command* c = FindCommand(line.words, &consumed);
  if (c == nullptr || consumed != line.words.size()) {
    if (line.help && line.words.empty()) {
      std::cout << Usage();
      return 0;
    }
    return NotACommand(line, MatchedWords(line.words));
  }
  if (line.help) {
    std::cout << CommandHelp(*c);
    return 0;
  }
  LinkDescriptors();
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      absl::StrCat(c->service, ".", c->method));
  if (method == nullptr) {
    std::cerr << "error: internal: no method " << c->service << "." << c->method << "\n";
    return 1;
  }
  std::unique_ptr<google::protobuf::Message> request(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method->input_type())
          ->New());
  // Only a boolean may go without a value: "--name --prefix X" must not name a resource "true".
  for (const std::string& name : line.valueless) {
    if (name == "dry-run") continue;
    for (const FlagInfo& f : FlagsOf(method->input_type())) {
      if (f.name == name && f.value != "true|false") {
        std::cerr << "error: --" << name << " needs a value (" << f.value << ")\n";
        return 2;
      }
    }
  }
  // explain --dry-run: the flags describe a candidate (a registered prefix on --peering-name, or
  // a peering service prefix of --provider-asn) instead of a stored target.
  FlagList flags = line.flags;
  google::protobuf::Message* fill = request.get();
  if (c->method == "Explain") {
    auto dry = std::find_if(flags.begin(), flags.end(),
                            [](const auto& f) { return f.first == "dry-run"; });
    bool dry_run = false;
    if (dry != flags.end()) {
      if (!absl::SimpleAtob(dry->second, &dry_run)) {
        std::cerr << "error: --dry-run: expected true or false, got '" << dry->second << "'\n";
        return 2;
      }
      flags.erase(dry);
    }
    if (dry_run) {
      bool service = std::any_of(flags.begin(), flags.end(),
                                 [](const auto& f) { return f.first == "provider-asn"; });
      auto* explain = static_cast<v1::ExplainRequest*>(request.get());
      fill = service ? static_cast<google::protobuf::Message*>(
                           explain->mutable_peering_service_prefix_candidate())
                     : explain->mutable_registered_prefix_candidate();
    }
  }
  if (absl::Status s = BuildRequest(flags, *fill); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n'pfxctl " << c->words
              << " --help' lists its flags.\n";
    return 2;
  }
  o.channel.FillFromEnvironment();
  absl::StatusOr<std::shared_ptr<grpc::Channel>> opened = OpenChannel(o.channel);
  if (!opened.ok()) {
    std::cerr << "error: " << opened.status().message() << "\n";
    return 2;
  }
  std::shared_ptr<grpc::Channel> channel = *opened;
  if (c->method == "Revalidate") return Revalidate(o, channel, *request);
  if (c->method == "WatchValidation") return Watch(o, channel, *request);
  std::unique_ptr<google::protobuf::Message> reply(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(method->output_type())
          ->New());
  return CallUnary(o, channel, *c, *request, *reply);
}

}  // namespace
}  // namespace pfx::cli

int main(int argc, char** argv) { return pfx::cli::Run(argc, argv); }
