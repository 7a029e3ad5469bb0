// Tests for ws2sim/model/trace.h and trace_writers.h on hand-built traces: the recording and
// observer contract, the JSON-lines field order and values, determinism, and the pcap bytes
// (global header, record headers, IPv4/TCP headers and checksums, capture_at filtering).
#include "ws2sim/model/trace_writers.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "ws2sim/model/trace.h"

namespace ws2sim {
namespace {

using namespace std::chrono_literals;

constexpr HostId kClient{0};
constexpr HostId kServer{1};
constexpr std::uint32_t kClientIp = 0x0A000001;  // 10.0.0.1
constexpr std::uint32_t kServerIp = 0x0A000002;  // 10.0.0.2

Segment make_segment(bool from_client, std::uint32_t seq, std::uint32_t ack, std::uint8_t flags,
                     std::vector<std::uint8_t> payload = {}) {
  Segment s;
  const SocketAddress client{Ipv4Address{kClientIp}, 49152};
  const SocketAddress server{Ipv4Address{kServerIp}, 80};
  s.source = from_client ? client : server;
  s.destination = from_client ? server : client;
  s.seq = seq;
  s.ack = ack;
  s.flags = flags;
  s.window = 65535;
  s.payload = std::move(payload);
  return s;
}

TraceEvent segment_event(TimePoint at, TraceKind kind, HostId host, HostId peer, Segment s) {
  TraceEvent e;
  e.at = at;
  e.kind = kind;
  e.host = host;
  e.peer = peer;
  e.connection = 1;
  e.segment = std::move(s);
  return e;
}

void name_hosts(Trace& t) {
  t.name_host(kClient, "client");
  t.name_host(kServer, "server");
}

// A short conversation: handshake, data both ways, a keep-alive probe and its answer, and a
// segment the network dropped. Every call builds the same trace.
void build_conversation(Trace& t) {
  using namespace tcp_flags;
  name_hosts(t);
  const TimePoint t0 = kEpoch;
  const auto sent = [&](TimePoint at, bool from_client, Segment s) {
    t.record(segment_event(at, TraceKind::kSegmentSent, from_client ? kClient : kServer,
                           from_client ? kServer : kClient, std::move(s)));
  };
  const auto received = [&](TimePoint at, bool from_client, Segment s) {
    t.record(segment_event(at, TraceKind::kSegmentReceived, from_client ? kServer : kClient,
                           from_client ? kClient : kServer, std::move(s)));
  };
  sent(t0, true, make_segment(true, 1000, 0, kSyn));
  received(t0 + 1ms, true, make_segment(true, 1000, 0, kSyn));
  sent(t0 + 1ms, false, make_segment(false, 5000, 1001, kSyn | kAck));
  received(t0 + 2ms, false, make_segment(false, 5000, 1001, kSyn | kAck));
  sent(t0 + 2ms, true, make_segment(true, 1001, 5001, kAck));
  received(t0 + 3ms, true, make_segment(true, 1001, 5001, kAck));
  TraceEvent est;
  est.at = t0 + 3ms;
  est.kind = TraceKind::kConnectionEstablished;
  est.host = kServer;
  est.connection = 1;
  t.record(est);
  sent(t0 + 10ms, true, make_segment(true, 1001, 5001, kPsh | kAck, {'h', 'e', 'l', 'l', 'o'}));
  received(t0 + 11ms, true, make_segment(true, 1001, 5001, kPsh | kAck, {'h', 'e', 'l', 'l', 'o'}));
  sent(t0 + 11ms, false, make_segment(false, 5001, 1006, kAck));
  received(t0 + 12ms, false, make_segment(false, 5001, 1006, kAck));
  // Keep-alive probe (SEQ = SND.NXT - 1) and its answer.
  TraceEvent probe;
  probe.at = t0 + 10s + 12ms;
  probe.kind = TraceKind::kProbeSent;
  probe.host = kClient;
  probe.connection = 1;
  probe.probe = 1;
  probe.probe_count = 3;
  t.record(probe);
  Segment p = make_segment(true, 1005, 5001, kAck);
  TraceEvent probe_segment = segment_event(probe.at, TraceKind::kSegmentSent, kClient, kServer, p);
  probe_segment.keepalive = true;
  t.record(probe_segment);
  received(probe.at + 1ms, true, p);
  sent(probe.at + 1ms, false, make_segment(false, 5001, 1006, kAck));
  received(probe.at + 2ms, false, make_segment(false, 5001, 1006, kAck));
  // A segment lost on the way: sent (on the wire at the sender), then dropped.
  sent(t0 + 20s, false, make_segment(false, 5001, 1006, kPsh | kAck, {'x'}));
  TraceEvent drop = segment_event(t0 + 20s + 1ms, TraceKind::kSegmentDropped, kServer, kClient,
                                  make_segment(false, 5001, 1006, kPsh | kAck, {'x'}));
  drop.drop = DropCause::kLoss;
  t.record(drop);
}

// ---- pcap parsing helpers (independent of the writer) ----------------------------------------

std::uint32_t le32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at])) |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<std::uint8_t>(b[at + 3])) << 24;
}
std::uint16_t be16(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint16_t>(b[at] << 8 | b[at + 1]);
}
std::uint32_t be32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return static_cast<std::uint32_t>(b[at]) << 24 | static_cast<std::uint32_t>(b[at + 1]) << 16 |
         static_cast<std::uint32_t>(b[at + 2]) << 8 | static_cast<std::uint32_t>(b[at + 3]);
}

