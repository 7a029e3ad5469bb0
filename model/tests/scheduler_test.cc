// Tests for ws2sim/model/scheduler.h: (time, sequence) ordering across the per-delay lanes and the
// heap, event-id validity, clock movement, errors that leave state unchanged, and the lifetime of
// captured closure state.
#include "ws2sim/model/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

#include "ws2sim/model/rng.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"

namespace ws2sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr TimePoint at_ms(std::int64_t ms) {
  return kEpoch + milliseconds(ms);
}

// One executed event: which one, and the clock when it ran.
struct Ran {
  int id;
  TimePoint at;
  friend bool operator==(const Ran&, const Ran&) = default;
};

void PrintTo(const Ran& r, std::ostream* os) {
  *os << "{id " << r.id << " at " << format_time(r.at) << " (" << r.at.time_since_epoch().count()
      << "ns)}";
}

// A scheduler plus a log of what ran and when.
class Timeline {
 public:
  Scheduler s;
  std::vector<Ran> log;

  EventId in(Duration d, int id) {
    return s.schedule_in(d, [this, id] { log.push_back({id, s.now()}); }).value();
  }
  EventId at(TimePoint t, int id) {
    return s.schedule_at(t, [this, id] { log.push_back({id, s.now()}); }).value();
  }
};

// ---- ordering ----

TEST(SchedulerOrder, EarlierTimeRunsFirstWhateverTheSchedulingOrder) {
  Timeline t;
  t.at(at_ms(30), 3);
  t.at(at_ms(10), 1);
  t.at(at_ms(20), 2);
  ASSERT_TRUE(t.s.run_until(at_ms(100)).ok());
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(10)}, {2, at_ms(20)}, {3, at_ms(30)}}));
}

TEST(SchedulerOrder, SameTimeEventsRunInSchedulingOrder) {
  Timeline t;
  t.at(at_ms(10), 1);
  t.in(milliseconds(10), 2);
  t.at(at_ms(10), 3);
  ASSERT_TRUE(t.s.run_until(at_ms(10)).ok());
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(10)}, {2, at_ms(10)}, {3, at_ms(10)}}));
}

TEST(SchedulerOrder, EventScheduledForNowFromInsideAnEventRunsAfterTheOthersAtThatTime) {
  Timeline t;
  ASSERT_TRUE(t.s.schedule_at(at_ms(10),
                              [&t] {
                                t.log.push_back({1, t.s.now()});
                                t.in(Duration::zero(), 4);  // same instant, later sequence
                                t.at(t.s.now(), 5);
                              })
                  .ok());
  t.at(at_ms(10), 2);
  t.at(at_ms(10), 3);
  t.at(at_ms(11), 6);
  ASSERT_TRUE(t.s.run_until(at_ms(11)).ok());
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(10)},
                                     {2, at_ms(10)},
                                     {3, at_ms(10)},
                                     {4, at_ms(10)},
                                     {5, at_ms(10)},
                                     {6, at_ms(11)}}));
}

// Every event knows its own due time and the order in which it was scheduled (which is the
// scheduler's sequence order); events reschedule followers so the lanes fill at several clock
// values. 20 distinct schedule_in delays is more than the 16 lanes, so some fixed-delay events use
// the heap too; schedule_at with odd offsets always has a fresh delay.
class MixedLoad {
 public:
  struct Record {
    TimePoint due;
    std::uint64_t order;
    TimePoint ran;
  };
  Scheduler s;
  std::vector<Record> ran;
  std::uint64_t scheduled = 0;

  void in(Duration d, int depth) { add(s.now() + d, depth, /*use_at=*/false); }
  void at(TimePoint t, int depth) { add(t, depth, /*use_at=*/true); }

