// AccessControl (server/access_control.h) on hand-made certificate properties: who a
// certificate is, what Process answers, and that it writes nothing into the connection's
// AuthContext (which every call on the connection shares).
#include "server/access_control.h"

#include <map>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pfx {
namespace {

using ::testing::HasSubstr;

// The properties of one connection, as gRPC's TLS stack would set them.
class FakeAuthContext final : public grpc::AuthContext {
 public:
  explicit FakeAuthContext(bool authenticated) : authenticated_(authenticated) {}
  bool IsPeerAuthenticated() const override { return authenticated_; }
  std::vector<grpc::string_ref> GetPeerIdentity() const override { return {}; }
  std::string GetPeerIdentityPropertyName() const override { return ""; }
  std::vector<grpc::string_ref> FindPropertyValues(const std::string& name) const override {
    std::vector<grpc::string_ref> values;
    auto [begin, end] = properties_.equal_range(name);
    for (auto it = begin; it != end; ++it) values.emplace_back(it->second);
    return values;
  }
  grpc::AuthPropertyIterator begin() const override { return Iterator(); }
  grpc::AuthPropertyIterator end() const override { return Iterator(); }
  void AddProperty(const std::string& key, const grpc::string_ref& value) override {
    properties_.emplace(key, std::string(value.data(), value.size()));
  }
  bool SetPeerIdentityPropertyName(const std::string&) override { return false; }
  size_t size() const { return properties_.size(); }

 private:
  struct Iterator : grpc::AuthPropertyIterator {};
  bool authenticated_;
  std::multimap<std::string, std::string> properties_;
};

v1::RoleBinding Binding(const std::string& role, const std::string& uri, const std::string& dns,
                        const std::string& subject) {
  v1::RoleBinding b;
  b.set_role(role);
  b.set_san_uri(uri);
  b.set_san_dns(dns);
  b.set_subject(subject);
  return b;
}

class AccessControlTest : public ::testing::Test {
 protected:
  AccessControl access_{
      true,
      {Binding("portal", "spiffe://x/portal", "", ""), Binding("dashboard", "", "dash.example", ""),
       Binding("ops", "", "", "CN=oncall,O=Example"),
       Binding("revalidator", "spiffe://x/jobs", "", "")}};
};

TEST_F(AccessControlTest, EachMatcherGivesItsRole) {
  FakeAuthContext portal(true);
  portal.AddProperty("x509_subject", "CN=portal,O=Example");
  portal.AddProperty("peer_uri", "spiffe://x/portal");
  Caller c = access_.Identify(portal);
  EXPECT_TRUE(c.authenticated);
  EXPECT_EQ(c.identity, "CN=portal,O=Example");
  EXPECT_EQ(c.roles, RoleSet({Role::kPortal}));

  FakeAuthContext both(true);
  both.AddProperty("x509_subject", "CN=oncall,O=Example");
  both.AddProperty("peer_dns", "dash.example");
  both.AddProperty("peer_uri", "spiffe://x/other");
  EXPECT_EQ(access_.Identify(both).roles, RoleSet({Role::kDashboard, Role::kOps}));
}

TEST_F(AccessControlTest, NearMissesGiveNothing) {
  FakeAuthContext c(true);
  c.AddProperty("x509_subject", "CN=oncall,O=Example,OU=x");  // the whole subject must match
  c.AddProperty("peer_uri", "spiffe://x/portal/");
  c.AddProperty("peer_dns", "DASH.example");
  EXPECT_TRUE(access_.Identify(c).roles.empty());
  // A property of the right value under another name does not count either.
  FakeAuthContext wrong_kind(true);
  wrong_kind.AddProperty("peer_dns", "spiffe://x/portal");
  EXPECT_TRUE(access_.Identify(wrong_kind).roles.empty());
}

TEST_F(AccessControlTest, AnUnverifiedPeerHasNoRoleWhateverItsProperties) {
  FakeAuthContext c(false);
  c.AddProperty("peer_uri", "spiffe://x/portal");
  Caller caller = access_.Identify(c);
  EXPECT_FALSE(caller.authenticated);
  EXPECT_TRUE(caller.roles.empty());
}

TEST_F(AccessControlTest, ProcessDecidesAndWritesNothingIntoTheSharedContext) {
  FakeAuthContext dashboard(true);
  dashboard.AddProperty("x509_subject", "CN=dash");
  dashboard.AddProperty("peer_dns", "dash.example");
  const size_t properties = dashboard.size();
  std::vector<std::pair<std::string, absl::Status>> refused;
  access_.set_on_refused([&](const Caller& c, absl::string_view path, const absl::Status& s) {
    refused.emplace_back(std::string(path), s);
  });
  grpc::AuthMetadataProcessor::OutputMetadata consumed, response;
  grpc::string_ref get_path("/pfx.v1.Peerings/GetPeering");
  grpc::string_ref delete_path("/pfx.v1.Peerings/DeletePeering");
  grpc::AuthMetadataProcessor::InputMetadata get{{":path", get_path}};
  grpc::AuthMetadataProcessor::InputMetadata del{{":path", delete_path}};

  EXPECT_TRUE(access_.Process(get, &dashboard, &consumed, &response).ok());
  grpc::Status denied = access_.Process(del, &dashboard, &consumed, &response);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(denied.error_message(), HasSubstr("role dashboard (CN=dash) may not call"));
  EXPECT_EQ(dashboard.size(), properties);
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(refused[0].first, "/pfx.v1.Peerings/DeletePeering");

  // A call without a :path is not an RPC of the policy.
  grpc::AuthMetadataProcessor::InputMetadata none;
  EXPECT_EQ(access_.Process(none, &dashboard, &consumed, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST(AccessControlPlaintextTest, APlaintextPortIsLocalWithEveryRole) {
  AccessControl plaintext(false, {});
  grpc::ServerContext context;
  Caller c = plaintext.CallerOf(context);
  EXPECT_EQ(c.identity, "local-plaintext");
  EXPECT_EQ(c.roles, RoleSet::All());
}

}  // namespace
}  // namespace pfx