struct Packet {
  std::uint32_t sec = 0;
  std::uint32_t nsec = 0;
  std::uint32_t incl_len = 0;
  std::uint32_t orig_len = 0;
  std::vector<std::uint8_t> data;
};

// Splits a pcap byte stream into records; fails the test on a malformed stream.
std::vector<Packet> parse_pcap(const std::string& bytes) {
  std::vector<Packet> out;
  EXPECT_GE(bytes.size(), 24U);
  std::size_t at = 24;
  while (at < bytes.size()) {
    if (bytes.size() - at < 16) {
      ADD_FAILURE() << "truncated record header at offset " << at;
      break;
    }
    Packet p;
    p.sec = le32(bytes, at);
    p.nsec = le32(bytes, at + 4);
    p.incl_len = le32(bytes, at + 8);
    p.orig_len = le32(bytes, at + 12);
    at += 16;
    if (bytes.size() - at < p.incl_len) {
      ADD_FAILURE() << "truncated record at offset " << at;
      break;
    }
    p.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(at),
                  bytes.begin() + static_cast<std::ptrdiff_t>(at + p.incl_len));
    at += p.incl_len;
    out.push_back(std::move(p));
  }
  return out;
}

// RFC 1071 one's-complement sum of big-endian 16-bit words, folded to 16 bits (not inverted).
std::uint16_t ones_complement_sum(const std::vector<std::uint8_t>& bytes) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 2) {
    const std::uint64_t hi = bytes[i];
    const std::uint64_t lo = i + 1 < bytes.size() ? bytes[i + 1] : 0;
    sum += hi << 8 | lo;
  }
  while (sum > 0xFFFF) {
    sum = (sum & 0xFFFF) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(sum);
}

std::string pcap_bytes(const Trace& t, const PcapOptions& options = {}) {
  std::ostringstream out;
  const Status s = write_pcap(t, out, options);
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return out.str();
}

// ---- Trace -----------------------------------------------------------------------------------

TEST(TraceTest, RecordsInOrderAndCallsObserversInOrder) {
  Trace t;
  std::vector<std::string> seen;
  t.observe([&](const TraceEvent& e) { seen.push_back("a" + std::to_string(e.probe)); });
  t.observe([&](const TraceEvent& e) { seen.push_back("b" + std::to_string(e.probe)); });
  TraceEvent e;
  e.probe = 1;
  t.record(e);
  e.probe = 2;
  t.record(e);
  ASSERT_EQ(t.events().size(), 2U);
  EXPECT_EQ(t.events()[0].probe, 1U);
  EXPECT_EQ(t.events()[1].probe, 2U);
  EXPECT_EQ(seen, (std::vector<std::string>{"a1", "b1", "a2", "b2"}));
}

