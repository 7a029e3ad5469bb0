#include "ws2sim/model/trace.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace ws2sim {

std::string_view to_string(CloseReason r) noexcept {
  switch (r) {
    case CloseReason::kOrderly:
      return "orderly";
    case CloseReason::kAborted:
      return "aborted";
    case CloseReason::kResetByPeer:
      return "reset-by-peer";
    case CloseReason::kKeepAliveTimeout:
      return "keepalive-timeout";
    case CloseReason::kRetransmissionTimeout:
      return "retransmission-timeout";
    case CloseReason::kConnectTimeout:
      return "connect-timeout";
    case CloseReason::kConnectionRefused:
      return "connection-refused";
    case CloseReason::kHostRestarted:
      return "host-restarted";
  }
  return "unknown";
}

std::string_view to_string(DropCause c) noexcept {
  switch (c) {
    case DropCause::kLoss:
      return "loss";
    case DropCause::kPartition:
      return "partition";
    case DropCause::kHostDown:
      return "host-down";
    case DropCause::kNatNoFlow:
      return "nat-no-flow";
    case DropCause::kNoListener:
      return "no-listener";
  }
  return "unknown";
}

std::string_view to_string(TraceKind k) noexcept {
  switch (k) {
    case TraceKind::kSegmentSent:
      return "segment-sent";
    case TraceKind::kSegmentReceived:
      return "segment-received";
    case TraceKind::kSegmentDropped:
      return "segment-dropped";
    case TraceKind::kProbeSent:
      return "probe-sent";
    case TraceKind::kProbeAnswered:
      return "probe-answered";
    case TraceKind::kKeepAliveSuppressed:
      return "keepalive-suppressed";
    case TraceKind::kRetransmission:
      return "retransmission";
    case TraceKind::kConnectionEstablished:
      return "connection-established";
    case TraceKind::kConnectionClosed:
      return "connection-closed";
    case TraceKind::kHostCrashed:
      return "host-crashed";
    case TraceKind::kHostRestarted:
      return "host-restarted";
    case TraceKind::kPartitioned:
      return "partitioned";
    case TraceKind::kHealed:
      return "healed";
    case TraceKind::kNatFlowExpired:
      return "nat-flow-expired";
  }
  return "unknown";
}

namespace {

// Head::flags bits: which optional fields the event has, and its two booleans.
enum : std::uint16_t {
  kHasConnection = 1U << 0,
  kHasPeer = 1U << 1,
  kHasReason = 1U << 2,
  kHasDrop = 1U << 3,
  kHasProbe = 1U << 4,       // probe != 0
  kHasProbeCount = 1U << 5,  // probe_count != 0
  kHasDuration = 1U << 6,
  kHasSegment = 1U << 7,
  kLargePayload = 1U << 8,  // the payload is in large_payloads_, the tail holds its index
  kRetransmission = 1U << 9,
  kKeepalive = 1U << 10,
  kIpv6Segment = 1U << 11,  // the segment's addresses are IPv6: four words each, after the rest
};

constexpr std::size_t words_for(std::size_t bytes) noexcept {
  return (bytes + sizeof(std::uint32_t) - 1) / sizeof(std::uint32_t);
}

}  // namespace

void Trace::record(const TraceEvent& event) {
  if (recording_) append(event, nullptr);
  // Observers see the caller's event, not something in the trace's storage: an observer may
  // record further events.
  for (std::size_t i = 0; i < observers_.size(); ++i) {
    observers_[i](event);
  }
}

void Trace::record(const TraceEvent& event, const Segment& segment) {
  if (recording_) append(event, &segment);
  if (observers_.empty()) return;
  TraceEvent whole = event;
  whole.segment = segment;
  for (std::size_t i = 0; i < observers_.size(); ++i) {
    observers_[i](whole);
  }
}

void Trace::clear() noexcept {
  blocks_.clear();
  blocks_.shrink_to_fit();
  large_payloads_.clear();
  large_payloads_.shrink_to_fit();
  size_ = 0;
}

std::size_t Trace::memory_bytes() const noexcept {
  std::size_t bytes = blocks_.capacity() * sizeof(Block) +
                      large_payloads_.capacity() * sizeof(std::vector<std::uint8_t>);
  for (const Block& b : blocks_)
    bytes += b.heads.capacity() * sizeof(Head) + b.tail.capacity() * sizeof(std::uint32_t);
  for (const auto& p : large_payloads_)
    bytes += p.capacity();
  return bytes;
}

