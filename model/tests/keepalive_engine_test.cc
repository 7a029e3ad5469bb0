// Tests for ws2sim/model/keepalive.h: the keep-alive engine driven directly through a fake
// KeepAliveDriver (no network). Each test is a timeline with exact virtual times: "probe at
// exactly 100 ms, nothing at 99 ms".
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

#include "ws2sim/model/keepalive.h"
#include "ws2sim/model/scheduler.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"

namespace ws2sim {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr TimePoint at_ms(std::int64_t ms) {
  return kEpoch + milliseconds(ms);
}

// One call the engine made to the driver, stamped with the virtual time it happened at.
struct Call {
  enum Kind : std::uint8_t { kProbe, kTimeout, kSuppressed };
  Kind kind;
  std::uint32_t conn;
  std::uint32_t probe;  // kProbe only
  std::uint32_t of;     // kProbe and kTimeout
  TimePoint at;
  friend bool operator==(const Call&, const Call&) = default;
};

Call probe(std::uint32_t n, std::uint32_t of, TimePoint at, std::uint32_t conn = 0) {
  return {Call::kProbe, conn, n, of, at};
}
Call timeout(std::uint32_t of, TimePoint at, std::uint32_t conn = 0) {
  return {Call::kTimeout, conn, 0, of, at};
}
Call suppressed(TimePoint at, std::uint32_t conn = 0) {
  return {Call::kSuppressed, conn, 0, 0, at};
}

void PrintTo(const Call& c, std::ostream* os) {
  switch (c.kind) {
    case Call::kProbe:
      *os << "probe " << c.probe << "/" << c.of;
      break;
    case Call::kTimeout:
      *os << "timeout of=" << c.of;
      break;
    case Call::kSuppressed:
      *os << "suppressed";
      break;
  }
  *os << " conn " << c.conn << " at " << format_duration(c.at.time_since_epoch()) << " ("
      << c.at.time_since_epoch().count() << "ns)";
}

class FakeDriver final : public KeepAliveDriver {
 public:
  explicit FakeDriver(const Scheduler& scheduler) : scheduler_(scheduler) {}

  bool outstanding = false;                          // what has_outstanding_data answers
  bool may_hold_data = true;                         // what may_have_outstanding_data answers
  int outstanding_queries = 0;                       // has_outstanding_data calls
  std::function<void(std::uint32_t conn)> on_probe;  // runs inside send_probe
  std::vector<Call> calls;

  bool has_outstanding_data(std::uint32_t /*conn*/) override {
    ++outstanding_queries;
    return outstanding;
  }
  [[nodiscard]] bool may_have_outstanding_data() const override { return may_hold_data; }
  void send_probe(std::uint32_t conn, std::uint32_t n, std::uint32_t of) override {
    calls.push_back({Call::kProbe, conn, n, of, scheduler_.now()});
    if (on_probe) on_probe(conn);
  }
  void keepalive_timeout(std::uint32_t conn, std::uint32_t of) override {
    calls.push_back({Call::kTimeout, conn, 0, of, scheduler_.now()});
  }
  void keepalive_suppressed(std::uint32_t conn) override {
    calls.push_back({Call::kSuppressed, conn, 0, 0, scheduler_.now()});
  }

 private:
  const Scheduler& scheduler_;
};

KeepAliveConfig config(Duration idle, Duration interval, std::uint32_t probes) {
  return {.enabled = true, .idle = idle, .interval = interval, .probe_count = probes};
}

// idle 100 ms, interval 50 ms, 3 probes: probes at 100/150/200, dead at 250.
const KeepAliveConfig kFast = config(milliseconds(100), milliseconds(50), 3);

class KeepAliveEngineTest : public ::testing::Test {
 protected:
  void run_to(TimePoint t) { ASSERT_TRUE(sched_.run_until(t).ok()); }
  void start(const KeepAliveConfig& cfg, std::uint32_t conn = 0) {
    ASSERT_TRUE(engine_.start(conn, cfg).ok());
  }
  const std::vector<Call>& calls() const { return driver_.calls; }

