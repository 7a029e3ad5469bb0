// ws2sim/model/trace_writers.h — a trace as JSON lines or as a pcap file for Wireshark/tshark.
//
// Both writers are pure functions of the trace: the same trace (hence the same seed) gives
// byte-identical output. Nothing depends on the wall clock, on pointers or on floating point.
//
//   World w{7};
//   ... build hosts, connect, run ...
//   Status s = write_jsonl_file(w.trace(), "run.jsonl");
//   s = write_pcap_file(w.trace(), "run.pcap");                               // the whole wire
//   s = write_pcap_file(w.trace(), "client.pcap", {.capture_at = client});    // tcpdump on client
//   // tshark -r run.pcap -Y tcp.analysis.keep_alive
//
// JSON lines: one object per event, fields always in this order, and only those that apply:
//
//   "t_ns"            integer, nanoseconds since the epoch
//   "t"               format_time(at), e.g. "7210.000s"
//   "kind"            to_string(TraceKind), e.g. "probe-sent"
//   "host"            the host's name (Trace::host_name)
//   "conn"            connection serial, when the event has one
//   "peer"            the peer host's name, when the event has one
//   "reason"          to_string(CloseReason), when set
//   "drop"            to_string(DropCause), when set
//   "probe"           probe / retransmission number, when non-zero
//   "of"              probe count, when non-zero
//   "duration_ns"     integer nanoseconds, when set
//   "retransmission"  true, only when true
//   "keepalive"       true, only when true
//   "segment"         when set: {"src","dst","seq","ack","flags","window","len"} where src/dst are
//                     "a.b.c.d:port", flags is flags_to_string ("SYN|ACK"), len the payload size
//
//   {"t_ns":12000000000,"t":"12.000s","kind":"probe-sent","host":"client","conn":1,"probe":1,"of":3}
//
// pcap: classic libpcap, little-endian, nanosecond timestamps (magic 0xa1b23c4d), version 2.4,
// snaplen 65535, LINKTYPE_RAW (101): each packet is an IPv4 header, a TCP header and the payload,
// with correct IPv4 and TCP checksums. Packets come from kSegmentSent events (the wire as the
// senders put it on, dropped segments included), or, with `capture_at`, from the segments that
// host sent or received. Events of those kinds without a segment are skipped.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "ws2sim/model/status.h"
#include "ws2sim/model/trace.h"

namespace ws2sim {

/// One event as a single JSON object (no trailing newline). `trace` supplies host names.
std::string to_jsonl(const TraceEvent& event, const Trace& trace);

/// Every recorded event of `trace`, one JSON object per line, each ended by '\n'.
Status write_jsonl(const Trace& trace, std::ostream& out);

/// `write_jsonl` into a file (created or truncated); errors name the path.
Status write_jsonl_file(const Trace& trace, const std::string& path);

/// What a pcap shows.
struct PcapOptions {
  /// Unset: every segment sent by any host. Set to H: what a capture on H sees, i.e. the
  /// segments H sent and the segments H received, in trace order.
  std::optional<HostId> capture_at;
};

/// PcapStream — the pcap writer for events as they happen (a trace that is streamed, not kept):
/// the file header first, then one packet per captured event. Feeding it a trace's events gives
/// the bytes write_pcap gives.
///
///   PcapStream pcap(file);
///   world.trace().observe([&](const TraceEvent& e) { (void)pcap.write(e); });
///   ... run ...
///   Status s = pcap.finish();
class PcapStream {
 public:
  explicit PcapStream(std::ostream& out, const PcapOptions& options = {});
  /// PcapStream::write — `e`'s packet, if `options` capture it. Fails (writing nothing for it)
  /// if it cannot be represented (see write_pcap).
  Status write(const TraceEvent& e);
  /// PcapStream::finish — writes what is buffered; fails if the stream failed.
  Status finish();
  /// PcapStream::packets — packets written so far.
  [[nodiscard]] std::uint64_t packets() const noexcept { return packets_; }

 private:
  std::ostream& out_;
  PcapOptions options_;
  std::vector<std::uint8_t> buffer_;
  std::uint16_t ip_id_ = 1;  // per writer, so the output depends on the events only
  std::uint64_t packets_ = 0;
};

/// The segments of `trace` as a pcap stream. Fails (writing nothing) if a packet cannot be
/// represented: an event before the epoch or after 2^32 seconds, or a payload too large for IPv4.
Status write_pcap(const Trace& trace, std::ostream& out, const PcapOptions& options = {});

/// `write_pcap` into a file (created or truncated, binary); errors name the path.
Status write_pcap_file(const Trace& trace, const std::string& path,
                       const PcapOptions& options = {});

}  // namespace ws2sim
