#include "ws2sim/model/trace_writers.h"

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

namespace ws2sim {
namespace {

using Json = nlohmann::ordered_json;

// ---- JSON lines ------------------------------------------------------------------------------

Json segment_json(const Segment& s) {
  Json j = Json::object();
  j["src"] = to_string(s.source);
  j["dst"] = to_string(s.destination);
  j["seq"] = s.seq;
  j["ack"] = s.ack;
  j["flags"] = flags_to_string(s.flags);
  j["window"] = s.window;
  j["len"] = s.payload.size();
  return j;
}

Json event_json(const TraceEvent& e, const Trace& trace) {
  Json j = Json::object();
  const std::int64_t ns = e.at.time_since_epoch().count();
  j["t_ns"] = ns;
  j["t"] = format_time(e.at);
  j["kind"] = std::string{to_string(e.kind)};
  j["host"] = std::string{trace.host_name(e.host)};
  if (e.connection) j["conn"] = *e.connection;
  if (e.peer) j["peer"] = std::string{trace.host_name(*e.peer)};
  if (e.reason) j["reason"] = std::string{to_string(*e.reason)};
  if (e.drop) j["drop"] = std::string{to_string(*e.drop)};
  if (e.probe != 0) j["probe"] = e.probe;
  if (e.probe_count != 0) j["of"] = e.probe_count;
  if (e.duration) j["duration_ns"] = e.duration->count();
  if (e.retransmission) j["retransmission"] = true;
  if (e.keepalive) j["keepalive"] = true;
  if (e.segment) j["segment"] = segment_json(*e.segment);
  return j;
}

// ---- pcap ------------------------------------------------------------------------------------

constexpr std::uint32_t kPcapMagicNanoseconds = 0xa1b23c4d;
constexpr std::uint16_t kPcapVersionMajor = 2;
constexpr std::uint16_t kPcapVersionMinor = 4;
constexpr std::uint32_t kPcapSnaplen = 65535;
constexpr std::uint32_t kLinktypeRaw = 101;
constexpr std::size_t kIpv4HeaderSize = 20;
constexpr std::size_t kIpv6HeaderSize = 40;
constexpr std::size_t kTcpHeaderSize = 20;
constexpr std::uint8_t kIpProtoTcp = 6;
constexpr std::uint8_t kTtl = 64;
constexpr std::uint16_t kDontFragment = 0x4000;
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

void put_le16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v & 0xFFU));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_le32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int shift = 0; shift < 32; shift += 8) {
    b.push_back(static_cast<std::uint8_t>(v >> shift));
  }
}
void put_be16(std::vector<std::uint8_t>& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v & 0xFFU));
}
void put_be32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    b.push_back(static_cast<std::uint8_t>(v >> shift));
  }
}
void set_be16(std::vector<std::uint8_t>& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v & 0xFFU);
}

// One's-complement sum of 16-bit big-endian words (RFC 1071), odd tail padded with a zero byte.
std::uint32_t ones_sum(const std::uint8_t* data, std::size_t size, std::uint32_t sum) {
  for (std::size_t i = 0; i + 1 < size; i += 2) {
    sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  }
  if (size % 2 != 0) sum += static_cast<std::uint32_t>(data[size - 1] << 8);
  return sum;
}
std::uint16_t fold_complement(std::uint32_t sum) {
  while ((sum >> 16) != 0) {
    sum = (sum & 0xFFFFU) + (sum >> 16);
  }
  return static_cast<std::uint16_t>(~sum & 0xFFFFU);
}

bool captured(const TraceEvent& e, const PcapOptions& options) {
  if (!e.segment) return false;
  if (!options.capture_at) return e.kind == TraceKind::kSegmentSent;
  return (e.kind == TraceKind::kSegmentSent || e.kind == TraceKind::kSegmentReceived) &&
         e.host == *options.capture_at;
}

