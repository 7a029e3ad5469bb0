// TimerLane: one delay's FIFO of event references, read as a timeline of pushes, cancels and
// pops through its public API.
#include "ws2sim/model/timer_lane.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace ws2sim {
namespace {

// Due time of each reference, as an owner keeps it (here: ref * 10).
std::int64_t due_of(std::uint32_t ref) {
  return std::int64_t{ref} * 10;
}

std::uint32_t push(TimerLane& lane, std::uint32_t ref) {
  if (lane.full()) lane.grow();
  bool first = false;
  return lane.push(ref, due_of(ref), &first);
}

// Pops every live entry, settling after each pop as an owner does.
std::vector<std::uint32_t> drain(TimerLane& lane) {
  std::vector<std::uint32_t> popped;
  bool more = true;
  while (more) {
    popped.push_back(lane.pop(&more));
    if (more) lane.settle(due_of);
  }
  return popped;
}

TEST(TimerLane, PopsInPushOrderAndSkipsCancelledEntries) {
  TimerLane lane;
  lane.open(75);
  EXPECT_EQ(lane.delay(), 75);
  std::vector<std::uint32_t> pos;
  for (std::uint32_t ref = 1; ref <= 5; ++ref)
    pos.push_back(push(lane, ref));
  EXPECT_EQ(lane.live(), 5U);
  EXPECT_EQ(lane.head_due(), 10);

  // Cancelling the head asks the owner to settle: the new head is ref 2.
  EXPECT_TRUE(lane.remove(pos[0]));
  lane.settle(due_of);
  EXPECT_EQ(lane.head_due(), 20);
  // Cancelling behind the head needs nothing.
  EXPECT_FALSE(lane.remove(pos[2]));

  EXPECT_EQ(drain(lane), (std::vector<std::uint32_t>{2, 4, 5}));
  EXPECT_EQ(lane.live(), 0U);
}

TEST(TimerLane, TheFirstPushIntoAnEmptyLaneSaysSo) {
  TimerLane lane;
  lane.open(1);
  lane.grow();
  bool first = false;
  (void)lane.push(7, 70, &first);
  EXPECT_TRUE(first);
  (void)lane.push(8, 80, &first);
  EXPECT_FALSE(first);
  EXPECT_EQ(lane.head_due(), 70);
}

TEST(TimerLane, CompactKeepsOrderAndReportsEveryMove) {
  TimerLane lane;
  lane.open(1);
  std::map<std::uint32_t, std::uint32_t> where;  // ref -> position, as an owner keeps it
  for (std::uint32_t ref = 1; ref <= 16; ++ref)
    where[ref] = push(lane, ref);
  ASSERT_TRUE(lane.full());
  for (std::uint32_t ref = 2; ref <= 16; ref += 2)
    EXPECT_FALSE(lane.remove(where[ref]));
  EXPECT_FALSE(lane.mostly_holes());  // 8 of 16 live: growing is still the better deal
  EXPECT_FALSE(lane.remove(where[3]));
  ASSERT_TRUE(lane.mostly_holes());
  lane.compact([&](std::uint32_t ref, std::uint32_t pos) { where[ref] = pos; });
  EXPECT_FALSE(lane.full());
  // A cancel through a reported position still hits the right entry.
  EXPECT_FALSE(lane.remove(where[5]));
  EXPECT_EQ(drain(lane), (std::vector<std::uint32_t>{1, 7, 9, 11, 13, 15}));
}

TEST(TimerLane, GrowKeepsQueuedEntriesAndAheadLooksBehindTheHead) {
  TimerLane lane;
  lane.open(1);
  for (std::uint32_t ref = 1; ref <= 40; ++ref)
    (void)push(lane, ref);
  EXPECT_EQ(lane.live(), 40U);
  EXPECT_EQ(lane.ahead(16), 17U);
  EXPECT_EQ(lane.ahead(40), TimerLane::kHole);  // nothing that far behind
  EXPECT_GE(lane.memory_bytes(), 40 * sizeof(std::uint32_t));
}

}  // namespace
}  // namespace ws2sim