  Scheduler sched_;
  FakeDriver driver_{sched_};
  KeepAliveEngine engine_{sched_, driver_};
};

// ---- the basic timeline ----

TEST_F(KeepAliveEngineTest, NothingBeforeTheIdleTimeElapses) {
  start(kFast);
  run_to(at_ms(99));
  EXPECT_TRUE(calls().empty());
}

TEST_F(KeepAliveEngineTest, FirstProbeAtExactlyTheIdleTime) {
  start(kFast);
  run_to(at_ms(100) - nanoseconds(1));
  ASSERT_TRUE(calls().empty());
  run_to(at_ms(100));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100))}));
}

TEST_F(KeepAliveEngineTest, UnansweredProbesRepeatEveryIntervalThenTimeOut) {
  start(kFast);
  run_to(at_ms(250));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100)), probe(2, 3, at_ms(150)),
                                        probe(3, 3, at_ms(200)), timeout(3, at_ms(250))}));
}

// Regression: cancels leave holes in a timer lane; with the lane's head still armed the ring
// used to grow by one entry per re-arm. It is now compacted in place, which moves entries: a
// cancel after many compactions must still remove exactly its own timer, and the order of
// simultaneous timers (scheduling order) must survive.
TEST_F(KeepAliveEngineTest, ChurnBehindAnArmedHeadKeepsEveryTimerExact) {
  start(kFast, 0);
  start(kFast, 1);  // the lane's head from here on: armed first, never cancelled
  for (int round = 0; round < 2000; ++round) {
    for (std::uint32_t conn = 2; conn < 10; ++conn) {
      engine_.stop(conn);
      start(kFast, conn);
    }
  }
  engine_.stop(5);
  run_to(at_ms(100) - nanoseconds(1));
  ASSERT_TRUE(calls().empty());
  run_to(at_ms(100));
  std::vector<Call> expected;
  for (std::uint32_t conn : {0U, 1U, 2U, 3U, 4U, 6U, 7U, 8U, 9U})
    expected.push_back(probe(1, 3, at_ms(100), conn));
  EXPECT_EQ(calls(), expected);
  EXPECT_EQ(engine_.next_check(5), std::nullopt);
  EXPECT_EQ(engine_.next_check(9), at_ms(150));
}

TEST_F(KeepAliveEngineTest, NoTimeoutOneNanosecondBeforeTheLastIntervalEnds) {
  start(kFast);
  run_to(at_ms(250) - nanoseconds(1));
  ASSERT_EQ(calls().size(), 3U);
  EXPECT_EQ(calls().back(), probe(3, 3, at_ms(200)));
  EXPECT_EQ(engine_.probes_out(0), 3U);
}

TEST_F(KeepAliveEngineTest, NothingAfterTheTimeout) {
  start(kFast);
  run_to(at_ms(250));
  ASSERT_EQ(calls().size(), 4U);
  run_to(at_ms(10'000));
  EXPECT_EQ(calls().size(), 4U);
  EXPECT_EQ(engine_.next_check(0), std::nullopt);
  EXPECT_EQ(sched_.pending_count(), 0U);
}

TEST_F(KeepAliveEngineTest, StartStampsTheReceiveTimeAndArmsTheFirstCheck) {
  run_to(at_ms(7));
  start(kFast);
  EXPECT_EQ(engine_.last_receive(0), at_ms(7));
  EXPECT_EQ(engine_.next_check(0), at_ms(107));
  EXPECT_EQ(engine_.probes_out(0), 0U);
}

// ---- traffic ----

TEST_F(KeepAliveEngineTest, ReceiveOnlyStampsTheTimeAndLeavesTheTimerAlone) {
  start(kFast);
  run_to(at_ms(40));
  EXPECT_FALSE(engine_.on_receive(0));
  EXPECT_EQ(engine_.last_receive(0), at_ms(40));
  EXPECT_EQ(engine_.next_check(0), at_ms(100));  // lazy: re-checked when it fires
}

TEST_F(KeepAliveEngineTest, ReceiveBeforeTheFirstProbeMovesItToIdleAfterTheReceive) {
  start(kFast);
  run_to(at_ms(40));
  EXPECT_FALSE(engine_.on_receive(0));
  run_to(at_ms(140) - nanoseconds(1));
  ASSERT_TRUE(calls().empty()) << "no probe at 100 ms";
  EXPECT_EQ(engine_.next_check(0), at_ms(140));
  run_to(at_ms(140));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(140))}));
}