 private:
  void add(TimePoint due, int depth, bool use_at) {
    const std::uint64_t order = scheduled++;
    Task task = [this, due, order, depth] {
      ran.push_back({due, order, s.now()});
      if (depth > 0) {
        in(milliseconds(3), depth - 1);                 // an existing lane
        at(s.now() + microseconds(17'500), depth - 1);  // a fresh delay: the heap
        in(Duration::zero(), depth - 1);                // delay 0: the heap, same instant
      }
    };
    if (use_at) {
      ASSERT_TRUE(s.schedule_at(due, std::move(task)).ok());
    } else {
      ASSERT_TRUE(s.schedule_in(due - s.now(), std::move(task)).ok());
    }
  }
};

TEST(SchedulerOrder, LaneAndHeapEventsInterleaveInTimeThenSequenceOrder) {
  MixedLoad m;
  for (int i = 0; i < 40; ++i)
    m.in(milliseconds((i * 7) % 20 + 1), 2);  // delays 1..20 ms, twice
  for (int j = 0; j < 10; ++j)
    m.at(at_ms(2 * j) + microseconds(500), 1);
  for (int k = 1; k <= 20; k += 4)
    m.at(at_ms(k), 1);  // ties with the lane events at k ms
  ASSERT_TRUE(m.s.run_until(at_ms(1000)).ok());

  ASSERT_EQ(m.ran.size(), m.scheduled);
  EXPECT_EQ(m.s.pending_count(), 0U);
  for (std::size_t i = 0; i < m.ran.size(); ++i) {
    EXPECT_EQ(m.ran[i].ran, m.ran[i].due) << "event #" << m.ran[i].order << " ran off time";
    if (i == 0) continue;
    const auto& prev = m.ran[i - 1];
    const auto& cur = m.ran[i];
    EXPECT_TRUE(prev.due < cur.due || (prev.due == cur.due && prev.order < cur.order))
        << "event #" << cur.order << " due " << format_time(cur.due) << " ran after event #"
        << prev.order << " due " << format_time(prev.due);
  }
}

// A lane's events run in batches without comparing the other queues each time (scheduler.cc,
// run_batch). These timelines put something between two events of one lane: an event
// scheduled by a lane event inside the batch, one already in the heap, and ties.
// Events 10..14 with one delay (100 ms) armed at 0..4 ms: due 100..104 ms. A delay gets its lane
// the second time it is seen, so 10 is in the heap and 11..14 form the lane. A lane event runs
// `then[id]` after logging itself, if set.
class LaneBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 5; ++i) {
      if (i > 0) {
        ASSERT_TRUE(t.s.run_until(at_ms(i)).ok());
      }
      const int id = 10 + i;
      ASSERT_TRUE(t.s.schedule_in(milliseconds(100),
                                  [this, id] {
                                    t.log.push_back({id, t.s.now()});
                                    if (then[id]) then[id]();
                                  })
                      .ok());
    }
  }
  Timeline t;
  std::map<int, std::function<void()>> then;
};

TEST_F(LaneBatch, AnEventScheduledInsideTheBatchRunsBeforeTheLanesNextEvent) {
  // Lane event 11 schedules one for 101.5 ms: it runs before lane event 12 (102 ms).
  then[11] = [this] { t.in(microseconds(500), 1); };
  ASSERT_TRUE(t.s.run_until(at_ms(200)).ok());
  const std::vector<Ran> want{
      {10, at_ms(100)}, {11, at_ms(101)}, {1, at_ms(101) + microseconds(500)},
      {12, at_ms(102)}, {13, at_ms(103)}, {14, at_ms(104)}};
  EXPECT_EQ(t.log, want);
}

TEST_F(LaneBatch, AnEventScheduledInsideTheBatchForTheNextLaneTimeRunsAfterIt) {
  // Lane event 11 schedules one for exactly 102 ms: same time as lane event 12, scheduled later.
  then[11] = [this] { t.in(milliseconds(1), 1); };
  ASSERT_TRUE(t.s.run_until(at_ms(200)).ok());
  const std::vector<Ran> want{{10, at_ms(100)}, {11, at_ms(101)}, {12, at_ms(102)},
                              {1, at_ms(102)},  {13, at_ms(103)}, {14, at_ms(104)}};
  EXPECT_EQ(t.log, want);
}

