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

// The flag bits of a packed event: which optional fields follow, and its two booleans. The ones
// nearly every event of a busy trace has come first, so that the flags of a segment or probe
// event fit one varint byte.
enum : std::uint32_t {
  kHasConnection = 1U << 0,
  kHasSegment = 1U << 1,
  kHasPeer = 1U << 2,
  kKeepalive = 1U << 3,
  kSegmentRef = 1U << 4,     // the segment is the one an earlier event holds: a distance follows
  kHasProbe = 1U << 5,       // probe != 0
  kHasProbeCount = 1U << 6,  // probe_count != 0
  kHasDrop = 1U << 7,
  kHasReason = 1U << 8,
  kHasDuration = 1U << 9,
  kRetransmission = 1U << 10,
  kLargePayload = 1U << 11,  // the payload is in large_payloads_, the stream holds its index
  kIpv6Segment = 1U << 12,   // the segment's addresses are IPv6 (16 bytes each, not 4)
};

// The most bytes an event other than its inline payload can take: kind, flags (2), time (10),
// host (5), connection (10), reason, drop, peer (5), probe (5), probe_count (5), duration (10),
// and a segment: addresses (32), seq, ack, ports (12), window (2), flags, payload size (5).
constexpr std::size_t kMaxEventBytes =
    1 + 2 + 10 + 5 + 10 + 1 + 1 + 5 + 5 + 5 + 10 + 32 + 12 + 2 + 1 + 5;

// LEB128: seven bits a byte, low first, the high bit saying "more".
std::uint8_t* put_varint(std::uint8_t* p, std::uint64_t v) noexcept {
  while (v >= 0x80) {
    *p++ = static_cast<std::uint8_t>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<std::uint8_t>(v);
  return p;
}

std::uint64_t get_varint(const std::uint8_t*& p) noexcept {
  std::uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    const std::uint8_t b = *p++;
    v |= std::uint64_t{b & 0x7FU} << shift;
    if ((b & 0x80) == 0) {
      return v;
    }
  }
}

