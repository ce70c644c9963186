// CheckRequestFields over every request of every pfx.v1 RPC: each enum field, at any depth, set to
// a number its enum does not define, is refused naming the field's path; defined values pass.
#include "registry/input_rules.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "gtest/gtest.h"
#include "pfx/v1/peering.pb.h"
#include "pfx/v1/peering_service.pb.h"
#include "pfx/v1/registration.pb.h"
#include "pfx/v1/routes.pb.h"
#include "pfx/v1/validation.pb.h"

namespace pfx {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

struct EnumSite {
  std::vector<const FieldDescriptor*> path;  // message fields down to the enum field
  std::string text;                          // "peering.connections[0].connection_state"
};

void CollectEnums(const Descriptor* d, std::vector<const FieldDescriptor*>& path,
                  std::string prefix, std::vector<EnumSite>& out) {
  if (path.size() > 4) return;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->is_map()) continue;
    std::string text = prefix + f->name() + (f->is_repeated() ? "[0]" : "");
    path.push_back(f);
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
      out.push_back({path, text});
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
               f->message_type()->file()->package() == "pfx.v1") {
      CollectEnums(f->message_type(), path, text + ".", out);
    }
    path.pop_back();
  }
}

// Sets the enum at `site` to `number`, creating the messages on the way.
void SetEnum(Message& request, const EnumSite& site, int number) {
  Message* m = &request;
  for (size_t i = 0; i + 1 < site.path.size(); ++i) {
    const FieldDescriptor* f = site.path[i];
    m = f->is_repeated() ? m->GetReflection()->AddMessage(m, f)
                         : m->GetReflection()->MutableMessage(m, f);
  }
  const FieldDescriptor* e = site.path.back();
  if (e->is_repeated()) {
    m->GetReflection()->AddEnumValue(m, e, number);
  } else {
    m->GetReflection()->SetEnumValue(m, e, number);
  }
}

TEST(CheckRequestFieldsTest, EveryEnumOfEveryRequestIsChecked) {
  const google::protobuf::FileDescriptor* files[] = {
      v1::Peering::descriptor()->file(), v1::RegisteredPrefix::descriptor()->file(),
      v1::PeeringService::descriptor()->file(), v1::ExplainRequest::descriptor()->file(),
      v1::ReceivedRoute::descriptor()->file()};
  google::protobuf::DynamicMessageFactory factory;
  int sites = 0;
  for (const auto* file : files) {
    for (int s = 0; s < file->service_count(); ++s) {
      for (int m = 0; m < file->service(s)->method_count(); ++m) {
        const Descriptor* input = file->service(s)->method(m)->input_type();
        std::vector<const FieldDescriptor*> path;
        std::vector<EnumSite> enums;
        CollectEnums(input, path, "", enums);
        for (const EnumSite& site : enums) {
          SCOPED_TRACE(input->full_name() + " " + site.text);
          std::unique_ptr<Message> request(factory.GetPrototype(input)->New());
          const auto* type = site.path.back()->enum_type();
          SetEnum(*request, site, type->value(type->value_count() - 1)->number());
          EXPECT_TRUE(CheckRequestFields(*request).ok());
          request->Clear();
          SetEnum(*request, site, 99);
          absl::Status status = CheckRequestFields(*request);
          EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
          EXPECT_THAT(std::string(status.message()),
                      testing::StartsWith(site.text + ": 99 is not a " + type->name()));
          ++sites;
        }
      }
    }
  }
  // CreatePeering alone has kind, session_address_provider, connection_state and two session
  // states; a walk that found few enums would not be testing much.
  EXPECT_GT(sites, 15);
}

}  // namespace
}  // namespace pfx

namespace pfx {
namespace {

// Each repeated field holds at most its (pfx.v1.max_items), or kDefaultMaxItems without one;
// the bound itself is accepted, one more is refused naming the path, bound and count.
TEST(CheckRequestFieldsTest, RepeatedFieldsAreBoundedAtTheirMaxItems) {
  v1::CreatePeeringRequest create;
  for (int i = 0; i < 64; ++i) create.mutable_peering()->add_connections();
  EXPECT_TRUE(CheckRequestFields(create).ok());
  create.mutable_peering()->add_connections();
  EXPECT_EQ(CheckRequestFields(create).message(),
            "peering.connections: at most 64 items (got 65)");

  v1::CreatePeeringRequest sessions;
  v1::Connection* c = sessions.mutable_peering()->add_connections();
  for (int i = 0; i < 9; ++i) c->add_sessions();
  EXPECT_EQ(CheckRequestFields(sessions).message(),
            "peering.connections[0].sessions: at most 8 items (got 9)");

  // Without an option: the default bound (an output-only list a client should not send).
  v1::CreateRegisteredPrefixRequest events;
  for (int i = 0; i < kDefaultMaxItems; ++i) events.mutable_registered_prefix()->add_events();
  EXPECT_TRUE(CheckRequestFields(events).ok());
  events.mutable_registered_prefix()->add_events();
  EXPECT_EQ(CheckRequestFields(events).message(),
            absl::StrCat("registered_prefix.events: at most ", kDefaultMaxItems, " items (got ",
                         kDefaultMaxItems + 1, ")"));
  EXPECT_TRUE(NeedsFieldCheck(v1::CreateRegisteredPrefixRequest::descriptor()));
  EXPECT_FALSE(NeedsFieldCheck(v1::GetPeeringRequest::descriptor()));
}

}  // namespace
}  // namespace pfx