TEST_F(LaneBatch, AHeapEventBetweenTwoLaneEventsRunsBetweenThem) {
  t.at(at_ms(102) + microseconds(500), 1);  // a one-off time: the heap
  ASSERT_TRUE(t.s.run_until(at_ms(200)).ok());
  const std::vector<Ran> want{{10, at_ms(100)}, {11, at_ms(101)},
                              {12, at_ms(102)}, {1, at_ms(102) + microseconds(500)},
                              {13, at_ms(103)}, {14, at_ms(104)}};
  EXPECT_EQ(t.log, want);
}

TEST_F(LaneBatch, AHeapEventTiedWithALaneEventRunsInSchedulingOrder) {
  // Scheduled at 4 ms for 103 ms: after lane event 13 (armed at 3 ms), before 14.
  t.at(at_ms(103), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(200)).ok());
  const std::vector<Ran> want{{10, at_ms(100)}, {11, at_ms(101)}, {12, at_ms(102)},
                              {13, at_ms(103)}, {1, at_ms(103)},  {14, at_ms(104)}};
  EXPECT_EQ(t.log, want);
}

TEST(LaneBatchTie, AHeapEventScheduledBeforeATiedLaneEventRunsFirst) {
  // Scheduled at 0 ms for 103 ms, before lane event 13 was (at 3 ms): it runs first, although
  // the batch of lane events 11.. is under way when 103 ms comes.
  Timeline t;
  t.at(at_ms(103), 1);
  for (int i = 0; i < 5; ++i) {
    if (i > 0) {
      ASSERT_TRUE(t.s.run_until(at_ms(i)).ok());
    }
    t.in(milliseconds(100), 10 + i);
  }
  ASSERT_TRUE(t.s.run_until(at_ms(200)).ok());
  const std::vector<Ran> want{{10, at_ms(100)}, {11, at_ms(101)}, {12, at_ms(102)},
                              {1, at_ms(103)},  {13, at_ms(103)}, {14, at_ms(104)}};
  EXPECT_EQ(t.log, want);
}

// ---- the event source (a population's arrival stream) ----

// A Timeline whose event source logs `id` when it runs and is armed by hand.
struct SourceTimeline : Timeline {
  static constexpr int kSourceId = 99;
  SourceTimeline() {
    s.set_source(
        [](void* self) {
          auto* t = static_cast<SourceTimeline*>(self);
          t->log.push_back({kSourceId, t->s.now()});
        },
        this);
  }
};

TEST(SchedulerSource, ATieWithALaneRunsInSchedulingOrder) {
  // All scheduled at 0 for 10 ms: 1 goes to the heap (a delay's first sighting), 2 and 3 to its
  // lane; the source is armed between them. (It used to win every tie with a lane: 1, 99, 2, 3.)
  SourceTimeline t;
  t.in(milliseconds(10), 1);
  t.in(milliseconds(10), 2);
  t.s.arm_source(at_ms(10).time_since_epoch().count());
  t.in(milliseconds(10), 3);
  ASSERT_TRUE(t.s.run_until(at_ms(20)).ok());
  const std::vector<Ran> want{
      {1, at_ms(10)}, {2, at_ms(10)}, {SourceTimeline::kSourceId, at_ms(10)}, {3, at_ms(10)}};
  EXPECT_EQ(t.log, want);
}

