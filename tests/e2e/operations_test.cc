// Operating pfxd from outside: its Prometheus metrics scraped by a real Prometheus
// (Debian `prometheus`) and checked with promtool, gRPC health per service, and JSON logs.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"
#include "tests/e2e/gobgpd_process.h"  // FreePort

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;

// A real Prometheus on 127.0.0.1 scraping `target` every second; stopped when destroyed.
class PrometheusProcess {
 public:
  explicit PrometheusProcess(const std::string& target) {
    dir_ = absl::StrCat(::testing::TempDir(), "/prometheus_", getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ + "/prometheus.yml")
        << "global:\n  scrape_interval: 1s\n"
        << "scrape_configs:\n  - job_name: pfxd\n"
        << "    static_configs:\n      - targets: ['" << target << "']\n";
    port_ = FreePort();
    CommandResult started = RunCommand(absl::StrCat(
        "prometheus --config.file=", dir_, "/prometheus.yml --storage.tsdb.path=", dir_,
        "/tsdb --web.listen-address=127.0.0.1:", port_, " > ", dir_, "/log 2>&1 & echo $!"));
    absl::SimpleAtoi(absl::StripAsciiWhitespace(started.output), &pid_);
  }
  ~PrometheusProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      WaitFor([&] { return kill(pid_, 0) != 0; }, absl::Seconds(10));
    }
    std::filesystem::remove_all(dir_);
  }
  bool Ready() const {
    return RunCommand(absl::StrCat("curl -sf http://127.0.0.1:", port_, "/-/ready")).exit_code == 0;
  }
  // The value of an instant PromQL query with one result, as text ("" when none).
  std::string Query(const std::string& promql) const {
    CommandResult r =
        RunCommand(absl::StrCat("curl -sf -G http://127.0.0.1:", port_,
                                "/api/v1/query --data-urlencode 'query=", promql, "'"));
    // {"status":"success","data":{"resultType":"vector","result":[{"metric":{...},
    //   "value":[1700000000.1,"3"]}]}}
    size_t value = r.output.find("\"value\":[");
    if (value == std::string::npos) return "";
    size_t open = r.output.find('"', r.output.find(',', value));
    size_t end = r.output.find('"', open + 1);
    return r.output.substr(open + 1, end - open - 1);
  }
  std::string Log() const { return ReadFile(dir_ + "/log"); }

 private:
  std::string dir_;
  int port_ = 0;
  int pid_ = 0;
};

