// Hosts, paths, faults and segment delivery. The TCP state machine is in tcp.cc.
#include <algorithm>
#include <string>
#include <utility>

#include "network_impl.h"

namespace ws2sim {
namespace {

std::string host_label(HostId h) {
  return "host #" + std::to_string(h.value);
}

Status validate_path(const PathConfig& p) {
  if (p.latency < Duration::zero()) {
    return invalid_argument("path latency is negative (" + format_duration(p.latency) + ")");
  }
  if (!is_valid_probability(p.loss)) {
    return invalid_argument("path loss must be a probability in [0, 1], got " +
                            std::to_string(p.loss));
  }
  return {};
}

std::pair<SocketAddress, SocketAddress> flow_key(const Segment& s) {
  return s.source < s.destination ? std::pair{s.source, s.destination}
                                  : std::pair{s.destination, s.source};
}

}  // namespace

Network::Impl::~Impl() = default;

Status Network::Impl::check_host(HostId h) const {
  if (h.value >= hosts.size()) return not_found("no such host: " + host_label(h));
  return {};
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

std::optional<HostId> Network::Impl::host_by_address(Ipv4Address a) const {
  const std::optional<std::uint32_t> slot = address_index.find(a.value);
  if (!slot) return std::nullopt;
  return HostId{*slot};
}

void Network::Impl::transmit(const Endpoint* ep, HostId from, Segment seg, bool keepalive_probe,
                             bool via_nat) {
  const std::optional<HostId> to = host_by_address(seg.destination.address);
  const bool tracing = trace.wanted();
  if (tracing) {
    TraceEvent e = event(TraceKind::kSegmentSent, from);
    if (ep != nullptr) {
      e.connection = ep->serial;
      e.retransmission = seg.sequence_length() > 0 && seq_lt(seg.seq, ep->snd_max);
    }
    e.peer = to;
    e.keepalive = keepalive_probe;
    record(e, seg);
  }
  auto dropped = [&](DropCause cause) {
    if (!tracing) return;
    TraceEvent e = event(TraceKind::kSegmentDropped, from);
    if (ep != nullptr) e.connection = ep->serial;
    e.peer = to;
    e.drop = cause;
    record(e, seg);
  };
  if (!to) return dropped(DropCause::kHostDown);
  if (partitions.contains({from.value, to->value})) return dropped(DropCause::kPartition);
  if (via_nat && !nat_pass(from, *to, seg)) return dropped(DropCause::kNatNoFlow);
  const PathConfig& path = path_for(from, *to);
  if (path.loss > 0.0 && rng.chance(Probability::from_double(path.loss))) {
    return dropped(DropCause::kLoss);
  }
  std::uint32_t slot;
  if (!free_in_flight.empty()) {
    slot = free_in_flight.back();
    free_in_flight.pop_back();
    in_flight[slot] = std::move(seg);
  } else {
    slot = static_cast<std::uint32_t>(in_flight.size());
    in_flight.emplace_back(std::move(seg));
  }
  (void)scheduler.schedule_in(path.latency, [this, slot] { deliver(slot); }).value();
}

bool Network::Impl::nat_pass(HostId from, HostId to, const Segment& seg) {
  for (Nat& nat : nats) {
    const bool on_path = (nat.a == from && nat.b == to) || (nat.a == to && nat.b == from);
    if (!on_path) continue;
    const auto key = flow_key(seg);
    auto it = nat.flows.find(key);
    const TimePoint now = scheduler.now();
    if (it != nat.flows.end() && now - it->second >= nat.config.idle_timeout) {
      if (trace.wanted()) {
        TraceEvent e = event(TraceKind::kNatFlowExpired, from);
        e.peer = to;
        e.duration = nat.config.idle_timeout;
        record(e, seg);
      }
      nat.flows.erase(it);
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
          transmit(nullptr, to, std::move(rst), /*keepalive_probe=*/false, /*via_nat=*/false);
        }
        return false;
      }
      nat.flows.emplace(key, now);
      return true;
    }
    if (seg.has(tcp_flags::kRst)) {
      nat.flows.erase(it);
    } else {
      it->second = now;
    }
  }
  return true;
}

void Network::Impl::deliver(std::uint32_t slot) {
  Segment seg = std::move(*in_flight[slot]);
  in_flight[slot].reset();
  free_in_flight.push_back(slot);
  const std::optional<HostId> to = host_by_address(seg.destination.address);
  if (!to) return;
  if (!hosts[to->value].up) {
    if (trace.wanted()) {
      TraceEvent e = event(TraceKind::kSegmentDropped, *to);
      e.drop = DropCause::kHostDown;
      record(e, seg);
    }
    return;
  }
  segment_arrives(*to, seg);
}

