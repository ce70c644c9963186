// RegisteredPrefixTable: covering lookups (most specific first, per family, only lengths
// that hold a registration), insert/erase bookkeeping, and Load from idx_prefix.
#include "registry/registered_prefixes.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace pfx {
namespace {

IpPrefix P(const char* text) { return *IpPrefix::Parse(text); }

std::vector<std::string> Found(const RegisteredPrefixTable& table, const char* prefix) {
  std::vector<std::string> out;
  for (const auto& h : table.Covering(P(prefix))) {
    out.push_back(absl::StrCat(h.prefix.ToString(), "=", h.registration));
  }
  return out;
}

TEST(RegisteredPrefixTableTest, CoveringFindsEqualAndLessSpecificMostSpecificFirst) {
  RegisteredPrefixTable table;
  table.Insert(P("10.0.0.0/8"), "a");
  table.Insert(P("10.1.0.0/16"), "b");
  table.Insert(P("10.1.2.0/24"), "c");
  table.Insert(P("10.1.3.0/24"), "d");  // a sibling: covers nothing below
  EXPECT_EQ(Found(table, "10.1.2.0/24"),
            (std::vector<std::string>{"10.1.2.0/24=c", "10.1.0.0/16=b", "10.0.0.0/8=a"}));
  EXPECT_EQ(Found(table, "10.1.2.128/25"),
            (std::vector<std::string>{"10.1.2.0/24=c", "10.1.0.0/16=b", "10.0.0.0/8=a"}));
  EXPECT_EQ(Found(table, "10.1.0.0/16"),
            (std::vector<std::string>{"10.1.0.0/16=b", "10.0.0.0/8=a"}));  // not the /24s
  EXPECT_EQ(Found(table, "11.0.0.0/24"), std::vector<std::string>{});
}

TEST(RegisteredPrefixTableTest, FamiliesAndTheDefaultRouteAreKeptApart) {
  RegisteredPrefixTable table;
  table.Insert(P("0.0.0.0/0"), "v4-default");
  table.Insert(P("2001:db8::/32"), "v6");
  EXPECT_EQ(Found(table, "192.0.2.0/24"), (std::vector<std::string>{"0.0.0.0/0=v4-default"}));
  EXPECT_EQ(Found(table, "2001:db8:1::/48"), (std::vector<std::string>{"2001:db8::/32=v6"}));
  EXPECT_EQ(Found(table, "2001:db9::/48"), std::vector<std::string>{});
  EXPECT_EQ(table.size(), 2u);
}

TEST(RegisteredPrefixTableTest, EraseAndReplaceKeepTheCountsRight) {
  RegisteredPrefixTable table;
  table.Insert(P("10.1.2.0/24"), "c");
  table.Insert(P("10.1.2.0/24"), "c2");  // replaces: still one
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(Found(table, "10.1.2.0/24"), (std::vector<std::string>{"10.1.2.0/24=c2"}));
  table.Erase(P("10.1.2.0/24"));
  table.Erase(P("10.1.2.0/24"));  // absent: no underflow of the length count
  EXPECT_EQ(table.size(), 0u);
  table.Insert(P("10.1.2.0/24"), "again");
  EXPECT_EQ(Found(table, "10.1.2.0/24"), (std::vector<std::string>{"10.1.2.0/24=again"}));
}

class RegisteredPrefixLoadTest : public testing::Test {
 protected:
  void SetUp() override {
    path_ = absl::StrCat(testing::TempDir(), "/registered_prefixes_test_", getpid());
    std::filesystem::remove_all(path_);
    db_ = std::move(*Database::Open(path_));
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(path_);
  }
  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(RegisteredPrefixLoadTest, LoadReadsIdxPrefixAndRefusesADamagedRow) {
  WriteSet w;
  w.Put(Column::kIdxPrefix, "10.1.0.0/16", "voice-1/b");
  w.Put(Column::kIdxPrefix, "2001:db8::/32", "voice-1/v6");
  ASSERT_TRUE(db_->Commit(w, Durability::kSynced).ok());
  RegisteredPrefixTable table;
  ASSERT_TRUE(table.Load(*db_).ok());
  EXPECT_EQ(table.size(), 2u);
  EXPECT_EQ(Found(table, "10.1.2.0/24"), (std::vector<std::string>{"10.1.0.0/16=voice-1/b"}));

  WriteSet damage;
  damage.Put(Column::kIdxPrefix, "not-a-prefix", "voice-1/x");
  ASSERT_TRUE(db_->Commit(damage, Durability::kSynced).ok());
  absl::Status s = table.Load(*db_);
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(s.message().find("not-a-prefix"), std::string::npos) << s;
  EXPECT_EQ(table.size(), 2u) << "a failed load keeps what the table had";
}

}  // namespace
}  // namespace pfx