Status check_representable(const TraceEvent& e) {
  const std::int64_t ns = e.at.time_since_epoch().count();
  if (ns < 0 || ns / kNanosPerSecond > std::numeric_limits<std::uint32_t>::max()) {
    return invalid_argument("pcap: the segment at " + format_time(e.at) +
                            " is outside the pcap timestamp range (0 to 2^32 seconds)");
  }
  // A packet fits the IPv4 total length and the snap length (65535 bytes).
  const bool v6 = e.segment->source.address.is_ipv6();
  const std::size_t max_payload =
      kPcapSnaplen - (v6 ? kIpv6HeaderSize : kIpv4HeaderSize) - kTcpHeaderSize;
  if (e.segment->payload.size() > max_payload) {
    return invalid_argument("pcap: the segment at " + format_time(e.at) + " carries " +
                            std::to_string(e.segment->payload.size()) +
                            " payload bytes, more than " + (v6 ? "an IPv6" : "an IPv4") +
                            " packet can hold");
  }
  return {};
}

// Appends one pcap record (record header + IPv4 or IPv6 + TCP + payload) to `b`.
void append_packet(std::vector<std::uint8_t>& b, const TraceEvent& e, std::uint16_t ip_id) {
  const Segment& s = *e.segment;
  const std::int64_t ns = e.at.time_since_epoch().count();
  const std::size_t ip_header = s.source.address.is_ipv6() ? kIpv6HeaderSize : kIpv4HeaderSize;
  const std::size_t total = ip_header + kTcpHeaderSize + s.payload.size();

  put_le32(b, static_cast<std::uint32_t>(ns / kNanosPerSecond));
  put_le32(b, static_cast<std::uint32_t>(ns % kNanosPerSecond));
  put_le32(b, static_cast<std::uint32_t>(total));  // incl_len: total <= snaplen by construction
  put_le32(b, static_cast<std::uint32_t>(total));  // orig_len

  const std::size_t tcp_length = kTcpHeaderSize + s.payload.size();
  const bool v6 = s.source.address.is_ipv6();
  if (v6) {
    // IPv6 header (RFC 8200): no options, no checksum of its own.
    b.push_back(0x60);  // version 6, traffic class and flow label 0
    b.push_back(0);
    put_be16(b, 0);
    put_be16(b, static_cast<std::uint16_t>(tcp_length));  // payload length
    b.push_back(kIpProtoTcp);                             // next header
    b.push_back(kTtl);                                    // hop limit
    b.insert(b.end(), s.source.address.bytes(), s.source.address.bytes() + 16);
    b.insert(b.end(), s.destination.address.bytes(), s.destination.address.bytes() + 16);
  } else {
    const std::size_t ip = b.size();
    b.push_back(0x45);  // version 4, IHL 5
    b.push_back(0);     // TOS
    put_be16(b, static_cast<std::uint16_t>(total));
    put_be16(b, ip_id);
    put_be16(b, kDontFragment);
    b.push_back(kTtl);
    b.push_back(kIpProtoTcp);
    put_be16(b, 0);  // checksum, filled below
    put_be32(b, s.source.address.ipv4()->value);
    put_be32(b, s.destination.address.ipv4()->value);
    set_be16(b, ip + 10, fold_complement(ones_sum(b.data() + ip, kIpv4HeaderSize, 0)));
  }

  // TCP header and payload.
  const std::size_t tcp = b.size();
  put_be16(b, s.source.port);
  put_be16(b, s.destination.port);
  put_be32(b, s.seq);
  put_be32(b, s.ack);
  b.push_back(0x50);  // data offset 5, reserved 0
  b.push_back(s.flags);
  put_be16(b, s.window);
  put_be16(b, 0);  // checksum, filled below
  put_be16(b, 0);  // urgent pointer
  b.insert(b.end(), s.payload.begin(), s.payload.end());

  // Pseudo-header (RFC 9293 §3.1, RFC 8200 §8.1): source, destination, zero, protocol, TCP
  // length. Every address is a whole number of 16-bit words.
  std::uint32_t sum = ones_sum(s.source.address.bytes(), s.source.address.size(), 0);
  sum = ones_sum(s.destination.address.bytes(), s.destination.address.size(), sum);
  sum += kIpProtoTcp;
  sum += static_cast<std::uint32_t>(tcp_length);
  sum = ones_sum(b.data() + tcp, tcp_length, sum);
  set_be16(b, tcp + 16, fold_complement(sum));
}

