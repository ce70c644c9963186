// The trust boundary on a real pfxd (README.md#security): TLS with client certificates made by
// scripts/make-dev-certs.sh, every cell of the role x RPC matrix, the refused certificates,
// keys redacted for every role but portal and absent from logs and events, certificate
// rotation on SIGHUP, plaintext only on loopback, and an owner-only data dir.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "gtest/gtest.h"
#include "pfx/v1/admin.grpc.pb.h"
#include "tests/common/readme_matrix.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Makes a throwaway CA and certificates in a fresh directory `name` under the temp dir.
std::string MakeCerts(const std::string& name) {
  std::string dir = std::filesystem::temp_directory_path() / absl::StrCat(name, "_", getpid());
  std::filesystem::remove_all(dir);
  CommandResult r =
      RunCommand(absl::StrCat(PFX_SOURCE_DIR, "/scripts/make-dev-certs.sh ", dir, " 2>&1"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return dir;
}

// TLS credentials trusting `dir`'s CA, with the client certificate `who` ("": none).
std::shared_ptr<grpc::ChannelCredentials> Credentials(const std::string& dir,
                                                      const std::string& who) {
  grpc::SslCredentialsOptions o;
  o.pem_root_certs = ReadFile(dir + "/ca.crt");
  if (!who.empty()) {
    o.pem_cert_chain = ReadFile(absl::StrCat(dir, "/", who, ".crt"));
    o.pem_private_key = ReadFile(absl::StrCat(dir, "/", who, ".key"));
  }
  return grpc::SslCredentials(o);
}

// Calls `path` with an empty request, whatever its types (unary or server-streaming: both are
// one request out, replies read until the end), and returns its status.
grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& path,
                     absl::Duration deadline = absl::Seconds(10)) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  grpc::CompletionQueue cq;
  void* tag = nullptr;
  bool ok = false;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(&ctx, path, &cq);
  call->StartCall(reinterpret_cast<void*>(1));
  cq.Next(&tag, &ok);
  if (ok) {
    grpc::Slice empty;
    grpc::ByteBuffer request(&empty, 1);
    call->WriteLast(request, grpc::WriteOptions(), reinterpret_cast<void*>(2));
    cq.Next(&tag, &ok);
    grpc::ByteBuffer reply;
    do {
      call->Read(&reply, reinterpret_cast<void*>(3));
      cq.Next(&tag, &ok);
    } while (ok);
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  cq.Next(&tag, &ok);
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return status;
}

bool IsStreaming(const std::string& path) {
  return absl::EndsWith(path, "/Revalidate") || absl::EndsWith(path, "/WatchValidation");
}

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    umask(022);  // the usual default, which would leave a careless pfxd's files readable
    certs_ = new std::string(MakeCerts("pfx_security_certs"));
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*certs_);
    delete certs_;
  }

  void SetUp() override {
    // The stanzas make-dev-certs.sh wrote, route injection for the feed-admin cells.
    std::string irr = WriteTempFile("security.rpsl",
                                    RouteObjects({{"1.1.1.0/24", 13335}, {"9.9.9.0/24", 13335}}));
    pfxd_ = std::make_unique<PfxdProcess>(std::vector<std::string>{
        "--config=" + *certs_ + "/pfxd-tls.textproto", "--enable_route_injection",
        "--debounce_millis=20", "--irr=" + irr});
    pfxd_->set_channel_credentials(Credentials(*certs_, "portal"));
    pfxd_->set_capture_log(true);
    ASSERT_TRUE(pfxd_->Start()) << pfxd_->Log();
  }

  std::shared_ptr<grpc::Channel> ChannelAs(const std::string& who) {
    auto it = channels_.find(who);
    if (it != channels_.end()) return it->second;
    return channels_[who] = pfxd_->NewChannel(Credentials(*certs_, who));
  }

  static std::string* certs_;
  std::unique_ptr<PfxdProcess> pfxd_;
  std::map<std::string, std::shared_ptr<grpc::Channel>> channels_;
};
std::string* SecurityTest::certs_ = nullptr;