TEST(TraceTest, ObserversSeeEventsWhenNotRecording) {
  Trace t;
  EXPECT_TRUE(t.wanted());
  t.set_recording(false);
  EXPECT_FALSE(t.wanted());
  int calls = 0;
  t.observe([&](const TraceEvent&) { ++calls; });
  EXPECT_TRUE(t.wanted());
  t.record(TraceEvent{});
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(t.events().empty());
  t.set_recording(true);
  t.record(TraceEvent{});
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(t.events().size(), 1U);
  t.clear();
  EXPECT_TRUE(t.events().empty());
}

TEST(TraceTest, ObserverMayRecordWhileObserving) {
  Trace t;
  t.observe([&](const TraceEvent& e) {
    if (e.kind == TraceKind::kHostCrashed) {
      TraceEvent follow;
      follow.kind = TraceKind::kConnectionClosed;
      follow.reason = CloseReason::kAborted;
      for (int i = 0; i < 100; ++i) {
        t.record(follow);  // grows the trace under the observer
      }
      EXPECT_EQ(e.kind, TraceKind::kHostCrashed);
    }
  });
  TraceEvent crash;
  crash.kind = TraceKind::kHostCrashed;
  t.record(crash);
  EXPECT_EQ(t.events().size(), 101U);
}

TEST(TraceTest, HostNames) {
  Trace t;
  t.name_host(HostId{2}, "gateway");
  EXPECT_EQ(t.host_name(HostId{2}), "gateway");
  EXPECT_EQ(t.host_name(HostId{0}), "?");   // a gap below a named host
  EXPECT_EQ(t.host_name(HostId{99}), "?");  // never named
  t.name_host(HostId{2}, "gw");
  EXPECT_EQ(t.host_name(HostId{2}), "gw");
}

TEST(TraceTest, StableNames) {
  EXPECT_EQ(to_string(CloseReason::kOrderly), "orderly");
  EXPECT_EQ(to_string(CloseReason::kAborted), "aborted");
  EXPECT_EQ(to_string(CloseReason::kResetByPeer), "reset-by-peer");
  EXPECT_EQ(to_string(CloseReason::kKeepAliveTimeout), "keepalive-timeout");
  EXPECT_EQ(to_string(CloseReason::kRetransmissionTimeout), "retransmission-timeout");
  EXPECT_EQ(to_string(CloseReason::kConnectTimeout), "connect-timeout");
  EXPECT_EQ(to_string(CloseReason::kConnectionRefused), "connection-refused");
  EXPECT_EQ(to_string(CloseReason::kHostRestarted), "host-restarted");
  EXPECT_EQ(to_string(DropCause::kLoss), "loss");
  EXPECT_EQ(to_string(DropCause::kPartition), "partition");
  EXPECT_EQ(to_string(DropCause::kHostDown), "host-down");
  EXPECT_EQ(to_string(DropCause::kNatNoFlow), "nat-no-flow");
  EXPECT_EQ(to_string(DropCause::kNoListener), "no-listener");
  EXPECT_EQ(to_string(TraceKind::kSegmentSent), "segment-sent");
  EXPECT_EQ(to_string(TraceKind::kSegmentReceived), "segment-received");
  EXPECT_EQ(to_string(TraceKind::kSegmentDropped), "segment-dropped");
  EXPECT_EQ(to_string(TraceKind::kProbeSent), "probe-sent");
  EXPECT_EQ(to_string(TraceKind::kProbeAnswered), "probe-answered");
  EXPECT_EQ(to_string(TraceKind::kKeepAliveSuppressed), "keepalive-suppressed");
  EXPECT_EQ(to_string(TraceKind::kRetransmission), "retransmission");
  EXPECT_EQ(to_string(TraceKind::kConnectionEstablished), "connection-established");
  EXPECT_EQ(to_string(TraceKind::kConnectionClosed), "connection-closed");
  EXPECT_EQ(to_string(TraceKind::kHostCrashed), "host-crashed");
  EXPECT_EQ(to_string(TraceKind::kHostRestarted), "host-restarted");
  EXPECT_EQ(to_string(TraceKind::kPartitioned), "partitioned");
  EXPECT_EQ(to_string(TraceKind::kHealed), "healed");
  EXPECT_EQ(to_string(TraceKind::kNatFlowExpired), "nat-flow-expired");
}