void Trace::append(const TraceEvent& e, const Segment* segment) {
  if (segment == nullptr && e.segment) segment = &*e.segment;
  if (blocks_.empty() || blocks_.back().heads.size() == kBlockEvents) {
    // A new block, sized at once from the last full one: heads are never copied as the trace
    // grows, and a tail only when it outgrows the last one by a quarter (only the first block,
    // so that short traces stay small, grows from nothing).
    Block next;
    if (!blocks_.empty()) {
      const std::size_t last = blocks_.back().tail.size();
      next.heads.reserve(kBlockEvents);
      next.tail.reserve(last + last / 4);
    }
    blocks_.push_back(std::move(next));
  }
  Block& b = blocks_.back();
  auto& tail = b.tail;
  // Filled in place: a Head built on the stack and then copied stalls on store forwarding.
  Head& h = b.heads.emplace_back();
  h.at = e.at.time_since_epoch().count();
  h.connection = e.connection.value_or(0);
  h.host = e.host.value;
  h.tail = static_cast<std::uint32_t>(tail.size());
  h.kind = e.kind;
  h.reason = e.reason.value_or(CloseReason::kOrderly);
  h.drop = e.drop.value_or(DropCause::kLoss);
  std::uint16_t flags = 0;
  if (e.connection) flags |= kHasConnection;
  if (e.reason) flags |= kHasReason;
  if (e.drop) flags |= kHasDrop;
  if (e.retransmission) flags |= kRetransmission;
  if (e.keepalive) flags |= kKeepalive;
  if (e.peer) {
    flags |= kHasPeer;
    tail.push_back(e.peer->value);
  }
  if (e.probe != 0) {
    flags |= kHasProbe;
    tail.push_back(e.probe);
  }
  if (e.probe_count != 0) {
    flags |= kHasProbeCount;
    tail.push_back(e.probe_count);
  }
  if (e.duration) {
    flags |= kHasDuration;
    const auto d = static_cast<std::uint64_t>(e.duration->count());
    tail.push_back(static_cast<std::uint32_t>(d));
    tail.push_back(static_cast<std::uint32_t>(d >> 32));
  }
  if (segment != nullptr) {
    const Segment& s = *segment;
    flags |= kHasSegment;
    const std::size_t n = s.payload.size();
    const std::size_t at = tail.size();
    const bool inline_payload = n <= kMaxInlinePayload;
    tail.resize(at + 7 + (inline_payload ? words_for(n) : 1));
    std::uint32_t* w = tail.data() + at;
    const bool v6 = s.source.address.is_ipv6();
    w[0] = v6 ? 0 : s.source.address.ipv4()->value;
    w[1] = v6 ? 0 : s.destination.address.ipv4()->value;
    w[2] = s.seq;
    w[3] = s.ack;
    w[4] = (std::uint32_t{s.source.port} << 16) | s.destination.port;
    w[5] = (std::uint32_t{s.window} << 16) | s.flags;
    if (inline_payload) {
      w[6] = static_cast<std::uint32_t>(n);
      if (n != 0) {
        w[7 + words_for(n) - 1] = 0;  // the padding after the last byte
        std::memcpy(w + 7, s.payload.data(), n);
      }
    } else {
      flags |= kLargePayload;
      w[6] = static_cast<std::uint32_t>(large_payloads_.size());
      large_payloads_.push_back(s.payload);
    }
    if (v6) {
      // Both ends of a segment are of one family; the addresses follow the payload words.
      flags |= kIpv6Segment;
      const std::size_t a = tail.size();
      tail.resize(a + 8);
      std::memcpy(tail.data() + a, s.source.address.bytes(), 16);
      std::memcpy(tail.data() + a + 4, s.destination.address.bytes(), 16);
    }
  }
  h.flags = flags;
  ++size_;
}

TraceEvent Trace::decode(std::size_t i) const {
  const Block& b = blocks_[i >> kBlockShift];
  const Head& h = b.heads[i & (kBlockEvents - 1)];
  const std::uint32_t* w = b.tail.data() + h.tail;
  TraceEvent e;
  e.at = TimePoint{Duration{h.at}};
  e.kind = h.kind;
  e.host = HostId{h.host};
  if ((h.flags & kHasConnection) != 0) e.connection = h.connection;
  if ((h.flags & kHasReason) != 0) e.reason = h.reason;
  if ((h.flags & kHasDrop) != 0) e.drop = h.drop;
  e.retransmission = (h.flags & kRetransmission) != 0;
  e.keepalive = (h.flags & kKeepalive) != 0;
  if ((h.flags & kHasPeer) != 0) e.peer = HostId{*w++};
  if ((h.flags & kHasProbe) != 0) e.probe = *w++;
  if ((h.flags & kHasProbeCount) != 0) e.probe_count = *w++;
  if ((h.flags & kHasDuration) != 0) {
    const std::uint64_t d = std::uint64_t{w[0]} | (std::uint64_t{w[1]} << 32);
    e.duration = Duration{static_cast<std::int64_t>(d)};
    w += 2;
  }
  if ((h.flags & kHasSegment) != 0) {
    Segment& s = e.segment.emplace();
    s.source.address = Ipv4Address{w[0]};
    s.destination.address = Ipv4Address{w[1]};
    s.seq = w[2];
    s.ack = w[3];
    s.source.port = static_cast<std::uint16_t>(w[4] >> 16);
    s.destination.port = static_cast<std::uint16_t>(w[4]);
    s.window = static_cast<std::uint16_t>(w[5] >> 16);
    s.flags = static_cast<std::uint8_t>(w[5]);
    if ((h.flags & kLargePayload) != 0) {
      s.payload = large_payloads_[w[6]];
    } else if (w[6] != 0) {
      const auto* bytes = reinterpret_cast<const std::uint8_t*>(w + 7);
      s.payload.assign(bytes, bytes + w[6]);
    }
    if ((h.flags & kIpv6Segment) != 0) {
      const std::size_t payload_words =
          (h.flags & kLargePayload) != 0 ? 1 : words_for(static_cast<std::size_t>(w[6]));
      const std::uint32_t* a = w + 7 + payload_words;
      Ipv6Address source;
      Ipv6Address destination;
      std::memcpy(source.bytes.data(), a, 16);
      std::memcpy(destination.bytes.data(), a + 4, 16);
      s.source.address = source;
      s.destination.address = destination;
    }
  }
  return e;
}

void Trace::name_host(HostId id, std::string name) {
  if (id.value >= host_names_.size()) host_names_.resize(std::size_t{id.value} + 1);
  host_names_[id.value] = std::move(name);
}

std::string_view Trace::host_name(HostId id) const {
  if (id.value >= host_names_.size() || host_names_[id.value].empty()) return "?";
  return host_names_[id.value];
}

}  // namespace ws2sim