TEST(SchedulerSource, ATieWithALaneKeepsSchedulingOrderWhenTheLaneIsCompacted) {
  // Lane events 2..17 fill a ring of 16; 3..14 are cancelled; the source is armed; then 18 needs
  // room, so the lane squeezes its holes out and renumbers its entries: 2, 15, 16 and 17 stay
  // ahead of the source and 18 behind it.
  SourceTimeline t;
  t.in(milliseconds(10), 1);
  std::vector<EventId> ids;
  for (int id = 2; id <= 17; ++id) {
    ids.push_back(t.in(milliseconds(10), id));
  }
  for (int id = 3; id <= 14; ++id) {
    ASSERT_TRUE(t.s.cancel(ids[static_cast<std::size_t>(id - 2)]));
  }
  t.s.arm_source(at_ms(10).time_since_epoch().count());
  t.in(milliseconds(10), 18);
  ASSERT_TRUE(t.s.run_until(at_ms(20)).ok());
  const std::vector<Ran> want{{1, at_ms(10)},  {2, at_ms(10)},
                              {15, at_ms(10)}, {16, at_ms(10)},
                              {17, at_ms(10)}, {SourceTimeline::kSourceId, at_ms(10)},
                              {18, at_ms(10)}};
  EXPECT_EQ(t.log, want);
}

TEST(SchedulerSource, ALaneOpenedAfterTheSourceWasArmedRunsAfterIt) {
  // 1 is the delay's first sighting (heap); the source is armed; 2 and 3 open the lane and join
  // it: both were scheduled after the source.
  SourceTimeline t;
  t.in(milliseconds(10), 1);
  t.s.arm_source(at_ms(10).time_since_epoch().count());
  t.in(milliseconds(10), 2);
  t.in(milliseconds(10), 3);
  ASSERT_TRUE(t.s.run_until(at_ms(20)).ok());
  const std::vector<Ran> want{
      {1, at_ms(10)}, {SourceTimeline::kSourceId, at_ms(10)}, {2, at_ms(10)}, {3, at_ms(10)}};
  EXPECT_EQ(t.log, want);
}

// A source delivering arrivals at the given times: each delivery logs its id (100 + index) and
// runs on to the next arrival when the scheduler says it is next (source_runs_on), else arms.
struct ArrivalTimeline : Timeline {
  std::vector<TimePoint> arrivals;
  std::size_t next = 0;
  explicit ArrivalTimeline(std::vector<TimePoint> times) : arrivals(std::move(times)) {
    s.set_source([](void* self) { static_cast<ArrivalTimeline*>(self)->deliver(); }, this);
    s.arm_source(arrivals[0].time_since_epoch().count());
  }
  void deliver() {
    for (;;) {
      log.push_back({100 + static_cast<int>(next), s.now()});
      if (++next == arrivals.size()) return;
      const std::int64_t at = arrivals[next].time_since_epoch().count();
      if (!s.source_runs_on(at)) {
        s.arm_source(at);
        return;
      }
    }
  }
};

TEST(SchedulerSource, ArrivalsRunOnUntilAnotherEventIsDueAndEachCountsAsAnEvent) {
  // The closure at 10 ms was scheduled before the source was armed for its 10 ms arrival.
  ArrivalTimeline t({at_ms(1), at_ms(2), at_ms(3), at_ms(10), at_ms(11)});
  t.at(at_ms(10), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(20)).ok());
  const std::vector<Ran> want{{100, at_ms(1)}, {101, at_ms(2)},  {102, at_ms(3)},
                              {1, at_ms(10)},  {103, at_ms(10)}, {104, at_ms(11)}};
  EXPECT_EQ(t.log, want);
  EXPECT_EQ(t.s.events_run(), 6U);
}

TEST(SchedulerSource, ArrivalsStopAtTheRunsLimitAndStepRunsOneAtATime) {
  ArrivalTimeline t({at_ms(1), at_ms(2), at_ms(3), at_ms(4)});
  ASSERT_TRUE(t.s.run_until(at_ms(2)).ok());
  EXPECT_EQ(t.log.size(), 2U) << "the arrival at 3 ms is past the limit";
  EXPECT_EQ(t.s.now(), at_ms(2));
  ASSERT_TRUE(t.s.step());
  EXPECT_EQ(t.log.size(), 3U) << "step() runs exactly one arrival";
  EXPECT_EQ(t.s.events_run(), 3U);
  EXPECT_EQ(t.s.next_event_time(), at_ms(4));
}