// Every cell: an allowed call gets past the policy (its answer is whatever an empty request
// earns: INVALID_ARGUMENT, NOT_FOUND, OK, or a stream's deadline), a denied one is
// PERMISSION_DENIED naming the role and the RPC.
TEST_F(SecurityTest, EveryCellOfTheMatrix) {
  std::map<std::string, std::set<std::string>> matrix =
      ReadReadmeMatrix(PFX_SOURCE_DIR "/README.md");
  ASSERT_EQ(matrix.size(), 33u);
  int allowed = 0, denied = 0;
  for (const auto& [path, roles] : matrix) {
    for (const std::string& role : MatrixRoles()) {
      grpc::Status s =
          RawCall(ChannelAs(role), path, IsStreaming(path) ? absl::Seconds(1) : absl::Seconds(10));
      const std::string rpc = path.substr(1);
      if (roles.contains(role)) {
        ++allowed;
        EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << role << " " << rpc << ": " << s.error_message();
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << role << " " << rpc;
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAVAILABLE) << role << " " << rpc;
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNIMPLEMENTED) << role << " " << rpc;
      } else {
        ++denied;
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << role << " " << rpc;
        EXPECT_THAT(s.error_message(),
                    HasSubstr(absl::StrCat("role ", role, " (CN=", role,
                                           ",O=pfxd dev) may not call ", rpc, "; it needs ")));
      }
    }
  }
  std::cout << "role x RPC matrix: " << allowed + denied << " cells, " << allowed << " allowed, "
            << denied << " denied\n";
}