TEST_F(KeepAliveEngineTest, ReceiveAfterAProbeAnswersIt) {
  start(kFast);
  run_to(at_ms(120));
  ASSERT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100))}));
  ASSERT_EQ(engine_.probes_out(0), 1U);
  EXPECT_TRUE(engine_.on_receive(0));
  EXPECT_EQ(engine_.probes_out(0), 0U);
}

TEST_F(KeepAliveEngineTest, SecondReceiveAfterAnAnsweredProbeAnswersNothing) {
  start(kFast);
  run_to(at_ms(120));
  ASSERT_TRUE(engine_.on_receive(0));
  EXPECT_FALSE(engine_.on_receive(0));
}

TEST_F(KeepAliveEngineTest, AfterAnAnswerTheNextProbeIsAFullIdleLater) {
  start(kFast);
  run_to(at_ms(120));
  ASSERT_TRUE(engine_.on_receive(0));
  run_to(at_ms(220) - nanoseconds(1));
  ASSERT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100))})) << "no probe 2 at 150 ms";
  run_to(at_ms(220));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100)), probe(1, 3, at_ms(220))}));
}

TEST_F(KeepAliveEngineTest, ReceiveOnAnUnwatchedConnectionAnswersNothing) {
  EXPECT_FALSE(engine_.on_receive(5));
  EXPECT_EQ(engine_.last_receive(5), std::nullopt);
}

// The receive stamp lives outside the timer node and a bitmap says who has probes out: a stop
// with probes out must clear that bit, and a receive while unwatched must not leak into the next
// start (which counts a full idle period from the start, RFC 1122 §4.2.3.6).
TEST_F(KeepAliveEngineTest, StopWithProbesOutForgetsThemAndAReceiveWhileStoppedIsIgnored) {
  start(kFast);
  run_to(at_ms(160));
  ASSERT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100)), probe(2, 3, at_ms(150))}));
  engine_.stop(0);
  EXPECT_EQ(engine_.probes_out(0), 0U);
  run_to(at_ms(170));
  EXPECT_FALSE(engine_.on_receive(0)) << "no probe is out on a stopped connection";
  EXPECT_EQ(engine_.last_receive(0), std::nullopt);
  run_to(at_ms(200));
  start(kFast);
  EXPECT_EQ(engine_.last_receive(0), at_ms(200));
  run_to(at_ms(300) - nanoseconds(1));
  ASSERT_EQ(calls().size(), 2U) << "no probe before 300 ms: the stamp at 170 ms was dropped";
  run_to(at_ms(300));
  EXPECT_EQ(calls().back(), probe(1, 3, at_ms(300)));
  EXPECT_FALSE(engine_.on_receive(5)) << "a neighbour in the same bitmap word has none out";
  EXPECT_TRUE(engine_.on_receive(0));
}

TEST_F(KeepAliveEngineTest, ProbesOutAreTrackedPerConnectionAcrossBitmapWords) {
  // Connections 0, 63, 64 and 130 straddle three bitmap words; only 63 and 130 get answers.
  for (std::uint32_t conn : {0U, 63U, 64U, 130U})
    start(kFast, conn);
  run_to(at_ms(100));
  for (std::uint32_t conn : {0U, 63U, 64U, 130U})
    ASSERT_EQ(engine_.probes_out(conn), 1U) << "connection " << conn;
  EXPECT_FALSE(engine_.on_receive(62));
  EXPECT_FALSE(engine_.on_receive(65));
  EXPECT_TRUE(engine_.on_receive(63));
  EXPECT_TRUE(engine_.on_receive(130));
  EXPECT_EQ(engine_.probes_out(0), 1U);
  EXPECT_EQ(engine_.probes_out(63), 0U);
  EXPECT_EQ(engine_.probes_out(64), 1U);
  EXPECT_EQ(engine_.probes_out(130), 0U);
  run_to(at_ms(150));
  EXPECT_EQ(engine_.probes_out(0), 2U);
  EXPECT_EQ(engine_.probes_out(63), 0U) << "answered at 100 ms: next check at 200 ms";
  EXPECT_TRUE(engine_.on_receive(0));
  EXPECT_FALSE(engine_.on_receive(0));
}