TEST_F(LaneBatch, RunUntilStopsInsideTheBatchAtItsTarget) {
  ASSERT_TRUE(t.s.run_until(at_ms(102)).ok());
  const std::vector<Ran> want{{10, at_ms(100)}, {11, at_ms(101)}, {12, at_ms(102)}};
  EXPECT_EQ(t.log, want);
  EXPECT_EQ(t.s.pending_count(), 2U);
  EXPECT_EQ(t.s.now(), at_ms(102));
}

// ---- cancel and event ids ----

TEST(SchedulerCancel, ReturnsTrueOnceThenFalse) {
  Timeline t;
  const EventId e = t.in(milliseconds(100), 1);
  EXPECT_TRUE(t.s.cancel(e));
  EXPECT_FALSE(t.s.cancel(e));
}

TEST(SchedulerCancel, CancelledEventNeverRuns) {
  Timeline t;
  t.in(milliseconds(50), 1);
  const EventId e = t.in(milliseconds(100), 2);
  t.in(milliseconds(150), 3);
  ASSERT_TRUE(t.s.cancel(e));
  ASSERT_TRUE(t.s.run_until(at_ms(1000)).ok());
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(50)}, {3, at_ms(150)}}));
}

TEST(SchedulerCancel, CancelOfAnEventThatRanReturnsFalse) {
  Timeline t;
  const EventId e = t.in(milliseconds(100), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(100)).ok());
  ASSERT_EQ(t.log.size(), 1U);
  EXPECT_FALSE(t.s.cancel(e));
}

TEST(SchedulerCancel, PendingUntilRunThenNot) {
  Timeline t;
  const EventId e = t.in(milliseconds(100), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(99)).ok());
  EXPECT_TRUE(t.s.is_pending(e));
  ASSERT_TRUE(t.s.run_until(at_ms(100)).ok());
  EXPECT_FALSE(t.s.is_pending(e));
}

TEST(SchedulerEventId, DefaultIdIsNotPendingAndCannotBeCancelled) {
  Timeline t;
  t.in(milliseconds(1), 1);  // slot 0 is in use: the default id must still name nothing
  EXPECT_FALSE(t.s.is_pending(EventId{}));
  EXPECT_FALSE(t.s.cancel(EventId{}));
  EXPECT_EQ(t.s.due_time(EventId{}), std::nullopt);
  EXPECT_EQ(t.s.pending_count(), 1U);
}

TEST(SchedulerEventId, RecycledSlotOldIdIsNotPending) {
  Timeline t;
  const EventId old_id = t.in(milliseconds(100), 1);
  ASSERT_TRUE(t.s.cancel(old_id));
  const EventId new_id = t.in(milliseconds(200), 2);
  ASSERT_EQ(new_id.slot, old_id.slot) << "precondition: the slot was recycled";
  EXPECT_FALSE(t.s.is_pending(old_id));
  EXPECT_TRUE(t.s.is_pending(new_id));
  EXPECT_EQ(t.s.due_time(old_id), std::nullopt);
}

TEST(SchedulerEventId, CancelWithRecycledSlotOldIdDoesNotCancelTheNewEvent) {
  Timeline t;
  const EventId old_id = t.in(milliseconds(100), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(100)).ok());  // runs: the slot is freed
  const EventId new_id = t.in(milliseconds(100), 2);
  ASSERT_EQ(new_id.slot, old_id.slot) << "precondition: the slot was recycled";
  EXPECT_FALSE(t.s.cancel(old_id));
  ASSERT_TRUE(t.s.run_until(at_ms(200)).ok());
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(100)}, {2, at_ms(200)}}));
}

TEST(SchedulerEventId, DueTimeIsTheScheduledInstantWhilePending) {
  Timeline t;
  ASSERT_TRUE(t.s.run_until(at_ms(5)).ok());
  const EventId lane = t.in(milliseconds(100), 1);
  const EventId heap = t.at(at_ms(42) + nanoseconds(7), 2);
  EXPECT_EQ(t.s.due_time(lane), at_ms(105));
  EXPECT_EQ(t.s.due_time(heap), at_ms(42) + nanoseconds(7));
}