TEST_F(SecurityTest, WithoutAClientCertificateOnlyHealthAnswers) {
  std::shared_ptr<grpc::Channel> anonymous = pfxd_->NewChannel(Credentials(*certs_, ""));
  EXPECT_TRUE(RawCall(anonymous, "/grpc.health.v1.Health/Check").ok());
  grpc::Status get = RawCall(anonymous, "/pfx.v1.Peerings/ListPeerings");
  EXPECT_EQ(get.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(get.error_message(),
              HasSubstr("pfx.v1.Peerings/ListPeerings needs a client certificate"));
  grpc::Status reflection =
      RawCall(anonymous, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
  EXPECT_EQ(reflection.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(SecurityTest, ACertificateWithoutARoleIsAuthenticatedButMayCallNothing) {
  grpc::Status s = RawCall(ChannelAs("stranger"), "/pfx.v1.Peerings/ListPeerings");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr("caller CN=stranger,O=pfxd dev holds no role"));
  EXPECT_TRUE(RawCall(ChannelAs("stranger"), "/grpc.health.v1.Health/Check").ok());
  grpc::Status reflection = RawCall(
      ChannelAs("stranger"), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo");
  EXPECT_NE(reflection.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(reflection.error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

// Certificates the client CA does not vouch for (another CA's, an expired one, one its CRL in
// tls.crl_directory revokes) fail the handshake: the client sees
// UNAVAILABLE, pfxd logs the handshake failure, and the port keeps serving others.
TEST_F(SecurityTest, ForeignExpiredAndRevokedCertificatesAreRefusedAtTheHandshake) {
  for (const char* who : {"intruder", "expired", "revoked"}) {
    grpc::Status s = RawCall(ChannelAs(who), "/pfx.v1.Peerings/ListPeerings", absl::Seconds(3));
    EXPECT_TRUE(s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED)
        << who << ": " << s.error_code() << " " << s.error_message();
    EXPECT_FALSE(RawCall(ChannelAs(who), "/grpc.health.v1.Health/Check", absl::Seconds(3)).ok())
        << who;
  }
  EXPECT_TRUE(RawCall(ChannelAs("dashboard"), "/pfx.v1.Peerings/ListPeerings").ok());
  EXPECT_THAT(pfxd_->Log(), HasSubstr("certificate verify failed"));
}

// A voice registration, a route-server ASN registration, an activation with the right key and
// one with another registration's key, a forced deletion: the keys issued are seen by portal
// only, and never in pfxd's log or in any event or error message.
TEST_F(SecurityTest, KeysReachPortalOnlyAndNeverTheLogOrEvents) {
  auto injection = v1::RouteInjection::NewStub(ChannelAs("feed-admin"));
  auto announce = [&](const std::string& router, const std::string& peer, const std::string& prefix,
                      const std::string& path) {
    v1::AnnounceRoutesRequest req;
    req.mutable_session()->set_router(router);
    req.mutable_session()->set_peer_address(peer);
    v1::InjectedRoute* r = req.add_routes();
    r->set_prefix(prefix);
    r->set_as_path(path);
    r->add_communities("8075:8007");
    google::protobuf::Empty empty;
    ASSERT_TRUE(injection->AnnounceRoutes(Ctx().get(), req, &empty).ok());
  };
  ASSERT_TRUE(CreateActivePeering(*pfxd_, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                      {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                       {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  ASSERT_TRUE(
      CreateActivePeering(*pfxd_, MakePeering("rs-1", 6939, v1::PEERING_KIND_EXCHANGE_ROUTE_SERVER,
                                              {{"Dallas", "dal-rs", {"198.51.100.20"}}}))
          .ok());
  std::vector<std::string> keys;
  v1::RegisteredPrefix voice;
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "voice-a", "1.1.1.0/24", &voice).ok());
  keys.push_back(voice.peering_service_prefix_key());
  v1::RegisteredPrefix other;
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "voice-b", "9.9.9.0/24", &other).ok());
  keys.push_back(other.peering_service_prefix_key());
  v1::CreateRegisteredAsnRequest asn;
  asn.mutable_registered_asn()->set_peering_name("rs-1");
  asn.mutable_registered_asn()->set_name("cloudflare");
  asn.mutable_registered_asn()->set_asn(13335);
  v1::RegisteredAsn registered_asn;
  ASSERT_TRUE(pfxd_->registrations().CreateRegisteredAsn(Ctx().get(), asn, &registered_asn).ok());
  keys.push_back(registered_asn.peering_service_prefix_key());
  for (const std::string& k : keys) ASSERT_EQ(k.size(), 36u);

  announce("sea-1", "198.51.100.1", "1.1.1.0/24", "13335");
  announce("sea-2", "198.51.100.5", "1.1.1.0/24", "13335");
  v1::CreatePeeringServiceRequest svc;
  svc.mutable_peering_service()->set_name("svc-1");
  svc.mutable_peering_service()->set_country("United States");
  svc.mutable_peering_service()->set_state("Washington");
  svc.mutable_peering_service()->set_provider_asn(13335);
  svc.mutable_peering_service()->set_provider_name("Cloudflare");
  svc.mutable_peering_service()->set_primary_peering_location("Seattle");
  v1::PeeringService service;
  ASSERT_TRUE(pfxd_->services().CreatePeeringService(Ctx().get(), svc, &service).ok());
  auto activate = [&](const std::string& name, const std::string& prefix, const std::string& key) {
    v1::CreatePeeringServicePrefixRequest req;
    req.mutable_peering_service_prefix()->set_peering_service_name("svc-1");
    req.mutable_peering_service_prefix()->set_name(name);
    req.mutable_peering_service_prefix()->set_prefix(prefix);
    req.mutable_peering_service_prefix()->set_peering_service_prefix_key(key);
    v1::PeeringServicePrefix p;
    return pfxd_->services().CreatePeeringServicePrefix(Ctx().get(), req, &p);
  };
  grpc::Status right = activate("right-key", "1.1.1.0/24", keys[0]);
  ASSERT_TRUE(right.ok()) << right.error_message();
  // voice-b's prefix with voice-a's key: a key that exists, but not for this prefix.
  grpc::Status wrong_key = activate("wrong-key", "9.9.9.0/24", keys[0]);
  ASSERT_TRUE(wrong_key.ok()) << wrong_key.error_message();
  v1::PeeringServicePrefix wrong;
  EXPECT_TRUE(WaitForServiceState(*pfxd_, "svc-1", "wrong-key", v1::PREFIX_VALIDATION_STATE_INVALID,
                                  &wrong));
  EXPECT_TRUE(
      WaitForRegisteredState(*pfxd_, "voice-1", "voice-a", v1::PREFIX_VALIDATION_STATE_VERIFIED));

  // Portal sees every key; the other readers see none, with the rest of the resource intact.
  EXPECT_EQ(GetRegistered(*pfxd_, "voice-1", "voice-a").peering_service_prefix_key(), keys[0]);
  for (const char* role : {"revalidator", "dashboard", "ops"}) {
    auto registrations = v1::Registrations::NewStub(ChannelAs(role));
    v1::GetRegisteredPrefixRequest get;
    get.set_peering_name("voice-1");
    get.set_name("voice-a");
    v1::RegisteredPrefix seen;
    ASSERT_TRUE(registrations->GetRegisteredPrefix(Ctx().get(), get, &seen).ok()) << role;
    EXPECT_EQ(seen.prefix(), "1.1.1.0/24") << role;
    EXPECT_EQ(seen.peering_service_prefix_key(), "") << role;
    v1::ListRegisteredAsnsResponse asns;
    ASSERT_TRUE(
        registrations->ListRegisteredAsns(Ctx().get(), v1::ListRegisteredAsnsRequest(), &asns)
            .ok());
    ASSERT_EQ(asns.registered_asns_size(), 1);
    EXPECT_EQ(asns.registered_asns(0).peering_service_prefix_key(), "") << role;
    auto services = v1::PeeringServices::NewStub(ChannelAs(role));
    v1::ListPeeringServicePrefixesRequest list;
    list.set_peering_service_name("svc-1");
    v1::ListPeeringServicePrefixesResponse prefixes;
    ASSERT_TRUE(services->ListPeeringServicePrefixes(Ctx().get(), list, &prefixes).ok());
    ASSERT_EQ(prefixes.peering_service_prefixes_size(), 2);
    for (const v1::PeeringServicePrefix& p : prefixes.peering_service_prefixes()) {
      EXPECT_EQ(p.peering_service_prefix_key(), "") << role;
    }
  }

  v1::DeleteRegisteredPrefixRequest del;
  del.set_peering_name("voice-1");
  del.set_name("voice-a");
  del.set_force(true);
  google::protobuf::Empty empty;
  ASSERT_TRUE(pfxd_->registrations().DeleteRegisteredPrefix(Ctx().get(), del, &empty).ok());
  EXPECT_TRUE(
      WaitForServiceState(*pfxd_, "svc-1", "right-key", v1::PREFIX_VALIDATION_STATE_INVALID));

  // Everything pfxd said: its log, every event and error message of every prefix, the audit
  // trail, and Explain of the activations as a dashboard sees it.
  std::string said = pfxd_->Log();
  auto admin = v1::Admin::NewStub(ChannelAs("ops"));
  v1::ListAuditRecordsResponse audit;
  ASSERT_TRUE(admin->ListAuditRecords(Ctx().get(), v1::ListAuditRecordsRequest(), &audit).ok());
  EXPECT_GT(audit.audit_records_size(), 8);
  absl::StrAppend(&said, audit.DebugString());
  auto validation = v1::Validation::NewStub(ChannelAs("dashboard"));
  for (const char* name : {"right-key", "wrong-key"}) {
    v1::ExplainRequest explain;
    explain.mutable_target()->set_kind(v1::ValidationTarget::KIND_PEERING_SERVICE_PREFIX);
    explain.mutable_target()->set_parent("svc-1");
    explain.mutable_target()->set_name(name);
    v1::ExplainResponse explained;
    ASSERT_TRUE(validation->Explain(Ctx().get(), explain, &explained).ok()) << name;
    absl::StrAppend(&said, explained.DebugString());
    auto services = v1::PeeringServices::NewStub(ChannelAs("dashboard"));
    v1::GetPeeringServicePrefixRequest get;
    get.set_peering_service_name("svc-1");
    get.set_name(name);
    v1::PeeringServicePrefix seen;
    ASSERT_TRUE(services->GetPeeringServicePrefix(Ctx().get(), get, &seen).ok()) << name;
    EXPECT_EQ(seen.peering_service_prefix_key(), "") << name;
  }
  for (const char* name : {"right-key", "wrong-key"}) {
    v1::PeeringServicePrefix p = GetServicePrefix(*pfxd_, "svc-1", name);
    absl::StrAppend(&said, p.error_message(), "\n");
    for (const v1::PrefixEvent& e : p.events()) absl::StrAppend(&said, e.DebugString());
  }
  v1::RegisteredPrefix b = GetRegistered(*pfxd_, "voice-1", "voice-b");
  absl::StrAppend(&said, b.error_message(), "\n");
  for (const v1::PrefixEvent& e : b.events()) absl::StrAppend(&said, e.DebugString());
  EXPECT_THAT(said, HasSubstr("key"));  // the key-match check did speak
  for (const std::string& k : keys) EXPECT_THAT(said, Not(HasSubstr(k)));
}

// SIGHUP re-reads the files: after the files are replaced by another CA's, new connections
// need the new CA; broken files are refused and the previous ones keep serving.
TEST_F(SecurityTest, SighupRotatesTheCertificates) {
  const std::string next = MakeCerts("pfx_security_next");
  for (const char* f : {"server.crt", "server.key", "ca.crt"}) {
    std::filesystem::copy_file(*certs_ + "/" + f, next + "/" + f + ".old");
  }
  // A broken certificate first: nothing changes.
  std::ofstream(*certs_ + "/server.crt") << "not a certificate\n";
  ASSERT_EQ(kill(pfxd_->pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] { return absl::StrContains(pfxd_->Log(), "TLS files not reloaded"); }));
  EXPECT_THAT(pfxd_->Log(), HasSubstr("tls.cert_file"));
  EXPECT_TRUE(
      RawCall(pfxd_->NewChannel(Credentials(*certs_, "dashboard")), "/pfx.v1.Peerings/ListPeerings")
          .ok());

  for (const char* f : {"server.crt", "server.key", "ca.crt"}) {
    std::filesystem::copy_file(next + "/" + f, *certs_ + "/" + f,
                               std::filesystem::copy_options::overwrite_existing);
  }
  // The new CA's CRL joins the CRL directory (a client CA without one there is refused).
  for (const auto& crl : std::filesystem::directory_iterator(next + "/crl")) {
    std::filesystem::copy_file(crl.path(), *certs_ + "/crl/" + crl.path().filename().string(),
                               std::filesystem::copy_options::overwrite_existing);
  }
  ASSERT_EQ(kill(pfxd_->pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitFor([&] {
    return absl::StrContains(pfxd_->Log(), "TLS certificate, key and client CA reloaded");
  }));
  // The watcher picks the staged files up within a second.
  EXPECT_TRUE(WaitFor([&] {
    return RawCall(pfxd_->NewChannel(Credentials(next, "dashboard")),
                   "/pfx.v1.Peerings/ListPeerings", absl::Seconds(2))
        .ok();
  }));
  // The old CA's clients are now strangers to the new one (their CA no longer signs pfxd's
  // certificate, and pfxd no longer trusts their certificates).
  for (const char* f : {"server.crt", "server.key", "ca.crt"}) {
    std::filesystem::copy_file(next + "/" + f + ".old", *certs_ + "/" + f,
                               std::filesystem::copy_options::overwrite_existing);
  }
  grpc::Status old_client = RawCall(pfxd_->NewChannel(Credentials(*certs_, "dashboard")),
                                    "/pfx.v1.Peerings/ListPeerings", absl::Seconds(3));
  EXPECT_FALSE(old_client.ok());
  std::filesystem::remove_all(next);
}

// Every mutation attempt leaves an audit record naming the certificate and role: applied ones
// with their change, refused ones (here by the access policy) on their own. pfxctl reads them
// over TLS with the ops certificate; no other role may.
TEST_F(SecurityTest, AuditTrailRecordsWhoDidWhatAndOpsReadsItWithPfxctl) {
  ASSERT_TRUE(CreateActivePeering(*pfxd_, MakePeering("audited", 13335, v1::PEERING_KIND_VOICE,
                                                      {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                       {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  auto as_dashboard = v1::Peerings::NewStub(ChannelAs("dashboard"));
  v1::DeletePeeringRequest del;
  del.set_name("audited");
  google::protobuf::Empty empty;
  EXPECT_EQ(as_dashboard->DeletePeering(Ctx().get(), del, &empty).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  auto pfxctl = [&](const std::string& who, const std::string& args) {
    return RunCommand(absl::StrCat(PFX_BINARY_DIR, "/cli/pfxctl --server ", pfxd_->address(),
                                   " --tls-ca ", *certs_, "/ca.crt --tls-cert ", *certs_, "/", who,
                                   ".crt --tls-key ", *certs_, "/", who, ".key --output json ",
                                   args, " 2>&1"));
  };
  CommandResult listed = pfxctl("ops", "audit list --resource peerings/audited");
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  // Newest first: the two connection changes, then the creation.
  EXPECT_THAT(listed.output, HasSubstr("\"caller\": \"CN=portal,O=pfxd dev\""));
  EXPECT_THAT(listed.output, HasSubstr("\"roles\": \"portal\""));
  EXPECT_THAT(listed.output, HasSubstr("\"resource\": \"peerings/audited/connections/conn-1\""));
  EXPECT_LT(listed.output.find("SetConnectionState"), listed.output.find("CreatePeering"));
  // The refusal came before any request was read: it names the RPC and caller, no resource.
  CommandResult denied = pfxctl("ops", "audit list --caller 'CN=dashboard,O=pfxd dev'");
  ASSERT_EQ(denied.exit_code, 0) << denied.output;
  EXPECT_THAT(denied.output, HasSubstr("\"rpc\": \"DeletePeering\""));
  EXPECT_THAT(denied.output, HasSubstr("\"roles\": \"dashboard\""));
  EXPECT_THAT(denied.output, HasSubstr("\"outcome\": \"PERMISSION_DENIED\""));
  EXPECT_THAT(denied.output, HasSubstr("may not call pfx.v1.Peerings/DeletePeering"));

  CommandResult refused = pfxctl("dashboard", "audit list");
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_THAT(refused.output, HasSubstr("may not call pfx.v1.Admin/ListAuditRecords"));
}

TEST_F(SecurityTest, DataDirIsOwnerOnlyWhateverTheUmask) {
  const std::string dir = pfxd_->data_dir();
  struct stat info;
  ASSERT_EQ(stat(dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    ASSERT_EQ(stat(entry.path().c_str(), &info), 0);
    if (S_ISREG(info.st_mode)) {
      ++files;
      EXPECT_EQ(info.st_mode & 0777, 0600u) << entry.path();
    } else if (S_ISDIR(info.st_mode)) {
      EXPECT_EQ(info.st_mode & 0777, 0700u) << entry.path();
    }
  }
  EXPECT_GT(files, 5);  // RocksDB's files and the staged TLS files
}

// Plaintext beyond loopback is refused before anything opens; a data dir others can write
// is refused with the chmod to run.
TEST(SecurityStartTest, RefusesPlaintextBeyondLoopbackAndAnOpenDataDir) {
  CommandResult r = RunCommand(absl::StrCat(PFX_BINARY_DIR, "/server/pfxd --listen 0.0.0.0:0 ",
                                            "--bmp_listen off --data_dir /nonexistent/x 2>&1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.output, HasSubstr("listen_address: '0.0.0.0:0' is not a loopback address"));

  std::string dir =
      std::filesystem::temp_directory_path() / absl::StrCat("pfx_open_dir_", getpid());
  std::filesystem::create_directories(dir);
  chmod(dir.c_str(), 0777);
  r = RunCommand(absl::StrCat(PFX_BINARY_DIR, "/server/pfxd --listen 127.0.0.1:0 ",
                              "--bmp_listen off --data_dir ", dir, " 2>&1"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.output, HasSubstr("others can write it"));
  EXPECT_THAT(r.output, HasSubstr("chmod 700 " + dir));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pfx::testing