// ---- JSON lines ------------------------------------------------------------------------------

TEST(TraceJsonl, ProbeSentLine) {
  Trace t;
  name_hosts(t);
  TraceEvent e;
  e.at = kEpoch + 7210s + 5ms;
  e.kind = TraceKind::kProbeSent;
  e.host = kClient;
  e.connection = 1;
  e.probe = 2;
  e.probe_count = 10;
  EXPECT_EQ(to_jsonl(e, t),
            R"({"t_ns":7210005000000,"t":"7210.005s","kind":"probe-sent","host":"client",)"
            R"("conn":1,"probe":2,"of":10})");
}

TEST(TraceJsonl, SegmentLine) {
  Trace t;
  name_hosts(t);
  TraceEvent e = segment_event(kEpoch + 12s + 345678901ns, TraceKind::kSegmentSent, kClient,
                               kServer, make_segment(true, 1005, 5001, tcp_flags::kAck));
  e.keepalive = true;
  EXPECT_EQ(to_jsonl(e, t),
            R"({"t_ns":12345678901,"t":"12.345s","kind":"segment-sent","host":"client",)"
            R"("conn":1,"peer":"server","keepalive":true,"segment":{"src":"10.0.0.1:49152",)"
            R"("dst":"10.0.0.2:80","seq":1005,"ack":5001,"flags":"ACK","window":65535,"len":0}})");

  TraceEvent data = segment_event(
      kEpoch + 1s, TraceKind::kSegmentReceived, kServer, kClient,
      make_segment(true, 4294967295U, 7, tcp_flags::kPsh | tcp_flags::kAck, {1, 2, 3}));
  data.retransmission = true;
  EXPECT_EQ(to_jsonl(data, t),
            R"({"t_ns":1000000000,"t":"1.000s","kind":"segment-received","host":"server",)"
            R"("conn":1,"peer":"client","retransmission":true,"segment":{"src":"10.0.0.1:49152",)"
            R"("dst":"10.0.0.2:80","seq":4294967295,"ack":7,"flags":"PSH|ACK","window":65535,)"
            R"("len":3}})");
}

TEST(TraceJsonl, AllFieldsInDocumentedOrder) {
  Trace t;
  name_hosts(t);
  TraceEvent e = segment_event(kEpoch, TraceKind::kSegmentDropped, kServer, kClient,
                               make_segment(false, 1, 2, tcp_flags::kRst));
  e.connection = 42;
  e.reason = CloseReason::kKeepAliveTimeout;
  e.drop = DropCause::kHostDown;
  e.probe = 3;
  e.probe_count = 5;
  e.duration = 350s;
  e.retransmission = true;
  e.keepalive = true;
  EXPECT_EQ(to_jsonl(e, t),
            R"({"t_ns":0,"t":"0.000s","kind":"segment-dropped","host":"server","conn":42,)"
            R"("peer":"client","reason":"keepalive-timeout","drop":"host-down","probe":3,"of":5,)"
            R"("duration_ns":350000000000,"retransmission":true,"keepalive":true,)"
            R"("segment":{"src":"10.0.0.2:80","dst":"10.0.0.1:49152","seq":1,"ack":2,)"
            R"("flags":"RST","window":65535,"len":0}})");
}

