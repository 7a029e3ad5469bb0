// The TCP endpoint state machine (RFC 9293) and the Network endpoint API.
#include <algorithm>
#include <string>

#include "network_impl.h"

namespace ws2sim {
namespace {

bool keepalive_state(TcpState s) {
  return s == TcpState::kEstablished || s == TcpState::kCloseWait || s == TcpState::kFinWait1 ||
         s == TcpState::kFinWait2 || s == TcpState::kClosing || s == TcpState::kLastAck;
}

bool synchronized(TcpState s) {
  return s != TcpState::kClosed && s != TcpState::kListen && s != TcpState::kSynSent;
}

bool can_send_data(TcpState s) {
  return s == TcpState::kEstablished || s == TcpState::kCloseWait;
}

}  // namespace

std::string_view to_string(TcpState s) noexcept {
  switch (s) {
    case TcpState::kClosed:
      return "CLOSED";
    case TcpState::kListen:
      return "LISTEN";
    case TcpState::kSynSent:
      return "SYN-SENT";
    case TcpState::kSynReceived:
      return "SYN-RECEIVED";
    case TcpState::kEstablished:
      return "ESTABLISHED";
    case TcpState::kFinWait1:
      return "FIN-WAIT-1";
    case TcpState::kFinWait2:
      return "FIN-WAIT-2";
    case TcpState::kCloseWait:
      return "CLOSE-WAIT";
    case TcpState::kClosing:
      return "CLOSING";
    case TcpState::kLastAck:
      return "LAST-ACK";
    case TcpState::kTimeWait:
      return "TIME-WAIT";
  }
  return "?";
}

Status RetransmissionConfig::validate() const {
  if (initial_rto <= Duration::zero()) {
    return invalid_argument("initial RTO must be positive, got " + format_duration(initial_rto));
  }
  if (max_rto < initial_rto) {
    return invalid_argument("maximum RTO (" + format_duration(max_rto) +
                            ") is below the initial RTO (" + format_duration(initial_rto) + ")");
  }
  return {};
}

Status EndpointOptions::validate() const {
  if (Status s = keepalive.validate(); !s.ok()) return s;
  if (Status s = retransmission.validate(); !s.ok()) return s;
  if (time_wait < Duration::zero()) {
    return invalid_argument("TIME-WAIT duration is negative (" + format_duration(time_wait) + ")");
  }
  return {};
}

// ---- endpoint table --------------------------------------------------------------------------

Result<std::uint32_t> Network::Impl::lookup(EndpointId id) const {
  if (id.generation == 0 || id.index >= endpoints.size()) {
    return not_found("no such endpoint (index " + std::to_string(id.index) + ")");
  }
  const Endpoint& ep = endpoints[id.index];
  if (!ep.in_use || ep.generation != id.generation || ep.released) {
    return not_found("endpoint " + std::to_string(id.index) + " was closed and released");
  }
  return id.index;
}

std::uint32_t Network::Impl::allocate_endpoint(HostId host) {
  std::uint32_t index;
  if (!free_endpoints.empty()) {
    index = free_endpoints.back();
    free_endpoints.pop_back();
  } else {
    index = static_cast<std::uint32_t>(endpoints.size());
    endpoints.emplace_back();
  }
  Endpoint& ep = endpoints[index];
  const std::uint32_t generation = ep.generation;
  ep = Endpoint{};
  ep.generation = generation;
  ep.in_use = true;
  ep.host = host;
  ep.serial = next_serial++;
  ++live_endpoints;
  return index;
}

void Network::Impl::free_endpoint(std::uint32_t index) {
  status_may_change();
  Endpoint& ep = endpoints[index];
  scheduler.cancel(ep.rtx_timer);
  scheduler.cancel(ep.time_wait_timer);
  keepalive.stop(index);
  Host& h = hosts[ep.host.value];
  if (ep.binds_port) h.bound_ports.erase(ep.local.port);
  const std::uint32_t generation = ep.generation + 1 == 0 ? 1 : ep.generation + 1;
  ep = Endpoint{};
  ep.generation = generation;
  free_endpoints.push_back(index);
  --live_endpoints;
}

std::uint64_t Network::Impl::connection_key(std::uint16_t local_port, const SocketAddress& remote) {
  return (std::uint64_t{local_port} << 48) | (std::uint64_t{remote.address.value} << 16) |
         remote.port;
}

void Network::Impl::maybe_reap(std::uint32_t index) {
  Endpoint& ep = endpoints[index];
  if (ep.in_use && ep.released && ep.state == TcpState::kClosed) free_endpoint(index);
}

bool Network::Impl::outstanding(const Endpoint& ep) const {
  return ep.snd_una != ep.snd_max || !ep.send_buffer.empty() || (ep.fin_queued && !ep.fin_sent);
}

// ---- sending ---------------------------------------------------------------------------------

void Network::Impl::send_control(std::uint32_t index, std::uint8_t flags, std::uint32_t seq) {
  const Endpoint& ep = endpoints[index];
  Segment seg;
  seg.source = ep.local;
  seg.destination = *ep.remote;
  seg.seq = seq;
  seg.ack = (flags & tcp_flags::kAck) != 0 ? ep.rcv_nxt : 0;
  seg.flags = flags;
  seg.window = kWindow;
  transmit(&ep, ep.host, std::move(seg));
}

// Before the SYN leaves, nothing has been sent: snd_una = snd_nxt = snd_max = ISS. (Leaving
// snd_max at 0 made the first SYN look like a retransmission whenever the random ISN was
// "before" 0 in sequence space.)
void Network::Impl::start_send_sequence(Endpoint& ep) noexcept {
  ep.snd_una = ep.iss;
  ep.snd_nxt = ep.iss;
  ep.snd_max = ep.iss;
}

void Network::Impl::send_syn(std::uint32_t index) {
  Endpoint& ep = endpoints[index];
  const bool passive = ep.state == TcpState::kSynReceived;
  send_control(index, passive ? (tcp_flags::kSyn | tcp_flags::kAck) : tcp_flags::kSyn, ep.iss);
  ep.snd_nxt = ep.iss + 1;
  ep.snd_max = ep.iss + 1;
  arm_rtx(index);
}

void Network::Impl::output(std::uint32_t index) {
  Endpoint& ep = endpoints[index];
  if (!synchronized(ep.state) || ep.state == TcpState::kSynReceived) return;
  // Bytes of the buffer already in flight (the FIN, if sent, is past the buffer's end).
  std::size_t offset = std::min<std::size_t>(ep.snd_nxt - ep.snd_una, ep.send_buffer.size());
  while (offset < ep.send_buffer.size() && ep.snd_nxt - ep.snd_una < kWindow) {
    const std::size_t room = kWindow - (ep.snd_nxt - ep.snd_una);
    const std::size_t len = std::min({kMss, ep.send_buffer.size() - offset, room});
    Segment seg;
    seg.source = ep.local;
    seg.destination = *ep.remote;
    seg.seq = ep.snd_nxt;
    seg.ack = ep.rcv_nxt;
    seg.flags = tcp_flags::kAck | tcp_flags::kPsh;
    seg.window = kWindow;
    const auto first = ep.send_buffer.begin() + static_cast<std::ptrdiff_t>(offset);
    seg.payload.assign(first, first + static_cast<std::ptrdiff_t>(len));
    transmit(&ep, ep.host, std::move(seg));
    ep.snd_nxt += static_cast<std::uint32_t>(len);
    offset += len;
  }
  if (ep.fin_queued && !ep.fin_sent && offset == ep.send_buffer.size()) {
    send_control(index, tcp_flags::kFin | tcp_flags::kAck, ep.snd_nxt);
    ep.snd_nxt += 1;
    ep.fin_sent = true;
  }
  if (seq_lt(ep.snd_max, ep.snd_nxt)) ep.snd_max = ep.snd_nxt;
  if (outstanding(ep) && !scheduler.is_pending(ep.rtx_timer)) arm_rtx(index);
}

void Network::Impl::arm_rtx(std::uint32_t index) {
  Endpoint& ep = endpoints[index];
  scheduler.cancel(ep.rtx_timer);
  if (ep.rto <= Duration::zero()) ep.rto = ep.options.retransmission.initial_rto;
  const std::uint32_t generation = ep.generation;
  ep.rtx_timer =
      scheduler.schedule_in(ep.rto, [this, index, generation] { on_rtx_timer(index, generation); })
          .value();
}

void Network::Impl::on_rtx_timer(std::uint32_t index, std::uint32_t generation) {
  Endpoint& ep = endpoints[index];
  if (!ep.in_use || ep.generation != generation) return;
  ep.rtx_timer = {};
  const bool syn = ep.state == TcpState::kSynSent || ep.state == TcpState::kSynReceived;
  if (!syn && !outstanding(ep)) return;
  const RetransmissionConfig& rc = ep.options.retransmission;
  const std::uint32_t limit = syn ? rc.max_syn_retransmissions : rc.max_retransmissions;
  if (ep.retransmissions >= limit) {
    if (ep.state == TcpState::kSynReceived) {
      // A half-open passive connection nobody accepted yet: forget it quietly.
      ep.released = true;
    }
    close_connection(index,
                     syn ? CloseReason::kConnectTimeout : CloseReason::kRetransmissionTimeout);
    maybe_reap(index);
    return;
  }
  ++ep.retransmissions;
  ep.rto = std::min(ep.rto * 2, rc.max_rto);
  if (trace.wanted()) {
    TraceEvent e = event(TraceKind::kRetransmission, ep.host);
    e.connection = ep.serial;
    e.probe = ep.retransmissions;
    e.probe_count = limit;
    e.duration = ep.rto;
    record(e);
  }
  if (syn) {
    const Duration rto = ep.rto;
    send_syn(index);  // re-arms with the backed-off RTO
    endpoints[index].rto = rto;
    return;
  }
  // Go-back-N: resend everything from the oldest unacknowledged byte.
  ep.snd_nxt = ep.snd_una;
  ep.fin_sent = false;
  output(index);
  arm_rtx(index);
}

// ---- receiving -------------------------------------------------------------------------------

void Network::Impl::segment_arrives(HostId host, const Segment& seg) {
  status_may_change();
  Host& h = hosts[host.value];
  const std::optional<std::uint32_t> target =
      h.connections.find(connection_key(seg.destination.port, seg.source));
  if (trace.wanted()) {
    TraceEvent e = event(TraceKind::kSegmentReceived, host);
    if (target) e.connection = endpoints[*target].serial;
    record(e, seg);
  }
  if (target) return process(*target, seg);
  const auto lst = h.listeners.find(seg.destination.port);
  if (lst != h.listeners.end() && seg.has(tcp_flags::kSyn) && !seg.has(tcp_flags::kAck) &&
      !seg.has(tcp_flags::kRst)) {
    return listener_gets_syn(lst->second, seg);
  }
  // Nothing here for it (closed port, forgotten connection): RST (RFC 9293 §3.10.7.1).
  send_reset_for(host, seg);
}

void Network::Impl::listener_gets_syn(std::uint32_t listener, const Segment& seg) {
  {
    const Endpoint& l = endpoints[listener];
    // Backlog full: the SYN is ignored and will be retried.
    if (l.accept_queue.size() + l.half_open >= l.backlog) return;
  }
  const std::uint32_t index = allocate_endpoint(endpoints[listener].host);
  Endpoint& ep = endpoints[index];
  const Endpoint& l = endpoints[listener];
  ep.options = l.options;  // accepted sockets inherit the listener's options
  ep.local = seg.destination;
  ep.remote = seg.source;
  ep.parent = listener;
  ep.state = TcpState::kSynReceived;
  ep.irs = seg.seq;
  ep.rcv_nxt = seg.seq + 1;
  ep.iss = rng.next_u32();
  start_send_sequence(ep);
  ++endpoints[listener].half_open;
  hosts[ep.host.value].connections.insert(connection_key(ep.local.port, *ep.remote), index);
  send_syn(index);
}

void Network::Impl::process(std::uint32_t index, const Segment& seg) {
  if (endpoints[index].state == TcpState::kSynSent) return process_syn_sent(index, seg);
  Endpoint& ep = endpoints[index];
  if (!synchronized(ep.state)) return;

  // 1. Acceptability (RFC 9293 §3.10.7.4). A keep-alive probe (SEQ = RCV.NXT - 1) fails it and
  //    is answered with an ACK for RCV.NXT: that ACK is what keeps the prober's connection alive.
  const std::uint32_t len = seg.sequence_length();
  const auto in_window = [&](std::uint32_t s) {
    return seq_le(ep.rcv_nxt, s) && seq_lt(s, ep.rcv_nxt + kWindow);
  };
  const bool acceptable =
      len == 0 ? in_window(seg.seq) : (in_window(seg.seq) || in_window(seg.seq + len - 1));
  if (!acceptable) {
    if (!seg.has(tcp_flags::kRst)) send_control(index, tcp_flags::kAck, ep.snd_nxt);
    return;
  }
  // 2. RST
  if (seg.has(tcp_flags::kRst)) {
    if (ep.state == TcpState::kSynReceived && ep.parent) ep.released = true;  // never accepted
    close_connection(index, CloseReason::kResetByPeer);
    maybe_reap(index);
    return;
  }
  // 3. SYN in a synchronized state: challenge ACK (RFC 5961 §4).
  if (seg.has(tcp_flags::kSyn)) {
    send_control(index, tcp_flags::kAck, ep.snd_nxt);
    return;
  }
  if (!seg.has(tcp_flags::kAck)) return;
  if (!process_ack(index, seg)) return;
  if (keepalive.on_receive(index) && trace.wanted()) {
    TraceEvent e = event(TraceKind::kProbeAnswered, endpoints[index].host);
    e.connection = endpoints[index].serial;
    record(e);
  }
  process_text(index, seg);
}

void Network::Impl::process_syn_sent(std::uint32_t index, const Segment& seg) {
  Endpoint& ep = endpoints[index];
  const bool ack_ok = seg.has(tcp_flags::kAck) && seg.ack == ep.iss + 1;
  if (seg.has(tcp_flags::kAck) && !ack_ok) {
    send_reset_for(ep.host, seg);
    return;
  }
  if (seg.has(tcp_flags::kRst)) {
    if (ack_ok) close_connection(index, CloseReason::kConnectionRefused);
    maybe_reap(index);
    return;
  }
  if (!seg.has(tcp_flags::kSyn) || !ack_ok) return;  // no simultaneous open in this model
  ep.irs = seg.seq;
  ep.rcv_nxt = seg.seq + 1;
  ep.snd_una = seg.ack;
  ep.retransmissions = 0;
  ep.rto = ep.options.retransmission.initial_rto;
  scheduler.cancel(ep.rtx_timer);
  ep.rtx_timer = {};
  enter_established(index);
  send_control(index, tcp_flags::kAck, endpoints[index].snd_nxt);
}

bool Network::Impl::process_ack(std::uint32_t index, const Segment& seg) {
  Endpoint& ep = endpoints[index];
  if (ep.state == TcpState::kSynReceived) {
    if (seg.ack != ep.iss + 1) {
      send_reset_for(ep.host, seg);
      return false;
    }
    ep.snd_una = seg.ack;
    ep.retransmissions = 0;
    ep.rto = ep.options.retransmission.initial_rto;
    scheduler.cancel(ep.rtx_timer);
    ep.rtx_timer = {};
    enter_established(index);
    if (ep.parent) endpoints[*ep.parent].accept_queue.push_back(index);
    return true;
  }
  if (seq_lt(ep.snd_max, seg.ack)) {  // acknowledges something never sent
    send_control(index, tcp_flags::kAck, ep.snd_nxt);
    return false;
  }
  if (seq_lt(ep.snd_una, seg.ack)) {
    std::uint32_t acked = seg.ack - ep.snd_una;
    const std::size_t data = std::min<std::size_t>(acked, ep.send_buffer.size());
    ep.send_buffer.drop_front(data);
    acked -= static_cast<std::uint32_t>(data);
    const bool fin_acked = acked > 0 && ep.fin_queued;
    ep.snd_una = seg.ack;
    if (seq_lt(ep.snd_nxt, ep.snd_una)) ep.snd_nxt = ep.snd_una;
    if (fin_acked) ep.fin_sent = true;
    ep.retransmissions = 0;
    ep.rto = ep.options.retransmission.initial_rto;
    scheduler.cancel(ep.rtx_timer);
    ep.rtx_timer = {};
    if (outstanding(ep)) arm_rtx(index);
    if (fin_acked) {
      switch (ep.state) {
        case TcpState::kFinWait1:
          ep.state = TcpState::kFinWait2;
          break;
        case TcpState::kClosing:
          enter_time_wait(index);
          return false;
        case TcpState::kLastAck:
          close_connection(index, CloseReason::kOrderly);
          maybe_reap(index);
          return false;
        default:
          break;
      }
    }
  }
  return true;
}

void Network::Impl::process_text(std::uint32_t index, const Segment& seg) {
  Endpoint& ep = endpoints[index];
  bool need_ack = false;
  std::uint32_t seq = seg.seq;
  if (!seg.payload.empty()) {
    const bool receiving = ep.state == TcpState::kEstablished || ep.state == TcpState::kFinWait1 ||
                           ep.state == TcpState::kFinWait2;
    need_ack = true;
    if (receiving && seq_le(seq, ep.rcv_nxt)) {
      const std::uint32_t skip = ep.rcv_nxt - seq;  // already-received prefix
      if (skip < seg.payload.size()) {
        ep.recv_buffer.append(seg.payload.begin() + skip, seg.payload.end());
        ep.rcv_nxt += static_cast<std::uint32_t>(seg.payload.size()) - skip;
      }
    }
    seq += static_cast<std::uint32_t>(seg.payload.size());
  }
  if (seg.has(tcp_flags::kFin)) {
    need_ack = true;
    if (seq == ep.rcv_nxt && !ep.fin_received) {
      ep.fin_received = true;
      ep.rcv_nxt += 1;
      switch (ep.state) {
        case TcpState::kEstablished:
          ep.state = TcpState::kCloseWait;
          break;
        case TcpState::kFinWait1:
          if (ep.fin_sent && ep.snd_una == ep.snd_max) {
            send_control(index, tcp_flags::kAck, ep.snd_nxt);
            enter_time_wait(index);
            return;
          }
          ep.state = TcpState::kClosing;
          break;
        case TcpState::kFinWait2:
          send_control(index, tcp_flags::kAck, ep.snd_nxt);
          enter_time_wait(index);
          return;
        default:
          break;
      }
    } else if (ep.state == TcpState::kTimeWait) {
      enter_time_wait(index);  // the peer resent its FIN: ACK again, restart 2 MSL
    }
  }
  if (need_ack) send_control(index, tcp_flags::kAck, endpoints[index].snd_nxt);
  output(index);
}

// ---- state changes ---------------------------------------------------------------------------

void Network::Impl::enter_established(std::uint32_t index) {
  status_may_change();
  Endpoint& ep = endpoints[index];
  if (ep.state == TcpState::kSynReceived && ep.parent) --endpoints[*ep.parent].half_open;
  ep.state = TcpState::kEstablished;
  ep.established_at = scheduler.now();
  if (trace.wanted()) {
    TraceEvent e = event(TraceKind::kConnectionEstablished, ep.host);
    e.connection = ep.serial;
    record(e);
  }
  if (ep.options.keepalive.enabled) (void)keepalive.start(index, ep.options.keepalive);
}

void Network::Impl::enter_time_wait(std::uint32_t index) {
  status_may_change();
  Endpoint& ep = endpoints[index];
  ep.state = TcpState::kTimeWait;
  keepalive.stop(index);
  scheduler.cancel(ep.rtx_timer);
  scheduler.cancel(ep.time_wait_timer);
  const std::uint32_t generation = ep.generation;
  ep.time_wait_timer =
      scheduler
          .schedule_in(ep.options.time_wait,
                       [this, index, generation] { on_time_wait(index, generation); })
          .value();
}

void Network::Impl::on_time_wait(std::uint32_t index, std::uint32_t generation) {
  Endpoint& ep = endpoints[index];
  if (!ep.in_use || ep.generation != generation) return;
  ep.time_wait_timer = {};
  close_connection(index, CloseReason::kOrderly);
  maybe_reap(index);
}

void Network::Impl::close_connection(std::uint32_t index, CloseReason reason) {
  status_may_change();
  Endpoint& ep = endpoints[index];
  if (ep.state == TcpState::kClosed) return;
  if (ep.state == TcpState::kListen) {
    hosts[ep.host.value].listeners.erase(ep.local.port);
    // Connections nobody accepted go with their listener.
    for (std::uint32_t i = 0; i < endpoints.size(); ++i) {
      Endpoint& child = endpoints[i];
      if (!child.in_use || child.parent != index) continue;
      child.parent.reset();
      if (synchronized(child.state) && hosts[child.host.value].up) {
        send_control(i, tcp_flags::kRst | tcp_flags::kAck, child.snd_nxt);
      }
      child.released = true;
      close_connection(i, reason == CloseReason::kHostRestarted ? reason : CloseReason::kAborted);
      maybe_reap(i);
    }
    ep.accept_queue.clear();
  } else if (ep.remote) {
    hosts[ep.host.value].connections.erase(connection_key(ep.local.port, *ep.remote));
  }
  if (ep.state == TcpState::kSynReceived && ep.parent) --endpoints[*ep.parent].half_open;
  ep.state = TcpState::kClosed;
  ep.close_reason = reason;
  scheduler.cancel(ep.rtx_timer);
  scheduler.cancel(ep.time_wait_timer);
  ep.rtx_timer = {};
  ep.time_wait_timer = {};
  keepalive.stop(index);
  if (trace.wanted()) {
    TraceEvent e = event(TraceKind::kConnectionClosed, ep.host);
    e.connection = ep.serial;
    e.reason = reason;
    record(e);
  }
}

void Network::Impl::freeze(std::uint32_t index) {
  Endpoint& ep = endpoints[index];
  scheduler.cancel(ep.rtx_timer);
  scheduler.cancel(ep.time_wait_timer);
  ep.rtx_timer = {};
  ep.time_wait_timer = {};
  keepalive.stop(index);
}

// ---- keep-alive driver -----------------------------------------------------------------------

bool Network::Impl::has_outstanding_data(std::uint32_t conn) {
  return outstanding(endpoints[conn]);
}

void Network::Impl::send_probe(std::uint32_t conn, std::uint32_t probe, std::uint32_t of) {
  const Endpoint& ep = endpoints[conn];
  Segment seg;
  seg.source = ep.local;
  seg.destination = *ep.remote;
  seg.seq = ep.snd_nxt - 1;  // one before the next new byte: the peer must answer with an ACK
  seg.ack = ep.rcv_nxt;
  seg.flags = tcp_flags::kAck;
  seg.window = kWindow;
  if (ep.options.keepalive.shape == ProbeShape::kOneGarbageOctet) seg.payload.assign(1, 0);
  if (trace.wanted()) {
    TraceEvent e = event(TraceKind::kProbeSent, ep.host);
    e.connection = ep.serial;
    e.probe = probe;
    e.probe_count = of;
    record(e);
  }
  transmit(&ep, ep.host, std::move(seg), /*keepalive_probe=*/true);
}

void Network::Impl::keepalive_timeout(std::uint32_t conn, std::uint32_t /*of*/) {
  // Like Linux, tell the (presumed dead) peer with a RST, then drop the connection.
  send_control(conn, tcp_flags::kRst | tcp_flags::kAck, endpoints[conn].snd_nxt);
  close_connection(conn, CloseReason::kKeepAliveTimeout);
  maybe_reap(conn);
}

void Network::Impl::keepalive_suppressed(std::uint32_t conn) {
  if (!trace.wanted()) return;
  TraceEvent e = event(TraceKind::kKeepAliveSuppressed, endpoints[conn].host);
  e.connection = endpoints[conn].serial;
  record(e);
}

// ---- Network endpoint API --------------------------------------------------------------------

Result<EndpointId> Network::listen(HostId host, std::uint16_t port, const EndpointOptions& options,
                                   std::uint32_t backlog) {
  impl_->status_may_change();
  if (Status s = impl_->check_host(host); !s.ok()) return s.error();
  if (Status s = options.validate(); !s.ok()) return s.error();
  if (port == 0) return invalid_argument("a listener needs a port from 1 to 65535");
  if (backlog == 0) return invalid_argument("a listener needs a backlog of at least 1");
  Host& h = impl_->hosts[host.value];
  if (!h.up) return invalid_state("host '" + h.name + "' is crashed");
  if (h.bound_ports.contains(port)) {
    return Error{ErrorCode::kAlreadyExists,
                 "port " + std::to_string(port) + " is in use on host '" + h.name + "'"};
  }
  const std::uint32_t index = impl_->allocate_endpoint(host);
  Endpoint& ep = impl_->endpoints[index];
  ep.options = options;
  ep.local = SocketAddress{h.address, port};
  ep.state = TcpState::kListen;
  ep.backlog = backlog;
  ep.binds_port = true;
  h.bound_ports.insert(port);
  h.listeners.emplace(port, index);
  return EndpointId{index, ep.generation};
}

Result<EndpointId> Network::connect(HostId host, SocketAddress remote,
                                    const EndpointOptions& options, std::uint16_t local_port) {
  impl_->status_may_change();
  if (Status s = impl_->check_host(host); !s.ok()) return s.error();
  if (Status s = options.validate(); !s.ok()) return s.error();
  if (remote.port == 0) return invalid_argument("cannot connect to port 0");
  if (!impl_->host_by_address(remote.address)) {
    return not_found("no host has address " + to_string(remote.address));
  }
  Host& h = impl_->hosts[host.value];
  if (!h.up) return invalid_state("host '" + h.name + "' is crashed");
  if (local_port == 0) {
    for (std::uint32_t tries = 0; tries <= 65535U - kFirstEphemeral; ++tries) {
      const std::uint16_t candidate = h.next_ephemeral;
      h.next_ephemeral =
          candidate == 65535 ? kFirstEphemeral : static_cast<std::uint16_t>(candidate + 1);
      if (!h.bound_ports.contains(candidate)) {
        local_port = candidate;
        break;
      }
    }
    if (local_port == 0) {
      return Error{ErrorCode::kResourceExhausted,
                   "no ephemeral port left on host '" + h.name + "'"};
    }
  } else if (h.bound_ports.contains(local_port)) {
    return Error{ErrorCode::kAlreadyExists,
                 "port " + std::to_string(local_port) + " is in use on host '" + h.name + "'"};
  }
  const std::uint32_t index = impl_->allocate_endpoint(host);
  Endpoint& ep = impl_->endpoints[index];
  ep.options = options;
  ep.local = SocketAddress{h.address, local_port};
  ep.remote = remote;
  ep.state = TcpState::kSynSent;
  ep.binds_port = true;
  ep.iss = impl_->rng.next_u32();
  Impl::start_send_sequence(ep);
  h.bound_ports.insert(local_port);
  h.connections.insert(Impl::connection_key(local_port, remote), index);
  const EndpointId id{index, ep.generation};
  impl_->send_syn(index);
  return id;
}

Result<std::optional<EndpointId>> Network::accept(EndpointId listener) {
  impl_->status_may_change();
  auto index = impl_->lookup(listener);
  if (!index.ok()) return index.error();
  Endpoint& l = impl_->endpoints[*index];
  if (l.state != TcpState::kListen) return invalid_state("endpoint is not listening");
  if (l.accept_queue.empty()) return std::optional<EndpointId>{};
  const std::uint32_t child = l.accept_queue.front();
  l.accept_queue.pop_front();
  impl_->endpoints[child].parent.reset();
  return std::optional<EndpointId>{EndpointId{child, impl_->endpoints[child].generation}};
}

Result<std::size_t> Network::send(EndpointId id, std::span<const std::uint8_t> bytes) {
  impl_->status_may_change();
  auto index = impl_->lookup(id);
  if (!index.ok()) return index.error();
  Endpoint& ep = impl_->endpoints[*index];
  if (!impl_->hosts[ep.host.value].up) return invalid_state("the endpoint's host is crashed");
  if (ep.state == TcpState::kClosed && ep.close_reason) {
    return Error{ErrorCode::kConnectionClosed,
                 "connection closed: " + std::string(to_string(*ep.close_reason))};
  }
  if (ep.fin_queued) return invalid_state("the send direction is shut down");
  if (!can_send_data(ep.state)) {
    return invalid_state("cannot send in state " + std::string(to_string(ep.state)));
  }
  ep.send_buffer.append(bytes.begin(), bytes.end());
  impl_->output(*index);
  return bytes.size();
}

Result<std::vector<std::uint8_t>> Network::receive(EndpointId id, std::size_t max) {
  impl_->status_may_change();
  auto index = impl_->lookup(id);
  if (!index.ok()) return index.error();
  Endpoint& ep = impl_->endpoints[*index];
  const std::size_t n = std::min(max, ep.recv_buffer.size());
  std::vector<std::uint8_t> out(ep.recv_buffer.begin(),
                                ep.recv_buffer.begin() + static_cast<std::ptrdiff_t>(n));
  ep.recv_buffer.drop_front(n);
  return out;
}

Status Network::shutdown_send(EndpointId id) {
  impl_->status_may_change();
  auto index = impl_->lookup(id);
  if (!index.ok()) return index.error();
  Endpoint& ep = impl_->endpoints[*index];
  if (!impl_->hosts[ep.host.value].up) return invalid_state("the endpoint's host is crashed");
  if (ep.state != TcpState::kEstablished && ep.state != TcpState::kCloseWait) {
    return invalid_state("cannot shut down sending in state " + std::string(to_string(ep.state)));
  }
  if (ep.fin_queued) return {};
  ep.fin_queued = true;
  ep.state = ep.state == TcpState::kEstablished ? TcpState::kFinWait1 : TcpState::kLastAck;
  impl_->output(*index);
  return {};
}

Status Network::close(EndpointId id) {
  impl_->status_may_change();
  auto index = impl_->lookup(id);
  if (!index.ok()) return index.error();
  Endpoint& ep = impl_->endpoints[*index];
  ep.released = true;
  if (!impl_->hosts[ep.host.value].up) {
    impl_->maybe_reap(*index);
    return {};
  }
  switch (ep.state) {
    case TcpState::kListen:
    case TcpState::kSynSent:
      impl_->close_connection(*index, CloseReason::kOrderly);
      break;
    case TcpState::kEstablished:
    case TcpState::kCloseWait:
      ep.fin_queued = true;
      ep.state = ep.state == TcpState::kEstablished ? TcpState::kFinWait1 : TcpState::kLastAck;
      impl_->output(*index);
      break;
    default:
      break;  // already closing, or closed: reaped when CLOSED
  }
  impl_->maybe_reap(*index);
  return {};
}

Status Network::abort(EndpointId id) {
  impl_->status_may_change();
  auto index = impl_->lookup(id);
  if (!index.ok()) return index.error();
  Endpoint& ep = impl_->endpoints[*index];
  ep.released = true;
  if (impl_->hosts[ep.host.value].up && synchronized(ep.state) && ep.state != TcpState::kTimeWait) {
    impl_->send_control(*index, tcp_flags::kRst | tcp_flags::kAck, ep.snd_nxt);
  }
  impl_->close_connection(*index, CloseReason::kAborted);
  impl_->maybe_reap(*index);
  return {};
}

Status Network::set_keepalive(EndpointId id, const KeepAliveConfig& config) {
  auto index = impl_->lookup(id);
  if (!index.ok()) return index.error();
  if (Status s = config.validate(); !s.ok()) return s;
  Endpoint& ep = impl_->endpoints[*index];
  ep.options.keepalive = config;
  if (keepalive_state(ep.state) && impl_->hosts[ep.host.value].up) {
    return impl_->keepalive.start(*index, config);  // disabled config stops it
  }
  return {};
}

Status Network::set_retransmission(EndpointId id, const RetransmissionConfig& config) {
  auto index = impl_->lookup(id);
  if (!index.ok()) return index.error();
  if (Status s = config.validate(); !s.ok()) return s;
  impl_->endpoints[*index].options.retransmission = config;
  return {};
}

Result<EndpointInfo> Network::info(EndpointId id) const {
  auto index = impl_->lookup(id);
  if (!index.ok()) return index.error();
  const Endpoint& ep = impl_->endpoints[*index];
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
  out.probes_out = impl_->keepalive.probes_out(*index);
  out.last_receive = impl_->keepalive.last_receive(*index);
  out.next_keepalive_check = impl_->keepalive.next_check(*index);
  out.established_at = ep.established_at;
  out.options = ep.options;
  return out;
}

std::optional<EndpointStatus> Network::status(EndpointId id) const noexcept {
  // lookup() without building its error message: the same ids fail.
  const auto& eps = impl_->endpoints;
  if (id.generation == 0 || id.index >= eps.size()) return std::nullopt;
  const Endpoint& ep = eps[id.index];
  if (!ep.in_use || ep.generation != id.generation || ep.released) return std::nullopt;
  EndpointStatus out;
  out.state = ep.state;
  out.close_reason = ep.close_reason;
  out.established = ep.established_at.has_value();
  out.peer_closed = ep.fin_received;
  out.bytes_readable = ep.recv_buffer.size();
  out.accept_queue = ep.accept_queue.size();
  return out;
}

std::uint64_t Network::status_version() const noexcept {
  return impl_->status_version;
}

std::size_t Network::endpoint_count() const noexcept {
  return impl_->live_endpoints;
}

}  // namespace ws2sim
