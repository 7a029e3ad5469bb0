// Tests for ws2sim/model/time.h: exact unit conversion at the API edge, saturating arithmetic at
// the int64 limits, truncating conversions and the human-readable formats.
#include "ws2sim/model/time.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>

namespace ws2sim {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMinNs = std::numeric_limits<std::int64_t>::min();
constexpr Duration kMax{kMaxNs};
constexpr Duration kMin{kMinNs};

// ---- milliseconds_u32 / seconds_u32 ----

TEST(TimeMillisecondsU32, ZeroIsZero) {
  EXPECT_EQ(milliseconds_u32(0), Duration::zero());
}

TEST(TimeMillisecondsU32, OneIsOneMillionNanoseconds) {
  EXPECT_EQ(milliseconds_u32(1).count(), 1'000'000);
}

TEST(TimeMillisecondsU32, MaxIsFortyNineDaysSeventeenHoursTwoMinutes47Point295Seconds) {
  constexpr Duration expected = days(49) + hours(17) + minutes(2) + seconds(47) + milliseconds(295);
  static_assert(milliseconds_u32(0xFFFFFFFFU) == expected);
  EXPECT_EQ(milliseconds_u32(0xFFFFFFFFU).count(), 4'294'967'295'000'000);
  EXPECT_EQ(milliseconds_u32(0xFFFFFFFFU), expected);
}

TEST(TimeSecondsU32, ZeroIsZero) {
  EXPECT_EQ(seconds_u32(0), Duration::zero());
}

TEST(TimeSecondsU32, OneIsOneBillionNanoseconds) {
  EXPECT_EQ(seconds_u32(1).count(), 1'000'000'000);
}

TEST(TimeSecondsU32, MaxIsExactAndFitsInInt64) {
  EXPECT_EQ(seconds_u32(0xFFFFFFFFU).count(), 4'294'967'295'000'000'000);
  EXPECT_GT(seconds_u32(0xFFFFFFFFU), Duration::zero());
}

// ---- saturating_add ----

TEST(TimeSaturatingAdd, AddsExactlyInRange) {
  EXPECT_EQ(saturating_add(milliseconds(1500), milliseconds(-500)), seconds(1));
}

TEST(TimeSaturatingAdd, ReachesMaxExactlyWithoutClamping) {
  EXPECT_EQ(saturating_add(Duration{kMaxNs - 1}, nanoseconds(1)), kMax);
}

TEST(TimeSaturatingAdd, ClampsAtMaxOnPositiveOverflow) {
  EXPECT_EQ(saturating_add(kMax, nanoseconds(1)), kMax);
  EXPECT_EQ(saturating_add(kMax, kMax), kMax);
}

TEST(TimeSaturatingAdd, ReachesMinExactlyWithoutClamping) {
  EXPECT_EQ(saturating_add(Duration{kMinNs + 1}, nanoseconds(-1)), kMin);
}

TEST(TimeSaturatingAdd, ClampsAtMinOnNegativeOverflow) {
  EXPECT_EQ(saturating_add(kMin, nanoseconds(-1)), kMin);
  EXPECT_EQ(saturating_add(kMin, kMin), kMin);
}

TEST(TimeSaturatingAdd, OppositeLimitsCancelWithoutClamping) {
  EXPECT_EQ(saturating_add(kMax, kMin), nanoseconds(-1));
  EXPECT_EQ(saturating_add(kMin, kMax), nanoseconds(-1));
}

TEST(TimeSaturatingAdd, TimePointClampsAtEndOfTime) {
  EXPECT_EQ(saturating_add(kEndOfTime, nanoseconds(1)), kEndOfTime);
  EXPECT_EQ(saturating_add(kEpoch + hours(1), kMax), kEndOfTime);
}

// ---- saturating_mul ----

TEST(TimeSaturatingMul, MultipliesExactlyInRange) {
  EXPECT_EQ(saturating_mul(seconds(75), 9), seconds(675));
  EXPECT_EQ(saturating_mul(seconds(75), -9), seconds(-675));
}

TEST(TimeSaturatingMul, ZeroFactorGivesZero) {
  EXPECT_EQ(saturating_mul(kMax, 0), Duration::zero());
  EXPECT_EQ(saturating_mul(Duration::zero(), kMinNs), Duration::zero());
}

TEST(TimeSaturatingMul, LimitTimesOneIsTheLimit) {
  EXPECT_EQ(saturating_mul(kMax, 1), kMax);
  EXPECT_EQ(saturating_mul(kMin, 1), kMin);
  EXPECT_EQ(saturating_mul(nanoseconds(1), kMaxNs), kMax);
  EXPECT_EQ(saturating_mul(nanoseconds(1), kMinNs), kMin);
}

TEST(TimeSaturatingMul, ReachesMinExactlyWithoutClamping) {
  EXPECT_EQ(saturating_mul(nanoseconds(2), kMinNs / 2), kMin);
  EXPECT_EQ(saturating_mul(Duration{kMinNs / 2}, 2), kMin);
}

TEST(TimeSaturatingMul, ClampsAtMaxWhenSignsAgree) {
  EXPECT_EQ(saturating_mul(kMax, 2), kMax);
  EXPECT_EQ(saturating_mul(Duration{kMaxNs / 2 + 1}, 2), kMax);
  EXPECT_EQ(saturating_mul(kMin, -2), kMax);
  EXPECT_EQ(saturating_mul(nanoseconds(-2), kMinNs), kMax);
}

TEST(TimeSaturatingMul, ClampsAtMaxForMinTimesMinusOne) {
  EXPECT_EQ(saturating_mul(kMin, -1), kMax);
  EXPECT_EQ(saturating_mul(nanoseconds(-1), kMinNs), kMax);
}

TEST(TimeSaturatingMul, ClampsAtMinWhenSignsDiffer) {
  EXPECT_EQ(saturating_mul(kMax, -2), kMin);
  EXPECT_EQ(saturating_mul(kMin, 2), kMin);
  EXPECT_EQ(saturating_mul(nanoseconds(2), kMinNs / 2 - 1), kMin);
  EXPECT_EQ(saturating_mul(Duration{kMinNs / 2 - 1}, 2), kMin);
}

TEST(TimeSaturatingMul, MaxTimesMinusOneIsExact) {
  EXPECT_EQ(saturating_mul(kMax, -1), Duration{kMinNs + 1});
}

// ---- whole_milliseconds / whole_seconds ----

TEST(TimeWholeMilliseconds, TruncatesPositiveTowardZero) {
  EXPECT_EQ(whole_milliseconds(nanoseconds(1'999'999)), 1);
  EXPECT_EQ(whole_milliseconds(nanoseconds(999'999)), 0);
  EXPECT_EQ(whole_milliseconds(milliseconds(2)), 2);
}

TEST(TimeWholeMilliseconds, TruncatesNegativeTowardZero) {
  EXPECT_EQ(whole_milliseconds(nanoseconds(-1'999'999)), -1);
  EXPECT_EQ(whole_milliseconds(nanoseconds(-999'999)), 0);
}

TEST(TimeWholeSeconds, TruncatesPositiveTowardZero) {
  EXPECT_EQ(whole_seconds(nanoseconds(1'999'999'999)), 1);
  EXPECT_EQ(whole_seconds(milliseconds(999)), 0);
  EXPECT_EQ(whole_seconds(milliseconds_u32(0xFFFFFFFFU)), 4'294'967);
}

TEST(TimeWholeSeconds, TruncatesNegativeTowardZero) {
  EXPECT_EQ(whole_seconds(nanoseconds(-1'999'999'999)), -1);
  EXPECT_EQ(whole_seconds(milliseconds(-999)), 0);
}

// ---- format_duration ----

TEST(TimeFormatDuration, ZeroIsZeroSeconds) {
  EXPECT_EQ(format_duration(Duration::zero()), "0s");
}

TEST(TimeFormatDuration, SubSecondWholeMillisecondsUseMs) {
  EXPECT_EQ(format_duration(milliseconds(350)), "350ms");
  EXPECT_EQ(format_duration(milliseconds(1)), "1ms");
}

TEST(TimeFormatDuration, SubMillisecondUsesTheCoarsestExactUnit) {
  EXPECT_EQ(format_duration(microseconds(2)), "2us");
  EXPECT_EQ(format_duration(nanoseconds(1500)), "1500ns");
  EXPECT_EQ(format_duration(nanoseconds(1)), "1ns");
}

TEST(TimeFormatDuration, FractionalSecondsTrimTrailingZeros) {
  EXPECT_EQ(format_duration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(format_duration(seconds(1) + nanoseconds(1)), "1.000000001s");
}

TEST(TimeFormatDuration, WholeSeconds) {
  EXPECT_EQ(format_duration(seconds(45)), "45s");
}

TEST(TimeFormatDuration, MinutesShowSeconds) {
  EXPECT_EQ(format_duration(minutes(1) + seconds(15)), "1m 15s");
}

TEST(TimeFormatDuration, HoursShowZeroMinutes) {
  EXPECT_EQ(format_duration(hours(2) + seconds(10)), "2h 0m 10s");
}

TEST(TimeFormatDuration, MaxU32MillisecondsShowsDays) {
  EXPECT_EQ(format_duration(milliseconds_u32(0xFFFFFFFFU)), "49d 17h 2m 47.295s");
}

TEST(TimeFormatDuration, NegativeHasLeadingMinus) {
  EXPECT_EQ(format_duration(milliseconds(-350)), "-350ms");
  EXPECT_EQ(format_duration(milliseconds(-1500)), "-1.5s");
  EXPECT_EQ(format_duration(-(hours(2) + seconds(10))), "-2h 0m 10s");
}

TEST(TimeFormatDuration, Int64LimitsAreExact) {
  EXPECT_EQ(format_duration(kMax), "106751d 23h 47m 16.854775807s");
  EXPECT_EQ(format_duration(kMin), "-106751d 23h 47m 16.854775808s");
}

// ---- format_time ----

TEST(TimeFormatTime, EpochIsZero) {
  EXPECT_EQ(format_time(kEpoch), "0.000s");
}

TEST(TimeFormatTime, SecondsWithThreeDecimals) {
  EXPECT_EQ(format_time(kEpoch + hours(2) + seconds(10)), "7210.000s");
  EXPECT_EQ(format_time(kEpoch + milliseconds(1500)), "1.500s");
}

TEST(TimeFormatTime, TruncatesBelowMilliseconds) {
  EXPECT_EQ(format_time(kEpoch + nanoseconds(1'999'999)), "0.001s");
}

TEST(TimeFormatTime, NegativeInstantHasLeadingMinus) {
  EXPECT_EQ(format_time(kEpoch - milliseconds(500)), "-0.500s");
  EXPECT_EQ(format_time(kEpoch - milliseconds(1500)), "-1.500s");
}

}  // namespace
}  // namespace ws2sim
