// Tests for how ws2sim::Trace stores events (trace.h): packed, in blocks, and read back as
// values. Whatever is recorded reads back equal, field by field and as JSON lines, for every
// combination of fields, payloads of every size class, across block boundaries, and for a real
// lossy, faulty network run (compared with what its observers saw as it happened).
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <iterator>
#include <limits>
#include <ranges>
#include <sstream>
#include <string>
#include <vector>

#include "ws2sim/model/trace.h"
#include "ws2sim/model/trace_writers.h"
#include "ws2sim/model/world.h"

namespace ws2sim {
namespace {

using namespace std::chrono_literals;

// Standard algorithms and ranges take the events as they are.
static_assert(std::random_access_iterator<TraceEvents::iterator>);
static_assert(std::ranges::random_access_range<TraceEvents>);
static_assert(std::ranges::sized_range<TraceEvents>);

std::vector<std::uint8_t> bytes(std::size_t n, std::uint8_t seed) {
  std::vector<std::uint8_t> b(n);
  for (std::size_t i = 0; i < n; ++i)
    b[i] = static_cast<std::uint8_t>(seed + i * 31);
  return b;
}

Segment segment_with(std::size_t payload, std::uint8_t seed) {
  Segment s;
  s.source = {Ipv4Address{0xC0000201U}, 65535};
  s.destination = {Ipv4Address{0xFFFFFFFFU}, 1};
  s.seq = 0xFFFFFFFFU - seed;
  s.ack = 0x80000000U + seed;
  s.flags = static_cast<std::uint8_t>(0xFF - seed);
  s.window = static_cast<std::uint16_t>(0xFFFF - seed);
  s.payload = bytes(payload, seed);
  return s;
}

// Payload sizes around every word boundary, the model's MSS, and both sides of the largest
// payload kept inline (larger ones are stored out of line).
constexpr std::size_t kPayloadSizes[] = {0,    1,     2,     3,     4,     5,      8,
                                         1460, 65534, 65535, 65536, 70000, 100'000};

// Event `i` of a sequence that turns every optional field on and off (bit k of `mask` is field
// k) with extreme values.
TraceEvent event_with(unsigned mask, std::size_t i) {
  TraceEvent e;
  e.at = TimePoint{Duration{i % 3 == 0   ? std::numeric_limits<std::int64_t>::min()
                            : i % 3 == 1 ? std::numeric_limits<std::int64_t>::max()
                                         : static_cast<std::int64_t>(i) * 1'000'003}};
  e.kind = static_cast<TraceKind>(i % 15);  // every kind, and one past the last
  e.host = HostId{i % 2 == 0 ? 0U : 0xFFFFFFFFU};
  if ((mask & 1U) != 0) e.connection = i % 2 == 0 ? 0U : std::numeric_limits<std::uint64_t>::max();
  if ((mask & 2U) != 0) e.peer = HostId{static_cast<std::uint32_t>(i % 2 == 0 ? 0U : ~0U - i)};
  if ((mask & 4U) != 0) e.reason = static_cast<CloseReason>(i % 9);
  if ((mask & 8U) != 0) e.drop = static_cast<DropCause>(i % 6);
  if ((mask & 16U) != 0) e.probe = i % 2 == 0 ? 1U : 0xFFFFFFFFU;
  if ((mask & 32U) != 0) e.probe_count = i % 2 == 0 ? 0xFFFFFFFFU : 7U;
  if ((mask & 64U) != 0) {
    e.duration = i % 3 == 0   ? Duration::min()
                 : i % 3 == 1 ? Duration::max()
                              : Duration{-static_cast<std::int64_t>(i)};
  }
  if ((mask & 128U) != 0) e.retransmission = true;
  if ((mask & 256U) != 0) e.keepalive = true;
  if ((mask & 512U) != 0) {
    e.segment =
        segment_with(kPayloadSizes[i % std::size(kPayloadSizes)], static_cast<std::uint8_t>(i));
  }
  return e;
}

TEST(TraceStoreTest, EveryCombinationOfFieldsReadsBackAsRecorded) {
  Trace t;
  std::vector<TraceEvent> recorded;
  for (unsigned mask = 0; mask < 1024; ++mask) {
    recorded.push_back(event_with(mask, mask));
    t.record(recorded.back());
  }
  ASSERT_EQ(t.events().size(), recorded.size());
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    ASSERT_EQ(t.events()[i], recorded[i]) << "event " << i;
  }
}

TEST(TraceStoreTest, EveryPayloadSizeReadsBackByteForByte) {
  Trace t;
  for (std::size_t n : kPayloadSizes) {
    TraceEvent e;
    e.segment = segment_with(n, static_cast<std::uint8_t>(n));
    t.record(e);
  }
  ASSERT_EQ(t.events().size(), std::size(kPayloadSizes));
  for (std::size_t i = 0; i < std::size(kPayloadSizes); ++i) {
    const TraceEvent e = t.events()[i];
    ASSERT_TRUE(e.segment.has_value());
    EXPECT_EQ(e.segment->payload,
              bytes(kPayloadSizes[i], static_cast<std::uint8_t>(kPayloadSizes[i])))
        << kPayloadSizes[i] << " bytes";
  }
}

TEST(TraceStoreTest, ManyBlocksReadBackByIndexAndByIterator) {
  Trace t;
  std::vector<TraceEvent> recorded;
  const std::size_t n = 3 * 4096 + 17;  // three full blocks and part of a fourth
  for (std::size_t i = 0; i < n; ++i) {
    // Mostly segment events with small payloads, like a real run; now and then a large one.
    const unsigned mask = i % 5 == 0 ? static_cast<unsigned>(i % 512) : 512U | 3U;
    TraceEvent e = event_with(mask, i);
    if (e.segment && i % 1000 != 7) e.segment->payload.resize(i % 6);
    recorded.push_back(e);
    t.record(e);
  }
  const TraceEvents events = t.events();
  ASSERT_EQ(events.size(), n);
  EXPECT_EQ(events.front(), recorded.front());
  EXPECT_EQ(events.back(), recorded.back());
  EXPECT_EQ(events.end() - events.begin(), static_cast<std::ptrdiff_t>(n));
  EXPECT_EQ(events.begin()[4096], recorded[4096]);
  EXPECT_EQ(*(events.end() - 1), recorded.back());
  const auto has_segment = [](const TraceEvent& e) { return e.segment.has_value(); };
  EXPECT_EQ(std::ranges::count_if(events, has_segment),
            std::ranges::count_if(recorded, has_segment));
  std::size_t i = 0;
  for (const TraceEvent& e : events) {
    ASSERT_EQ(e, recorded[i]) << "event " << i;
    ++i;
  }
  EXPECT_EQ(i, n);
  for (std::size_t j = n; j-- > 0;) {
    ASSERT_EQ(events[j], recorded[j]) << "event " << j;
  }
}

// Issue 22 item 3: a million connections through detection keep ~41 events each in memory. A
// busy trace's events (probes, their segments, the drops, ids in the millions, times microseconds
// apart) take about 40 bytes each with their index and the blocks' growth room, not the 60 of a
// 32-byte head and 32-bit words; and read back as recorded.
TEST(TraceStoreTest, ABusyTracesEventsTakeAboutFortyBytesEach) {
  Trace t;
  std::vector<TraceEvent> recorded;
  const std::int64_t start = std::int64_t{7200} * 1'000'000'000;
  for (std::uint32_t c = 0; c < 20'000; ++c) {
    const TimePoint at{Duration{start + std::int64_t{c} * 997}};
    TraceEvent probe;
    probe.at = at;
    probe.kind = TraceKind::kProbeSent;
    probe.host = HostId{1 + c % 100};
    probe.connection = 1'000'000 + c;
    probe.probe = 1 + c % 10;
    probe.probe_count = 10;
    TraceEvent sent = probe;
    sent.kind = TraceKind::kSegmentSent;
    sent.probe = 0;
    sent.probe_count = 0;
    sent.keepalive = true;
    sent.peer = HostId{0};
    sent.segment = segment_with(0, static_cast<std::uint8_t>(c));
    TraceEvent dropped = sent;
    dropped.kind = TraceKind::kSegmentDropped;
    dropped.drop = DropCause::kHostDown;
    for (const TraceEvent& e : {probe, sent, dropped}) {
      recorded.push_back(e);
      t.record(e);
    }
  }
  const double per_event =
      static_cast<double>(t.memory_bytes()) / static_cast<double>(recorded.size());
  EXPECT_LE(per_event, 40.0);
  EXPECT_GT(per_event, 20.0);  // the fields themselves take that much: nothing was lost
  ASSERT_EQ(t.events().size(), recorded.size());
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    ASSERT_EQ(t.events()[i], recorded[i]) << "event " << i;
  }
}

// A segment's arrival or drop refers to its send's record (Trace::SegmentMark) instead of storing
// the segment again: it reads back whole, a reference to a reference resolves, and a mark from
// before clear() (whose index now names another event) stores the segment itself.
TEST(TraceStoreTest, AnEventAboutARecordedSegmentRefersToItAndReadsBackWhole) {
  Trace t;
  const Segment big = segment_with(70'000, 3);  // kept out of line
  const Segment small = segment_with(5, 9);
  TraceEvent sent = event_with(1U | 2U, 2);
  sent.kind = TraceKind::kSegmentSent;
  TraceEvent arrived = event_with(1U | 8U, 5);
  arrived.kind = TraceKind::kSegmentReceived;
  const std::optional<Trace::SegmentMark> first = t.record(sent, small);
  ASSERT_TRUE(first.has_value());
  const std::size_t one_full = t.memory_bytes();
  const std::optional<Trace::SegmentMark> second = t.record(arrived, small, first);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->event, first->event);  // the bytes stay where they are
  const std::optional<Trace::SegmentMark> big_mark = t.record(sent, big);
  (void)t.record(arrived, big, big_mark);
  (void)t.record(arrived, small, second);
  TraceEvent expect_sent = sent;
  expect_sent.segment = small;
  TraceEvent expect_arrived = arrived;
  expect_arrived.segment = small;
  ASSERT_EQ(t.events().size(), 5U);
  EXPECT_EQ(t.events()[0], expect_sent);
  EXPECT_EQ(t.events()[1], expect_arrived);
  EXPECT_EQ(t.events()[3].segment, big);
  EXPECT_EQ(t.events()[4], expect_arrived);
  // A reference costs a few bytes where the segment took dozens.
  Trace refs;
  const std::optional<Trace::SegmentMark> m = refs.record(sent, small);
  for (int i = 0; i < 20'000; ++i)
    (void)refs.record(arrived, small, m);
  Trace copies;
  for (int i = 0; i < 20'001; ++i)
    (void)copies.record(i == 0 ? sent : arrived, small);
  EXPECT_LT(refs.memory_bytes() * 3, copies.memory_bytes() * 2);
  EXPECT_GT(one_full, 0U);
  // A mark naming another segment, or an event without one, is not believed: the segment is
  // stored itself and reads back as given.
  Trace checked;
  const std::optional<Trace::SegmentMark> of_small = checked.record(sent, small);
  TraceEvent bare;
  bare.kind = TraceKind::kHostCrashed;
  checked.record(bare);
  Segment other = small;
  other.ack += 1;
  (void)checked.record(arrived, other, of_small);
  (void)checked.record(arrived, big, of_small);
  (void)checked.record(arrived, small, Trace::SegmentMark{of_small->epoch, 1});   // the crash
  (void)checked.record(arrived, small, Trace::SegmentMark{of_small->epoch, 99});  // not yet
  ASSERT_EQ(checked.events().size(), 6U);
  EXPECT_EQ(checked.events()[2].segment, other);
  EXPECT_EQ(checked.events()[3].segment, big);
  EXPECT_EQ(checked.events()[4].segment, small);
  EXPECT_EQ(checked.events()[5].segment, small);
  // After clear(), an old mark names nothing: the segment is stored again and reads back.
  t.clear();
  (void)t.record(sent, big);  // event 0 again, with another segment
  (void)t.record(arrived, small, first);
  ASSERT_EQ(t.events().size(), 2U);
  EXPECT_EQ(t.events()[1], expect_arrived);
  // Recording off: no mark; an event recorded with none stores its segment.
  t.set_recording(false);
  EXPECT_FALSE(t.record(sent, small).has_value());
}

TEST(TraceStoreTest, RangeSeesEventsRecordedAfterItWasMade) {
  Trace t;
  const TraceEvents events = t.events();
  EXPECT_TRUE(events.empty());
  TraceEvent e;
  e.kind = TraceKind::kHostCrashed;
  t.record(e);
  ASSERT_EQ(events.size(), 1U);
  EXPECT_EQ(events[0].kind, TraceKind::kHostCrashed);
  EXPECT_EQ(events.end() - events.begin(), 1);
}

TEST(TraceStoreTest, RecordWithSegmentIsRecordOfTheWholeEvent) {
  Trace t;
  std::vector<TraceEvent> seen;
  t.observe([&](const TraceEvent& e) { seen.push_back(e); });
  TraceEvent e = event_with(1023, 4);  // every field, with a segment that is replaced
  const Segment s = segment_with(5, 9);
  TraceEvent whole = e;
  whole.segment = s;
  t.record(e, s);
  t.record(whole);
  ASSERT_EQ(t.events().size(), 2U);
  EXPECT_EQ(t.events()[0], whole);
  EXPECT_EQ(t.events()[1], whole);
  ASSERT_EQ(seen.size(), 2U);
  EXPECT_EQ(seen[0], whole);  // observers get the event with its segment
  EXPECT_EQ(seen[1], whole);
}

TEST(TraceStoreTest, ClearForgetsEverythingAndRecordsAfresh) {
  Trace t;
  for (std::size_t i = 0; i < 5000; ++i)
    t.record(event_with(1023, i));
  t.clear();
  EXPECT_TRUE(t.events().empty());
  const TraceEvent e = event_with(512, 11);  // a large payload: the out-of-line store restarts
  t.record(e);
  ASSERT_EQ(t.events().size(), 1U);
  EXPECT_EQ(t.events()[0], e);
}

TEST(TraceStoreTest, JsonLinesOfTheStoredTraceAreThoseOfTheRecordedEvents) {
  Trace t;
  t.name_host(HostId{0}, "a");
  std::string expected;
  for (unsigned mask = 0; mask < 1024; mask += 3) {
    const TraceEvent e = event_with(mask, mask);
    t.record(e);
    expected += to_jsonl(e, t) + "\n";
  }
  std::ostringstream out;
  ASSERT_TRUE(write_jsonl(t, out).ok());
  EXPECT_EQ(out.str(), expected);
}

// A lossy, faulty run (5% loss, data both ways, a NAT that forgets, a partition, a reboot,
// keep-alive probes with a garbage octet and without): the trace holds exactly the events the
// network showed its observer as they happened, and writes the same JSON lines and pcap as a
// trace those events are recorded into one by one.
TEST(TraceStoreTest, NetworkRunStoresExactlyWhatItsObserverSaw) {
  World w{11};
  std::vector<TraceEvent> seen;
  w.trace().observe([&](const TraceEvent& e) { seen.push_back(e); });
  Network& net = w.network();
  const HostId a = net.add_host("a", *Ipv4Address::parse("10.0.0.1")).value();
  const HostId b = net.add_host("b", *Ipv4Address::parse("10.0.0.2")).value();
  const HostId c = net.add_host("c", *Ipv4Address::parse("10.0.0.3")).value();
  ASSERT_TRUE(net.set_default_path({.latency = 7ms, .loss = 0.05}).ok());
  ASSERT_TRUE(net.add_nat(a, c, {.idle_timeout = 20s, .on_expiry = NatExpiry::kReset}).ok());
  EndpointOptions options;
  options.keepalive = {.enabled = true, .idle = 30s, .interval = 2s, .probe_count = 4};
  options.retransmission = {.initial_rto = 300ms, .max_rto = 10s, .max_retransmissions = 8};
  EndpointOptions garbage = options;
  garbage.keepalive.shape = ProbeShape::kOneGarbageOctet;
  ASSERT_TRUE(net.listen(b, 80, options).ok());
  ASSERT_TRUE(net.listen(c, 80, options).ok());
  const EndpointId ab = net.connect(a, {net.address(b), 80}, garbage).value();
  const EndpointId ac = net.connect(a, {net.address(c), 80}, options).value();
  ASSERT_TRUE(w.run_for(5s).ok());
  ASSERT_TRUE(net.send(ab, bytes(5000, 1)).ok());
  ASSERT_TRUE(net.send(ac, bytes(3, 2)).ok());
  ASSERT_TRUE(net.schedule(kEpoch + 20s, PartitionHosts{a, b}).ok());
  ASSERT_TRUE(net.schedule(kEpoch + 40s, HealHosts{a, b}).ok());
  ASSERT_TRUE(net.schedule(kEpoch + 60s, RebootHost{c}).ok());
  ASSERT_TRUE(w.run_for(10min).ok());

  const TraceEvents events = w.trace().events();
  ASSERT_GT(seen.size(), 100U);  // a real run
  ASSERT_EQ(events.size(), seen.size());
  for (std::size_t i = 0; i < seen.size(); ++i) {
    ASSERT_EQ(events[i], seen[i]) << "event " << i;
  }
  Trace copy;
  for (HostId h : {a, b, c})
    copy.name_host(h, std::string(w.trace().host_name(h)));
  for (const TraceEvent& e : seen)
    copy.record(e);
  std::ostringstream jsonl;
  std::ostringstream copy_jsonl;
  ASSERT_TRUE(write_jsonl(w.trace(), jsonl).ok());
  ASSERT_TRUE(write_jsonl(copy, copy_jsonl).ok());
  EXPECT_EQ(jsonl.str(), copy_jsonl.str());
  std::ostringstream pcap;
  std::ostringstream copy_pcap;
  ASSERT_TRUE(write_pcap(w.trace(), pcap).ok());
  ASSERT_TRUE(write_pcap(copy, copy_pcap).ok());
  EXPECT_EQ(pcap.str(), copy_pcap.str());
  // The run exercised what it claims to.
  for (const char* what :
       {"\"drop\":\"loss\"", "\"drop\":\"partition\"", "host-restarted", "\"keepalive\":true",
        "\"len\":1460", "nat-flow-expired", "\"len\":1}"}) {
    EXPECT_NE(jsonl.str().find(what), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace ws2sim