// ---- probe count 0 ----

TEST_F(KeepAliveEngineTest, ProbeCountZeroArmsNoTimer) {
  start(config(milliseconds(100), milliseconds(50), 0));
  EXPECT_EQ(engine_.next_check(0), std::nullopt);
  EXPECT_EQ(sched_.pending_count(), 0U);
}

TEST_F(KeepAliveEngineTest, ProbeCountZeroNeverProbesNorTimesOut) {
  start(config(milliseconds(100), milliseconds(50), 0));
  run_to(at_ms(10'000));
  EXPECT_TRUE(calls().empty());
}

// ---- outstanding data (RFC 9293 MUST-26) ----

TEST_F(KeepAliveEngineTest, OutstandingDataSuppressesTheProbeAndDefersAFullIdle) {
  start(kFast);
  driver_.outstanding = true;
  run_to(at_ms(100));
  EXPECT_EQ(calls(), (std::vector<Call>{suppressed(at_ms(100))}));
  EXPECT_EQ(engine_.next_check(0), at_ms(200));
}

TEST_F(KeepAliveEngineTest, ProbeFollowsTheDeferralOnceDataIsAcknowledged) {
  start(kFast);
  driver_.outstanding = true;
  run_to(at_ms(100));
  driver_.outstanding = false;
  run_to(at_ms(200) - nanoseconds(1));
  ASSERT_EQ(calls(), (std::vector<Call>{suppressed(at_ms(100))}));
  run_to(at_ms(200));
  EXPECT_EQ(calls(), (std::vector<Call>{suppressed(at_ms(100)), probe(1, 3, at_ms(200))}));
}

// Regression (fuzz_winsock, docs/reliability.md): with an idle time of 0 the re-check after a
// suppression was armed at the same instant, forever; virtual time never moved again.
TEST_F(KeepAliveEngineTest, ZeroIdleWithOutstandingDataRechecksOneIntervalLater) {
  start(config(milliseconds(0), milliseconds(50), 3));
  driver_.outstanding = true;
  run_to(at_ms(120));
  EXPECT_EQ(calls(), (std::vector<Call>{suppressed(at_ms(0)), suppressed(at_ms(50)),
                                        suppressed(at_ms(100))}));
  EXPECT_EQ(engine_.next_check(0), at_ms(150));
}

// ---- restart with new parameters (Linux: re-arm at once) ----

TEST_F(KeepAliveEngineTest, ShorterIdleWhileActiveReArmsForTheRemainder) {
  start(kFast);
  run_to(at_ms(30));
  start(config(milliseconds(50), milliseconds(50), 3));
  EXPECT_EQ(engine_.next_check(0), at_ms(50));
  run_to(at_ms(50) - nanoseconds(1));
  ASSERT_TRUE(calls().empty());
  run_to(at_ms(50));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(50))}));
}

TEST_F(KeepAliveEngineTest, IdleAlreadyExceededByNewParametersProbesNow) {
  start(kFast);
  run_to(at_ms(30));
  start(config(milliseconds(20), milliseconds(50), 3));
  EXPECT_EQ(engine_.next_check(0), at_ms(30));
  ASSERT_TRUE(calls().empty()) << "start itself sends nothing";
  run_to(at_ms(30));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(30))}));
}

TEST_F(KeepAliveEngineTest, RestartKeepsTheReceiveStamp) {
  start(kFast);
  run_to(at_ms(30));
  start(config(milliseconds(50), milliseconds(50), 3));
  EXPECT_EQ(engine_.last_receive(0), kEpoch);
}

// ---- disabling, stopping and bad parameters ----