TEST(SchedulerEventId, DueTimeIsNulloptOnceRun) {
  Timeline t;
  const EventId e = t.in(milliseconds(100), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(100)).ok());
  EXPECT_EQ(t.s.due_time(e), std::nullopt);
}

// ---- the clock ----

TEST(SchedulerClock, StartsAtTheEpoch) {
  Scheduler s;
  EXPECT_EQ(s.now(), kEpoch);
}

TEST(SchedulerClock, RunUntilMovesTheClockToTheTargetWithNoEvents) {
  Scheduler s;
  ASSERT_TRUE(s.run_until(at_ms(7210'000)).ok());
  EXPECT_EQ(s.now(), at_ms(7210'000));
}

TEST(SchedulerClock, RunUntilStopsShortOfALaterEvent) {
  Timeline t;
  t.in(milliseconds(100), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(95)).ok());
  EXPECT_TRUE(t.log.empty());
  EXPECT_EQ(t.s.now(), at_ms(95));
}

TEST(SchedulerClock, RunUntilRunsAnEventDueExactlyAtTheTarget) {
  Timeline t;
  t.in(milliseconds(100), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(95)).ok());
  ASSERT_TRUE(t.s.run_until(at_ms(100)).ok());
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(100)}}));
}

TEST(SchedulerClock, RunUntilThePastFailsAndLeavesTheClock) {
  Scheduler s;
  ASSERT_TRUE(s.run_until(at_ms(10)).ok());
  const Status st = s.run_until(at_ms(9));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.now(), at_ms(10));
}

TEST(SchedulerClock, RunForAdvancesRelativeToNow) {
  Scheduler s;
  ASSERT_TRUE(s.run_until(at_ms(95)).ok());
  ASSERT_TRUE(s.run_for(std::chrono::hours(2)).ok());
  EXPECT_EQ(s.now(), kEpoch + std::chrono::hours(2) + milliseconds(95));
}

TEST(SchedulerClock, RunForNegativeFailsAndLeavesTheClock) {
  Timeline t;
  t.in(milliseconds(1), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(10)).ok());
  t.in(milliseconds(1), 2);
  const Status st = t.s.run_for(nanoseconds(-1));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(t.s.now(), at_ms(10));
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(1)}}));
}

TEST(SchedulerClock, StepOnEmptyReturnsFalseAndLeavesTheClock) {
  Scheduler s;
  ASSERT_TRUE(s.run_until(at_ms(3)).ok());
  EXPECT_FALSE(s.step());
  EXPECT_EQ(s.now(), at_ms(3));
}

TEST(SchedulerClock, StepRunsExactlyOneEventAndJumpsToItsTime) {
  Timeline t;
  t.in(milliseconds(100), 1);
  t.in(milliseconds(200), 2);
  EXPECT_TRUE(t.s.step());
  EXPECT_EQ(t.s.now(), at_ms(100));
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(100)}}));
}

TEST(SchedulerClock, NextEventTimeSkipsCancelledEvents) {
  Timeline t;
  const EventId first = t.in(milliseconds(10), 1);
  t.in(milliseconds(20), 2);
  ASSERT_TRUE(t.s.cancel(first));
  EXPECT_EQ(t.s.next_event_time(), at_ms(20));
}

// ---- scheduling errors ----

TEST(SchedulerScheduleAt, InThePastFailsAndSchedulesNothing) {
  Timeline t;
  ASSERT_TRUE(t.s.run_until(at_ms(10)).ok());
  t.in(milliseconds(5), 1);
  const Result<EventId> r = t.s.schedule_at(at_ms(10) - nanoseconds(1), [] {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(t.s.pending_count(), 1U);
}

TEST(SchedulerScheduleAt, AtExactlyNowIsAccepted) {
  Timeline t;
  ASSERT_TRUE(t.s.run_until(at_ms(10)).ok());
  t.at(at_ms(10), 1);
  ASSERT_TRUE(t.s.run_until(at_ms(10)).ok());
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(10)}}));
}