Status write_bytes(std::ostream& out, const std::vector<std::uint8_t>& b) {
  out.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
  if (!out) return invalid_state("pcap: writing to the output stream failed");
  return {};
}

Status open_error(const std::string& what, const std::string& path, int err) {
  return invalid_argument(what + ": cannot open '" + path + "' for writing: " + std::strerror(err));
}

template <typename WriteFn>
Status write_file(const std::string& what, const std::string& path, WriteFn&& write) {
  errno = 0;
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file.is_open()) return open_error(what, path, errno);
  Status s = write(file);
  if (!s.ok()) return Error{s.error().code, s.error().message + " (file '" + path + "')"};
  file.close();
  if (file.fail()) return invalid_state(what + ": writing '" + path + "' failed");
  return {};
}

}  // namespace

std::string to_jsonl(const TraceEvent& event, const Trace& trace) {
  // Host names are user text: replace invalid UTF-8 instead of throwing.
  return event_json(event, trace).dump(-1, ' ', false, Json::error_handler_t::replace);
}

Status write_jsonl(const Trace& trace, std::ostream& out) {
  for (const TraceEvent& e : trace.events()) {
    out << to_jsonl(e, trace) << '\n';
    if (!out) return invalid_state("jsonl: writing to the output stream failed");
  }
  out.flush();
  if (!out) return invalid_state("jsonl: writing to the output stream failed");
  return {};
}

Status write_jsonl_file(const Trace& trace, const std::string& path) {
  return write_file("jsonl", path, [&](std::ostream& out) { return write_jsonl(trace, out); });
}

PcapStream::PcapStream(std::ostream& out, const PcapOptions& options)
    : out_(out), options_(options) {
  buffer_.reserve(64 * 1024);
  put_le32(buffer_, kPcapMagicNanoseconds);
  put_le16(buffer_, kPcapVersionMajor);
  put_le16(buffer_, kPcapVersionMinor);
  put_le32(buffer_, 0);  // thiszone
  put_le32(buffer_, 0);  // sigfigs
  put_le32(buffer_, kPcapSnaplen);
  put_le32(buffer_, kLinktypeRaw);
}

Status PcapStream::write(const TraceEvent& e) {
  if (!captured(e, options_)) return {};
  if (Status s = check_representable(e); !s.ok()) return s;
  append_packet(buffer_, e, ip_id_);
  ++ip_id_;
  ++packets_;
  if (buffer_.size() >= 60 * 1024) {
    Status s = write_bytes(out_, buffer_);
    buffer_.clear();
    if (!s.ok()) return s;
  }
  return {};
}

Status PcapStream::finish() {
  Status s = write_bytes(out_, buffer_);
  buffer_.clear();
  if (!s.ok()) return s;
  out_.flush();
  if (!out_) return invalid_state("pcap: writing to the output stream failed");
  return {};
}

Status write_pcap(const Trace& trace, std::ostream& out, const PcapOptions& options) {
  // Validate everything first so that a failure writes nothing.
  for (const TraceEvent& e : trace.events()) {
    if (!captured(e, options)) continue;
    Status s = check_representable(e);
    if (!s.ok()) return s;
  }
  PcapStream stream(out, options);
  for (const TraceEvent& e : trace.events()) {
    if (Status s = stream.write(e); !s.ok()) return s;
  }
  return stream.finish();
}

Status write_pcap_file(const Trace& trace, const std::string& path, const PcapOptions& options) {
  return write_file("pcap", path,
                    [&](std::ostream& out) { return write_pcap(trace, out, options); });
}

}  // namespace ws2sim
