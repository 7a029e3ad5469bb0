// The TCP state machine (RFC 9293) of Tcp (tcp.h): sending, timers, state changes and the
// keep-alive driver; receiving is in tcp_input.cc. Every function is told the time; the timer
// and keep-alive callbacks are the edges that read it from the scheduler.
#include "tcp.h"

namespace ws2sim {

// ---- sending ---------------------------------------------------------------------------------

void Tcp::send_control(std::uint32_t index, std::uint8_t flags, std::uint32_t seq) {
  const Endpoint& ep = endpoints_[index];
  Segment seg;
  seg.source = ep.local;
  seg.destination = *ep.remote;
  seg.seq = seq;
  seg.ack = (flags & tcp_flags::kAck) != 0 ? ep.rcv_nxt : 0;
  seg.flags = flags;
  seg.window = kWindow;
  link_.transmit(&ep, ep.host, std::move(seg), /*keepalive_probe=*/false);
}

// Before the SYN leaves, nothing has been sent: snd_una = snd_nxt = snd_max = ISS. (Leaving
// snd_max at 0 made the first SYN look like a retransmission whenever the random ISN was
// "before" 0 in sequence space.)
void Tcp::start_send_sequence(Endpoint& ep) noexcept {
  ep.snd_una = ep.iss;
  ep.snd_nxt = ep.iss;
  ep.snd_max = ep.iss;
}

void Tcp::send_syn(TimePoint now, std::uint32_t index) {
  Endpoint& ep = endpoints_[index];
  const bool passive = ep.state == TcpState::kSynReceived;
  send_control(index, passive ? (tcp_flags::kSyn | tcp_flags::kAck) : tcp_flags::kSyn, ep.iss);
  ep.snd_nxt = ep.iss + 1;
  ep.snd_max = ep.iss + 1;
  arm_rtx(now, index);
}

void Tcp::output(TimePoint now, std::uint32_t index) {
  Endpoint& ep = endpoints_[index];
  if (!synchronized(ep.state) || ep.state == TcpState::kSynReceived) {
    return;
  }
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
    link_.transmit(&ep, ep.host, std::move(seg), /*keepalive_probe=*/false);
    ep.snd_nxt += static_cast<std::uint32_t>(len);
    offset += len;
  }
  if (ep.fin_queued && !ep.fin_sent && offset == ep.send_buffer.size()) {
    send_control(index, tcp_flags::kFin | tcp_flags::kAck, ep.snd_nxt);
    ep.snd_nxt += 1;
    ep.fin_sent = true;
  }
  if (seq_lt(ep.snd_max, ep.snd_nxt)) {
    ep.snd_max = ep.snd_nxt;
  }
  if (outstanding(ep) && !scheduler_.is_pending(ep.rtx_timer)) {
    arm_rtx(now, index);
  }
}

void Tcp::arm_rtx(TimePoint now, std::uint32_t index) {
  Endpoint& ep = endpoints_[index];
  scheduler_.cancel(ep.rtx_timer);
  if (ep.rto <= Duration::zero()) {
    ep.rto = opt(ep).retransmission.initial_rto;
  }
  const std::uint32_t generation = ep.generation;
  // The endpoint's next attention: one RTO from now, or the connect deadline if sooner (the
  // callback is an edge: it reads the clock).
  ep.rtx_timer = scheduler_
                     .schedule_at(clip_to_deadline(ep, saturating_add(now, ep.rto)),
                                  [this, index, generation] {
                                    on_rtx_timer(scheduler_.now(), index, generation);
                                  })
                     .value();
}

TimePoint Tcp::clip_to_deadline(const Endpoint& ep, TimePoint at) {
  if (ep.state == TcpState::kSynSent && ep.connect_give_up) {
    return std::min(at, *ep.connect_give_up);
  }
  return at;
}

bool Tcp::past_deadline(const Endpoint& ep, TimePoint now) {
  return ep.state == TcpState::kSynSent && ep.connect_give_up && now >= *ep.connect_give_up;
}

void Tcp::retry_refused_syn(TimePoint now, std::uint32_t index) {
  Endpoint& ep = endpoints_[index];
  ++ep.reset_retries;
  scheduler_.cancel(ep.rtx_timer);
  const std::uint32_t generation = ep.generation;
  ep.rtx_timer =
      scheduler_
          .schedule_at(
              clip_to_deadline(ep,
                               saturating_add(now, opt(ep).retransmission.reset_retry_interval)),
              [this, index, generation] { on_reset_retry(scheduler_.now(), index, generation); })
          .value();
}

