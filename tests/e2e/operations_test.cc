// Operating pfxd from outside: its Prometheus metrics scraped by a real Prometheus
// (Debian `prometheus`) and checked with promtool, the feed's message counts, gRPC health per
// service (and `pfxctl health`, the probe command), and JSON logs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "feed/bgp_update_encoder.h"
#include "feed/bmp/bmp_writer.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "tests/common/bmp_socket.h"
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

// The value of one series in a /metrics exposition (the line "NAME{LABELS} VALUE"), -1 when
// it is absent.
double SeriesValue(const std::string& exposition, const std::string& series) {
  for (absl::string_view line : absl::StrSplit(exposition, '\n')) {
    if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " ")) continue;
    double value = 0;
    return absl::SimpleAtod(line, &value) ? value : -1;
  }
  return -1;
}

// A blocking TCP connection to the BMP station on 127.0.0.1 from `source`.
int ConnectBmp(int port, const char* source) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source, &local.sin_addr);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)), 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  return fd;
}

// pfxd_feed_messages_total and pfxd_feed_decode_errors_total count exactly what the BMP
// station and the MRT loader read: one router's messages by type, another's broken UPDATE,
// and an MRT file with one good record, one malformed and a damaged end.
TEST(OperationsTest, FeedMetricsCountBmpMessagesByTypeAndMrtRecords) {
  // MRT: a record of a type pfxd does not read (read whole: 1 record), a BGP4MP record cut
  // short inside (malformed: 1 error), and a header promising more than the file has
  // (damage: 1 error).
  const std::string mrt =
      WriteTempFile("feed_metrics.mrt",
                    std::string("\0\0\0\1\0\x63\0\1\0\0\0\0"        // type 99, empty
                                "\0\0\0\1\0\x10\0\4\0\0\0\3\1\2\3"  // BGP4MP, 3 bytes
                                "\0\0\0\1\0\x10\0\4\0\0\0\x09\1",   // truncated
                                40));
  const std::string port_file = WriteTempFile("feed_metrics_port", "");
  std::filesystem::remove(port_file);
  PfxdProcess pfxd(
      {"--mrt=rs=" + mrt, "--metrics_listen=127.0.0.1:0", "--metrics_port_file=" + port_file});
  ASSERT_TRUE(pfxd.Start());
  ASSERT_TRUE(WaitFor([&] { return !ReadFile(port_file).empty(); }));
  const std::string url = absl::StrCat(
      "http://127.0.0.1:", absl::StripAsciiWhitespace(ReadFile(port_file)), "/metrics");

  BmpPeerHeader peer = Peer("198.51.100.1", 13335);
  std::string good, broken;
  AppendBmpInitiation("edge-1", "ops test", good);
  AppendBmpPeerUp(peer, 8075, good);
  for (const char* prefix : {"1.1.1.0/24", "1.0.0.0/24", "8.8.8.0/24"}) {
    std::string update;
    AppendUpdate({*IpPrefix::Parse(prefix)},
                 {*AsPath::Parse("13335"), {}, *IpAddress::Parse("198.51.100.1"), 0}, {}, update);
    AppendBmpRouteMonitoring(peer, update, good);
  }
  AppendBmpPeerDown(peer, 2, good);
  AppendBmpTermination(good);
  AppendBmpInitiation("edge-2", "ops test", broken);
  std::string update;
  AppendUpdate({*IpPrefix::Parse("9.9.9.0/24")},
               {*AsPath::Parse("13335"), {}, *IpAddress::Parse("198.51.100.1"), 0}, {}, update);
  AppendBmpRouteMonitoring(peer, update.substr(0, update.size() - 1), broken);  // cut short
  int a = ConnectBmp(pfxd.bmp_port(), "127.0.0.1");
  int b = ConnectBmp(pfxd.bmp_port(), "127.0.0.2");
  Send(a, good);
  Send(b, broken);
  EXPECT_TRUE(Closed(a));  // Termination
  EXPECT_TRUE(Closed(b));  // the UPDATE does not decode
  close(a);
  close(b);

  std::string exposition;
  auto value = [&](const std::string& series) { return SeriesValue(exposition, series); };
  ASSERT_TRUE(WaitFor([&] {
    exposition = RunCommand("curl -sf " + url).output;
    return value("pfxd_feed_decode_errors_total{source=\"bmp\"}") == 1 &&
           value("pfxd_feed_messages_total{source=\"mrt\",type=\"record\"}") == 1;
  })) << exposition;
  EXPECT_EQ(value("pfxd_feed_messages_total{source=\"bmp\",type=\"initiation\"}"), 2);
  EXPECT_EQ(value("pfxd_feed_messages_total{source=\"bmp\",type=\"peer_up\"}"), 1);
  EXPECT_EQ(value("pfxd_feed_messages_total{source=\"bmp\",type=\"route_monitoring\"}"), 3);
  EXPECT_EQ(value("pfxd_feed_messages_total{source=\"bmp\",type=\"peer_down\"}"), 1);
  EXPECT_EQ(value("pfxd_feed_messages_total{source=\"bmp\",type=\"termination\"}"), 1);
  EXPECT_EQ(value("pfxd_feed_messages_total{source=\"bmp\",type=\"statistics_report\"}"), 0);
  EXPECT_EQ(value("pfxd_feed_decode_errors_total{source=\"mrt\"}"), 2);
  const std::string lint_input = WriteTempFile("feed_exposition.txt", exposition);
  CommandResult lint = RunCommand(absl::StrCat("promtool check metrics < ", lint_input, " 2>&1"));
  EXPECT_EQ(lint.exit_code, 0) << lint.output;
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

// `pfxctl health [SERVICE]` (the Dockerfile's HEALTHCHECK, exec probes) prints the status and
// exits 0 only when SERVING: 1 while the initial load holds pfxd NOT_SERVING, for a service
// pfxd does not serve, and when nothing answers.
TEST(OperationsTest, PfxctlHealthExitsZeroOnlyWhenServing) {
  const std::string fifo = absl::StrCat(::testing::TempDir(), "/ops_health_fifo_", getpid());
  unlink(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  PfxdProcess pfxd({"--mrt=rs=" + fifo});
  ASSERT_TRUE(pfxd.Start());
  const std::string address = pfxd.address();
  auto health = [&](const std::string& args) {
    return RunCommand(absl::StrCat(PFX_BINARY_DIR, "/cli/pfxctl --server ", address,
                                   " --timeout 5 health ", args, " 2>&1"));
  };
  CommandResult r = health("");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output, "NOT_SERVING\n");
  r = health("pfx.v1.Registrations");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output, "NOT_SERVING\n");

  { std::ofstream writer(fifo); }  // an empty MRT file: the load ends at once
  EXPECT_TRUE(WaitFor([&] { return health("").exit_code == 0; }));
  r = health("");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "SERVING\n");
  r = health("pfx.v1.Validation");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "SERVING\n");
  r = health("pfx.v1.NoSuchService");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output, "SERVICE_UNKNOWN\n");
  r = health("a b");
  EXPECT_EQ(r.exit_code, 2) << r.output;  // usage

  pfxd.Stop();
  unlink(fifo.c_str());
  r = health("");  // nothing listens any more
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("UNAVAILABLE"));
}

