// Tcp's endpoint table and the endpoint operations behind Network's API (tcp.h).
#include <algorithm>
#include <string>
#include <utility>

#include "tcp.h"

namespace ws2sim {

// ---- endpoint table --------------------------------------------------------------------------

namespace {
constexpr std::uint8_t kHostListed = 1;   // in changed_hosts_
constexpr std::uint8_t kWholeListed = 2;  // in whole_hosts_
}  // namespace

void Tcp::list_host(HostId host) {
  if (host.value >= host_flags_.size()) host_flags_.resize(host.value + 1, 0);
  if ((host_flags_[host.value] & kHostListed) == 0) {
    host_flags_[host.value] |= kHostListed;
    changed_hosts_.push_back(host.value);
  }
}

void Tcp::changed(std::uint32_t index) {
  ++status_version_;
  Endpoint& ep = endpoints_[index];
  list_host(ep.host);
  if (!ep.status_listed) {
    ep.status_listed = true;
    changed_endpoints_.push_back(EndpointId{index, ep.generation});
  }
}

void Tcp::status_may_change_on(HostId host) {
  ++status_version_;
  list_host(host);
  if ((host_flags_[host.value] & kWholeListed) == 0) {
    host_flags_[host.value] |= kWholeListed;
    whole_hosts_.push_back(host.value);
  }
}

void Tcp::status_may_change_of(EndpointId id) {
  const Result<std::uint32_t> index = lookup(id);
  if (index.ok()) {
    changed(*index);
  } else {
    status_may_change();
  }
}

bool Tcp::take_status_changes(StatusChanges& changes) {
  changes.hosts.swap(changed_hosts_);
  changes.whole_hosts.swap(whole_hosts_);
  changes.endpoints.swap(changed_endpoints_);
  changed_hosts_.clear();
  whole_hosts_.clear();
  changed_endpoints_.clear();
  for (const std::uint32_t h : changes.hosts)
    host_flags_[h] = 0;
  for (const EndpointId id : changes.endpoints) {
    // A freed endpoint forgot its flag; one reused since was listed again under its new id.
    Endpoint& ep = endpoints_[id.index];
    if (ep.generation == id.generation) ep.status_listed = false;
  }
  changes.all = std::exchange(all_changed_, false);
  return changes.all;
}

Result<std::uint32_t> Tcp::lookup(EndpointId id) const {
  if (id.generation == 0 || id.index >= endpoints_.size()) {
    return not_found("no such endpoint (index " + std::to_string(id.index) + ")");
  }
  const Endpoint& ep = endpoints_[id.index];
  if (!ep.in_use || ep.generation != id.generation || ep.released) {
    return not_found("endpoint " + std::to_string(id.index) + " was closed and released");
  }
  return id.index;
}

std::uint32_t Tcp::allocate_endpoint(HostId host, OptionsRef options) {
  std::uint32_t index;
  if (!free_endpoints_.empty()) {
    index = free_endpoints_.back();
    free_endpoints_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(endpoints_.size());
    endpoints_.emplace_back();
  }
  Endpoint& ep = endpoints_[index];
  const std::uint32_t generation = ep.generation;
  ep = Endpoint{};
  ep.generation = generation;
  ep.in_use = true;
  ep.host = host;
  ep.options = options;
  std::vector<std::uint32_t>& mine = hosts_[host.value].endpoints;
  ep.host_slot = static_cast<std::uint32_t>(mine.size());
  mine.push_back(index);
  ep.serial = next_serial_++;
  ++live_endpoints_;
  return index;
}

void Tcp::free_endpoint(std::uint32_t index) {
  changed(index);
  Endpoint& ep = endpoints_[index];
  options_.release(ep.options);
  scheduler_.cancel(ep.rtx_timer);
  scheduler_.cancel(ep.time_wait_timer);
  keepalive_.stop(index);
  Host& h = hosts_[ep.host.value];
  if (ep.binds_port) {
    release_port(h, ep.local.port, index);
  }
  // Out of the host's list: the last one takes its place.
  const std::uint32_t moved = h.endpoints.back();
  h.endpoints[ep.host_slot] = moved;
  endpoints_[moved].host_slot = ep.host_slot;
  h.endpoints.pop_back();
  const std::uint32_t generation = ep.generation + 1 == 0 ? 1 : ep.generation + 1;
  ep = Endpoint{};
  ep.generation = generation;
  free_endpoints_.push_back(index);
  --live_endpoints_;
}

bool Tcp::port_taken(const Host& h, std::uint16_t port, const AddressScope& scope) {
  const auto it = h.ports.find(port);
  return it != h.ports.end() &&
         std::any_of(it->second.begin(), it->second.end(),
                     [&](const PortBinding& b) { return b.scope.overlaps(scope); });
}

void Tcp::release_port(Host& h, std::uint16_t port, std::uint32_t index) {
  const auto it = h.ports.find(port);
  if (it == h.ports.end()) {
    return;
  }
  std::erase_if(it->second, [&](const PortBinding& b) { return b.endpoint == index; });
  if (it->second.empty()) {
    h.ports.erase(it);
  }
}

std::optional<std::uint32_t> Tcp::listener_for(const Host& h, const SocketAddress& to) const {
  const auto it = h.ports.find(to.port);
  if (it == h.ports.end()) {
    return std::nullopt;
  }
  // A listener bound to the address itself before one bound to any address.
  std::optional<std::uint32_t> any;
  for (const PortBinding& b : it->second) {
    if (endpoints_[b.endpoint].state != TcpState::kListen || !b.scope.covers(to.address)) {
      continue;
    }
    if (b.scope.address) {
      return b.endpoint;
    }
    any = any.value_or(b.endpoint);
  }
  return any;
}

void Tcp::maybe_reap(std::uint32_t index) {
  Endpoint& ep = endpoints_[index];
  if (ep.in_use && ep.released && ep.state == TcpState::kClosed) {
    free_endpoint(index);
  }
}

bool Tcp::outstanding(const Endpoint& ep) const {
  return ep.snd_una != ep.snd_max || !ep.send_buffer.empty() || (ep.fin_queued && !ep.fin_sent);
}

// ---- the table's lifetime and the network's faults -----------------------------------------

Tcp::Tcp(Scheduler& scheduler, Rng& rng, Trace& trace, std::vector<Host>& hosts, TcpLink& link)
    : scheduler_(scheduler),
      rng_(rng),
      trace_(trace),
      hosts_(hosts),
      link_(link),
      keepalive_(scheduler, *this) {}

Tcp::~Tcp() = default;

void Tcp::cancel_timers() noexcept {
  for (Endpoint& ep : endpoints_) {
    scheduler_.cancel(ep.rtx_timer);
    scheduler_.cancel(ep.time_wait_timer);
  }
}

std::vector<std::uint32_t> Tcp::endpoints_of(HostId host) const {
  std::vector<std::uint32_t> mine = hosts_[host.value].endpoints;
  std::sort(mine.begin(), mine.end());
  return mine;
}

void Tcp::freeze_host(HostId host) {
  // Frozen: timers stop; the endpoints keep their state until the host restarts.
  for (const std::uint32_t i : endpoints_of(host)) {
    freeze(i);
  }
}

void Tcp::forget_host(TimePoint now, HostId host) {
  // Forget every connection while the host is still down, so that nothing is sent: a restarted
  // machine has no memory of them (it answers their next segment with RST).
  for (const std::uint32_t i : endpoints_of(host)) {
    Endpoint& ep = endpoints_[i];
    if (!ep.in_use || ep.host != host) {
      continue;  // reaped meanwhile (a listener's child closed with it)
    }
    if (ep.state != TcpState::kClosed) {
      close_connection(now, i, CloseReason::kHostRestarted);
    }
    if (ep.state == TcpState::kClosed) {
      ep.released = true;  // forgotten: no handle survives
    }
    maybe_reap(i);
  }
}

// ---- the endpoint operations ----------------------------------------------------------------

Result<EndpointId> Tcp::listen(HostId host, std::uint16_t port, const EndpointOptions& options,
                               std::uint32_t backlog) {
  if (Status s = options.validate(); !s.ok()) {
    return s.error();
  }
  if (port == 0) {
    return invalid_argument("a listener needs a port from 1 to 65535");
  }
  if (backlog == 0) {
    return invalid_argument("a listener needs a backlog of at least 1");
  }
  Host& h = hosts_[host.value];
  if (!h.up) {
    return invalid_state("host '" + h.name + "' is crashed");
  }
  const AddressScope scope{options.local_address, options.family};
  if (port_taken(h, port, scope)) {
    return Error{ErrorCode::kAlreadyExists,
                 "port " + std::to_string(port) + " is in use on host '" + h.name + "'"};
  }
  const std::uint32_t index = allocate_endpoint(host, options_.intern(options));
  Endpoint& ep = endpoints_[index];
  const IpAddress any_local = options.family == IpFamily::kIpv6
                                  ? IpAddress{h.address6.value_or(Ipv6Address{})}
                                  : IpAddress{h.address};
  ep.local = SocketAddress{options.local_address.value_or(any_local), port};
  ep.state = TcpState::kListen;
  ep.backlog = backlog;
  ep.binds_port = true;
  h.ports[port].push_back(PortBinding{index, scope});
  return EndpointId{index, ep.generation};
}

Result<EndpointId> Tcp::connect(TimePoint now, HostId host, SocketAddress remote,
                                const EndpointOptions& options, std::uint16_t local_port) {
  Host& h = hosts_[host.value];
  if (!h.up) {
    return invalid_state("host '" + h.name + "' is crashed");
  }
  const Result<IpAddress> source = source_address(h, remote.address, options);
  if (!source.ok()) {
    return source.error();
  }
  if (local_port == 0) {
    for (std::uint32_t tries = 0; tries <= 65535U - kFirstEphemeral; ++tries) {
      const std::uint16_t candidate = h.next_ephemeral;
      h.next_ephemeral =
          candidate == 65535 ? kFirstEphemeral : static_cast<std::uint16_t>(candidate + 1);
      if (!h.ports.contains(candidate)) {
        local_port = candidate;
        break;
      }
    }
    if (local_port == 0) {
      return Error{ErrorCode::kResourceExhausted,
                   "no ephemeral port left on host '" + h.name + "'"};
    }
  } else if (port_taken(h, local_port, AddressScope{})) {
    return Error{ErrorCode::kAlreadyExists,
                 "port " + std::to_string(local_port) + " is in use on host '" + h.name + "'"};
  }
  const std::uint32_t index = allocate_endpoint(host, options_.intern(options));
  Endpoint& ep = endpoints_[index];
  ep.local = SocketAddress{*source, local_port};
  ep.remote = remote;
  ep.state = TcpState::kSynSent;
  if (options.retransmission.connect_deadline) {
    ep.connect_give_up = saturating_add(now, *options.retransmission.connect_deadline);
  }
  ep.binds_port = true;
  ep.iss = rng_.next_u32();
  start_send_sequence(ep);
  // A connecting endpoint holds its port for every address (it never shares it).
  h.ports[local_port].push_back(PortBinding{index, AddressScope{}});
  h.connections.insert(local_port, remote, index);
  const EndpointId id{index, ep.generation};
  send_syn(now, index);
  return id;
}

Result<IpAddress> Tcp::source_address(const Host& h, const IpAddress& remote,
                                      const EndpointOptions& options) {
  // The bound address, else loopback for a loopback destination (docs/behaviour.md §14), else
  // the host's address of the destination's family.
  if (options.local_address) {
    if (options.local_address->family() != remote.family()) {
      return invalid_argument("local address " + to_string(*options.local_address) +
                              " cannot reach " + to_string(remote) + " (another IP version)");
    }
    return *options.local_address;
  }
  if (!remote.is_ipv6()) {
    return remote.is_loopback() ? IpAddress{Ipv4Address::loopback()} : IpAddress{h.address};
  }
  if (remote.is_loopback()) {
    return IpAddress{Ipv6Address::loopback()};
  }
  if (!h.address6) {
    return invalid_state("host '" + h.name + "' has no IPv6 address to reach " + to_string(remote) +
                         " from");
  }
  return IpAddress{*h.address6};
}

Result<std::optional<EndpointId>> Tcp::accept(EndpointId listener) {
  auto index = lookup(listener);
  if (!index.ok()) {
    return index.error();
  }
  Endpoint& l = endpoints_[*index];
  if (l.state != TcpState::kListen) {
    return invalid_state("endpoint is not listening");
  }
  if (l.accept_queue.empty()) {
    return std::optional<EndpointId>{};
  }
  const std::uint32_t child = l.accept_queue.front();
  l.accept_queue.pop_front();
  endpoints_[child].parent.reset();
  return std::optional<EndpointId>{EndpointId{child, endpoints_[child].generation}};
}

Result<std::optional<EndpointId>> Tcp::next_to_accept(EndpointId listener) const {
  auto index = lookup(listener);
  if (!index.ok()) {
    return index.error();
  }
  const Endpoint& l = endpoints_[*index];
  if (l.state != TcpState::kListen) {
    return invalid_state("endpoint is not listening");
  }
  if (l.accept_queue.empty()) {
    return std::optional<EndpointId>{};
  }
  const std::uint32_t child = l.accept_queue.front();
  return std::optional<EndpointId>{EndpointId{child, endpoints_[child].generation}};
}

Result<std::size_t> Tcp::send(TimePoint now, EndpointId id, std::span<const std::uint8_t> bytes) {
  auto index = lookup(id);
  if (!index.ok()) {
    return index.error();
  }
  Endpoint& ep = endpoints_[*index];
  if (!hosts_[ep.host.value].up) {
    return invalid_state("the endpoint's host is crashed");
  }
  if (ep.state == TcpState::kClosed && ep.close_reason) {
    return Error{ErrorCode::kConnectionClosed,
                 "connection closed: " + std::string(to_string(*ep.close_reason))};
  }
  if (ep.fin_queued) {
    return invalid_state("the send direction is shut down");
  }
  if (!can_send_data(ep.state)) {
    return invalid_state("cannot send in state " + std::string(to_string(ep.state)));
  }
  ep.send_buffer.append(bytes.begin(), bytes.end());
  output(now, *index);
  return bytes.size();
}

Result<std::vector<std::uint8_t>> Tcp::receive(EndpointId id, std::size_t max) {
  auto index = lookup(id);
  if (!index.ok()) {
    return index.error();
  }
  Endpoint& ep = endpoints_[*index];
  const std::size_t n = std::min(max, ep.recv_buffer.size());
  std::vector<std::uint8_t> out(ep.recv_buffer.begin(),
                                ep.recv_buffer.begin() + static_cast<std::ptrdiff_t>(n));
  ep.recv_buffer.drop_front(n);
  return out;
}

Status Tcp::shutdown_send(TimePoint now, EndpointId id) {
  auto index = lookup(id);
  if (!index.ok()) {
    return index.error();
  }
  Endpoint& ep = endpoints_[*index];
  if (!hosts_[ep.host.value].up) {
    return invalid_state("the endpoint's host is crashed");
  }
  if (ep.state != TcpState::kEstablished && ep.state != TcpState::kCloseWait) {
    return invalid_state("cannot shut down sending in state " + std::string(to_string(ep.state)));
  }
  if (ep.fin_queued) {
    return {};
  }
  ep.fin_queued = true;
  ep.state = ep.state == TcpState::kEstablished ? TcpState::kFinWait1 : TcpState::kLastAck;
  output(now, *index);
  return {};
}

Status Tcp::close(TimePoint now, EndpointId id) {
  auto index = lookup(id);
  if (!index.ok()) {
    return index.error();
  }
  Endpoint& ep = endpoints_[*index];
  ep.released = true;
  if (!hosts_[ep.host.value].up) {
    maybe_reap(*index);
    return {};
  }
  switch (ep.state) {
    case TcpState::kListen:
    case TcpState::kSynSent:
      close_connection(now, *index, CloseReason::kOrderly);
      break;
    case TcpState::kEstablished:
    case TcpState::kCloseWait:
      ep.fin_queued = true;
      ep.state = ep.state == TcpState::kEstablished ? TcpState::kFinWait1 : TcpState::kLastAck;
      output(now, *index);
      break;
    default:
      break;  // already closing, or closed: reaped when CLOSED
  }
  maybe_reap(*index);
  return {};
}

Status Tcp::abort(TimePoint now, EndpointId id) {
  auto index = lookup(id);
  if (!index.ok()) {
    return index.error();
  }
  Endpoint& ep = endpoints_[*index];
  ep.released = true;
  if (hosts_[ep.host.value].up && synchronized(ep.state) && ep.state != TcpState::kTimeWait) {
    send_control(*index, tcp_flags::kRst | tcp_flags::kAck, ep.snd_nxt);
  }
  close_connection(now, *index, CloseReason::kAborted);
  maybe_reap(*index);
  return {};
}

Status Tcp::set_keepalive(EndpointId id, const KeepAliveConfig& config) {
  auto index = lookup(id);
  if (!index.ok()) {
    return index.error();
  }
  if (Status s = config.validate(); !s.ok()) {
    return s;
  }
  Endpoint& ep = endpoints_[*index];
  EndpointOptions changed_options = opt(ep);
  changed_options.keepalive = config;
  ep.options = options_.replace(ep.options, changed_options);
  if (keepalive_state(ep.state) && hosts_[ep.host.value].up) {
    return keepalive_.start(*index, config);  // disabled config stops it
  }
  return {};
}

Status Tcp::set_retransmission(EndpointId id, const RetransmissionConfig& config) {
  auto index = lookup(id);
  if (!index.ok()) {
    return index.error();
  }
  if (Status s = config.validate(); !s.ok()) {
    return s;
  }
  Endpoint& ep = endpoints_[*index];
  EndpointOptions changed_options = opt(ep);
  changed_options.retransmission = config;
  ep.options = options_.replace(ep.options, changed_options);
  return {};
}

Result<EndpointInfo> Tcp::info(EndpointId id) const {
  auto index = lookup(id);
  if (!index.ok()) {
    return index.error();
  }
  const Endpoint& ep = endpoints_[*index];
  EndpointInfo out;
  out.host = ep.host;
  out.connection = ep.serial;
  out.state = ep.state;
  out.close_reason = ep.close_reason;
  out.local = ep.local;
  out.remote = ep.remote;
  out.bytes_readable = ep.recv_buffer.size();
  out.bytes_unacked = ep.send_buffer.size() + (ep.fin_queued && ep.snd_una != ep.snd_max ? 1 : 0);
  out.peer_closed = ep.fin_received;
  out.accept_queue = ep.accept_queue.size();
  out.probes_out = keepalive_.probes_out(*index);
  out.last_receive = keepalive_.last_receive(*index);
  out.next_keepalive_check = keepalive_.next_check(*index);
  out.established_at = ep.established_at;
  out.options = opt(ep);
  return out;
}

}  // namespace ws2sim