void Tcp::on_reset_retry(TimePoint now, std::uint32_t index, std::uint32_t generation) {
  Endpoint& ep = endpoints_[index];
  if (!ep.in_use || ep.generation != generation || ep.state != TcpState::kSynSent) {
    return;
  }
  ep.rtx_timer = {};
  if (past_deadline(ep, now)) {
    close_connection(now, index, CloseReason::kConnectTimeout);
    maybe_reap(index);
    return;
  }
  if (trace_.wanted()) {
    TraceEvent e = event(now, TraceKind::kRetransmission, ep.host);
    e.connection = ep.serial;
    e.probe = ep.reset_retries;
    e.probe_count = opt(ep).retransmission.syn_retries_after_reset;
    e.duration = opt(ep).retransmission.reset_retry_interval;
    trace_.record(e);
  }
  send_syn(now, index);  // the same SYN, its timeout not backed off
}

void Tcp::on_rtx_timer(TimePoint now, std::uint32_t index, std::uint32_t generation) {
  Endpoint& ep = endpoints_[index];
  if (!ep.in_use || ep.generation != generation) {
    return;
  }
  ep.rtx_timer = {};
  const bool syn = ep.state == TcpState::kSynSent || ep.state == TcpState::kSynReceived;
  if (!syn && !outstanding(ep)) {
    return;
  }
  const RetransmissionConfig& rc = opt(ep).retransmission;
  const std::uint32_t limit = syn ? rc.max_syn_retransmissions : rc.max_retransmissions;
  if (ep.retransmissions >= limit || past_deadline(ep, now)) {
    if (ep.state == TcpState::kSynReceived) {
      // A half-open passive connection nobody accepted yet: forget it quietly.
      ep.released = true;
    }
    close_connection(now, index,
                     syn ? CloseReason::kConnectTimeout : CloseReason::kRetransmissionTimeout);
    maybe_reap(index);
    return;
  }
  ++ep.retransmissions;
  ep.rto = std::min(ep.rto * 2, rc.max_rto);
  if (trace_.wanted()) {
    TraceEvent e = event(now, TraceKind::kRetransmission, ep.host);
    e.connection = ep.serial;
    e.probe = ep.retransmissions;
    e.probe_count = limit;
    e.duration = ep.rto;
    trace_.record(e);
  }
  if (syn) {
    const Duration rto = ep.rto;
    send_syn(now, index);  // re-arms with the backed-off RTO
    endpoints_[index].rto = rto;
    return;
  }
  // Go-back-N: resend everything from the oldest unacknowledged byte.
  ep.snd_nxt = ep.snd_una;
  ep.fin_sent = false;
  output(now, index);
  arm_rtx(now, index);
}

TraceEvent Tcp::event(TimePoint now, TraceKind kind, HostId host) const {
  TraceEvent e;
  e.at = now;
  e.kind = kind;
  e.host = host;
  return e;
}

void Tcp::send_reset_for(HostId host, const Segment& seg) {
  if (seg.has(tcp_flags::kRst)) {
    return;  // never answer a RST (RFC 9293 §3.10.7.1)
  }
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
  link_.transmit(nullptr, host, std::move(rst), /*keepalive_probe=*/false);
}

// ---- state changes ---------------------------------------------------------------------------

void Tcp::enter_established(TimePoint now, std::uint32_t index) {
  changed(index);
  Endpoint& ep = endpoints_[index];
  if (ep.state == TcpState::kSynReceived && ep.parent) {
    --endpoints_[*ep.parent].half_open;
    changed(*ep.parent);  // it joins the listener's accept queue
  }
  ep.state = TcpState::kEstablished;
  ep.established_at = now;
  if (trace_.wanted()) {
    TraceEvent e = event(now, TraceKind::kConnectionEstablished, ep.host);
    e.connection = ep.serial;
    trace_.record(e);
  }
  if (opt(ep).keepalive.enabled) {
    (void)keepalive_.start(index, opt(ep).keepalive);
  }
}

void Tcp::enter_time_wait(TimePoint now, std::uint32_t index) {
  changed(index);
  Endpoint& ep = endpoints_[index];
  ep.state = TcpState::kTimeWait;
  keepalive_.stop(index);
  scheduler_.cancel(ep.rtx_timer);
  scheduler_.cancel(ep.time_wait_timer);
  const std::uint32_t generation = ep.generation;
  ep.time_wait_timer = scheduler_
                           .schedule_at(saturating_add(now, opt(ep).time_wait),
                                        [this, index, generation] {
                                          on_time_wait(scheduler_.now(), index, generation);
                                        })
                           .value();
}

