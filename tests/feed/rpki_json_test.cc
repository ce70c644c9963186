// rpki-client JSON: the shared test payloads load; every broken entry is refused whole, with
// the file, the entry's index and the field named. RTRlib's own origin validation agrees with
// VrpIndex on every VRP of the test payloads (exact, one bit longer, another AS).
#include "feed/rpki_json.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
extern "C" {
#include "rtrlib/rtrlib.h"
}

namespace pfx {
namespace {

using ::testing::HasSubstr;

constexpr char kVrps[] = PFX_SOURCE_DIR "/testdata/rpki/vrps.json.gz";

TEST(RpkiJson, LoadsTheTestPayloads) {
  absl::StatusOr<std::vector<Vrp>> vrps = LoadVrpJson(kVrps);
  ASSERT_TRUE(vrps.ok()) << vrps.status();
  EXPECT_GT(vrps->size(), 100000u);
  EXPECT_EQ((*vrps)[0].ToString(), "AS9737 1.0.160.0/19-20 (afrinic)");
}

TEST(RpkiJson, AcceptsAsnAsTextAndAnAbsentMaxLength) {
  auto vrps = ParseVrpJson(R"({"roas":[{"asn":"AS13335","prefix":"1.1.1.0/24"}]})", "f");
  ASSERT_TRUE(vrps.ok()) << vrps.status();
  EXPECT_EQ((*vrps)[0].ToString(), "AS13335 1.1.1.0/24-24");
}

TEST(RpkiJson, RefusesEachBrokenEntryNamingIt) {
  struct Case {
    const char* roa;
    const char* message;
  } cases[] = {
      {R"({"asn":1,"prefix":"1.1.1.0/24","maxLength":23})", "roas[1]: maxLength 23 is outside 24..32"},
      {R"({"asn":1,"prefix":"1.1.1.0/24","maxLength":33})", "roas[1]: maxLength 33 is outside 24..32"},
      {R"({"asn":1,"prefix":"2001:db8::/32","maxLength":129})", "maxLength 129 is outside 32..128"},
      {R"({"asn":1,"prefix":"1.1.1.1/24"})", "roas[1]: prefix: "},
      {R"({"asn":4294967296,"prefix":"1.1.1.0/24"})", "roas[1]: asn 4294967296 is not an AS number"},
      {R"({"asn":"ASX","prefix":"1.1.1.0/24"})", "roas[1]: asn \"ASX\" is not an AS number"},
      {R"({"prefix":"1.1.1.0/24"})", "roas[1]: asn is missing"},
      {R"({"asn":1})", "roas[1]: prefix is missing"},
  };
  for (const Case& c : cases) {
    std::string json =
        absl::StrCat(R"({"roas":[{"asn":1,"prefix":"1.0.0.0/24"},)", c.roa, "]}");
    auto vrps = ParseVrpJson(json, "vrps.json");
    ASSERT_FALSE(vrps.ok()) << c.roa;
    EXPECT_THAT(vrps.status().message(), HasSubstr(absl::StrCat("vrps.json: ", "")));
    EXPECT_THAT(vrps.status().message(), HasSubstr(c.message)) << c.roa;
  }
  EXPECT_THAT(ParseVrpJson("{", "f").status().message(), HasSubstr("f: not valid JSON"));
  EXPECT_THAT(ParseVrpJson(R"({"vrps":[]})", "f").status().message(), HasSubstr("no \"roas\""));
}

enum pfxv_state RtrlibState(pfx_table* table, const IpPrefix& prefix, uint32_t asn) {
  lrtr_ip_addr addr;
  EXPECT_EQ(lrtr_ip_str_to_addr(prefix.address().ToString().c_str(), &addr), 0);
  enum pfxv_state state;
  EXPECT_EQ(pfx_table_validate(table, asn, &addr, static_cast<uint8_t>(prefix.length()), &state),
            PFX_SUCCESS);
  return state;
}

TEST(RpkiJson, VrpIndexAgreesWithRtrlibOnTheTestPayloads) {
  absl::StatusOr<std::vector<Vrp>> vrps = LoadVrpJson(kVrps);
  ASSERT_TRUE(vrps.ok()) << vrps.status();
  VrpIndex index;
  pfx_table table;
  pfx_table_init(&table, nullptr);
  for (const Vrp& v : *vrps) {
    index.Add(v);
    pfx_record record{};
    record.asn = v.asn;
    ASSERT_EQ(lrtr_ip_str_to_addr(v.prefix.address().ToString().c_str(), &record.prefix), 0);
    record.min_len = static_cast<uint8_t>(v.prefix.length());
    record.max_len = v.max_length;
    int rc = pfx_table_add(&table, &record);
    ASSERT_TRUE(rc == PFX_SUCCESS || rc == PFX_DUPLICATE_RECORD);
  }
  auto expected = [](RpkiState s) {
    switch (s) {
      case RpkiState::kValid:
        return BGP_PFXV_STATE_VALID;
      case RpkiState::kInvalid:
        return BGP_PFXV_STATE_INVALID;
      case RpkiState::kNotFound:
        return BGP_PFXV_STATE_NOT_FOUND;
    }
    return BGP_PFXV_STATE_NOT_FOUND;
  };
  size_t compared = 0, valid = 0, invalid = 0;
  for (size_t i = 0; i < vrps->size(); i += 7) {  // every 7th: ~45 k VRPs, 3 routes each
    const Vrp& v = (*vrps)[i];
    std::vector<std::pair<IpPrefix, uint32_t>> routes = {{v.prefix, v.asn}, {v.prefix, v.asn + 1}};
    if (v.max_length < v.prefix.address().bit_width()) {
      routes.push_back({IpPrefix(v.prefix.address(), v.max_length + 1), v.asn});
    }
    for (const auto& [prefix, asn] : routes) {
      RpkiState ours = index.Lookup(prefix, asn).state;
      ASSERT_EQ(expected(ours), RtrlibState(&table, prefix, asn))
          << prefix.ToString() << " AS" << asn << ": ours " << RpkiStateName(ours);
      ++compared;
      valid += ours == RpkiState::kValid;
      invalid += ours == RpkiState::kInvalid;
    }
  }
  pfx_table_free(&table);
  std::cout << compared << " routes compared with RTRlib: " << valid << " valid, " << invalid
            << " invalid\n";
  EXPECT_GT(valid, 10000u);
  EXPECT_GT(invalid, 10000u);
}

}  // namespace
}  // namespace pfx
