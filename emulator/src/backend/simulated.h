// SimulatedBackend — sockets on the model's virtual network (ws2sim::Network), blocking calls in
// virtual time. Not a public header.
//
// Socket operations are in simulated.cc; the virtual-time engine that runs the model while every
// thread is blocked (wait, drive) in virtual_time.cc.
#pragma once

#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"

namespace ws2sim::winsock::detail {

/// SimulatedBackend — the default backend of every host of a world.
class SimulatedBackend final : public Backend {
 public:
  explicit SimulatedBackend(World::State& world) : world_(&world) {}

  /// Virtual time: the model's clock.
  [[nodiscard]] TimePoint now() const noexcept override;

  int open(Call& call, Socket& s) override;
  int bind(Call& call, Socket& s, SocketAddress address) override;
  int listen(Call& call, Socket& s, int backlog) override;
  SocketHandle accept(Call& call, SocketHandle listener, SocketAddress* peer) override;
  int next_connection(Call& call, SocketHandle listener, SocketAddress* peer,
                      SocketAddress* local) override;
  int connect(Call& call, SocketHandle s, SocketAddress remote) override;
  int send(Call& call, SocketHandle s, const char* buf, int len) override;
  int recv(Call& call, SocketHandle s, char* buf, int len, bool peek, bool wait_all) override;
  ReceiveNow receive_now(Host::State& host, Socket& s, const std::vector<IoBuffer>& buffers,
                         bool peek) override;
  bool accept_into(Host::State& host, Socket& listener, Socket& target) override;
  int send_now(Host::State& host, Socket& s, const char* buf, std::uint32_t len) override;
  int shutdown(Call& call, Socket& s, bool send, bool receive) override;
  std::optional<SocketAddress> local_address(Socket& s) override;
  std::optional<SocketAddress> peer_address(Socket& s) override;
  std::uint32_t bytes_readable(Socket& s) override;
  Readiness readiness(Host::State& host, Socket& s) override;
  void settle_connect(const Host::State& host, Socket& s) override;
  std::optional<CloseReason> close_reason(const Socket& s) override;
  void apply_keepalive(Host::State& host, Socket& s) override;
  void close(Host::State& host, Socket& s, bool abortive) override;

  /// Blocks in virtual time: time advances only while every thread attached to the world is
  /// blocked, and then the last one to block runs the model (virtual_time.cc).
  WaitResult wait(Call& call, Condition ready, std::optional<TimePoint> deadline, Socket* socket,
                  const Action* acquire, const WaitSite& site) override;

  // ---- implementation details ----
 private:
  [[nodiscard]] Network& net() const noexcept;
  // Waits until listener `s` has a connection queued (blocking) or fails with WSAEWOULDBLOCK
  // (non-blocking); `what` names the call for the deadlock report. 0 or fail()'s value.
  int await_queued(Call& call, SocketHandle s, const char* what);
  // Moves bytes the model received into the socket's buffer.
  void pull_received(Socket& s);
  [[nodiscard]] bool peer_closed(const Socket& s) const;

  World::State* world_;
};

}  // namespace ws2sim::winsock::detail