TEST(TraceJsonl, MinimalEventAndUnknownHost) {
  Trace t;
  TraceEvent e;
  e.at = kEpoch + 2h;
  e.kind = TraceKind::kHostCrashed;
  e.host = HostId{7};
  EXPECT_EQ(to_jsonl(e, t),
            R"({"t_ns":7200000000000,"t":"7200.000s","kind":"host-crashed","host":"?"})");
}

TEST(TraceJsonl, ClosedLineWithReason) {
  Trace t;
  name_hosts(t);
  TraceEvent e;
  e.at = kEpoch + 7210s;
  e.kind = TraceKind::kConnectionClosed;
  e.host = kClient;
  e.connection = 1;
  e.reason = CloseReason::kKeepAliveTimeout;
  e.probe_count = 10;
  EXPECT_EQ(to_jsonl(e, t), R"({"t_ns":7210000000000,"t":"7210.000s","kind":"connection-closed",)"
                            R"("host":"client","conn":1,"reason":"keepalive-timeout","of":10})");
}

TEST(TraceJsonl, WritesOneLinePerEventAndIsDeterministic) {
  Trace a;
  Trace b;
  build_conversation(a);
  build_conversation(b);
  std::ostringstream out_a;
  std::ostringstream out_b;
  ASSERT_TRUE(write_jsonl(a, out_a).ok());
  ASSERT_TRUE(write_jsonl(b, out_b).ok());
  EXPECT_EQ(out_a.str(), out_b.str());
  std::istringstream lines(out_a.str());
  std::string line;
  std::size_t n = 0;
  while (std::getline(lines, line)) {
    EXPECT_EQ(line, to_jsonl(a.events()[n], a));
    ++n;
  }
  EXPECT_EQ(n, a.events().size());
  EXPECT_EQ(out_a.str().back(), '\n');
}

TEST(TraceJsonl, FileErrorsNameThePath) {
  Trace t;
  build_conversation(t);
  const std::string path = "/nonexistent-ws2sim-dir/trace.jsonl";
  const Status s = write_jsonl_file(t, path);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(path), std::string::npos) << s.error().message;
}

// ---- pcap ------------------------------------------------------------------------------------

TEST(TracePcap, GlobalHeaderBytes) {
  Trace t;
  const std::string bytes = pcap_bytes(t);
  const unsigned char expected[24] = {
      0x4d, 0x3c, 0xb2, 0xa1,  // magic 0xa1b23c4d (nanosecond timestamps), little-endian
      0x02, 0x00, 0x04, 0x00,  // version 2.4
      0x00, 0x00, 0x00, 0x00,  // thiszone
      0x00, 0x00, 0x00, 0x00,  // sigfigs
      0xff, 0xff, 0x00, 0x00,  // snaplen 65535
      0x65, 0x00, 0x00, 0x00,  // LINKTYPE_RAW (101)
  };
  ASSERT_EQ(bytes.size(), sizeof expected);  // an empty trace is a header only
  EXPECT_EQ(std::memcmp(bytes.data(), expected, sizeof expected), 0);
}