TEST(SchedulerScheduleIn, NegativeDelayFailsAndSchedulesNothing) {
  Scheduler s;
  const Result<EventId> r = s.schedule_in(nanoseconds(-1), [] {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.pending_count(), 0U);
}

// ---- run_until(predicate, deadline) ----

TEST(SchedulerRunUntilPredicate, ReturnsTrueAtExactlyTheEventThatMadeItTrue) {
  Timeline t;
  bool done = false;
  t.in(milliseconds(10), 1);
  ASSERT_TRUE(t.s.schedule_in(milliseconds(20), [&done] { done = true; }).ok());
  t.in(milliseconds(20), 3);  // same instant, after the one that flips the predicate
  t.in(milliseconds(30), 4);
  const Result<bool> r = t.s.run_until([&done] { return done; }, at_ms(100));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_EQ(t.s.now(), at_ms(20));
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(10)}}));
  EXPECT_EQ(t.s.pending_count(), 2U);
}

TEST(SchedulerRunUntilPredicate, ReturnsFalseWithTheClockAtTheDeadline) {
  Timeline t;
  t.in(milliseconds(10), 1);
  t.in(milliseconds(50), 2);  // exactly at the deadline: runs
  t.in(milliseconds(60), 3);  // after the deadline: does not
  const Result<bool> r = t.s.run_until([] { return false; }, at_ms(50));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(*r);
  EXPECT_EQ(t.s.now(), at_ms(50));
  EXPECT_EQ(t.log, (std::vector<Ran>{{1, at_ms(10)}, {2, at_ms(50)}}));
}

TEST(SchedulerRunUntilPredicate, TrueAtTheStartRunsNothing) {
  Timeline t;
  t.in(milliseconds(10), 1);
  const Result<bool> r = t.s.run_until([] { return true; }, at_ms(100));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(*r);
  EXPECT_EQ(t.s.now(), kEpoch);
  EXPECT_TRUE(t.log.empty());
}

TEST(SchedulerRunUntilPredicate, DeadlineInThePastFails) {
  Scheduler s;
  ASSERT_TRUE(s.run_until(at_ms(10)).ok());
  const Result<bool> r = s.run_until([] { return false; }, at_ms(9));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.now(), at_ms(10));
}

// ---- counters ----

TEST(SchedulerCounters, EventsRunCountsOnlyEventsThatRan) {
  Timeline t;
  t.in(milliseconds(1), 1);
  const EventId cancelled = t.in(milliseconds(2), 2);
  t.in(milliseconds(3), 3);
  ASSERT_TRUE(t.s.cancel(cancelled));
  EXPECT_EQ(t.s.events_run(), 0U);
  ASSERT_TRUE(t.s.run_until(at_ms(2)).ok());
  EXPECT_EQ(t.s.events_run(), 1U);
  ASSERT_TRUE(t.s.run_until(at_ms(3)).ok());
  EXPECT_EQ(t.s.events_run(), 2U);
}

TEST(SchedulerCounters, PendingCountTracksScheduleCancelAndRun) {
  Timeline t;
  t.in(milliseconds(1), 1);
  const EventId e = t.in(milliseconds(2), 2);
  t.in(milliseconds(3), 3);
  EXPECT_EQ(t.s.pending_count(), 3U);
  ASSERT_TRUE(t.s.cancel(e));
  EXPECT_EQ(t.s.pending_count(), 2U);
  ASSERT_TRUE(t.s.run_until(at_ms(1)).ok());
  EXPECT_EQ(t.s.pending_count(), 1U);
}

// ---- heap compaction ----

