// Endpoint — the state of one TCP connection or listener (RFC 9293's TCB). Internal to the TCP
// model: Tcp (tcp.h) owns the table of endpoints and runs the state machine on them.
#pragma once

#include <cstdint>
#include <optional>

#include "options_table.h"
#include "ws2sim/model/address.h"
#include "ws2sim/model/fifo.h"
#include "ws2sim/model/network.h"
#include "ws2sim/model/scheduler.h"

namespace ws2sim {

inline constexpr std::uint16_t kWindow = 65535;  // constant advertised window
inline constexpr std::size_t kMss = 1460;        // bytes per data segment

/// keepalive_state — states in which keep-alive runs (the connection is synchronized and open).
inline bool keepalive_state(TcpState s) {
  return s == TcpState::kEstablished || s == TcpState::kCloseWait || s == TcpState::kFinWait1 ||
         s == TcpState::kFinWait2 || s == TcpState::kClosing || s == TcpState::kLastAck;
}

/// synchronized — states after the handshake's SYNs were exchanged (RFC 9293).
inline bool synchronized(TcpState s) {
  return s != TcpState::kClosed && s != TcpState::kListen && s != TcpState::kSynSent;
}

/// can_send_data — states in which the application may still queue data.
inline bool can_send_data(TcpState s) {
  return s == TcpState::kEstablished || s == TcpState::kCloseWait;
}

/// Endpoint — one TCP endpoint.
struct Endpoint {
  std::uint32_t generation = 1;
  bool in_use = false;
  bool released = false;  // the application let go: reap once closed
  bool binds_port = false;
  bool status_listed = false;  // in Tcp's changed endpoints (take_status_changes)
  std::uint64_t serial = 0;
  HostId host;
  std::uint32_t host_slot = 0;  // its place in Host::endpoints
  SocketAddress local;
  std::optional<SocketAddress> remote;
  TcpState state = TcpState::kClosed;
  std::optional<CloseReason> close_reason;
  OptionsRef options = 0;  // in Tcp's OptionsTable (shared with equal sets)
  // listener
  std::uint32_t backlog = 0;
  std::uint32_t half_open = 0;  // children in SYN-RECEIVED
  Fifo<std::uint32_t> accept_queue;
  std::optional<std::uint32_t> parent;  // listener, until accepted
  // send sequence space: [snd_una, snd_nxt) in flight, snd_max the highest ever sent
  std::uint32_t iss = 0;
  std::uint32_t snd_una = 0;
  std::uint32_t snd_nxt = 0;
  std::uint32_t snd_max = 0;
  Fifo<std::uint8_t> send_buffer;  // data from snd_una on (acked bytes are popped)
  bool fin_queued = false;         // the application closed its send side
  bool fin_sent = false;
  // receive
  std::uint32_t irs = 0;
  std::uint32_t rcv_nxt = 0;
  Fifo<std::uint8_t> recv_buffer;
  bool fin_received = false;
  // timers: when the endpoint next needs attention (Tcp arms them at instants it computes)
  EventId rtx_timer;
  std::uint32_t retransmissions = 0;
  std::uint32_t reset_retries = 0;           // SYNs re-sent after an RST (RetransmissionConfig)
  std::optional<TimePoint> connect_give_up;  // connect_deadline after the connect started
  Duration rto{};
  EventId time_wait_timer;
  std::optional<TimePoint> established_at;
};

}  // namespace ws2sim