TEST(TracePcap, KnownPacketHeadersAndChecksums) {
  Trace t;
  name_hosts(t);
  const std::vector<std::uint8_t> payload = {'h', 'i', '!'};  // odd: exercises checksum padding
  t.record(segment_event(
      kEpoch + 12s + 345678901ns, TraceKind::kSegmentSent, kClient, kServer,
      make_segment(true, 0x01020304U, 0xA0B0C0D0U, tcp_flags::kPsh | tcp_flags::kAck, payload)));
  t.record(segment_event(kEpoch + 13s, TraceKind::kSegmentSent, kServer, kClient,
                         make_segment(false, 0xA0B0C0D0U, 0x01020307U, tcp_flags::kAck)));
  const std::vector<Packet> packets = parse_pcap(pcap_bytes(t));
  ASSERT_EQ(packets.size(), 2U);

  const Packet& p = packets[0];
  EXPECT_EQ(p.sec, 12U);
  EXPECT_EQ(p.nsec, 345678901U);
  EXPECT_EQ(p.incl_len, 43U);
  EXPECT_EQ(p.orig_len, 43U);
  const std::vector<std::uint8_t>& d = p.data;
  ASSERT_EQ(d.size(), 43U);

  // IPv4 header.
  EXPECT_EQ(d[0], 0x45);  // version 4, IHL 5
  EXPECT_EQ(d[1], 0x00);  // TOS
  EXPECT_EQ(be16(d, 2), 43);
  EXPECT_EQ(be16(d, 4), 1);       // identification: first packet of this writer
  EXPECT_EQ(be16(d, 6), 0x4000);  // DF, fragment offset 0
  EXPECT_EQ(d[8], 64);            // TTL
  EXPECT_EQ(d[9], 6);             // TCP
  EXPECT_EQ(be32(d, 12), kClientIp);
  EXPECT_EQ(be32(d, 16), kServerIp);
  std::vector<std::uint8_t> ip(d.begin(), d.begin() + 20);
  EXPECT_EQ(ones_complement_sum(ip), 0xFFFF) << "IPv4 header checksum does not verify";
  const std::uint16_t ip_checksum = be16(ip, 10);
  ip[10] = 0;
  ip[11] = 0;
  EXPECT_EQ(ip_checksum, static_cast<std::uint16_t>(~ones_complement_sum(ip)));

  // TCP header and payload.
  EXPECT_EQ(be16(d, 20), 49152);
  EXPECT_EQ(be16(d, 22), 80);
  EXPECT_EQ(be32(d, 24), 0x01020304U);
  EXPECT_EQ(be32(d, 28), 0xA0B0C0D0U);
  EXPECT_EQ(d[32], 0x50);  // data offset 5
  EXPECT_EQ(d[33], tcp_flags::kPsh | tcp_flags::kAck);
  EXPECT_EQ(be16(d, 34), 65535);
  EXPECT_EQ(be16(d, 38), 0);  // urgent pointer
  EXPECT_EQ(std::vector<std::uint8_t>(d.begin() + 40, d.end()), payload);

  // TCP checksum over the pseudo-header (src, dst, 0, 6, TCP length) + header + payload.
  std::vector<std::uint8_t> pseudo = {0x0A, 0x00, 0x00, 0x01, 0x0A, 0x00,
                                      0x00, 0x02, 0x00, 0x06, 0x00, 23};
  std::vector<std::uint8_t> whole = pseudo;
  whole.insert(whole.end(), d.begin() + 20, d.end());
  EXPECT_EQ(ones_complement_sum(whole), 0xFFFF) << "TCP checksum does not verify";
  const std::uint16_t tcp_checksum = be16(d, 36);
  whole[12 + 16] = 0;
  whole[12 + 17] = 0;
  EXPECT_EQ(tcp_checksum, static_cast<std::uint16_t>(~ones_complement_sum(whole)));

  // The second packet: next identification, whole-second timestamp, no payload.
  const Packet& q = packets[1];
  EXPECT_EQ(q.sec, 13U);
  EXPECT_EQ(q.nsec, 0U);
  ASSERT_EQ(q.data.size(), 40U);
  EXPECT_EQ(be16(q.data, 4), 2);
  EXPECT_EQ(be32(q.data, 12), kServerIp);
  std::vector<std::uint8_t> q_ip(q.data.begin(), q.data.begin() + 20);
  EXPECT_EQ(ones_complement_sum(q_ip), 0xFFFF);
  std::vector<std::uint8_t> q_whole = {0x0A, 0x00, 0x00, 0x02, 0x0A, 0x00,
                                       0x00, 0x01, 0x00, 0x06, 0x00, 20};
  q_whole.insert(q_whole.end(), q.data.begin() + 20, q.data.end());
  EXPECT_EQ(ones_complement_sum(q_whole), 0xFFFF);
}

