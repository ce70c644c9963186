// pfxctl: the command-line client for pfxd, one command per RPC (see commands.cc).
//   pfxctl [--server HOST:PORT] [--output table|json] <resource> <verb> [--field value ...]
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/notification.h"
#include "cli/bmp_replay.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/request_builder.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "pfx/v1/validation.grpc.pb.h"

namespace pfx::cli {
namespace {

struct Options {
  std::string server = "127.0.0.1:50051";
  OutputFormat format = OutputFormat::kTable;
  int timeout_seconds = 30;
};

void Usage() {
  std::cerr << "usage: pfxctl [--server HOST:PORT] [--output table|json] <command> [--field value "
               "...]\n\n"
               "commands:\n";
  for (const Command& c : Commands()) {
    std::cerr << "  " << c.words << std::string(c.words.size() < 30 ? 30 - c.words.size() : 1, ' ')
              << c.help << "\n";
  }
  std::cerr
      << "  bmp-replay FILE               --to HOST:PORT (plays an MRT file as a BMP router)\n";
  std::cerr << "\nFlags name request fields (dashes for underscores); --json/--file merge JSON.\n"
               "PFXD_SERVER sets the default server.\n";
}

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

int CallUnary(const Options& o, const std::shared_ptr<grpc::Channel>& channel, const Command& c,
              const google::protobuf::Message& request, google::protobuf::Message& reply) {
  grpc::GenericStub stub(channel);
  std::string bytes = request.SerializeAsString();
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer reply_buffer;
  grpc::Status status;
  absl::Notification done;
  auto ctx = Context(o, false);
  stub.UnaryCall(ctx.get(), absl::StrCat("/", c.service, "/", c.method), grpc::StubOptions(),
                 &request_buffer, &reply_buffer, [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  done.WaitForNotification();
  if (!status.ok()) return Fail(status);
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
  return s.ok() ? 0 : Fail(s);
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
  return s.ok() ? 0 : Fail(s);
}

int Run(int argc, char** argv) {
  Options o;
  if (const char* env = getenv("PFXD_SERVER"); env != nullptr && *env) o.server = env;
  std::vector<std::string> words;
  FlagList flags;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help" || a == "help") {
      Usage();
      return 0;
    }
    if (!absl::StartsWith(a, "--")) {
      if (!flags.empty()) {
        std::cerr << "error: '" << a << "' follows the flags; put command words first\n";
        return 2;
      }
      words.push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < argc && !absl::StartsWith(argv[i + 1], "--")) {
      value = argv[++i];
    } else {
      value = "true";  // a flag without a value: a boolean (--force, --dry-run)
    }
    if (name == "server")
      o.server = value;
    else if (name == "output") {
      if (value != "json" && value != "table") {
        std::cerr << "error: --output: expected table or json\n";
        return 2;
      }
      o.format = value == "json" ? OutputFormat::kJson : OutputFormat::kTable;
    } else if (name == "timeout")
      o.timeout_seconds = std::atoi(value.c_str());
    else
      flags.emplace_back(name, value);
  }
  if (words.size() == 2 && words[0] == "bmp-replay") {
    std::string to;
    for (const auto& [name, value] : flags) {
      if (name == "to") to = value;
    }
    if (to.empty()) {
      std::cerr << "error: bmp-replay needs --to HOST:PORT\n";
      return 2;
    }
    absl::StatusOr<ReplayStats> stats = BmpReplay(words[1], to);
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
  size_t consumed = 0;
  const Command* c = FindCommand(words, &consumed);
  if (c == nullptr || consumed != words.size()) {
    if (!words.empty())
      std::cerr << "error: unknown command '" << absl::StrJoin(words, " ") << "'\n\n";
    Usage();
    return 2;
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
  // explain --dry-run: the flags describe a candidate (a registered prefix on --peering-name, or
  // a peering service prefix of --provider-asn) instead of a stored target.
  google::protobuf::Message* fill = request.get();
  if (c->method == "Explain") {
    auto dry = std::find_if(flags.begin(), flags.end(),
                            [](const auto& f) { return f.first == "dry-run"; });
    if (dry != flags.end()) {
      bool service = std::any_of(flags.begin(), flags.end(),
                                 [](const auto& f) { return f.first == "provider-asn"; });
      flags.erase(dry);
      auto* explain = static_cast<v1::ExplainRequest*>(request.get());
      fill = service ? static_cast<google::protobuf::Message*>(
                           explain->mutable_peering_service_prefix_candidate())
                     : explain->mutable_registered_prefix_candidate();
    }
  }
  if (absl::Status s = BuildRequest(flags, *fill); !s.ok()) {
    std::cerr << "error: " << s.message() << "\n";
    return 2;
  }
  auto channel = grpc::CreateChannel(o.server, grpc::InsecureChannelCredentials());
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
