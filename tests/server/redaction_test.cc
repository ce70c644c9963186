// Secret fields are cleared from replies for callers that may not see keys (server/redaction.h).
#include "server/redaction.h"

#include "gtest/gtest.h"
#include "pfx/v1/peering.pb.h"
#include "pfx/v1/peering_service.pb.h"
#include "pfx/v1/registration.pb.h"
#include "pfx/v1/routes.pb.h"
#include "pfx/v1/validation.pb.h"

namespace pfx {
namespace {

constexpr char kKey[] = "0123abcd-0123-4567-89ab-0123456789ab";

TEST(RedactionTest, ClearsTheKeyAndKeepsEverythingElse) {
  v1::RegisteredPrefix p;
  p.set_name("voice-1");
  p.set_prefix("203.0.113.0/24");
  p.set_peering_service_prefix_key(kKey);
  v1::RegisteredPrefix expected = p;
  expected.clear_peering_service_prefix_key();
  RedactSecrets(p);
  EXPECT_EQ(p.SerializeAsString(), expected.SerializeAsString());
}

TEST(RedactionTest, ClearsKeysInsideListsAndNestedMessages) {
  v1::ListRegisteredAsnsResponse asns;
  for (int i = 0; i < 3; ++i) asns.add_registered_asns()->set_peering_service_prefix_key(kKey);
  RedactSecrets(asns);
  for (const v1::RegisteredAsn& a : asns.registered_asns()) {
    EXPECT_TRUE(a.peering_service_prefix_key().empty());
  }
  v1::ListPeeringServicePrefixesResponse prefixes;
  prefixes.add_peering_service_prefixes()->set_peering_service_prefix_key(kKey);
  prefixes.add_peering_service_prefixes()->set_prefix("198.51.100.0/24");
  RedactSecrets(prefixes);
  EXPECT_TRUE(prefixes.peering_service_prefixes(0).peering_service_prefix_key().empty());
  EXPECT_EQ(prefixes.peering_service_prefixes(1).prefix(), "198.51.100.0/24");
}

TEST(RedactionTest, KnowsWhichTypesCanHoldSecrets) {
  EXPECT_TRUE(MayHoldSecrets(v1::RegisteredPrefix::descriptor()));
  EXPECT_TRUE(MayHoldSecrets(v1::ListRegisteredPrefixesResponse::descriptor()));
  EXPECT_TRUE(MayHoldSecrets(v1::PeeringServicePrefix::descriptor()));
  EXPECT_FALSE(MayHoldSecrets(v1::Peering::descriptor()));
  EXPECT_FALSE(MayHoldSecrets(v1::ListReceivedRoutesResponse::descriptor()));
}

// The stream reactors write without redacting: that is right only while their replies cannot
// carry a key. A secret field added to them fails here first.
TEST(RedactionTest, StreamRepliesCannotCarryAKey) {
  EXPECT_FALSE(MayHoldSecrets(v1::WatchValidationResponse::descriptor()));
  EXPECT_FALSE(MayHoldSecrets(v1::RevalidateResponse::descriptor()));
}

}  // namespace
}  // namespace pfx
