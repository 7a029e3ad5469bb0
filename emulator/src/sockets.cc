// Socket bookkeeping shared by the API files: buffers, state refresh, close reasons -> WSA errors.
#include <limits>

#include "internal.h"
#include "live_backend.h"

namespace ws2sim::winsock::detail {

void pull_received(Network& net, Socket& s) {
  if (!s.endpoint) return;
  // Blocked calls poll this between events: look before taking (receive() builds a vector).
  if (const auto st = net.status(*s.endpoint); !st.has_value() || st->bytes_readable == 0) return;
  auto data = net.receive(*s.endpoint, std::numeric_limits<std::size_t>::max());
  if (data.ok()) s.rx.append(data->begin(), data->end());
}

std::optional<CloseReason> close_reason(Network& net, const Socket& s) {
  if (s.live) return live::close_reason(s);
  if (!s.endpoint) return std::nullopt;
  const auto st = net.status(*s.endpoint);
  if (!st.has_value() || st->state != TcpState::kClosed) return std::nullopt;
  return st->close_reason;
}

int connection_error(const Host::State& host, CloseReason reason, bool in_progress) {
  switch (reason) {
    case CloseReason::kKeepAliveTimeout: {
      // SO_KEEPALIVE page: calls in progress fail with WSAENETRESET. Later calls: the getsockopt
      // page says WSAENOTCONN, the error-codes page WSAECONNRESET; a profile/host switch picks.
      if (in_progress) return err::kEnetreset;
      const AfterDropError after =
          host.switches.after_drop.value_or(host.profile->after_drop.value);
      return after == AfterDropError::kNotConnected ? err::kEnotconn : err::kEconnreset;
    }
    case CloseReason::kResetByPeer:
      return err::kEconnreset;
    // Error-codes page, WSAECONNABORTED: "possibly due to a data transmission time-out".
    case CloseReason::kRetransmissionTimeout:
      return err::kEconnaborted;
    case CloseReason::kConnectTimeout:
      return err::kEtimedout;
    case CloseReason::kConnectionRefused:
      return err::kEconnrefused;
    case CloseReason::kOrderly:
    case CloseReason::kAborted:
    case CloseReason::kHostRestarted:
      return err::kEnotconn;
  }
  return err::kEnotconn;
}

void refresh_state(const Host::State& host, Network& net, Socket& s) {
  if (s.live) return live::refresh(host, s);
  if (s.state != SocketState::kConnecting || !s.endpoint) return;
  // select() polls this between events: the full snapshot only once the connect settled.
  const auto st = net.status(*s.endpoint);
  if (!st.has_value() || (!st->established && st->state != TcpState::kClosed)) return;
  const auto info = net.info(*s.endpoint);
  if (!info.ok()) return;
  if (info->established_at) {
    s.state = SocketState::kConnected;
    s.connected_at = info->established_at;
    s.local = info->local;
  } else if (info->state == TcpState::kClosed && info->close_reason) {
    // A non-blocking connect failed: SO_ERROR reports why; the endpoint is released.
    s.state = SocketState::kFailed;
    s.pending_error = connection_error(host, *info->close_reason, false);
    (void)net.close(*s.endpoint);
    s.endpoint.reset();
  }
}

void bind_port(Host::State& host, Socket& s, SocketAddress address) {
  s.local = address;
  s.owns_port = true;
  ++host.bound_ports[address.port];
}

void destroy_socket(Host::State& host, Network& net, SocketHandle handle, bool abortive) {
  Socket* const found = host.sockets.find(handle);
  if (found == nullptr) return;
  Socket& s = *found;
  if (s.live) live::close(host, s, abortive);
  if (s.owns_port && s.local) {
    const auto port = host.bound_ports.find(s.local->port);
    if (port != host.bound_ports.end() && --port->second == 0) host.bound_ports.erase(port);
  }
  if (s.endpoint) {
    if (abortive) {
      (void)net.abort(*s.endpoint);
    } else {
      (void)net.close(*s.endpoint);
    }
  }
  host.sockets.erase(handle);
}

}  // namespace ws2sim::winsock::detail