// Signed values (a time's distance from the block's first, a duration) as zigzag varints:
// small magnitudes of either sign take few bytes.
constexpr std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
constexpr std::int64_t unzigzag(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

template <typename T>
std::uint8_t* put_raw(std::uint8_t* p, T v) noexcept {
  std::memcpy(p, &v, sizeof v);
  return p + sizeof v;
}

template <typename T>
T get_raw(const std::uint8_t*& p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

}  // namespace

void Trace::record(const TraceEvent& event) {
  if (recording_) {
    (void)append(event, nullptr, std::nullopt);
  }
  // Observers see the caller's event, not something in the trace's storage: an observer may
  // record further events.
  for (std::size_t i = 0; i < observers_.size(); ++i) {
    observers_[i](event);
  }
}

std::optional<Trace::SegmentMark> Trace::record(const TraceEvent& event, const Segment& segment) {
  return record(event, segment, std::nullopt);
}

std::optional<Trace::SegmentMark> Trace::record(const TraceEvent& event, const Segment& segment,
                                                std::optional<SegmentMark> same_as) {
  std::optional<SegmentMark> mark;
  if (recording_) {
    std::optional<std::uint64_t> earlier;
    if (same_as && same_as->epoch == epoch_ && same_as->event < size_) {
      earlier = same_as->event;
    }
    mark = SegmentMark{epoch_, append(event, &segment, earlier)};
  }
  if (!observers_.empty()) {
    TraceEvent whole = event;
    whole.segment = segment;
    for (std::size_t i = 0; i < observers_.size(); ++i) {
      observers_[i](whole);
    }
  }
  return mark;
}

void Trace::clear() noexcept {
  blocks_.clear();
  blocks_.shrink_to_fit();
  large_payloads_.clear();
  large_payloads_.shrink_to_fit();
  size_ = 0;
  ++epoch_;
}

std::size_t Trace::memory_bytes() const noexcept {
  std::size_t bytes = blocks_.capacity() * sizeof(Block) +
                      large_payloads_.capacity() * sizeof(std::vector<std::uint8_t>);
  for (const Block& b : blocks_) {
    bytes += b.starts.capacity() * sizeof(std::uint32_t) + b.bytes.capacity();
  }
  for (const auto& p : large_payloads_) {
    bytes += p.capacity();
  }
  return bytes;
}

std::uint64_t Trace::append(const TraceEvent& e, const Segment* segment,
                            std::optional<std::uint64_t> same_as) {
  if (segment == nullptr && e.segment) {
    segment = &*e.segment;
  }
  const std::uint64_t index = size_;
  // The event that holds this segment's bytes, when `same_as` names one that does: the record
  // refers to it (never to another reference: one hop to read).
  bool by_ref = false;
  std::uint64_t holder = index;
  if (same_as && segment != nullptr) {
    holder = holder_of(*same_as);
    by_ref = holds_segment(holder, *segment);
    if (!by_ref) {
      holder = index;
    }
  }
  const std::int64_t at = e.at.time_since_epoch().count();
  if (blocks_.empty() || blocks_.back().starts.size() == kBlockEvents) {
    // A new block, sized at once from the last full one: its arrays are rarely copied as it
    // fills (only the first block, so that short traces stay small, grows from nothing).
    Block next;
    next.base_at = at;
    if (!blocks_.empty()) {
      const std::size_t last = blocks_.back().bytes.size();
      next.starts.reserve(kBlockEvents);
      next.bytes.reserve(last + last / 4);
    }
    blocks_.push_back(std::move(next));
  }
  Block& b = blocks_.back();
  const std::size_t n = segment != nullptr ? segment->payload.size() : 0;
  const bool inline_payload = n <= kMaxInlinePayload;
  const std::size_t begin = b.bytes.size();
  b.starts.push_back(static_cast<std::uint32_t>(begin));
  b.bytes.resize(begin + kMaxEventBytes + (inline_payload ? n : 0));
  std::uint8_t* p = b.bytes.data() + begin;

  std::uint32_t flags = 0;
  if (e.connection) {
    flags |= kHasConnection;
  }
  if (segment != nullptr) {
    flags |= kHasSegment;
  }
  if (e.peer) {
    flags |= kHasPeer;
  }
  if (e.keepalive) {
    flags |= kKeepalive;
  }
  if (e.probe != 0) {
    flags |= kHasProbe;
  }
  if (e.probe_count != 0) {
    flags |= kHasProbeCount;
  }
  if (e.reason) {
    flags |= kHasReason;
  }
  if (e.drop) {
    flags |= kHasDrop;
  }
  if (e.duration) {
    flags |= kHasDuration;
  }
  if (e.retransmission) {
    flags |= kRetransmission;
  }
  if (segment != nullptr && by_ref) {
    flags |= kSegmentRef;
  } else if (segment != nullptr) {
    if (!inline_payload) {
      flags |= kLargePayload;
    }
    if (segment->source.address.is_ipv6()) {
      flags |= kIpv6Segment;
    }
  }

  *p++ = static_cast<std::uint8_t>(e.kind);
  p = put_varint(p, flags);
  // The distance modulo 2^64, read as signed: exact for any two times, small for close ones.
  p = put_varint(p, zigzag(static_cast<std::int64_t>(static_cast<std::uint64_t>(at) -
                                                     static_cast<std::uint64_t>(b.base_at))));
  p = put_varint(p, e.host.value);
  if (e.connection) {
    p = put_varint(p, *e.connection);
  }
  if (e.reason) {
    *p++ = static_cast<std::uint8_t>(*e.reason);
  }
  if (e.drop) {
    *p++ = static_cast<std::uint8_t>(*e.drop);
  }
  if (e.peer) {
    p = put_varint(p, e.peer->value);
  }
  if (e.probe != 0) {
    p = put_varint(p, e.probe);
  }
  if (e.probe_count != 0) {
    p = put_varint(p, e.probe_count);
  }
  if (e.duration) {
    p = put_varint(p, zigzag(e.duration->count()));
  }
  if (segment != nullptr && by_ref) {
    p = put_varint(p, index - holder);
  } else if (segment != nullptr) {
    const Segment& s = *segment;
    if ((flags & kIpv6Segment) != 0) {
      // Both ends of a segment are of one family.
      std::memcpy(p, s.source.address.bytes(), 16);
      std::memcpy(p + 16, s.destination.address.bytes(), 16);
      p += 32;
    } else {
      p = put_raw(p, s.source.address.ipv4()->value);
      p = put_raw(p, s.destination.address.ipv4()->value);
    }
    p = put_raw(p, s.seq);
    p = put_raw(p, s.ack);
    p = put_raw(p, s.source.port);
    p = put_raw(p, s.destination.port);
    p = put_raw(p, s.window);
    *p++ = s.flags;
    if (inline_payload) {
      p = put_varint(p, n);
      if (n != 0) {
        std::memcpy(p, s.payload.data(), n);
      }
      p += n;
    } else {
      p = put_varint(p, large_payloads_.size());
      large_payloads_.push_back(s.payload);
    }
  }
  b.bytes.resize(static_cast<std::size_t>(p - b.bytes.data()));
  ++size_;
  return holder;
}

namespace {

// Moves `p` from just after an event's flags past its time, host, connection, reason, drop, peer,
// probe, probe_count and duration: to its segment (or its reference to one), if it has one.
const std::uint8_t* skip_to_segment(const std::uint8_t* p, std::uint32_t flags) noexcept {
  (void)get_varint(p);  // time
  (void)get_varint(p);  // host
  if ((flags & kHasConnection) != 0) {
    (void)get_varint(p);
  }
  if ((flags & kHasReason) != 0) {
    ++p;
  }
  if ((flags & kHasDrop) != 0) {
    ++p;
  }
  for (const std::uint32_t field : {kHasPeer, kHasProbe, kHasProbeCount, kHasDuration}) {
    if ((flags & field) != 0) {
      (void)get_varint(p);
    }
  }
  return p;
}

}  // namespace

// Event i's flags, and `p` left just after them.
std::uint32_t Trace::flags_of(std::uint64_t i, const std::uint8_t*& p) const {
  const Block& b = blocks_[i >> kBlockShift];
  p = b.bytes.data() + b.starts[i & (kBlockEvents - 1)] + 1;  // past the kind
  return static_cast<std::uint32_t>(get_varint(p));
}

// The index of the event that holds event i's segment bytes: i, or the one it refers to.
std::uint64_t Trace::holder_of(std::uint64_t i) const {
  const std::uint8_t* p = nullptr;
  const std::uint32_t flags = flags_of(i, p);
  if ((flags & kSegmentRef) == 0) {
    return i;
  }
  p = skip_to_segment(p, flags);
  return i - get_varint(p);
}

// True when event i holds a segment's bytes and they are `s`'s: a mark passed to record() is
// checked, so a wrong one costs the bytes it would have saved, never the segment.
bool Trace::holds_segment(std::uint64_t i, const Segment& s) const {
  const std::uint8_t* p = nullptr;
  const std::uint32_t flags = flags_of(i, p);
  if ((flags & kHasSegment) == 0 || (flags & kSegmentRef) != 0) {
    return false;
  }
  p = skip_to_segment(p, flags);
  const bool v6 = (flags & kIpv6Segment) != 0;
  if (v6 != s.source.address.is_ipv6() || v6 != s.destination.address.is_ipv6()) {
    return false;
  }
  if (v6) {
    if (std::memcmp(p, s.source.address.bytes(), 16) != 0 ||
        std::memcmp(p + 16, s.destination.address.bytes(), 16) != 0) {
      return false;
    }
    p += 32;
  } else if (get_raw<std::uint32_t>(p) != s.source.address.ipv4()->value ||
             get_raw<std::uint32_t>(p) != s.destination.address.ipv4()->value) {
    return false;
  }
  if (get_raw<std::uint32_t>(p) != s.seq || get_raw<std::uint32_t>(p) != s.ack ||
      get_raw<std::uint16_t>(p) != s.source.port ||
      get_raw<std::uint16_t>(p) != s.destination.port || get_raw<std::uint16_t>(p) != s.window ||
      *p++ != s.flags) {
    return false;
  }
  const std::uint64_t v = get_varint(p);
  if ((flags & kLargePayload) != 0) {
    return large_payloads_[static_cast<std::size_t>(v)] == s.payload;
  }
  return v == s.payload.size() && (v == 0 || std::memcmp(p, s.payload.data(), v) == 0);
}

TraceEvent Trace::decode(std::size_t i) const {
  const Block& b = blocks_[i >> kBlockShift];
  const std::uint8_t* p = b.bytes.data() + b.starts[i & (kBlockEvents - 1)];
  TraceEvent e;
  e.kind = static_cast<TraceKind>(*p++);
  const auto flags = static_cast<std::uint32_t>(get_varint(p));
  e.at = TimePoint{
      Duration{static_cast<std::int64_t>(static_cast<std::uint64_t>(b.base_at) +
                                         static_cast<std::uint64_t>(unzigzag(get_varint(p))))}};
  e.host = HostId{static_cast<std::uint32_t>(get_varint(p))};
  if ((flags & kHasConnection) != 0) {
    e.connection = get_varint(p);
  }
  if ((flags & kHasReason) != 0) {
    e.reason = static_cast<CloseReason>(*p++);
  }
  if ((flags & kHasDrop) != 0) {
    e.drop = static_cast<DropCause>(*p++);
  }
  if ((flags & kHasPeer) != 0) {
    e.peer = HostId{static_cast<std::uint32_t>(get_varint(p))};
  }
  if ((flags & kHasProbe) != 0) {
    e.probe = static_cast<std::uint32_t>(get_varint(p));
  }
  if ((flags & kHasProbeCount) != 0) {
    e.probe_count = static_cast<std::uint32_t>(get_varint(p));
  }
  if ((flags & kHasDuration) != 0) {
    e.duration = Duration{unzigzag(get_varint(p))};
  }
  e.retransmission = (flags & kRetransmission) != 0;
  e.keepalive = (flags & kKeepalive) != 0;
  if ((flags & kSegmentRef) != 0) {
    e.segment = decode(i - get_varint(p)).segment;
  } else if ((flags & kHasSegment) != 0) {
    Segment& s = e.segment.emplace();
    if ((flags & kIpv6Segment) != 0) {
      Ipv6Address source;
      Ipv6Address destination;
      std::memcpy(source.bytes.data(), p, 16);
      std::memcpy(destination.bytes.data(), p + 16, 16);
      p += 32;
      s.source.address = source;
      s.destination.address = destination;
    } else {
      s.source.address = Ipv4Address{get_raw<std::uint32_t>(p)};
      s.destination.address = Ipv4Address{get_raw<std::uint32_t>(p)};
    }
    s.seq = get_raw<std::uint32_t>(p);
    s.ack = get_raw<std::uint32_t>(p);
    s.source.port = get_raw<std::uint16_t>(p);
    s.destination.port = get_raw<std::uint16_t>(p);
    s.window = get_raw<std::uint16_t>(p);
    s.flags = *p++;
    const std::uint64_t v = get_varint(p);
    if ((flags & kLargePayload) != 0) {
      s.payload = large_payloads_[static_cast<std::size_t>(v)];
    } else if (v != 0) {
      s.payload.assign(p, p + v);
    }
  }
  return e;
}

void Trace::name_host(HostId id, std::string name) {
  if (id.value >= host_names_.size()) {
    host_names_.resize(std::size_t{id.value} + 1);
  }
  host_names_[id.value] = std::move(name);
}

std::string_view Trace::host_name(HostId id) const {
  if (id.value >= host_names_.size() || host_names_[id.value].empty()) {
    return "?";
  }
  return host_names_[id.value];
}

}  // namespace ws2sim
