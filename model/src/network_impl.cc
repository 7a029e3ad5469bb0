// The network's internals (network_impl.h): segments on their paths (partitions, NAT, loss,
// latency), delivery to the destination's TCP, and faults.
#include "network_impl.h"

#include <algorithm>
#include <string>
#include <utility>

namespace ws2sim {
namespace {

std::string host_label(HostId h) {
  return "host #" + std::to_string(h.value);
}

FlowKey flow_key(const Segment& s) {
  return s.source < s.destination ? std::pair{s.source, s.destination}
                                  : std::pair{s.destination, s.source};
}

}  // namespace

Network::Impl::~Impl() = default;

Status Network::Impl::check_host(HostId h) const {
  if (h.value >= hosts.size()) {
    return not_found("no such host: " + host_label(h));
  }
  return {};
}

Status Network::Impl::check_local_address(HostId h, const EndpointOptions& options) const {
  const std::optional<IpAddress> a = options.local_address;
  const Host& host = hosts[h.value];
  if (!a || a->is_loopback() || *a == IpAddress{host.address} ||
      (host.address6 && *a == IpAddress{*host.address6})) {
    return {};
  }
  return invalid_argument(to_string(*a) + " is not an address of host '" + hosts[h.value].name +
                          "'");
}

TraceEvent Network::Impl::event(TraceKind kind, HostId host) const {
  TraceEvent e;
  e.at = scheduler.now();
  e.kind = kind;
  e.host = host;
  return e;
}

const PathConfig& Network::Impl::path_for(HostId from, HostId to) const {
  const auto it = paths.find({from.value, to.value});
  return it == paths.end() ? default_path : it->second;
}

std::optional<HostId> Network::Impl::host_by_address(const IpAddress& a) const {
  if (const std::optional<Ipv6Address> v6 = a.ipv6()) {
    const auto it = address6_index.find(*v6);
    return it == address6_index.end() ? std::nullopt : std::optional{HostId{it->second}};
  }
  const std::optional<std::uint32_t> slot = address_index.find(a.ipv4()->value);
  if (!slot) {
    return std::nullopt;
  }
  return HostId{*slot};
}

std::optional<HostId> Network::Impl::route(HostId from, const IpAddress& a) const {
  return a.is_loopback() ? std::optional<HostId>{from} : host_by_address(a);
}

void Network::Impl::transmit(const Endpoint* ep, HostId from, Segment seg, bool keepalive_probe) {
  send(ep, from, std::move(seg), keepalive_probe, /*via_nat=*/true);
}

void Network::Impl::send(const Endpoint* ep, HostId from, Segment&& seg, bool keepalive_probe,
                         bool via_nat) {
  const std::optional<HostId> to = route(from, seg.destination.address);
  const bool tracing = trace.wanted();
  // The segment's record: its drop or its arrival refers to it rather than storing it again.
  std::optional<Trace::SegmentMark> recorded;
  if (tracing) {
    TraceEvent e = event(TraceKind::kSegmentSent, from);
    if (ep != nullptr) {
      e.connection = ep->serial;
      e.retransmission = seg.sequence_length() > 0 && seq_lt(seg.seq, ep->snd_max);
    }
    e.peer = to;
    e.keepalive = keepalive_probe;
    recorded = record(e, seg);
  }
  auto dropped = [&](DropCause cause) {
    if (!tracing) {
      return;
    }
    TraceEvent e = event(TraceKind::kSegmentDropped, from);
    if (ep != nullptr) {
      e.connection = ep->serial;
    }
    e.peer = to;
    e.drop = cause;
    record(e, seg, recorded);
  };
  if (!to) {
    return dropped(DropCause::kHostDown);
  }
  // A host's segments to itself (loopback, or its own address) never leave it: no partition,
  // NAT, loss or latency applies (docs/behaviour.md §14). They still arrive as an event
  // of their own, after what the sender is doing now.
  if (*to == from) {
    return in_transit(std::move(seg), *to, Duration::zero(), recorded);
  }
  if (partitions.contains({from.value, to->value})) {
    return dropped(DropCause::kPartition);
  }
  if (via_nat && !nat_pass(from, *to, seg)) {
    return dropped(DropCause::kNatNoFlow);
  }
  const PathConfig& path = path_for(from, *to);
  if (path.loss > 0.0 && rng.chance(Probability::from_double(path.loss))) {
    return dropped(DropCause::kLoss);
  }
  in_transit(std::move(seg), *to, path.latency, recorded);
}

void Network::Impl::in_transit(Segment&& seg, HostId to, Duration latency,
                               std::optional<Trace::SegmentMark> recorded) {
  std::uint32_t slot;
  if (!free_in_flight.empty()) {
    slot = free_in_flight.back();
    free_in_flight.pop_back();
    in_flight[slot] = InFlight{std::move(seg), to, recorded};
  } else {
    slot = static_cast<std::uint32_t>(in_flight.size());
    in_flight.emplace_back(InFlight{std::move(seg), to, recorded});
  }
  (void)scheduler.schedule_in(latency, [this, slot] { deliver(slot); }).value();
}

// A NAT forgets a flow `idle_timeout` after its last segment, at that instant: one timer per flow,
// re-armed from its expiry when segments came meanwhile (docs/scenarios.md, the `nat` fault). A
// segment that reaches the NAT at the very instant of expiry finds the flow gone.
bool Network::Impl::nat_pass(HostId from, HostId to, const Segment& seg) {
  for (std::size_t n = 0; n < nats.size(); ++n) {
    Nat& nat = nats[n];
    const bool on_path = (nat.a == from && nat.b == to) || (nat.a == to && nat.b == from);
    if (!on_path) {
      continue;
    }
    const FlowKey key = flow_key(seg);
    auto it = nat.flows.find(key);
    const TimePoint now = scheduler.now();
    if (it != nat.flows.end() && now - it->second.last_activity >= nat.config.idle_timeout) {
      nat_forget(nat, it);
      it = nat.flows.end();
    }
    if (it == nat.flows.end()) {
      const bool opens_flow = seg.has(tcp_flags::kSyn) && !seg.has(tcp_flags::kAck);
      if (!opens_flow) {
        if (nat.config.on_expiry == NatExpiry::kReset && !seg.has(tcp_flags::kRst)) {
          // The middlebox answers for the far end; recorded as sent on its behalf.
          Segment rst;
          rst.source = seg.destination;
          rst.destination = seg.source;
          rst.flags = tcp_flags::kRst | tcp_flags::kAck;
          rst.seq = seg.has(tcp_flags::kAck) ? seg.ack : 0;
          rst.ack = seg.seq + seg.sequence_length();
          send(nullptr, to, std::move(rst), /*keepalive_probe=*/false, /*via_nat=*/false);
        }
        return false;
      }
      const auto added = nat.flows.emplace(key, NatFlow{now, seg, {}}).first;
      nat_arm(n, added->first, added->second);
      return true;
    }
    if (seg.has(tcp_flags::kRst)) {
      scheduler.cancel(it->second.expiry);
      nat.flows.erase(it);
    } else {
      it->second.last_activity = now;
      it->second.last_segment = seg;
    }
  }
  return true;
}

void Network::Impl::nat_arm(std::size_t nat, const FlowKey& key, NatFlow& flow) {
  // `key` is the flow's own key in the map: it lives as long as the flow, and whatever erases
  // the flow cancels this timer first (nat_forget, or a reset), so the timer may point to it.
  const TimePoint due = flow.last_activity + nats[nat].config.idle_timeout;
  const FlowKey* stored = &key;
  flow.expiry =
      scheduler.schedule_at(due, [this, nat, stored] { nat_expiry_due(nat, *stored); }).value();
}

void Network::Impl::nat_expiry_due(std::size_t nat, const FlowKey& key) {
  const auto it = nats[nat].flows.find(key);
  if (it == nats[nat].flows.end()) {
    return;
  }
  if (scheduler.now() - it->second.last_activity < nats[nat].config.idle_timeout) {
    nat_arm(nat, it->first, it->second);
    return;
  }
  nat_forget(nats[nat], it);
}

void Network::Impl::nat_forget(Nat& nat, std::map<FlowKey, NatFlow>::iterator it) {
  scheduler.cancel(it->second.expiry);
  if (trace.wanted()) {
    // At the NAT between `a` and `b`, named by the flow's last segment: the trace's readers find
    // the connection by its addresses.
    TraceEvent e = event(TraceKind::kNatFlowExpired, nat.a);
    e.peer = nat.b;
    e.duration = nat.config.idle_timeout;
    record(e, it->second.last_segment);
  }
  nat.flows.erase(it);
}

void Network::Impl::deliver(std::uint32_t slot) {
  Segment seg = std::move(in_flight[slot]->segment);
  const HostId to = in_flight[slot]->to;
  const std::optional<Trace::SegmentMark> recorded = in_flight[slot]->recorded;
  in_flight[slot].reset();
  free_in_flight.push_back(slot);
  if (!hosts[to.value].up) {
    if (trace.wanted()) {
      TraceEvent e = event(TraceKind::kSegmentDropped, to);
      e.drop = DropCause::kHostDown;
      record(e, seg, recorded);
    }
    return;
  }
  tcp.segment_arrives(scheduler.now(), to, seg, recorded);
}

Status Network::Impl::apply(const Fault& fault) {
  struct Visitor {
    Impl& n;
    Status operator()(const CrashHost& f) const {
      if (Status s = n.check_host(f.host); !s.ok()) {
        return s;
      }
      if (!n.hosts[f.host.value].up) {
        return invalid_state("host '" + n.hosts[f.host.value].name + "' is already crashed");
      }
      n.hosts[f.host.value].up = false;
      n.tcp.freeze_host(f.host);
      n.record(n.event(TraceKind::kHostCrashed, f.host));
      return {};
    }
    Status operator()(const RestartHost& f) const {
      if (Status s = n.check_host(f.host); !s.ok()) {
        return s;
      }
      Host& h = n.hosts[f.host.value];
      if (h.up) {
        return invalid_state("host '" + h.name + "' is running; crash it first");
      }
      n.record(n.event(TraceKind::kHostRestarted, f.host));
      n.tcp.forget_host(n.scheduler.now(), f.host);
      h.up = true;
      h.ports.clear();
      h.connections.clear();
      return {};
    }
    Status operator()(const RebootHost& f) const {
      if (Status s = (*this)(CrashHost{f.host}); !s.ok()) {
        return s;
      }
      return (*this)(RestartHost{f.host});
    }
    Status operator()(const PartitionHosts& f) const {
      if (Status s = n.check_host(f.a); !s.ok()) {
        return s;
      }
      if (Status s = n.check_host(f.b); !s.ok()) {
        return s;
      }
      if (f.a == f.b) {
        return invalid_argument("cannot partition a host from itself");
      }
      n.partitions.insert({f.a.value, f.b.value});
      TraceEvent e = n.event(TraceKind::kPartitioned, f.a);
      e.peer = f.b;
      n.record(e);
      if (f.both_ways) {
        n.partitions.insert({f.b.value, f.a.value});
        e.host = f.b;
        e.peer = f.a;
        n.record(e);
      }
      return {};
    }
    Status operator()(const HealHosts& f) const {
      if (Status s = n.check_host(f.a); !s.ok()) {
        return s;
      }
      if (Status s = n.check_host(f.b); !s.ok()) {
        return s;
      }
      n.partitions.erase({f.a.value, f.b.value});
      TraceEvent e = n.event(TraceKind::kHealed, f.a);
      e.peer = f.b;
      n.record(e);
      if (f.both_ways) {
        n.partitions.erase({f.b.value, f.a.value});
        e.host = f.b;
        e.peer = f.a;
        n.record(e);
      }
      return {};
    }
  };
  Status s = std::visit(Visitor{*this}, fault);
  if (!s.ok()) return s;
  // A fault can change the endpoints of the hosts it names, and none other (peers learn of it
  // by segments): whoever watches statuses looks only at those hosts.
  std::visit(
      [this](const auto& f) {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, PartitionHosts> || std::is_same_v<F, HealHosts>) {
          tcp.status_may_change_on(f.a);
          tcp.status_may_change_on(f.b);
        } else {
          tcp.status_may_change_on(f.host);
        }
      },
      fault);
  return s;
}

}  // namespace ws2sim
