// The live backend's entry points (not a public header): what the Winsock API files call for a
// socket of a live host instead of the model. Each function runs with the world lock held (taken
// by Call) and releases it only while it waits for the kernel in real time. Functions returning
// int follow the Winsock convention (a result, or SOCKET_ERROR with the thread's last error set)
// unless they say "0 or a WSA error".
#pragma once

#include "internal.h"
#include "ws2sim/winsock/live.h"

namespace ws2sim::winsock::detail::live {

/// Opens the Linux socket of a new Winsock socket on a live host. 0 or a WSA error.
int open(Call& call, Socket& s);
/// bind(): any address (0.0.0.0) or one of this machine's; port 0 = the kernel picks.
int bind(Call& call, Socket& s, SocketAddress address);
int listen(Call& call, Socket& s, int backlog);
/// accept(): the new socket's handle (its peer in `*peer`), or 0 with the last error set.
SocketHandle accept(Call& call, SocketHandle listener, SocketAddress* peer);
int connect(Call& call, SocketHandle s, SocketAddress remote);
int send(Call& call, SocketHandle s, const char* buf, int len);
int recv(Call& call, SocketHandle s, char* buf, int len, bool peek, bool wait_all);
int shutdown(Call& call, Socket& s, bool send, bool receive);
std::optional<SocketAddress> local_address(Socket& s);
std::optional<SocketAddress> peer_address(Socket& s);
/// FIONREAD: bytes the kernel holds for recv().
std::uint32_t bytes_readable(Socket& s);

/// Notices that a non-blocking connect finished (or failed, setting SO_ERROR).
void refresh(const Host::State& host, Socket& s);
/// How the connection ended, once a call saw it end (keep-alive, reset, ...).
std::optional<CloseReason> close_reason(const Socket& s);
/// Gives the Linux socket the translation of the socket's keep-alive state; logs it.
void apply_keepalive(Host::State& host, Socket& s);
/// Closes the Linux socket (RST when `abortive`); wakes calls blocked on it.
void close(Host::State& host, Socket& s, bool abortive);

/// A live world's clock: real time since its first live host, as a TimePoint (World::now()).
TimePoint now(const World::State& w);
/// Call::wait for a live host: waits in real time, with the world lock released, until `ready()`
/// holds (checked every millisecond), `deadline` (a live-clock instant) or the horizon passes.
WaitResult wait(Call& call, Condition ready, std::optional<TimePoint> deadline);

/// What poll() says of a live socket, for select() (api_select.cc).
struct PollState {
  bool readable = false;  // data, a pending connection, EOF or an error
  bool writable = false;  // connected (or connect finished) and not broken
  bool failed = false;    // a connect failed, or the connection broke (POLLERR)
  bool hup = false;       // the peer closed or the connection ended
};
PollState poll_state(const Host::State& host, Socket& s);

/// windows_error_for_linux (live.h) on a host's state.
int windows_error(const Host::State& host, int linux_errno, const LinuxErrorContext& ctx);

}  // namespace ws2sim::winsock::detail::live
