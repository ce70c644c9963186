// What pfxd does with requests that pass the field rules but abuse the contract: unknown
// fields (never stored or returned), a request_id reused with another payload (AIP-155),
// repeated fields past their bounds, and huge input echoed into an error message.
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/fixtures.h"

namespace pfx::testing {
namespace {

using ::testing::HasSubstr;

constexpr size_t kMegabyte = 1 << 20;

void AddUnknown(google::protobuf::Message& m, size_t bytes) {
  m.GetReflection()->MutableUnknownFields(&m)->AddLengthDelimited(4242, std::string(bytes, 'x'));
}

int UnknownFieldCount(const google::protobuf::Message& m) {
  int count = m.GetReflection()->GetUnknownFields(m).field_count();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < m.GetReflection()->FieldSize(m, f); ++i) {
        count += UnknownFieldCount(m.GetReflection()->GetRepeatedMessage(m, f, i));
      }
    } else {
      count += UnknownFieldCount(m.GetReflection()->GetMessage(m, f));
    }
  }
  return count;
}

class RequestRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pfxd_ = std::make_unique<PfxdProcess>(std::vector<std::string>{"--enable_route_injection"});
    ASSERT_TRUE(pfxd_->Start());
  }
  std::unique_ptr<PfxdProcess> pfxd_;
};

// A megabyte of unknown fields, at the top of a create and deep inside it, is accepted and
// dropped: neither the reply, nor a Get, nor a List carries any of it.
TEST_F(RequestRulesTest, UnknownFieldsAreNeverStoredOrReturned) {
  v1::CreatePeeringRequest create;
  *create.mutable_peering() = MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                          {{"Seattle", "sea-1", {"198.51.100.1"}},
                                           {"Seattle", "sea-2", {"198.51.100.5"}}});
  AddUnknown(create, kMegabyte / 4);
  AddUnknown(*create.mutable_peering(), kMegabyte / 4);
  AddUnknown(*create.mutable_peering()->mutable_connections(0), kMegabyte / 4);
  AddUnknown(*create.mutable_peering()->mutable_connections(1)->mutable_sessions(0),
             kMegabyte / 4);
  v1::Peering created;
  grpc::Status s = pfxd_->peerings().CreatePeering(Ctx().get(), create, &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(UnknownFieldCount(created), 0);

  v1::GetPeeringRequest get;
  get.set_name("voice-1");
  v1::Peering got;
  ASSERT_TRUE(pfxd_->peerings().GetPeering(Ctx().get(), get, &got).ok());
  EXPECT_EQ(UnknownFieldCount(got), 0);
  EXPECT_LT(got.ByteSizeLong(), 1024u) << "nothing of the megabyte was kept";
  v1::ListPeeringsResponse listed;
  ASSERT_TRUE(pfxd_->peerings().ListPeerings(Ctx().get(), v1::ListPeeringsRequest(), &listed).ok());
  EXPECT_EQ(UnknownFieldCount(listed), 0);
}

// AIP-155: a retry with the same request_id and the same request gets the first reply; the same
// request_id with another payload is refused naming request_id, and applies nothing.
TEST_F(RequestRulesTest, ARequestIdReusedForAnotherRequestIsInvalid) {
  ASSERT_TRUE(CreateActivePeering(*pfxd_, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                      {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                       {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  v1::RegisteredPrefix first, again, other;
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24", &first, "req-7").ok());
  ASSERT_TRUE(RegisterPrefix(*pfxd_, "voice-1", "r1", "1.1.1.0/24", &again, "req-7").ok());
  EXPECT_EQ(again.peering_service_prefix_key(), first.peering_service_prefix_key());
  grpc::Status s = RegisterPrefix(*pfxd_, "voice-1", "r2", "1.0.0.0/24", &other, "req-7");
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("request_id: 'req-7' was already used for a different "
                                           "CreateRegisteredPrefix request"));
  v1::GetRegisteredPrefixRequest get;
  get.set_peering_name("voice-1");
  get.set_name("r2");
  v1::RegisteredPrefix missing;
  EXPECT_EQ(pfxd_->registrations().GetRegisteredPrefix(Ctx().get(), get, &missing).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// A peering with 19,000 connections once made every default client fail to list peerings:
// repeated fields are bounded, and the error names the field, the bound and the count.
TEST_F(RequestRulesTest, RepeatedFieldsPastTheirBoundAreInvalidNamingTheField) {
  v1::CreatePeeringRequest create;
  *create.mutable_peering() = MakePeering("big", 13335, v1::PEERING_KIND_VOICE, {});
  for (int i = 0; i < 19000; ++i) {
    v1::Connection& c = *create.mutable_peering()->add_connections();
    c.set_connection_id(absl::StrCat("c", i));
    c.set_peering_location("Seattle");
    c.set_microsoft_router("sea-1");
  }
  v1::Peering reply;
  grpc::Status s = pfxd_->peerings().CreatePeering(Ctx().get(), create, &reply);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "peering.connections: at most 64 items (got 19000)");

  v1::RevalidateRequest revalidate;
  for (int i = 0; i < 10001; ++i) revalidate.add_prefixes("192.0.2.0/24");
  grpc::ClientContext ctx;
  auto reader = pfxd_->validation().Revalidate(&ctx, revalidate);
  v1::RevalidateResponse progress;
  EXPECT_FALSE(reader->Read(&progress));
  s = reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(), "prefixes: at most 10000 items (got 10001)");
}

// Input echoed into an error is cut: a 70 KB value gives a status of about a kilobyte, and
// the connection keeps working (a 70 KB grpc-message header broke clients' HTTP/2).
TEST_F(RequestRulesTest, HugeInputEchoedIntoAnErrorIsCut) {
  ASSERT_TRUE(CreateActivePeering(*pfxd_, MakePeering("voice-1", 13335, v1::PEERING_KIND_VOICE,
                                                      {{"Seattle", "sea-1", {"198.51.100.1"}},
                                                       {"Seattle", "sea-2", {"198.51.100.5"}}}))
                  .ok());
  v1::ListReceivedRoutesRequest list;
  list.set_peering_name("voice-1");
  list.set_connection_id(std::string(70 * 1024, 'c'));
  v1::ListReceivedRoutesResponse routes;
  grpc::Status s = pfxd_->routes().ListReceivedRoutes(Ctx().get(), list, &routes);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("connection_id"));
  EXPECT_LE(s.error_message().size(), 1100u);
  EXPECT_THAT(s.error_message(), HasSubstr("more bytes cut"));

  v1::GetPeeringRequest get;
  get.set_name("voice-1");
  v1::Peering peering;
  EXPECT_TRUE(pfxd_->peerings().GetPeering(Ctx().get(), get, &peering).ok())
      << "the same channel still works";
}

}  // namespace
}  // namespace pfx::testing
