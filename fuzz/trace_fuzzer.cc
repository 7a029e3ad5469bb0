// fuzz/trace_fuzzer.cc — the JSON-lines and pcap trace writers on arbitrary traces
// (docs/reliability.md).
//
// Invariants: every recorded event reads back equal to what was recorded (the trace stores events
// packed); neither writer crashes on any event (times before the epoch or past 2^32 s, any
// field combination, payloads of any size, unnamed hosts); JSON lines are one valid JSON object
// per event with "t_ns" equal to the event's time; a pcap either fails having written nothing
// (trace_writers.h) or is a well-formed capture: a 24-byte header and records whose lengths add
// up to the stream, one per segment event with a segment.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "ws2sim/model/trace.h"
#include "ws2sim/model/trace_writers.h"

namespace {

using namespace ws2sim;

[[noreturn]] void violation(const std::string& what) {
  std::fprintf(stderr, "INVARIANT VIOLATED: %s\n", what.c_str());
  std::abort();
}

std::uint32_t u32_at(const std::string& s, std::size_t at) {
  std::uint32_t v;
  std::memcpy(&v, s.data() + at, sizeof v);
  return v;  // little-endian file, little-endian machine
}

TraceEvent random_event(FuzzedDataProvider& in) {
  TraceEvent e;
  e.at = TimePoint{Duration{in.ConsumeIntegral<std::int64_t>()}};
  e.kind = static_cast<TraceKind>(
      in.ConsumeIntegralInRange<int>(0, static_cast<int>(TraceKind::kNatFlowExpired)));
  e.host = HostId{in.ConsumeIntegralInRange<std::uint32_t>(0, 4)};
  if (in.ConsumeBool()) e.connection = in.ConsumeIntegral<std::uint64_t>();
  if (in.ConsumeBool()) e.peer = HostId{in.ConsumeIntegralInRange<std::uint32_t>(0, 4)};
  if (in.ConsumeBool()) {
    e.reason = static_cast<CloseReason>(
        in.ConsumeIntegralInRange<int>(0, static_cast<int>(CloseReason::kHostRestarted)));
  }
  if (in.ConsumeBool()) {
    e.drop = static_cast<DropCause>(
        in.ConsumeIntegralInRange<int>(0, static_cast<int>(DropCause::kNoListener)));
  }
  e.probe = in.ConsumeIntegral<std::uint32_t>();
  e.probe_count = in.ConsumeIntegral<std::uint32_t>();
  if (in.ConsumeBool()) e.duration = Duration{in.ConsumeIntegral<std::int64_t>()};
  e.retransmission = in.ConsumeBool();
  e.keepalive = in.ConsumeBool();
  if (in.ConsumeBool()) {
    Segment s;
    s.source = {Ipv4Address{in.ConsumeIntegral<std::uint32_t>()},
                in.ConsumeIntegral<std::uint16_t>()};
    s.destination = {Ipv4Address{in.ConsumeIntegral<std::uint32_t>()},
                     in.ConsumeIntegral<std::uint16_t>()};
    s.seq = in.ConsumeIntegral<std::uint32_t>();
    s.ack = in.ConsumeIntegral<std::uint32_t>();
    s.flags = in.ConsumeIntegral<std::uint8_t>();
    s.window = in.ConsumeIntegral<std::uint16_t>();
    // Now and then a payload too large for one IPv4 packet, which the pcap writer must refuse.
    const std::size_t n = in.ConsumeIntegralInRange(0, 15) == 0
                              ? in.ConsumeIntegralInRange<std::size_t>(65000, 70000)
                              : in.ConsumeIntegralInRange<std::size_t>(0, 64);
    s.payload = in.ConsumeBytes<std::uint8_t>(n);
    s.payload.resize(n);
    e.segment = std::move(s);
  }
  return e;
}

void check_pcap(const Trace& trace, const PcapOptions& options) {
  std::ostringstream out;
  const Status st = write_pcap(trace, out, options);
  const std::string pcap = out.str();
  if (!st.ok()) {
    if (!pcap.empty()) violation("write_pcap failed but wrote " + std::to_string(pcap.size()));
    return;
  }
  if (pcap.size() < 24 || u32_at(pcap, 0) != 0xa1b23c4d) violation("bad pcap header");
  std::size_t at = 24;
  std::size_t records = 0;
  while (at < pcap.size()) {
    if (pcap.size() - at < 16) violation("truncated pcap record header");
    const std::uint32_t incl = u32_at(pcap, at + 8);
    const std::uint32_t orig = u32_at(pcap, at + 12);
    if (incl != orig || u32_at(pcap, at + 4) >= 1'000'000'000U) violation("bad record header");
    at += 16;
    if (pcap.size() - at < incl || incl < 40) violation("pcap record length is wrong");
    at += incl;
    ++records;
  }
  std::size_t expected = 0;
  for (const TraceEvent& e : trace.events()) {
    if (!e.segment) continue;
    if (!options.capture_at) {
      expected += e.kind == TraceKind::kSegmentSent ? 1 : 0;
    } else if ((e.kind == TraceKind::kSegmentSent && e.host == *options.capture_at) ||
               (e.kind == TraceKind::kSegmentReceived && e.host == *options.capture_at)) {
      ++expected;
    }
  }
  if (records != expected) {
    violation("pcap has " + std::to_string(records) + " records, expected " +
              std::to_string(expected));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  Trace trace;
  const std::uint32_t named = in.ConsumeIntegralInRange<std::uint32_t>(0, 3);
  for (std::uint32_t i = 0; i < named; ++i)
    trace.name_host(HostId{i}, in.ConsumeRandomLengthString(12));
  const int n = in.ConsumeIntegralInRange(0, 32);
  std::vector<TraceEvent> recorded;
  for (int i = 0; i < n; ++i) {
    recorded.push_back(random_event(in));
    trace.record(recorded.back());
  }
  if (trace.events().size() != recorded.size()) violation("one stored event per record()");
  for (std::size_t i = 0; i < recorded.size(); ++i) {
    if (!(trace.events()[i] == recorded[i])) violation("event read back differs from recorded");
  }

  std::ostringstream out;
  if (!write_jsonl(trace, out).ok()) violation("write_jsonl failed on a string stream");
  std::istringstream lines(out.str());
  std::string line;
  std::size_t count = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) violation("not a JSON object: " + line);
    if (count >= trace.events().size()) violation("more JSON lines than events");
    const TraceEvent e = trace.events()[count];
    if (j.value("t_ns", std::int64_t{0}) != e.at.time_since_epoch().count())
      violation("t_ns wrong");
    ++count;
  }
  if (count != trace.events().size()) violation("one JSON line per event");

  check_pcap(trace, {});
  check_pcap(trace,
             PcapOptions{.capture_at = HostId{in.ConsumeIntegralInRange<std::uint32_t>(0, 4)}});
  return 0;
}