TEST_F(KeepAliveEngineTest, DisabledConfigMakesNoCalls) {
  KeepAliveConfig off = kFast;
  off.enabled = false;
  start(off);
  run_to(at_ms(10'000));
  EXPECT_TRUE(calls().empty());
  EXPECT_EQ(engine_.next_check(0), std::nullopt);
}

TEST_F(KeepAliveEngineTest, DisabledConfigWhileActiveIsTheSameAsStop) {
  start(kFast);
  run_to(at_ms(50));
  KeepAliveConfig off = kFast;
  off.enabled = false;
  start(off);
  EXPECT_EQ(engine_.next_check(0), std::nullopt);
  EXPECT_EQ(engine_.last_receive(0), std::nullopt);
  run_to(at_ms(10'000));
  EXPECT_TRUE(calls().empty());
}

TEST_F(KeepAliveEngineTest, StopCancelsTheTimer) {
  start(kFast);
  run_to(at_ms(50));
  engine_.stop(0);
  EXPECT_EQ(engine_.next_check(0), std::nullopt);
  EXPECT_EQ(sched_.pending_count(), 0U);
  run_to(at_ms(10'000));
  EXPECT_TRUE(calls().empty());
}

TEST_F(KeepAliveEngineTest, StopBetweenProbesEndsTheSequence) {
  start(kFast);
  run_to(at_ms(120));
  engine_.stop(0);
  EXPECT_EQ(engine_.probes_out(0), 0U);
  run_to(at_ms(10'000));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100))}));
}

TEST_F(KeepAliveEngineTest, NegativeIdleIsRejected) {
  const Status st = engine_.start(0, config(milliseconds(-1), milliseconds(50), 3));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_.next_check(0), std::nullopt);
}

TEST_F(KeepAliveEngineTest, NegativeIntervalIsRejected) {
  const Status st = engine_.start(0, config(milliseconds(100), milliseconds(-1), 3));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(KeepAliveEngineTest, RejectedRestartLeavesThePreviousWatchRunning) {
  start(kFast);
  run_to(at_ms(10));
  const Status st = engine_.start(0, config(milliseconds(-1), milliseconds(50), 3));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_.next_check(0), at_ms(100));
  run_to(at_ms(100));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100))}));
}

// ---- edges ----

TEST_F(KeepAliveEngineTest, ZeroIdleZeroIntervalProbesAndTimesOutInOneInstant) {
  run_to(at_ms(5));
  start(config(Duration::zero(), Duration::zero(), 3));
  ASSERT_TRUE(calls().empty()) << "start itself sends nothing";
  run_to(at_ms(5));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(5)), probe(2, 3, at_ms(5)),
                                        probe(3, 3, at_ms(5)), timeout(3, at_ms(5))}));
}

TEST_F(KeepAliveEngineTest, MaxU32MillisecondIdleProbesAtExactlyThatTime) {
  const TimePoint due = kEpoch + milliseconds(4'294'967'295);
  start(config(milliseconds_u32(0xFFFFFFFFU), seconds(1), 3));
  EXPECT_EQ(engine_.next_check(0), due);
  run_to(due - nanoseconds(1));
  ASSERT_TRUE(calls().empty());
  run_to(due);
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, due)}));
}

TEST_F(KeepAliveEngineTest, ConnectionsAreIndependent) {
  start(kFast, 0);
  run_to(at_ms(30));
  start(kFast, 3);
  run_to(at_ms(130));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100), 0), probe(1, 3, at_ms(130), 3)}));
}

// ---- timers and closures in one lane (Scheduler::run_lane_batch through the engine) ----

// Timers armed for 100 ms and a closure scheduled 100 ms ahead share one lane: at 100 ms they run
// in the order they were scheduled, and a closure in the middle of the batch that stops a
// connection takes its probe away.
TEST_F(KeepAliveEngineTest, TimersAndClosuresSharingALaneRunInSchedulingOrder) {
  std::vector<int> order;  // connection probed, or -1 for the closure
  driver_.on_probe = [&](std::uint32_t conn) { order.push_back(static_cast<int>(conn)); };
  start(kFast, 0);
  ASSERT_TRUE(sched_.schedule_in(milliseconds(100), [&] { order.push_back(-1); }).ok());
  start(kFast, 1);
  ASSERT_TRUE(sched_.schedule_in(milliseconds(100), [&] { engine_.stop(2); }).ok());
  start(kFast, 2);
  run_to(at_ms(100));
  EXPECT_EQ(order, (std::vector<int>{0, -1, 1}));
  EXPECT_EQ(calls(), (std::vector<Call>{probe(1, 3, at_ms(100), 0), probe(1, 3, at_ms(100), 1)}));
}

