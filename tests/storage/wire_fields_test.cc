#include "storage/wire_fields.h"

#include <string>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "storage/records.pb.h"

namespace pfx {
namespace {

using storage::EventRecord;
using storage::PeeringServicePrefixRecord;
using storage::PeeringServicePrefixValidationView;
using storage::RegisteredPrefixRecord;
using storage::RegisteredPrefixValidationView;

RegisteredPrefixRecord FullRecord() {
  RegisteredPrefixRecord r;
  r.set_peering_name("p1");
  r.set_name("voice");
  r.set_prefix("192.0.2.0/24");
  r.set_peering_service_prefix_key("sealed key bytes");
  r.set_prefix_validation_state(v1::PREFIX_VALIDATION_STATE_VERIFIED);
  r.set_error_message("");
  for (int i = 0; i < 3; ++i) {
    EventRecord* e = r.add_events();
    e->set_event_type("ValidationStateChangeEvent");
    e->set_event_summary(std::string(200, 'x'));
  }
  r.set_provisioning_state(v1::PROVISIONING_STATE_SUCCEEDED);
  r.mutable_hold_down_deadline()->set_seconds(1700000000);
  (*r.mutable_observed_origins())["r1|192.0.2.1"] = 64500;
  (*r.mutable_observed_origins())["r2|192.0.2.9"] = 4200000000u;
  r.set_last_decided_state(v1::PREFIX_VALIDATION_STATE_VERIFIED);
  r.set_traffic_class(v1::TRAFFIC_CLASS_OTHER);
  r.set_endpoint_description("SBC cluster");
  return r;
}

TEST(WireFieldsTest, DeclaredFieldsAreTheTypesNumbers) {
  const FieldMask mask = DeclaredFields(EventRecord::descriptor());
  EXPECT_EQ(mask, FieldMask{0b111110});  // fields 1-5
  // Every view of records.proto fits (DeclaredFields aborts on a number past 63).
  EXPECT_NE(DeclaredFields(RegisteredPrefixValidationView::descriptor()), 0u);
  EXPECT_NE(DeclaredFields(PeeringServicePrefixValidationView::descriptor()), 0u);
}

TEST(WireFieldsTest, TheViewParsesTheSameWithoutTheRecordsOtherFields) {
  const std::string bytes = FullRecord().SerializeAsString();
  RegisteredPrefixValidationView whole;
  ASSERT_TRUE(whole.ParseFromString(bytes));
  EXPECT_GT(whole.GetReflection()->GetUnknownFields(whole).field_count(), 0);

  std::string kept;
  ASSERT_TRUE(KeepFields(bytes, DeclaredFields(RegisteredPrefixValidationView::descriptor()), kept));
  EXPECT_LT(kept.size(), bytes.size() / 2);  // the events and the key stayed out
  RegisteredPrefixValidationView view;
  ASSERT_TRUE(view.ParseFromString(kept));
  EXPECT_EQ(view.GetReflection()->GetUnknownFields(view).field_count(), 0);
  whole.DiscardUnknownFields();
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(view, whole));
  EXPECT_EQ(view.observed_origins().size(), 2u);
}

TEST(WireFieldsTest, KeepsEveryFieldOfEveryWireType) {
  // Varints, fixed widths (the map's entries are length-delimited), nested messages and the
  // last field at the very end of the bytes.
  RegisteredPrefixRecord r = FullRecord();
  const std::string bytes = r.SerializeAsString();
  std::string kept;
  ASSERT_TRUE(KeepFields(bytes, ~FieldMask{0}, kept));
  EXPECT_EQ(kept, bytes);
  kept.clear();
  ASSERT_TRUE(KeepFields(bytes, 0, kept));
  EXPECT_EQ(kept, "");
  kept.clear();
  ASSERT_TRUE(KeepFields("", ~FieldMask{0}, kept));
  EXPECT_EQ(kept, "");
}

TEST(WireFieldsTest, BytesThatAreNotWireFormatAreRefused) {
  const std::string bytes = FullRecord().SerializeAsString();
  std::string kept;
  // Cut inside the last field; a tag of field 0; a length past the end.
  EXPECT_FALSE(KeepFields(bytes.substr(0, bytes.size() - 1), ~FieldMask{0}, kept));
  kept.clear();
  EXPECT_FALSE(KeepFields(std::string("\x00\x01", 2), ~FieldMask{0}, kept));
  kept.clear();
  EXPECT_FALSE(KeepFields("\x0a\x7f" "abc", ~FieldMask{0}, kept));
  // A wire type that does not exist (7) in field 1.
  kept.clear();
  EXPECT_FALSE(KeepFields("\x0f", ~FieldMask{0}, kept));
}

}  // namespace
}  // namespace pfx