// 10000 events at seeded random instants through schedule_at; 6000 of them are cancelled, more
// than half of the heap whatever the lane/heap split, so the heap is compacted on the way.
TEST(SchedulerHeap, CompactionAfterManyCancelsKeepsOrder) {
  constexpr int kEvents = 10'000;
  constexpr int kCancelled = 6'000;
  Scheduler s;
  Rng rng{20240607};
  std::vector<TimePoint> due(kEvents);
  std::vector<EventId> ids(kEvents);
  std::vector<int> ran;  // indices of the events that ran, in order
  ran.reserve(kEvents);
  for (int i = 0; i < kEvents; ++i) {
    due[static_cast<std::size_t>(i)] =
        kEpoch + nanoseconds(static_cast<std::int64_t>(1 + rng.below(1'000'000'000)));
    ids[static_cast<std::size_t>(i)] =
        s.schedule_at(due[static_cast<std::size_t>(i)], [&ran, i] { ran.push_back(i); }).value();
  }
  // A seeded Fisher-Yates shuffle picks which events to cancel.
  std::vector<int> order(kEvents);
  for (int i = 0; i < kEvents; ++i)
    order[static_cast<std::size_t>(i)] = i;
  for (std::size_t i = order.size() - 1; i > 0; --i)
    std::swap(order[i], order[rng.below(i + 1)]);
  std::vector<bool> cancelled(kEvents, false);
  for (int k = 0; k < kCancelled; ++k) {
    const auto victim = static_cast<std::size_t>(order[static_cast<std::size_t>(k)]);
    ASSERT_TRUE(s.cancel(ids[victim]));
    cancelled[victim] = true;
  }
  ASSERT_EQ(s.pending_count(), static_cast<std::size_t>(kEvents - kCancelled));

  ASSERT_TRUE(s.run_until(kEpoch + seconds(2)).ok());

  // Exactly the survivors ran, each once, in (time, scheduling order) order.
  std::vector<int> expected;
  for (int i = 0; i < kEvents; ++i) {
    if (!cancelled[static_cast<std::size_t>(i)]) expected.push_back(i);
  }
  std::stable_sort(expected.begin(), expected.end(), [&due](int a, int b) {
    return due[static_cast<std::size_t>(a)] < due[static_cast<std::size_t>(b)];
  });
  EXPECT_EQ(ran, expected);
}

// ---- lifetime of captured state (InlineTask) ----

TEST(SchedulerTaskLifetime, CapturedStateIsReleasedExactlyOnceWhenTheEventRuns) {
  auto token = std::make_shared<int>(0);
  Scheduler s;
  ASSERT_TRUE(s.schedule_in(milliseconds(1), [token] { ++*token; }).ok());
  ASSERT_EQ(token.use_count(), 2);
  ASSERT_TRUE(s.step());
  EXPECT_EQ(*token, 1);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(SchedulerTaskLifetime, CapturedStateIsReleasedExactlyOnceWhenCancelled) {
  auto token = std::make_shared<int>(0);
  Scheduler s;
  const EventId e = s.schedule_in(milliseconds(1), [token] { ++*token; }).value();
  ASSERT_EQ(token.use_count(), 2);
  ASSERT_TRUE(s.cancel(e));
  EXPECT_EQ(token.use_count(), 1);
  ASSERT_TRUE(s.run_until(at_ms(10)).ok());
  EXPECT_EQ(*token, 0);
  EXPECT_EQ(token.use_count(), 1);
}

TEST(SchedulerTaskLifetime, CapturedStateIsReleasedExactlyOnceWhenTheSchedulerIsDestroyed) {
  auto token = std::make_shared<int>(0);
  {
    Scheduler s;
    ASSERT_TRUE(s.schedule_in(milliseconds(1), [token] { ++*token; }).ok());  // a lane
    ASSERT_TRUE(
        s.schedule_at(at_ms(2) + nanoseconds(3), [token] { ++*token; }).ok());  // another lane
    ASSERT_TRUE(s.schedule_in(Duration::zero(), [token] { ++*token; }).ok());   // the heap
    ASSERT_EQ(token.use_count(), 4);
  }
  EXPECT_EQ(*token, 0);
  EXPECT_EQ(token.use_count(), 1);
}

}  // namespace
}  // namespace ws2sim
