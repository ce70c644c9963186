// The ops status page (server/status_page.h, server/status_snapshot.h): rendering escapes
// every stored value, the query filters and bounds the list, and the prefix scan of a real
// RocksDB store counts states and never lets a prefix key through.
#include "server/status_page.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/status_snapshot.h"
#include "storage/records.pb.h"
#include "tests/common/test_store.h"

namespace pfx {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "7f3c1a52-4e0b-4c71-9d7e-5b2a9e8c1d04";  // a prefix key's shape

ProblemPrefix Problem(std::string prefix, std::string state, std::string message,
                      std::string description = "SBC cluster") {
  return {"registered",     "voice-1",          "r-" + prefix,         prefix,
          std::move(state), std::move(message), std::move(description)};
}

StatusSnapshot Sample() {
  StatusSnapshot s;
  s.taken = absl::FromUnixSeconds(1800000000);
  s.version = "1.2.3";
  s.counts = {
      {{"registered", "VERIFIED"}, 7}, {{"registered", "FAILED"}, 2}, {{"service", "WARNING"}, 1}};
  s.problems = {Problem("10.1.0.0/24", "FAILED",
                        "Prefix not received from IP: 10.1.0.0/24 not advertised on session "
                        "198.51.100.5 on router sea-2 at Seattle")};
  s.sessions = {{"sea-1", "198.51.100.1", 13335, true, true, 12, s.taken - absl::Seconds(75)},
                {"sea-2", "198.51.100.5", 0, false, false, 0, absl::InfinitePast()}};
  s.queue_depth = 3;
  s.queue_oldest = s.taken - absl::Seconds(42);
  s.last_route_update = s.taken - absl::Seconds(75);
  s.irr = {1234, s.taken - absl::Hours(2)};
  return s;
}

TEST(StatusPageTest, RendersEverySection) {
  const std::string html = RenderStatusPage(Sample(), {});
  EXPECT_THAT(html, HasSubstr("<title>pfxd status</title>"));
  EXPECT_THAT(html, HasSubstr("pfxd 1.2.3"));
  // Counts: one row per state, the kinds as columns, with totals.
  EXPECT_THAT(html, HasSubstr("<td class=\"VERIFIED\">VERIFIED</td><td class=\"n\">7</td>"
                              "<td class=\"n\">0</td>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"/status?state=FAILED\">FAILED</a></td>"
                              "<td class=\"n\">2</td><td class=\"n\">0</td>"));
  EXPECT_THAT(html, HasSubstr("<th>total</th><td class=\"n\">9</td><td class=\"n\">1</td>"));
  EXPECT_THAT(html, HasSubstr("1 matching"));
  EXPECT_THAT(html, HasSubstr("<td>10.1.0.0/24</td>"));
  EXPECT_THAT(html, HasSubstr("not advertised on session 198.51.100.5 on router sea-2"));
  EXPECT_THAT(html, HasSubstr("<td>sea-1</td><td>198.51.100.1</td><td class=\"n\">13335</td>"
                              "<td>established</td><td>complete</td><td class=\"n\">12</td>"
                              "<td>2027-01-15 07:58:45 UTC (1m 15s ago)</td>"));
  EXPECT_THAT(html, HasSubstr("<td>sea-2</td><td>198.51.100.5</td><td class=\"n\">-</td>"
                              "<td class=\"down\">down</td><td>loading</td>"));
  EXPECT_THAT(html, HasSubstr("id=\"queue-depth\">3</td>"));
  EXPECT_THAT(html, HasSubstr("<td>42s</td>"));
  EXPECT_THAT(html, HasSubstr("id=\"irr-objects\">1234</td>"));
  EXPECT_THAT(html, HasSubstr("(2h 0m ago)"));
  EXPECT_THAT(html, HasSubstr("RPKI: not configured"));
  EXPECT_THAT(html, Not(HasSubstr("more not shown")));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
}

TEST(StatusPageTest, StoredTextIsEscaped) {
  StatusSnapshot s = Sample();
  s.problems = {Problem("10.9.0.0/24", "WARNING", "a <b>bold</b> & \"quoted\" 'message'",
                        "<script>alert(1)</script>")};
  s.problems[0].parent = "<img src=x onerror=alert(2)>";
  s.sessions[0].router = "<i>r</i>";
  StatusQuery q{"", "<script>"};
  const std::string html = RenderStatusPage(s, q);
  EXPECT_THAT(html, HasSubstr("<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"));
  EXPECT_THAT(html, HasSubstr("a &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot; "
                              "&#39;message&#39;"));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(2)&gt;"));
  EXPECT_THAT(html, HasSubstr("<td>&lt;i&gt;r&lt;/i&gt;</td>"));
  // The filter text echoed into the form's value attribute cannot close it.
  EXPECT_THAT(html, HasSubstr("value=\"&lt;script&gt;\""));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
}

TEST(StatusPageTest, ManyProblemsEndWithACountOfTheRest) {
  StatusSnapshot s = Sample();
  s.problems.clear();
  for (size_t i = 0; i < kMaxProblemRows; ++i) {
    s.problems.push_back(
        Problem(absl::StrCat("10.", i / 256, ".", i % 256, ".0/24"), "FAILED", "no route"));
  }
  s.problems_not_shown = 123;
  const std::string html = RenderStatusPage(s, {"FAILED", ""});
  EXPECT_THAT(html, HasSubstr("623 matching, state FAILED"));
  EXPECT_THAT(html, HasSubstr("123 more not shown (the first 500 are)"));
  EXPECT_THAT(html, HasSubstr("<option value=\"FAILED\" selected>"));
}

TEST(StatusPageTest, ParsesTheQueryString) {
  StatusQuery q = ParseStatusQuery("state=failed&q=10.1.");
  EXPECT_EQ(q.state, "FAILED");
  EXPECT_EQ(q.text, "10.1.");
  q = ParseStatusQuery("q=%3Cb%3E+sea-2%2&state=VERIFIED&other=1");
  EXPECT_EQ(q.state, "");  // only FAILED and WARNING are listed
  EXPECT_EQ(q.text, "<b> sea-2%2");
  EXPECT_EQ(ParseStatusQuery("").text, "");
  EXPECT_EQ(ParseStatusQuery(absl::StrCat("q=", std::string(1000, 'a'))).text.size(), 200u);
}

TEST(StatusPageTest, MatchesStateAndAnyTextField) {
  ProblemPrefix p = Problem("10.1.0.0/24", "FAILED", "Prefix not received from IP", "Contoso SBC");
  EXPECT_TRUE(Matches({}, p));
  EXPECT_TRUE(Matches({"FAILED", "10.1."}, p));
  EXPECT_FALSE(Matches({"WARNING", ""}, p));
  EXPECT_TRUE(Matches({"", "NOT RECEIVED"}, p));  // case-insensitive
  EXPECT_TRUE(Matches({"", "contoso"}, p));
  EXPECT_TRUE(Matches({"", "voice-1"}, p));
  EXPECT_FALSE(Matches({"", "10.2."}, p));
}

class StatusScanTest : public ::testing::Test {
 protected:
  void Put(Column column, const std::string& key, const google::protobuf::Message& record) {
    WriteSet w;
    w.Put(column, key, record.SerializeAsString());
    ASSERT_TRUE(store_.db()->Commit(w, Durability::kBuffered).ok());
  }
  void Registered(const std::string& name, const std::string& prefix,
                  v1::PrefixValidationState state, const std::string& message) {
    storage::RegisteredPrefixRecord r;
    r.set_peering_name("voice-1");
    r.set_name(name);
    r.set_prefix(prefix);
    r.set_peering_service_prefix_key(kKey);  // stored in plain text here (no sealing)
    r.set_prefix_validation_state(state);
    r.set_error_message(message);
    r.set_endpoint_description("<script>x()</script>");
    Put(Column::kRegisteredPrefixes, "voice-1\x01" + name, r);
  }