TEST(TracePcap, IsDeterministic) {
  Trace a;
  Trace b;
  build_conversation(a);
  build_conversation(b);
  const std::string bytes_a = pcap_bytes(a);
  EXPECT_EQ(bytes_a, pcap_bytes(b));
  EXPECT_EQ(bytes_a, pcap_bytes(a));  // and repeatable on one trace
  EXPECT_EQ(pcap_bytes(a, {.capture_at = kClient}), pcap_bytes(b, {.capture_at = kClient}));
}

TEST(TracePcap, CaptureAtFilters) {
  Trace t;
  build_conversation(t);
  std::size_t sent = 0;
  std::size_t client_view = 0;
  std::size_t server_view = 0;
  for (const TraceEvent& e : t.events()) {
    const bool on_wire = e.kind == TraceKind::kSegmentSent || e.kind == TraceKind::kSegmentReceived;
    if (e.kind == TraceKind::kSegmentSent) ++sent;
    if (on_wire && e.host == kClient) ++client_view;
    if (on_wire && e.host == kServer) ++server_view;
  }
  // The conversation: client sends SYN, ACK, data, probe (4); server sends SYN|ACK, ACK,
  // probe answer, lost data (4). The client receives 3 of the server's, the server all 4.
  EXPECT_EQ(sent, 8U);
  EXPECT_EQ(client_view, 4U + 3U);
  EXPECT_EQ(server_view, 4U + 4U);

  EXPECT_EQ(parse_pcap(pcap_bytes(t)).size(), sent);
  EXPECT_EQ(parse_pcap(pcap_bytes(t, {.capture_at = kClient})).size(), client_view);
  EXPECT_EQ(parse_pcap(pcap_bytes(t, {.capture_at = kServer})).size(), server_view);
  EXPECT_EQ(parse_pcap(pcap_bytes(t, {.capture_at = HostId{9}})).size(), 0U);

  // The lost segment is on the wire (server side) but not in the client's capture.
  const std::vector<Packet> client = parse_pcap(pcap_bytes(t, {.capture_at = kClient}));
  for (const Packet& p : client) {
    EXPECT_NE(p.sec, 20U);
  }
  const std::vector<Packet> all = parse_pcap(pcap_bytes(t));
  EXPECT_EQ(all.back().sec, 20U);
  EXPECT_EQ(all.back().data.size(), 41U);
  // Identification counts packets of this writer only, from 1.
  for (std::size_t i = 0; i < client.size(); ++i) {
    EXPECT_EQ(be16(client[i].data, 4), i + 1);
  }
}

TEST(TracePcap, UnrepresentableTimestampFailsWithoutWriting) {
  Trace t;
  name_hosts(t);
  t.record(segment_event(kEpoch + 1s, TraceKind::kSegmentSent, kClient, kServer,
                         make_segment(true, 1, 0, tcp_flags::kSyn)));
  t.record(segment_event(kEpoch + std::chrono::hours(24 * 365 * 200), TraceKind::kSegmentSent,
                         kClient, kServer, make_segment(true, 1, 0, tcp_flags::kSyn)));
  std::ostringstream out;
  const Status s = write_pcap(t, out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(out.str().empty());
}

TEST(TracePcap, FileRoundTripAndErrorsNameThePath) {
  Trace t;
  build_conversation(t);
  const std::string bad = "/nonexistent-ws2sim-dir/x.pcap";
  const Status s = write_pcap_file(t, bad);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(bad), std::string::npos) << s.error().message;

  std::string name = ::testing::TempDir() + "ws2sim_trace_writers_XXXXXX";
  const int fd = ::mkstemp(name.data());
  ASSERT_GE(fd, 0) << "mkstemp failed for " << name;
  ::close(fd);
  const std::string path = name;
  ASSERT_TRUE(write_pcap_file(t, path).ok());
  std::ifstream in(path, std::ios::binary);
  const std::string file_bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  EXPECT_EQ(file_bytes, pcap_bytes(t));
  in.close();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ws2sim
