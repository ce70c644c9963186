// The TLS part of the configuration (server/config.h, server/tls_credentials.h): when plaintext
// is allowed, what a role binding must say, and every check of the certificate files, on
// certificates made by scripts/make-dev-certs.sh.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/config.h"
#include "server/tls_credentials.h"

namespace pfx {
namespace {

using ::testing::HasSubstr;

class TlsConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(std::filesystem::temp_directory_path() /
                           absl::StrCat("pfx_tls_config_test_", getpid()));
    std::string command =
        absl::StrCat(PFX_SOURCE_DIR, "/scripts/make-dev-certs.sh ", *dir_, " >/dev/null");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string File(const std::string& name) { return absl::StrCat(*dir_, "/", name); }

  static v1::TlsConfig Tls(const std::string& cert, const std::string& key, const std::string& ca) {
    v1::TlsConfig t;
    t.set_cert_file(File(cert));
    t.set_key_file(File(key));
    t.set_client_ca_file(File(ca));
    return t;
  }

  v1::ServerConfig Config(const std::string& listen) {
    v1::ServerConfig c;
    c.set_listen_address(listen);
    c.set_data_dir(File("data"));
    c.set_bmp_listen_address("off");
    FillDefaults(c);
    return c;
  }

  static std::string* dir_;
};
std::string* TlsConfigTest::dir_ = nullptr;

TEST_F(TlsConfigTest, PlaintextIsForLoopbackOnly) {
  for (const char* ok : {"127.0.0.1:0", "127.1.2.3:50051", "[::1]:50051", "localhost:50051"}) {
    EXPECT_TRUE(ValidateConfig(Config(ok)).ok()) << ok;
  }
  // gRPC reads "::1:50051" as one IPv6 address without a port: brackets are required.
  EXPECT_THAT(ValidateConfig(Config("::1:50051")).message(), HasSubstr("goes in brackets"));
  for (const char* refused : {"0.0.0.0:50051", "[::]:50051", "192.0.2.1:50051", "pfxd:50051",
                              "[::ffff:127.0.0.1]:50051"}) {
    absl::Status s = ValidateConfig(Config(refused));
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << refused;
    EXPECT_THAT(s.message(), HasSubstr("is not a loopback address")) << refused;
    EXPECT_THAT(s.message(), HasSubstr("needs tls {")) << refused;
  }
}

TEST_F(TlsConfigTest, WithTlsAnyAddressServes) {
  v1::ServerConfig c = Config("0.0.0.0:50051");
  *c.mutable_tls() = Tls("server.crt", "server.key", "ca.crt");
  EXPECT_TRUE(ValidateConfig(c).ok()) << ValidateConfig(c);
}

TEST_F(TlsConfigTest, TlsNeedsAllThreeFiles) {
  v1::ServerConfig c = Config("127.0.0.1:0");
  c.mutable_tls()->set_cert_file(File("server.crt"));
  EXPECT_THAT(ValidateConfig(c).message(),
              HasSubstr("tls: needs all of cert_file, key_file and client_ca_file"));
}

TEST_F(TlsConfigTest, RoleBindingsNeedTlsAKnownRoleAndOneMatcher) {
  v1::ServerConfig c = Config("127.0.0.1:0");
  v1::RoleBinding* b = c.add_role();
  b->set_role("portal");
  b->set_san_uri("spiffe://pfxd.dev/portal");
  EXPECT_THAT(ValidateConfig(c).message(), HasSubstr("need tls"));
  *c.mutable_tls() = Tls("server.crt", "server.key", "ca.crt");
  EXPECT_TRUE(ValidateConfig(c).ok());
  b->set_role("admin");
  EXPECT_THAT(ValidateConfig(c).message(), HasSubstr("role[0].role: 'admin' is not a role"));
  b->set_role("ops");
  b->set_subject("CN=ops");
  EXPECT_THAT(ValidateConfig(c).message(),
              HasSubstr("role[0]: needs exactly one of san_uri, san_dns, subject"));
  b->clear_san_uri();
  b->clear_subject();
  EXPECT_THAT(ValidateConfig(c).message(), HasSubstr("role[0]: needs exactly one"));
}

TEST_F(TlsConfigTest, AKeyThatIsNotTheCertificatesIsRefused) {
  absl::Status s = CheckTlsFiles(Tls("server.crt", "portal.key", "ca.crt"));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("tls.key_file"));
  EXPECT_THAT(s.message(), HasSubstr("is not the key of the certificate"));
}

TEST_F(TlsConfigTest, AnExpiredCertificateIsRefused) {
  absl::Status s = CheckTlsFiles(Tls("expired.crt", "expired.key", "ca.crt"));
  EXPECT_THAT(s.message(), HasSubstr("tls.cert_file"));
  EXPECT_THAT(s.message(), HasSubstr("expired on Jan  2 00:00:00 2020 GMT"));
}

TEST_F(TlsConfigTest, FilesThatAreNotPemAreRefusedByName) {
  EXPECT_THAT(CheckTlsFiles(Tls("server.key", "server.key", "ca.crt")).message(),
              HasSubstr("tls.cert_file: '"));
  EXPECT_THAT(CheckTlsFiles(Tls("server.crt", "server.crt", "ca.crt")).message(),
              HasSubstr("holds no unencrypted PEM private key"));
  EXPECT_THAT(CheckTlsFiles(Tls("server.crt", "server.key", "ca.key")).message(),
              HasSubstr("tls.client_ca_file"));
  EXPECT_THAT(CheckTlsFiles(Tls("server.crt", "server.key", "missing.crt")).message(),
              HasSubstr("cannot be read"));
  EXPECT_TRUE(CheckTlsFiles(Tls("server.crt", "server.key", "ca.crt")).ok());
}

TEST_F(TlsConfigTest, TheCrlDirectoryMustBeADirectoryBesideTheOtherFiles) {
  v1::TlsConfig t = Tls("server.crt", "server.key", "ca.crt");
  t.set_crl_directory(File("crl"));
  EXPECT_TRUE(CheckTlsFiles(t).ok()) << CheckTlsFiles(t);
  t.set_crl_directory(File("ca.crt"));
  EXPECT_THAT(CheckTlsFiles(t).message(), HasSubstr("tls.crl_directory"));
  v1::ServerConfig c = Config("127.0.0.1:0");
  c.mutable_tls()->set_crl_directory(File("crl"));
  EXPECT_THAT(ValidateConfig(c).message(), HasSubstr("tls: needs all of"));
}

}  // namespace
}  // namespace pfx