  TestStore store_{"status_scan"};
};

TEST_F(StatusScanTest, CountsStatesListsProblemsAndNeverTheKey) {
  ASSERT_TRUE(store_.ok());
  Registered("ok", "1.1.1.0/24", v1::PREFIX_VALIDATION_STATE_VERIFIED, "");
  Registered("bad", "10.1.0.0/24", v1::PREFIX_VALIDATION_STATE_FAILED,
             "Prefix not received from IP: 10.1.0.0/24 not advertised on session 198.51.100.5");
  Registered("held", "10.2.0.0/24", v1::PREFIX_VALIDATION_STATE_WARNING, "route lost (hold-down)");
  storage::PeeringServicePrefixRecord service;
  service.set_peering_service_name("svc-1");
  service.set_name("sp");
  service.set_prefix("10.1.5.0/24");
  service.set_peering_service_prefix_key(kKey);
  service.set_prefix_validation_state(v1::PREFIX_VALIDATION_STATE_FAILED);
  service.set_error_message("Prefix key does not match");
  Put(Column::kServicePrefixes, "svc-1\x01sp", service);
  WriteSet w;
  w.Put(Column::kServicePrefixes, "svc-1\x01zz", std::string("\xff\xff\xff", 3));
  ASSERT_TRUE(store_.db()->Commit(w, Durability::kSynced).ok());

  StatusSnapshot s;
  ASSERT_TRUE(ScanPrefixes(*store_.db(), {}, s).ok());
  EXPECT_EQ((s.counts[{"registered", "VERIFIED"}]), 1u);
  EXPECT_EQ((s.counts[{"registered", "FAILED"}]), 1u);
  EXPECT_EQ((s.counts[{"registered", "WARNING"}]), 1u);
  EXPECT_EQ((s.counts[{"registered", "PENDING"}]), 0u);  // every state is listed
  EXPECT_EQ((s.counts[{"service", "FAILED"}]), 1u);
  EXPECT_EQ((s.counts[{"service", "UNREADABLE"}]), 1u);
  ASSERT_EQ(s.problems.size(), 3u);
  EXPECT_EQ(s.problems[0].name, "bad");
  EXPECT_EQ(s.problems[0].parent, "voice-1");
  EXPECT_EQ(s.problems[0].prefix, "10.1.0.0/24");
  EXPECT_EQ(s.problems[0].state, "FAILED");
  EXPECT_THAT(s.problems[0].error_message, HasSubstr("not advertised on session 198.51.100.5"));
  EXPECT_EQ(s.problems[0].description, "<script>x()</script>");
  EXPECT_EQ(s.problems[2].kind, "service");
  EXPECT_EQ(s.problems[2].parent, "svc-1");

  const std::string html = RenderStatusPage(s, {});
  EXPECT_THAT(html, HasSubstr("Prefix key does not match"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;x()&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr(kKey)));
  EXPECT_THAT(html, Not(HasSubstr("7f3c1a52")));

  // The query filters the list; the counts stay whole.
  StatusSnapshot filtered;
  ASSERT_TRUE(ScanPrefixes(*store_.db(), {"FAILED", "10.1."}, filtered).ok());
  ASSERT_EQ(filtered.problems.size(), 2u);
  EXPECT_EQ(filtered.problems[0].name, "bad");
  EXPECT_EQ(filtered.problems[1].name, "sp");
  EXPECT_EQ((filtered.counts[{"registered", "WARNING"}]), 1u);
}

TEST_F(StatusScanTest, TheListIsBounded) {
  ASSERT_TRUE(store_.ok());
  for (size_t i = 0; i < kMaxProblemRows + 7; ++i) {
    Registered(absl::StrCat("p", 1000 + i), absl::StrCat("10.", i / 256, ".", i % 256, ".0/24"),
               v1::PREFIX_VALIDATION_STATE_FAILED, "no route");
  }
  StatusSnapshot s;
  ASSERT_TRUE(ScanPrefixes(*store_.db(), {}, s).ok());
  EXPECT_EQ(s.problems.size(), kMaxProblemRows);
  EXPECT_EQ(s.problems_not_shown, 7u);
  EXPECT_EQ((s.counts[{"registered", "FAILED"}]), kMaxProblemRows + 7);
}

}  // namespace
}  // namespace pfx
