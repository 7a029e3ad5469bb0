// Backend — the one seam between the Winsock functions and what carries them out. Not a public
// header.
//
// The API files (api/) check a call's arguments and the socket's Winsock state with the host's
// profile, then hand the operation to the host's backend without knowing which one it is:
//   - SimulatedBackend (simulated.h): the model's virtual network; blocking calls wait in
//     virtual time (virtual_time.cc);
//   - LiveBackend (live.h): real Linux TCP sockets through Boost.Asio; blocking calls wait in
//     real time (docs/live.md).
// A new backend implements this interface and is given to hosts in World::State.
//
// Every function runs with the world lock held (taken by Call) and may release it only while it
// waits. Functions returning int follow the Winsock convention (a result, or SOCKET_ERROR with
// the thread's last error set) unless they say "0 or a WSA error".
#pragma once

#include <cstdint>
#include <optional>

#include "core/call.h"
#include "core/socket.h"
#include "ws2sim/model/address.h"
#include "ws2sim/model/network.h"
#include "ws2sim/model/time.h"

namespace ws2sim::winsock::detail {

/// Clock — the time a world's calls read (timeouts, GetTickCount, SO_CONNECT_TIME): virtual
/// time from the model, or real time in a world with live hosts. After Envoy's TimeSystem: one
/// interface, a simulated and a real implementation.
class Clock {
 public:
  virtual ~Clock() = default;
  /// Clock::now — the current time, as a TimePoint since the world's epoch.
  [[nodiscard]] virtual TimePoint now() const noexcept = 0;
};

/// Readiness — what one socket is ready for, in select's and WSAPoll's terms (api/select.cc).
struct Readiness {
  bool gone = false;      // no longer a socket of this host (closed meanwhile)
  bool readable = false;  // select: readfds
  bool writable = false;  // select: writefds
  bool except = false;    // select: exceptfds
  bool rdnorm = false;    // WSAPoll: POLLRDNORM
  bool wrnorm = false;    // WSAPoll: POLLWRNORM
  bool hup = false;       // WSAPoll: POLLHUP
  bool err = false;       // WSAPoll: POLLERR
};

/// ReceiveNow — what a receive that must not wait found (an overlapped WSARecv,
/// docs/behaviour.md §17): data (copied), the end of the stream, a broken connection, or nothing
/// yet.
struct ReceiveNow {
  enum class Kind : std::uint8_t { kNothingYet, kData, kEnd, kBroken };
  Kind kind = Kind::kNothingYet;
  std::uint32_t bytes = 0;                     ///< kData: bytes copied (0 for zero-length buffers)
  CloseReason reason = CloseReason::kOrderly;  ///< kBroken: how the connection ended
};

/// Backend — carries out one host's socket operations and blocking waits.
class Backend : public Clock {
 public:
  // ---- Sockets. The API files have checked the arguments and the Winsock state already. ------
  /// Backend::open — a new socket was created (socket, WSASocket): 0 or a WSA error.
  virtual int open(Call& call, Socket& s) = 0;
  /// Backend::bind — binds an unbound socket to `address` (port 0: pick one).
  virtual int bind(Call& call, Socket& s, SocketAddress address) = 0;
  /// Backend::listen — makes a bound socket listen; `backlog` is already clamped.
  virtual int listen(Call& call, Socket& s, int backlog) = 0;
  /// Backend::accept — takes (or waits for) a connection of a listening socket: the new
  /// socket's handle with its peer in `*peer`, or 0 with the last error set.
  virtual SocketHandle accept(Call& call, SocketHandle listener, SocketAddress* peer) = 0;
  /// Backend::next_connection — waits (or not, for a non-blocking listener) for a queued
  /// connection and names its two ends, leaving it queued: WSAAccept's condition function sees
  /// them before anything is accepted. 0, or the error (the last error set).
  virtual int next_connection(Call& call, SocketHandle listener, SocketAddress* peer,
                              SocketAddress* local) = 0;
  /// Backend::connect — connects (blocking or not) to `remote`.
  virtual int connect(Call& call, SocketHandle s, SocketAddress remote) = 0;
  /// Backend::send — sends `len` bytes on a connected socket.
  virtual int send(Call& call, SocketHandle s, const char* buf, int len) = 0;
  /// Backend::recv — receives up to `len` bytes (MSG_PEEK: `peek`; MSG_WAITALL: `wait_all`).
  virtual int recv(Call& call, SocketHandle s, char* buf, int len, bool peek, bool wait_all) = 0;
  /// Backend::receive_now — takes what is there for an overlapped receive into `buffers` in
  /// order (MSG_PEEK: `peek`), without waiting. Zero-length buffers find data without taking it.
  virtual ReceiveNow receive_now(Host::State& host, Socket& s, const std::vector<IoBuffer>& buffers,
                                 bool peek) = 0;
  /// Backend::accept_into — AcceptEx's accept: gives the first queued connection of `listener`
  /// to the unconnected socket `target` (its own options stay). False if none is queued.
  virtual bool accept_into(Host::State& host, Socket& listener, Socket& target) = 0;
  /// Backend::send_now — sends `len` bytes on a connected socket from no call of the program
  /// (ConnectEx's data, once connected): 0 or a WSA error.
  virtual int send_now(Host::State& host, Socket& s, const char* buf, std::uint32_t len) = 0;
  /// Backend::pends_io — whether an overlapped receive may wait here for data (receive_now is
  /// called again as the world changes). Live hosts' sockets do not: their overlapped receives
  /// fail with WSAEOPNOTSUPP (docs/live.md).
  [[nodiscard]] virtual bool pends_io() const noexcept { return true; }
  /// Backend::shutdown — shuts down the send and/or the receive side of a connected socket.
  virtual int shutdown(Call& call, Socket& s, bool send, bool receive) = 0;
  /// Backend::local_address — the address the connection really uses, when it knows better
  /// than the socket's bound one (getsockname).
  virtual std::optional<SocketAddress> local_address(Socket& s) = 0;
  /// Backend::peer_address — the connection's peer, when it knows better than `Socket::peer`.
  virtual std::optional<SocketAddress> peer_address(Socket& s) = 0;
  /// Backend::bytes_readable — what recv() would return at once (FIONREAD).
  virtual std::uint32_t bytes_readable(Socket& s) = 0;
  /// Backend::readiness — what a stream socket is ready for (select, WSAPoll).
  virtual Readiness readiness(Host::State& host, Socket& s) = 0;
  /// Backend::refresh — notices that a non-blocking connect finished (or failed, setting
  /// SO_ERROR). Nearly every call asks first, and only a connecting socket can change: the
  /// check is inline, the backend's part (settle_connect) runs only then.
  void refresh(const Host::State& host, Socket& s) {
    if (s.state == SocketState::kConnecting) settle_connect(host, s);
  }
  /// Backend::close_reason — how the socket's connection ended, once it ended.
  virtual std::optional<CloseReason> close_reason(const Socket& s) = 0;
  /// Backend::apply_keepalive — gives the connection the socket's effective keep-alive
  /// settings (rules/keepalive.h).
  virtual void apply_keepalive(Host::State& host, Socket& s) = 0;
  /// Backend::close — closes the connection (RST when `abortive`); the socket is removed next.
  virtual void close(Host::State& host, Socket& s, bool abortive) = 0;

  /// Backend::settle_connect — refresh() for a socket whose connect is in progress.
  virtual void settle_connect(const Host::State& host, Socket& s) = 0;

  // ---- Waits ---------------------------------------------------------------------------------
  /// Backend::wait — blocks until `ready()` holds, `deadline` (on the world's clock) or the
  /// world's horizon passes, or the call is cancelled. `socket`, if given, counts the call as
  /// in progress on it. `acquire`, if given, is applied in the step that finds `ready()` true
  /// (detail::Action). `site` says what the call waits on, for the deadlock report.
  virtual WaitResult wait(Call& call, Condition ready, std::optional<TimePoint> deadline,
                          Socket* socket, const Action* acquire, const WaitSite& site) = 0;
};

/// destroy_socket — closes a socket's connection through its host's backend (orderly or
/// abortive) and removes it from the host (closesocket, WSACleanup).
void destroy_socket(Host::State& host, SocketHandle handle, bool abortive);

}  // namespace ws2sim::winsock::detail