TEST(OperationsTest, PrometheusScrapesPfxdAndCountsTheVerifiedPrefix) {
  const std::string port_file = WriteTempFile("metrics_port", "");
  std::filesystem::remove(port_file);
  const std::string irr = WriteTempFile("ops.rpsl", RouteObjects({{"1.1.1.0/24", 13335}}));
  PfxdProcess pfxd({"--enable_route_injection", "--irr=" + irr, "--debounce_millis=20",
                    "--metrics_listen=127.0.0.1:0", "--metrics_port_file=" + port_file});
  ASSERT_TRUE(pfxd.Start());
  ASSERT_TRUE(WaitFor([&] { return !ReadFile(port_file).empty(); }));
  const std::string target =
      absl::StrCat("127.0.0.1:", absl::StripAsciiWhitespace(ReadFile(port_file)));

  ASSERT_TRUE(CreateActivePeering(pfxd, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                    {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                     {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  ASSERT_TRUE(RegisterPrefix(pfxd, "voice-1", "web", "1.1.1.0/24").ok());
  ASSERT_TRUE(Announce(pfxd, "sea-1", "198.51.100.1", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(Announce(pfxd, "sea-2", "198.51.100.5", "1.1.1.0/24", "13335").ok());
  ASSERT_TRUE(WaitForRegisteredState(pfxd, "voice-1", "web", v1::PREFIX_VALIDATION_STATE_VERIFIED));
  grpc::Status refused = RegisterPrefix(pfxd, "voice-1", "again", "1.1.1.0/24");
  ASSERT_EQ(refused.error_code(), grpc::StatusCode::ALREADY_EXISTS);

  // The exposition is well-formed and follows Prometheus' naming rules.
  const std::string exposition = WriteTempFile("exposition.txt", "");
  ASSERT_EQ(RunCommand(absl::StrCat("curl -sf -o ", exposition, " http://", target, "/metrics"))
                .exit_code,
            0);
  EXPECT_THAT(ReadFile(exposition), HasSubstr("pfxd_prefixes{"));
  CommandResult lint = RunCommand(absl::StrCat("promtool check metrics < ", exposition, " 2>&1"));
  EXPECT_EQ(lint.exit_code, 0) << lint.output;

  PrometheusProcess prometheus(target);
  ASSERT_TRUE(WaitFor([&] { return prometheus.Ready(); }, absl::Seconds(30))) << prometheus.Log();
  const std::string verified = "pfxd_prefixes{kind=\"registered\",state=\"VERIFIED\"}";
  EXPECT_TRUE(WaitFor([&] { return prometheus.Query(verified) == "1"; }, absl::Seconds(30)))
      << verified << " = '" << prometheus.Query(verified) << "'\n"
      << prometheus.Log();
  EXPECT_EQ(prometheus.Query("pfxd_prefixes{kind=\"registered\",state=\"PENDING\"}"), "0");
  EXPECT_EQ(prometheus.Query("sum(pfxd_validation_transitions_total{to=\"VERIFIED\"})"), "1");
  EXPECT_EQ(prometheus.Query("pfxd_grpc_server_handled_total{grpc_method=\"pfx.v1.Registrations/"
                             "CreateRegisteredPrefix\",grpc_code=\"ALREADY_EXISTS\"}"),
            "1");
  EXPECT_EQ(prometheus.Query("pfxd_sessions{established=\"true\",initial_table_complete=\"true\"}"),
            "2");
  EXPECT_EQ(prometheus.Query("pfxd_session_routes{router=\"sea-1\",peer=\"198.51.100.1\"}"), "1");
  EXPECT_EQ(prometheus.Query("pfxd_irr_objects"), "1");
  EXPECT_EQ(prometheus.Query("up{job=\"pfxd\"}"), "1");
  double syncs = 0;
  EXPECT_TRUE(absl::SimpleAtod(prometheus.Query("pfxd_wal_sync_seconds_count"), &syncs));
  EXPECT_GT(syncs, 0);
}

// The serving status of `service` ("" for the server as a whole) from grpc.health.v1.Health:
// 1 SERVING, 2 NOT_SERVING, 3 SERVICE_UNKNOWN; -1 when the call fails. The messages are
// encoded by hand: HealthCheckRequest { string service = 1 }, HealthCheckResponse { enum
// status = 1 }.
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::CompletionQueue cq;
  std::string request;
  if (!service.empty()) request = absl::StrCat("\x0a", std::string(1, service.size()), service);
  grpc::Slice slice(request);
  grpc::ByteBuffer in(&slice, 1), out;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> call =
      stub.PrepareUnaryCall(&ctx, "/grpc.health.v1.Health/Check", in, &cq);
  call->StartCall();
  call->Finish(&out, &status, reinterpret_cast<void*>(1));
  void* tag = nullptr;
  bool ok = false;
  cq.Next(&tag, &ok);
  if (!status.ok()) return status.error_code() == grpc::StatusCode::NOT_FOUND ? 3 : -1;
  std::vector<grpc::Slice> slices;
  out.Dump(&slices);
  std::string bytes;
  for (const grpc::Slice& s : slices)
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return bytes.size() == 2 && bytes[0] == 0x08 ? bytes[1] : 0;
}

// NOT_SERVING (overall and per service) while the initial MRT load runs, here held open by a
// FIFO nobody writes yet; SERVING once it is loaded.
TEST(OperationsTest, HealthIsNotServingUntilTheInitialLoadIsDone) {
  const std::string fifo = absl::StrCat(::testing::TempDir(), "/ops_mrt_fifo_", getpid());
  unlink(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  PfxdProcess pfxd({"--mrt=rs=" + fifo});
  ASSERT_TRUE(pfxd.Start());
  auto channel = grpc::CreateChannel(pfxd.address(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(HealthStatus(channel, ""), 2);
  EXPECT_EQ(HealthStatus(channel, "pfx.v1.Registrations"), 2);
  EXPECT_EQ(HealthStatus(channel, "pfx.v1.Validation"), 2);
  EXPECT_EQ(HealthStatus(channel, "pfx.v1.NoSuchService"), 3);

  { std::ofstream writer(fifo); }  // an empty MRT file: the load ends at once
  EXPECT_TRUE(WaitFor([&] { return HealthStatus(channel, "") == 1; }));
  EXPECT_EQ(HealthStatus(channel, "pfx.v1.Registrations"), 1);
  EXPECT_EQ(HealthStatus(channel, "pfx.v1.Admin"), 1);
  EXPECT_EQ(HealthStatus(channel, "pfx.v1.RouteInjection"), 3);  // not enabled here
  pfxd.Stop();
  unlink(fifo.c_str());
}

// --log_format json: every line pfxd writes is one JSON object, and each finished call has
// its rpc, request_id, caller, status and latency_ms.
TEST(OperationsTest, JsonLogsAreOneObjectPerLineWithTheCallsFields) {
  PfxdProcess pfxd({"--log_format=json"});
  pfxd.set_capture_log(true);
  ASSERT_TRUE(pfxd.Start());
  v1::CreatePeeringRequest create;
  create.set_request_id("req-json-1");
  *create.mutable_peering() =
      MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                  {{"Seattle", "sea-1", {"198.51.100.1"}}, {"Seattle", "sea-2", {"198.51.100.5"}}});
  v1::Peering created;
  ASSERT_TRUE(pfxd.peerings().CreatePeering(Ctx().get(), create, &created).ok());
  v1::GetPeeringRequest missing;
  missing.set_name("nope");
  v1::Peering unused;
  ASSERT_EQ(pfxd.peerings().GetPeering(Ctx().get(), missing, &unused).error_code(),
            grpc::StatusCode::NOT_FOUND);
  pfxd.Stop();

  const std::string log = WriteTempFile("json.log", pfxd.Log());
  CommandResult parsed = RunCommand(
      "python3 -c 'import json,sys\n"
      "lines=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]\n"
      "assert all({\"time\",\"level\",\"source\",\"message\"} <= set(l) for l in lines)\n"
      "calls=[l for l in lines if \"rpc\" in l]\n"
      "print(len(lines), len(calls))\n"
      "for c in calls: print(c[\"rpc\"], c.get(\"request_id\",\"-\"), c[\"caller\"], "
      "c[\"status\"], type(c[\"latency_ms\"]).__name__, c[\"level\"], c[\"message\"])' " +
      log + " 2>&1");
  ASSERT_EQ(parsed.exit_code, 0) << parsed.output << "\n" << pfxd.Log();
  EXPECT_THAT(parsed.output, HasSubstr("pfx.v1.Peerings/CreatePeering req-json-1 local-plaintext "
                                       "OK float info call"));
  EXPECT_THAT(parsed.output, HasSubstr("pfx.v1.Peerings/GetPeering - local-plaintext NOT_FOUND "
                                       "float info name: peering 'nope' does not exist"));
}

}  // namespace
}  // namespace pfx::testing