void Network::Impl::send_reset_for(HostId host, const Segment& seg) {
  if (seg.has(tcp_flags::kRst)) return;  // never answer a RST (RFC 9293 §3.10.7.1)
  Segment rst;
  rst.source = seg.destination;
  rst.destination = seg.source;
  if (seg.has(tcp_flags::kAck)) {
    rst.seq = seg.ack;
    rst.flags = tcp_flags::kRst;
  } else {
    rst.seq = 0;
    rst.ack = seg.seq + seg.sequence_length();
    rst.flags = tcp_flags::kRst | tcp_flags::kAck;
  }
  transmit(nullptr, host, std::move(rst));
}

Status Network::Impl::apply(const Fault& fault) {
  status_may_change();
  struct Visitor {
    Impl& n;
    Status operator()(const CrashHost& f) const {
      if (Status s = n.check_host(f.host); !s.ok()) return s;
      if (!n.hosts[f.host.value].up) {
        return invalid_state("host '" + n.hosts[f.host.value].name + "' is already crashed");
      }
      n.hosts[f.host.value].up = false;
      // Frozen: timers stop; the endpoints keep their state until the host restarts.
      for (std::uint32_t i = 0; i < n.endpoints.size(); ++i) {
        if (n.endpoints[i].in_use && n.endpoints[i].host == f.host) n.freeze(i);
      }
      n.record(n.event(TraceKind::kHostCrashed, f.host));
      return {};
    }
    Status operator()(const RestartHost& f) const {
      if (Status s = n.check_host(f.host); !s.ok()) return s;
      Host& h = n.hosts[f.host.value];
      if (h.up) return invalid_state("host '" + h.name + "' is running; crash it first");
      n.record(n.event(TraceKind::kHostRestarted, f.host));
      // Forget every connection while the host is still down, so that nothing is sent: a
      // restarted machine has no memory of them (it answers their next segment with RST).
      for (std::uint32_t i = 0; i < n.endpoints.size(); ++i) {
        Endpoint& ep = n.endpoints[i];
        if (!ep.in_use || ep.host != f.host) continue;
        if (ep.state != TcpState::kClosed) n.close_connection(i, CloseReason::kHostRestarted);
        if (ep.state == TcpState::kClosed) ep.released = true;  // forgotten: no handle survives
        n.maybe_reap(i);
      }
      h.up = true;
      h.listeners.clear();
      h.bound_ports.clear();
      h.connections.clear();
      return {};
    }
    Status operator()(const RebootHost& f) const {
      if (Status s = (*this)(CrashHost{f.host}); !s.ok()) return s;
      return (*this)(RestartHost{f.host});
    }
    Status operator()(const PartitionHosts& f) const {
      if (Status s = n.check_host(f.a); !s.ok()) return s;
      if (Status s = n.check_host(f.b); !s.ok()) return s;
      if (f.a == f.b) return invalid_argument("cannot partition a host from itself");
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
      if (Status s = n.check_host(f.a); !s.ok()) return s;
      if (Status s = n.check_host(f.b); !s.ok()) return s;
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
  return std::visit(Visitor{*this}, fault);
}

// ---- Network: thin forwarding and validation -------------------------------------------------

Network::Network(Scheduler& scheduler, Rng& rng, Trace& trace)
    : impl_(std::make_unique<Impl>(scheduler, rng, trace)) {}

Network::~Network() {
  for (EventId id : impl_->fault_events)
    impl_->scheduler.cancel(id);
  for (Endpoint& ep : impl_->endpoints) {
    impl_->scheduler.cancel(ep.rtx_timer);
    impl_->scheduler.cancel(ep.time_wait_timer);
  }
}

Result<HostId> Network::add_host(std::string name, Ipv4Address address) {
  if (name.empty()) return invalid_argument("a host needs a name");
  if (address.value == 0) return invalid_argument("0.0.0.0 is not a host address");
  for (const Host& h : impl_->hosts) {
    if (h.name == name) {
      return Error{ErrorCode::kAlreadyExists, "a host named '" + name + "' exists already"};
    }
    if (h.address == address) {
      return Error{ErrorCode::kAlreadyExists,
                   "address " + to_string(address) + " belongs to host '" + h.name + "'"};
    }
  }
  const HostId id{static_cast<std::uint32_t>(impl_->hosts.size())};
  impl_->trace.name_host(id, name);
  Host host;
  host.name = std::move(name);
  host.address = address;
  impl_->hosts.push_back(std::move(host));
  impl_->address_index.insert(address.value, id.value);
  return id;
}

std::optional<HostId> Network::find_host(std::string_view name) const {
  for (std::uint32_t i = 0; i < impl_->hosts.size(); ++i) {
    if (impl_->hosts[i].name == name) return HostId{i};
  }
  return std::nullopt;
}

std::optional<HostId> Network::host_at(Ipv4Address address) const {
  return impl_->host_by_address(address);
}

Ipv4Address Network::address(HostId host) const {
  return host.value < impl_->hosts.size() ? impl_->hosts[host.value].address : Ipv4Address{};
}

std::string_view Network::name(HostId host) const {
  return host.value < impl_->hosts.size() ? std::string_view{impl_->hosts[host.value].name}
                                          : std::string_view{};
}

std::size_t Network::host_count() const noexcept {
  return impl_->hosts.size();
}

bool Network::is_up(HostId host) const {
  return host.value < impl_->hosts.size() && impl_->hosts[host.value].up;
}

Status Network::set_default_path(const PathConfig& path) {
  if (Status s = validate_path(path); !s.ok()) return s;
  impl_->default_path = path;
  return {};
}

Status Network::set_path(HostId from, HostId to, const PathConfig& path) {
  if (Status s = impl_->check_host(from); !s.ok()) return s;
  if (Status s = impl_->check_host(to); !s.ok()) return s;
  if (Status s = validate_path(path); !s.ok()) return s;
  impl_->paths[{from.value, to.value}] = path;
  return {};
}

Status Network::set_link(HostId a, HostId b, const PathConfig& path) {
  if (Status s = impl_->check_host(a); !s.ok()) return s;
  if (Status s = impl_->check_host(b); !s.ok()) return s;
  if (Status s = validate_path(path); !s.ok()) return s;
  impl_->paths[{a.value, b.value}] = path;
  impl_->paths[{b.value, a.value}] = path;
  return {};
}

PathConfig Network::path(HostId from, HostId to) const {
  return impl_->path_for(from, to);
}

Status Network::crash(HostId host) {
  return impl_->apply(CrashHost{host});
}
Status Network::restart(HostId host) {
  return impl_->apply(RestartHost{host});
}
Status Network::reboot(HostId host) {
  return impl_->apply(RebootHost{host});
}
Status Network::partition(HostId a, HostId b, bool both_ways) {
  return impl_->apply(PartitionHosts{a, b, both_ways});
}
Status Network::heal(HostId a, HostId b, bool both_ways) {
  return impl_->apply(HealHosts{a, b, both_ways});
}

Status Network::add_nat(HostId a, HostId b, const NatConfig& config) {
  if (Status s = impl_->check_host(a); !s.ok()) return s;
  if (Status s = impl_->check_host(b); !s.ok()) return s;
  if (a == b) return invalid_argument("a NAT needs two different hosts");
  if (config.idle_timeout <= Duration::zero()) {
    return invalid_argument("NAT idle timeout must be positive, got " +
                            format_duration(config.idle_timeout));
  }
  for (const Nat& n : impl_->nats) {
    if ((n.a == a && n.b == b) || (n.a == b && n.b == a)) {
      return Error{ErrorCode::kAlreadyExists, "a NAT already sits between these hosts"};
    }
  }
  impl_->nats.push_back(Nat{a, b, config, {}});
  return {};
}

Status Network::schedule(TimePoint at, const Fault& fault) {
  const auto hosts_ok = std::visit(
      [this](const auto& f) -> Status {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, PartitionHosts> || std::is_same_v<F, HealHosts>) {
          if (Status s = impl_->check_host(f.a); !s.ok()) return s;
          return impl_->check_host(f.b);
        } else {
          return impl_->check_host(f.host);
        }
      },
      fault);
  if (!hosts_ok.ok()) return hosts_ok;
  if (at < impl_->scheduler.now()) {
    return invalid_argument("cannot schedule a fault at " + format_time(at) + ", in the past");
  }
  // A fault that is invalid when it comes due (crashing a crashed host) is recorded as nothing.
  auto id =
      impl_->scheduler.schedule_at(at, [impl = impl_.get(), fault] { (void)impl->apply(fault); });
  if (!id.ok()) return id.error();
  impl_->fault_events.push_back(*id);
  return {};
}

}  // namespace ws2sim
