// The TCP state machine (RFC 9293) of Tcp (tcp.h), input side: a segment delivered to a host
// finds its endpoint (or a listener, or nobody: RST) and moves the endpoint's state.
#include <algorithm>

#include "tcp.h"

namespace ws2sim {
// ---- receiving -------------------------------------------------------------------------------

void Tcp::segment_arrives(TimePoint now, HostId host, const Segment& seg,
                          std::optional<Trace::SegmentMark> recorded) {
  Host& h = hosts_[host.value];
  const std::optional<std::uint32_t> target = h.connections.find(seg.destination.port, seg.source);
  if (trace_.wanted()) {
    TraceEvent e = event(now, TraceKind::kSegmentReceived, host);
    if (target) {
      e.connection = endpoints_[*target].serial;
    }
    trace_.record(e, seg, recorded);
  }
  if (target) {
    changed(*target);  // a segment changes only the endpoint it reaches
    return process(now, *target, seg);
  }
  // A listener takes a SYN to an address of its scope (one bound to 127.0.0.1 refuses
  // connections to the host's own address; an IPv6-only one, IPv4 connections).
  if (seg.has(tcp_flags::kSyn) && !seg.has(tcp_flags::kAck) && !seg.has(tcp_flags::kRst)) {
    if (const std::optional<std::uint32_t> listener = listener_for(h, seg.destination)) {
      changed(*listener);
      return listener_gets_syn(now, *listener, seg);
    }
  }
  // Nothing here for it (closed port, forgotten connection): RST (RFC 9293 §3.10.7.1).
  send_reset_for(host, seg);
}

void Tcp::listener_gets_syn(TimePoint now, std::uint32_t listener, const Segment& seg) {
  {
    const Endpoint& l = endpoints_[listener];
    // Backlog full: the SYN is ignored and will be retried.
    if (l.accept_queue.size() + l.half_open >= l.backlog) {
      return;
    }
  }
  // Accepted sockets inherit the listener's options.
  const std::uint32_t index =
      allocate_endpoint(endpoints_[listener].host, options_.share(endpoints_[listener].options));
  Endpoint& ep = endpoints_[index];
  ep.local = seg.destination;
  ep.remote = seg.source;
  ep.parent = listener;
  ep.state = TcpState::kSynReceived;
  ep.irs = seg.seq;
  ep.rcv_nxt = seg.seq + 1;
  ep.iss = rng_.next_u32();
  start_send_sequence(ep);
  ++endpoints_[listener].half_open;
  hosts_[ep.host.value].connections.insert(ep.local.port, *ep.remote, index);
  send_syn(now, index);
}

void Tcp::process(TimePoint now, std::uint32_t index, const Segment& seg) {
  if (endpoints_[index].state == TcpState::kSynSent) {
    return process_syn_sent(now, index, seg);
  }
  Endpoint& ep = endpoints_[index];
  if (!synchronized(ep.state)) {
    return;
  }

  // 1. Acceptability (RFC 9293 §3.10.7.4). A keep-alive probe (SEQ = RCV.NXT - 1) fails it and
  //    is answered with an ACK for RCV.NXT: that ACK is what keeps the prober's connection alive.
  const std::uint32_t len = seg.sequence_length();
  const auto in_window = [&](std::uint32_t s) {
    return seq_le(ep.rcv_nxt, s) && seq_lt(s, ep.rcv_nxt + kWindow);
  };
  const bool acceptable =
      len == 0 ? in_window(seg.seq) : (in_window(seg.seq) || in_window(seg.seq + len - 1));
  if (!acceptable) {
    if (!seg.has(tcp_flags::kRst)) {
      send_control(index, tcp_flags::kAck, ep.snd_nxt);
    }
    return;
  }
  // 2. RST
  if (seg.has(tcp_flags::kRst)) {
    if (ep.state == TcpState::kSynReceived && ep.parent) {
      ep.released = true;  // never accepted
    }
    close_connection(now, index, CloseReason::kResetByPeer);
    maybe_reap(index);
    return;
  }
  // 3. SYN in a synchronized state: challenge ACK (RFC 5961 §4).
  if (seg.has(tcp_flags::kSyn)) {
    send_control(index, tcp_flags::kAck, ep.snd_nxt);
    return;
  }
  if (!seg.has(tcp_flags::kAck)) {
    return;
  }
  if (!process_ack(now, index, seg)) {
    return;
  }
  if (keepalive_.on_receive(index) && trace_.wanted()) {
    TraceEvent e = event(now, TraceKind::kProbeAnswered, endpoints_[index].host);
    e.connection = endpoints_[index].serial;
    trace_.record(e);
  }
  process_text(now, index, seg);
}

void Tcp::process_syn_sent(TimePoint now, std::uint32_t index, const Segment& seg) {
  Endpoint& ep = endpoints_[index];
  const bool ack_ok = seg.has(tcp_flags::kAck) && seg.ack == ep.iss + 1;
  if (seg.has(tcp_flags::kAck) && !ack_ok) {
    send_reset_for(ep.host, seg);
    return;
  }
  if (seg.has(tcp_flags::kRst)) {
    if (!ack_ok) {
      maybe_reap(index);
      return;
    }
    if (ep.reset_retries < opt(ep).retransmission.syn_retries_after_reset) {
      retry_refused_syn(now, index);
      return;
    }
    close_connection(now, index, CloseReason::kConnectionRefused);
    maybe_reap(index);
    return;
  }
  if (!seg.has(tcp_flags::kSyn) || !ack_ok) {
    return;  // no simultaneous open in this model
  }
  ep.irs = seg.seq;
  ep.rcv_nxt = seg.seq + 1;
  ep.snd_una = seg.ack;
  ep.retransmissions = 0;
  ep.rto = opt(ep).retransmission.initial_rto;
  scheduler_.cancel(ep.rtx_timer);
  ep.rtx_timer = {};
  enter_established(now, index);
  send_control(index, tcp_flags::kAck, endpoints_[index].snd_nxt);
}

bool Tcp::process_ack(TimePoint now, std::uint32_t index, const Segment& seg) {
  Endpoint& ep = endpoints_[index];
  if (ep.state == TcpState::kSynReceived) {
    if (seg.ack != ep.iss + 1) {
      send_reset_for(ep.host, seg);
      return false;
    }
    ep.snd_una = seg.ack;
    ep.retransmissions = 0;
    ep.rto = opt(ep).retransmission.initial_rto;
    scheduler_.cancel(ep.rtx_timer);
    ep.rtx_timer = {};
    enter_established(now, index);
    if (ep.parent) {
      endpoints_[*ep.parent].accept_queue.push_back(index);
    }
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
    if (seq_lt(ep.snd_nxt, ep.snd_una)) {
      ep.snd_nxt = ep.snd_una;
    }
    if (fin_acked) {
      ep.fin_sent = true;
    }
    ep.retransmissions = 0;
    ep.rto = opt(ep).retransmission.initial_rto;
    scheduler_.cancel(ep.rtx_timer);
    ep.rtx_timer = {};
    if (outstanding(ep)) {
      arm_rtx(now, index);
    }
    if (fin_acked) {
      switch (ep.state) {
        case TcpState::kFinWait1:
          ep.state = TcpState::kFinWait2;
          break;
        case TcpState::kClosing:
          enter_time_wait(now, index);
          return false;
        case TcpState::kLastAck:
          close_connection(now, index, CloseReason::kOrderly);
          maybe_reap(index);
          return false;
        default:
          break;
      }
    }
  }
  return true;
}

void Tcp::process_text(TimePoint now, std::uint32_t index, const Segment& seg) {
  Endpoint& ep = endpoints_[index];
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
            enter_time_wait(now, index);
            return;
          }
          ep.state = TcpState::kClosing;
          break;
        case TcpState::kFinWait2:
          send_control(index, tcp_flags::kAck, ep.snd_nxt);
          enter_time_wait(now, index);
          return;
        default:
          break;
      }
    } else if (ep.state == TcpState::kTimeWait) {
      enter_time_wait(now, index);  // the peer resent its FIN: ACK again, restart 2 MSL
    }
  }
  if (need_ack) {
    send_control(index, tcp_flags::kAck, endpoints_[index].snd_nxt);
  }
  output(now, index);
}

}  // namespace ws2sim