void Tcp::on_time_wait(TimePoint now, std::uint32_t index, std::uint32_t generation) {
  Endpoint& ep = endpoints_[index];
  if (!ep.in_use || ep.generation != generation) {
    return;
  }
  ep.time_wait_timer = {};
  close_connection(now, index, CloseReason::kOrderly);
  maybe_reap(index);
}

void Tcp::close_connection(TimePoint now, std::uint32_t index, CloseReason reason) {
  changed(index);
  Endpoint& ep = endpoints_[index];
  if (ep.state == TcpState::kClosed) {
    return;
  }
  if (ep.parent) {
    changed(*ep.parent);  // a queued connection that ends changes what the listener offers
  }
  if (ep.state == TcpState::kListen) {
    // Connections nobody accepted go with their listener.
    for (std::uint32_t i = 0; i < endpoints_.size(); ++i) {
      Endpoint& child = endpoints_[i];
      if (!child.in_use || child.parent != index) {
        continue;
      }
      child.parent.reset();
      if (synchronized(child.state) && hosts_[child.host.value].up) {
        send_control(i, tcp_flags::kRst | tcp_flags::kAck, child.snd_nxt);
      }
      child.released = true;
      close_connection(now, i,
                       reason == CloseReason::kHostRestarted ? reason : CloseReason::kAborted);
      maybe_reap(i);
    }
    ep.accept_queue.clear();
  } else if (ep.remote) {
    hosts_[ep.host.value].connections.erase(ep.local.port, *ep.remote);
  }
  if (ep.state == TcpState::kSynReceived && ep.parent) {
    --endpoints_[*ep.parent].half_open;
  }
  ep.state = TcpState::kClosed;
  ep.close_reason = reason;
  scheduler_.cancel(ep.rtx_timer);
  scheduler_.cancel(ep.time_wait_timer);
  ep.rtx_timer = {};
  ep.time_wait_timer = {};
  keepalive_.stop(index);
  if (trace_.wanted()) {
    TraceEvent e = event(now, TraceKind::kConnectionClosed, ep.host);
    e.connection = ep.serial;
    e.reason = reason;
    trace_.record(e);
  }
}

void Tcp::freeze(std::uint32_t index) {
  Endpoint& ep = endpoints_[index];
  scheduler_.cancel(ep.rtx_timer);
  scheduler_.cancel(ep.time_wait_timer);
  ep.rtx_timer = {};
  ep.time_wait_timer = {};
  keepalive_.stop(index);
}

// ---- keep-alive driver: the engine calls these at the timer's instant
// -----------------------------------------------------------------------

bool Tcp::has_outstanding_data(std::uint32_t conn) {
  return outstanding(endpoints_[conn]);
}

void Tcp::send_probe(std::uint32_t conn, std::uint32_t probe, std::uint32_t of) {
  const TimePoint now = scheduler_.now();
  const Endpoint& ep = endpoints_[conn];
  Segment seg;
  seg.source = ep.local;
  seg.destination = *ep.remote;
  seg.seq = ep.snd_nxt - 1;  // one before the next new byte: the peer must answer with an ACK
  seg.ack = ep.rcv_nxt;
  seg.flags = tcp_flags::kAck;
  seg.window = kWindow;
  if (opt(ep).keepalive.shape == ProbeShape::kOneGarbageOctet) {
    seg.payload.assign(1, 0);
  }
  if (trace_.wanted()) {
    TraceEvent e = event(now, TraceKind::kProbeSent, ep.host);
    e.connection = ep.serial;
    e.probe = probe;
    e.probe_count = of;
    trace_.record(e);
  }
  link_.transmit(&ep, ep.host, std::move(seg), /*keepalive_probe=*/true);
}

void Tcp::keepalive_timeout(std::uint32_t conn, std::uint32_t /*of*/) {
  const TimePoint now = scheduler_.now();
  // Like Linux, tell the (presumed dead) peer with a RST, then drop the connection.
  send_control(conn, tcp_flags::kRst | tcp_flags::kAck, endpoints_[conn].snd_nxt);
  close_connection(now, conn, CloseReason::kKeepAliveTimeout);
  maybe_reap(conn);
}

void Tcp::keepalive_suppressed(std::uint32_t conn) {
  if (!trace_.wanted()) {
    return;
  }
  const TimePoint now = scheduler_.now();
  TraceEvent e = event(now, TraceKind::kKeepAliveSuppressed, endpoints_[conn].host);
  e.connection = endpoints_[conn].serial;
  trace_.record(e);
}

}  // namespace ws2sim