// Probes at 100 ms (conns 0 and 1) and 110 ms (conn 2) are queued for one delay (the scheduler
// may keep the first timer of a new delay elsewhere, hence three); conn 1's probe schedules an
// event for 105 ms. It must run before conn 2's probe, in one run_until: a lane batch ends where
// a newer event comes first.
TEST_F(KeepAliveEngineTest, AnEventAProbeSchedulesRunsBeforeTheLanesNextTimer) {
  std::vector<std::pair<int, TimePoint>> order;  // (connection probed or -1, when)
  driver_.on_probe = [&](std::uint32_t conn) {
    order.emplace_back(static_cast<int>(conn), sched_.now());
    if (conn != 1 || order.size() != 2) return;
    ASSERT_TRUE(
        sched_.schedule_in(milliseconds(5), [&] { order.emplace_back(-1, sched_.now()); }).ok());
  };
  start(kFast, 0);
  start(kFast, 1);
  run_to(at_ms(10));
  start(kFast, 2);
  run_to(at_ms(110));
  EXPECT_EQ(order, (std::vector<std::pair<int, TimePoint>>{
                       {0, at_ms(100)}, {1, at_ms(100)}, {-1, at_ms(105)}, {2, at_ms(110)}}));
}

// ---- may_have_outstanding_data ----

// A driver that never holds data is asked once, at construction, and never per expiry; the
// timeline is the same.
TEST(KeepAliveEngineDriver, ADriverThatNeverHoldsDataIsNotAskedPerExpiry) {
  for (const bool may_hold : {true, false}) {
    Scheduler sched;
    FakeDriver driver(sched);
    driver.may_hold_data = may_hold;
    KeepAliveEngine engine(sched, driver);
    ASSERT_TRUE(engine.start(0, kFast).ok());
    ASSERT_TRUE(sched.run_until(at_ms(250)).ok());
    EXPECT_EQ(driver.calls, (std::vector<Call>{probe(1, 3, at_ms(100)), probe(2, 3, at_ms(150)),
                                               probe(3, 3, at_ms(200)), timeout(3, at_ms(250))}))
        << "may_hold_data " << may_hold;
    EXPECT_EQ(driver.outstanding_queries, may_hold ? 4 : 0) << "one query per expiry, or none";
  }
}

// ---- detection_delay ----

TEST(KeepAliveEngineDetectionDelay, WindowsDefaultsAreTwoHoursAndTenSeconds) {
  EXPECT_EQ(detection_delay(config(hours(2), seconds(1), 10)), seconds(7210));
}

TEST(KeepAliveEngineDetectionDelay, LinuxDefaultsAreTwoHoursAndNineTimesSeventyFiveSeconds) {
  EXPECT_EQ(detection_delay(config(seconds(7200), seconds(75), 9)), seconds(7875));
}

TEST(KeepAliveEngineDetectionDelay, ProbeCountZeroNeverDetects) {
  EXPECT_EQ(detection_delay(config(hours(2), seconds(1), 0)), std::nullopt);
}

TEST(KeepAliveEngineDetectionDelay, DisabledNeverDetects) {
  KeepAliveConfig off = config(hours(2), seconds(1), 10);
  off.enabled = false;
  EXPECT_EQ(detection_delay(off), std::nullopt);
}

TEST(KeepAliveEngineDetectionDelay, SaturatesInsteadOfOverflowing) {
  constexpr std::uint32_t kMaxU32 = std::numeric_limits<std::uint32_t>::max();
  EXPECT_EQ(detection_delay(config(seconds_u32(kMaxU32), seconds_u32(kMaxU32), kMaxU32)),
            Duration::max());
  EXPECT_EQ(detection_delay(config(Duration::max(), Duration::max(), 1)), Duration::max());
}

TEST(KeepAliveEngineDetectionDelay, MatchesTheEngineTimeline) {
  EXPECT_EQ(detection_delay(kFast), milliseconds(250));
}

}  // namespace
}  // namespace ws2sim
