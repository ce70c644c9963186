// The BMP station's rules (feed/bmp/bmp_limits.h), table-driven at the edge of every bound,
// and the file-descriptor reserve (feed/bmp/fd_reserve.h) against the real RLIMIT_NOFILE.
#include "feed/bmp/bmp_limits.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <vector>

#include "feed/bmp/fd_reserve.h"
#include "gtest/gtest.h"
#include "tests/common/bmp_socket.h"

namespace pfx {
namespace {

using Kind = BmpAdmission::Kind;

const absl::Time kT0 = absl::UnixEpoch() + absl::Hours(1000);

BmpConnectionState Conn(const std::string& router, bool initiated, absl::Duration age,
                        absl::Duration silent) {
  BmpConnectionState c;
  c.router = router;
  c.source = "192.0.2.1";
  c.initiated = initiated;
  c.accepted = kT0 - age;
  c.last_data = kT0 - silent;
  return c;
}

struct AdmitCase {
  std::string name;
  BmpLimits limits;
  bool routers_configured = false;
  bool known = true;
  std::vector<BmpConnectionState> open;
  bool fd_room = true;
  Kind kind;
  size_t replace = 0;
  std::string reason_part;
  bool conflict = false;
};

TEST(BmpLimitsTest, Admission) {
  BmpLimits lab;
  lab.accept_unknown_routers = true;
  BmpLimits two;
  two.max_connections = 2;
  const absl::Duration kSilence = BmpLimits().silence_timeout;
  const std::vector<AdmitCase> cases = {
      {.name = "empty station", .kind = Kind::kAccept},
      {.name = "unknown source, no list", .known = false, .kind = Kind::kAccept},
      {.name = "unknown source, list configured",
       .routers_configured = true,
       .known = false,
       .kind = Kind::kRefuse,
       .reason_part = "192.0.2.9 is not a configured BMP router"},
      {.name = "unknown source, list configured, lab switch",
       .limits = lab,
       .routers_configured = true,
       .known = false,
       .kind = Kind::kAccept},
      {.name = "known source, list configured", .routers_configured = true, .kind = Kind::kAccept},
      {.name = "same router live",
       .open = {Conn("other", true, absl::Hours(1), absl::ZeroDuration()),
                Conn("edge", true, absl::Hours(1), kSilence - absl::Nanoseconds(1))},
       .kind = Kind::kRefuse,
       .reason_part = "router edge is connected from 192.0.2.1",
       .conflict = true},
      {.name = "same router silent exactly the timeout",
       .open = {Conn("other", true, absl::Hours(1), absl::ZeroDuration()),
                Conn("edge", true, absl::Hours(1), kSilence)},
       .kind = Kind::kReplace,
       .replace = 1,
       .reason_part = "silent for 1m30s"},
      {.name = "same router without Initiation yet",
       .open = {Conn("edge", false, absl::Milliseconds(1), absl::Milliseconds(1))},
       .kind = Kind::kReplace,
       .replace = 0,
       .reason_part = "it had not sent its Initiation"},
      {.name = "same router silent at a full station: replacing needs no room",
       .limits = two,
       .open = {Conn("other", true, absl::Hours(1), absl::ZeroDuration()),
                Conn("edge", true, absl::Hours(1), kSilence)},
       .fd_room = false,
       .kind = Kind::kReplace,
       .replace = 1},
      {.name = "one below the cap",
       .limits = two,
       .open = {Conn("a", true, absl::Hours(1), absl::ZeroDuration())},
       .kind = Kind::kAccept},
      {.name = "at the cap, all initiated",
       .limits = two,
       .open = {Conn("a", true, absl::Hours(1), absl::ZeroDuration()),
                Conn("b", true, absl::Hours(1), absl::ZeroDuration())},
       .kind = Kind::kRefuse,
       .reason_part = "bmp_max_connections (2) reached"},
      {.name = "at the cap, the oldest without Initiation makes room",
       .limits = two,
       .open = {Conn("a", false, absl::Seconds(1), absl::Seconds(1)),
                Conn("b", false, absl::Seconds(2), absl::Seconds(2))},
       .kind = Kind::kReplace,
       .replace = 1,
       .reason_part = "bmp_max_connections (2) reached; closed to make room (no Initiation after "
                      "2s)"},
      {.name = "no descriptor to spare, all initiated",
       .open = {Conn("a", true, absl::Hours(1), absl::ZeroDuration())},
       .fd_room = false,
       .kind = Kind::kRefuse,
       .reason_part = "no file descriptor to spare"},
      {.name = "no descriptor to spare, one without Initiation",
       .open = {Conn("a", true, absl::Hours(1), absl::ZeroDuration()),
                Conn("b", false, absl::Seconds(1), absl::Seconds(1))},
       .fd_room = false,
       .kind = Kind::kReplace,
       .replace = 1,
       .reason_part = "no file descriptor to spare"},
  };
  for (const AdmitCase& c : cases) {
    std::vector<const BmpConnectionState*> open;
    for (const auto& s : c.open) open.push_back(&s);
    BmpAdmission a = AdmitBmpConnection(c.limits, c.routers_configured, c.known, "edge",
                                        "192.0.2.9", open, c.fd_room, kT0);
    EXPECT_EQ(a.kind, c.kind) << c.name << ": " << a.reason;
    if (c.kind == Kind::kReplace) {
      EXPECT_EQ(a.replace, c.replace) << c.name;
    }
    EXPECT_NE(a.reason.find(c.reason_part), std::string::npos) << c.name << ": " << a.reason;
    EXPECT_EQ(a.conflict.has_value(), c.conflict) << c.name;
  }
}

TEST(BmpLimitsTest, TimeoutsAtTheirEdges) {
  BmpLimits limits;  // 5 s for the Initiation, 30 s for an incomplete message
  BmpConnectionState fresh = Conn("edge", false, absl::ZeroDuration(), absl::ZeroDuration());
  fresh.accepted = kT0;
  EXPECT_EQ(BmpConnectionDeadline(limits, fresh), kT0 + absl::Seconds(5));
  EXPECT_EQ(BmpConnectionExpired(limits, fresh, kT0 + absl::Seconds(5) - absl::Nanoseconds(1)), "");
  EXPECT_EQ(BmpConnectionExpired(limits, fresh, kT0 + absl::Seconds(5)),
            "no Initiation within 5s (bmp_initiation_timeout)");

  BmpConnectionState router = fresh;
  router.initiated = true;
  EXPECT_EQ(BmpConnectionDeadline(limits, router), absl::InfiniteFuture());
  EXPECT_EQ(BmpConnectionExpired(limits, router, kT0 + absl::Hours(100)), "");  // quiet is fine
  router.pending = 100;
  router.pending_since = kT0 + absl::Seconds(1);
  EXPECT_EQ(BmpConnectionDeadline(limits, router), kT0 + absl::Seconds(31));
  EXPECT_EQ(BmpConnectionExpired(limits, router, kT0 + absl::Seconds(31) - absl::Nanoseconds(1)),
            "");
  EXPECT_EQ(BmpConnectionExpired(limits, router, kT0 + absl::Seconds(31)),
            "an incomplete message (100 bytes) pending for 30s "
            "(bmp_incomplete_message_timeout 30s)");
  // Half an Initiation: whichever comes first.
  fresh.pending = 3;
  fresh.pending_since = kT0 + absl::Seconds(1);
  EXPECT_EQ(BmpConnectionDeadline(limits, fresh), kT0 + absl::Seconds(5));
}

TEST(BmpLimitsTest, BudgetPicksTheConnectionHoldingTheMost) {
  BmpLimits limits;
  limits.buffer_budget_bytes = 100;
  std::vector<BmpConnectionState> states(3);
  states[0].pending = 30;
  states[1].pending = 40;
  states[2].pending = 30;
  std::vector<const BmpConnectionState*> open = {&states[0], &states[1], &states[2]};
  size_t total = 0;
  EXPECT_EQ(BmpOverBudget(limits, open, &total), std::nullopt);  // exactly the budget fits
  EXPECT_EQ(total, 100u);
  states[2].pending = 31;
  EXPECT_EQ(BmpOverBudget(limits, open, &total), 1u);
  EXPECT_EQ(total, 101u);
  states[2].pending = 40;  // equals: the first
  EXPECT_EQ(BmpOverBudget(limits, open, &total), 1u);
}

TEST(BmpLimitsTest, BudgetClosesAStrangerBeforeARouter) {
  BmpLimits limits;
  limits.buffer_budget_bytes = 100;
  std::vector<BmpConnectionState> states(3);
  states[0].initiated = true;  // a router in the middle of a big message
  states[0].pending = 90;
  states[1].pending = 0;  // a stranger holding nothing is no candidate
  states[2].pending = 20;
  std::vector<const BmpConnectionState*> open = {&states[0], &states[1], &states[2]};
  size_t total = 0;
  EXPECT_EQ(BmpOverBudget(limits, open, &total), 2u);
  states[2].initiated = true;  // only routers hold bytes: the one holding the most
  EXPECT_EQ(BmpOverBudget(limits, open, &total), 0u);
}

TEST(BmpLimitsTest, EventLimiterSummarizesWhatItHeldBack) {
  BmpEventLimiter limiter(2, absl::Seconds(10));
  EXPECT_TRUE(limiter.Allow(kT0));
  EXPECT_TRUE(limiter.Allow(kT0 + absl::Seconds(1)));
  EXPECT_EQ(limiter.SummaryDue(), absl::InfiniteFuture());
  EXPECT_FALSE(limiter.Allow(kT0 + absl::Seconds(2)));
  EXPECT_FALSE(limiter.Allow(kT0 + absl::Seconds(3)));
  EXPECT_EQ(limiter.SummaryDue(), kT0 + absl::Seconds(10));
  EXPECT_EQ(limiter.Summary(kT0 + absl::Seconds(9)), std::nullopt);
  std::optional<std::string> summary = limiter.Summary(kT0 + absl::Seconds(10));
  ASSERT_TRUE(summary.has_value());
  EXPECT_EQ(*summary, "2 more BMP connection events like the ones above were not logged in 10s");
  EXPECT_EQ(limiter.Summary(kT0 + absl::Seconds(11)), std::nullopt);  // said once
  EXPECT_TRUE(limiter.Allow(kT0 + absl::Seconds(11)));                // a new window
}

TEST(FdReserveTest, RoomEndsAtTheLimitMinusTheReserve) {
  const int before = CountOpenFds();
  ASSERT_GT(before, 0);
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  EXPECT_EQ(CountOpenFds(), before + 1);
  close(fd);

  SoftFdLimit limit(static_cast<rlim_t>(before + 10));
  FdReserve fds(5);  // holds the spare: before + 1 open, room up to before + 5
  EXPECT_EQ(fds.limit(), before + 10);
  EXPECT_EQ(fds.reserve(), 5);
  EXPECT_TRUE(fds.has_spare());
  std::vector<int> kept;
  for (int i = 0; i < 4; ++i) {
    kept.push_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
    fds.Opened();
    EXPECT_TRUE(fds.HasRoom(kT0)) << i;  // before + 2 .. before + 5
  }
  kept.push_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
  fds.Opened();
  EXPECT_FALSE(fds.HasRoom(kT0));  // before + 6
  close(kept.back());
  kept.pop_back();
  fds.Closed();
  EXPECT_TRUE(fds.HasRoom(kT0));
  // A descriptor opened elsewhere in the process is seen at the next scan.
  kept.push_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
  EXPECT_TRUE(fds.HasRoom(kT0 + absl::Milliseconds(500)));  // the estimate, not yet rescanned
  EXPECT_FALSE(fds.HasRoom(kT0 + absl::Seconds(1)));
  for (int k : kept) close(k);
  EXPECT_TRUE(fds.HasRoom(kT0 + absl::Seconds(2)));
  // The automatic reserve: a quarter of the limit, at least 64.
  EXPECT_EQ(FdReserve(-1).reserve(), std::max(64, (before + 10) / 4));
}

TEST(FdReserveTest, SpareIsReleasedAndTakenBack) {
  FdReserve fds(0);
  const int open_with_spare = CountOpenFds();
  ASSERT_TRUE(fds.ReleaseSpare());
  EXPECT_FALSE(fds.has_spare());
  EXPECT_FALSE(fds.ReleaseSpare());
  EXPECT_EQ(CountOpenFds(), open_with_spare - 1);
  EXPECT_TRUE(fds.RestoreSpare());
  EXPECT_EQ(CountOpenFds(), open_with_spare);
}

}  // namespace
}  // namespace pfx
