// Call — the prologue every emulated Winsock function starts with, and what the function then
// works with: its host, its world (locked), its backend, the clock and blocking waits.
// Not a public header.
//
//   int WSAAPI listen(SOCKET s, int backlog) {
//     auto call = Call::on_socket(s);   // generic checks in Windows' order, then the socket
//     if (!call) return SOCKET_ERROR;   // the last error is set
//     Socket& sock = call->sock();
//     ...
//     return call->backend().listen(*call, sock, backlog);
//   }
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "core/condition.h"
#include "core/host_state.h"
#include "core/socket.h"
#include "core/thread_state.h"
#include "ws2sim/model/network.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::winsock::detail {

class Backend;

/// Call — one emulated call in progress: holds the world lock from the prologue to its return.
class Call {
 public:
  /// Call::winsock — the prologue of a Winsock call: binds to the thread's host, takes the world
  /// lock and runs the checks every Winsock function shares (docs/behaviour.md §4 "Generic
  /// errors"), in Windows' order: WSANOTINITIALISED, WSAENETDOWN, WSAEINPROGRESS. nullopt (with
  /// the last error set) when one fails.
  static std::optional<Call> winsock();
  /// Call::on_socket — winsock(), then the socket `s` of this host (WSAENOTSOCK if none).
  static std::optional<Call> on_socket(SocketHandle s);
  /// Call::host_only — calls that only need a host (version queries, events, SleepEx): no
  /// startup check. Without a host, sets the last error to `error_without_host`.
  static std::optional<Call> host_only(int error_without_host);

  Host::State& host() const noexcept { return *host_; }
  World::State& world() const noexcept { return *world_; }
  /// The backend that carries out this host's socket operations and waits.
  Backend& backend() const noexcept { return *host_->backend; }
  /// The socket on_socket() found. Blocking waits may close it: look it up again after one.
  Socket& sock() const noexcept { return *socket_; }
  /// The world's clock: virtual time, or real time in a world with live hosts (live.h).
  TimePoint now() const noexcept;

  /// The socket for `s` on this host, or nullptr with WSAENOTSOCK set.
  Socket* socket(SocketHandle s) const;

  /// Blocks until `ready()` holds, `deadline` passes, or the call is cancelled, in the backend's
  /// time. `socket`, if given, counts this call as in progress on it; `site` names what the
  /// call waits on (the deadlock report).
  WaitResult wait(Condition ready, std::optional<TimePoint> deadline, Socket* socket = nullptr,
                  const WaitSite& site = {});
  /// Like wait(), for a wait that takes what it waits for (a lock, a semaphore's count, an
  /// auto-reset event): `take` runs in the very step that finds `ready()` true (Action).
  WaitResult wait_to_take(Condition ready, Action take, std::optional<TimePoint> deadline,
                          const WaitSite& site);

  std::unique_lock<std::mutex>& lock() noexcept { return lock_; }

 private:
  Call(Host::State& h, World::State& w);
  Host::State* host_;
  World::State* world_;
  Socket* socket_ = nullptr;
  std::unique_lock<std::mutex> lock_;
};

}  // namespace ws2sim::winsock::detail