// The container's HEALTHCHECK (deploy/Dockerfile): pfxctl dials 127.0.0.1 over TLS without a
// client certificate, configured by the environment, and checks pfxd's certificate against
// PFXCTL_TLS_SERVER_NAME; a name the certificate does not hold fails the check.
TEST(OperationsTest, PfxctlHealthOverTlsChecksTheServerName) {
  const std::string certs = absl::StrCat(::testing::TempDir(), "/ops_health_certs_", getpid());
  std::filesystem::remove_all(certs);
  CommandResult made =
      RunCommand(absl::StrCat(PFX_SOURCE_DIR, "/scripts/make-dev-certs.sh ", certs, " 2>&1"));
  ASSERT_EQ(made.exit_code, 0) << made.output;
  PfxdProcess pfxd({"--config=" + certs + "/pfxd-tls.textproto"});
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ReadFile(certs + "/ca.crt");
  tls.pem_cert_chain = ReadFile(certs + "/portal.crt");
  tls.pem_private_key = ReadFile(certs + "/portal.key");
  pfxd.set_channel_credentials(grpc::SslCredentials(tls));
  ASSERT_TRUE(pfxd.Start());
  auto health = [&](const std::string& server_name) {
    // The dev certificate names localhost and 127.0.0.1 (scripts/make-dev-certs.sh).
    return RunCommand(absl::StrCat("PFXD_SERVER=", pfxd.address(), " PFXCTL_TLS_CA=", certs,
                                   "/ca.crt PFXCTL_TLS_SERVER_NAME=", server_name, " ",
                                   PFX_BINARY_DIR, "/cli/pfxctl --timeout 5 health 2>&1"));
  };
  CommandResult r = health("localhost");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, "SERVING\n");
  r = health("pfxd.wrong.example");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_THAT(r.output, HasSubstr("UNAVAILABLE"));
  pfxd.Stop();
  std::filesystem::remove_all(certs);
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
