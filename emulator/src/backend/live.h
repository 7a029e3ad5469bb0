// LiveBackend — a live host's Winsock sockets are real Linux TCP sockets (Boost.Asio), and its
// blocking calls wait for the kernel in real time (docs/live.md). Not a public header.
//
// The Winsock semantics stay the emulator's: the API files validate arguments and socket state
// with the profile's rules and store option values exactly as for emulated sockets; this backend
// only carries the operations out on the kernel, translates keep-alive state
// (live_translate.cc) and maps Linux errors back to the WSA errors the profile prescribes.
#pragma once

#include <memory>
#include <vector>

#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"
#include "ws2sim/winsock/live.h"

namespace ws2sim::winsock::detail {

struct LiveWorld;  // live.cc: the Asio context, the clock's start and the live log

/// LiveBackend — the backend of a world's live hosts; created by its first add_live_host.
class LiveBackend final : public Backend {
 public:
  LiveBackend();
  ~LiveBackend() override;

  /// Real time since this backend was created (the world's first live host).
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
  [[nodiscard]] bool pends_io() const noexcept override { return false; }
  int shutdown(Call& call, Socket& s, bool send, bool receive) override;
  std::optional<SocketAddress> local_address(Socket& s) override;
  std::optional<SocketAddress> peer_address(Socket& s) override;
  std::uint32_t bytes_readable(Socket& s) override;
  Readiness readiness(Host::State& host, Socket& s) override;
  void settle_connect(const Host::State& host, Socket& s) override;
  std::optional<CloseReason> close_reason(const Socket& s) override;
  void apply_keepalive(Host::State& host, Socket& s) override;
  void close(Host::State& host, Socket& s, bool abortive) override;

  /// Waits in real time, with the world lock released, until `ready()` holds (checked every
  /// millisecond), `deadline` (a live-clock instant) or the horizon passes.
  WaitResult wait(Call& call, Condition ready, std::optional<TimePoint> deadline, Socket* socket,
                  const Action* acquire, const WaitSite& site) override;

  /// What live sockets were set to, what was clamped, which errors came when (World::live_log).
  [[nodiscard]] const std::vector<LiveRecord>& records() const noexcept;

  // ---- implementation details ----
  /// The shared live state (for live.cc's helpers).
  [[nodiscard]] LiveWorld& shared_state() const noexcept { return *live_; }

 private:
  std::shared_ptr<LiveWorld> live_;  // shared with every LiveSocket: outlives their descriptors
};

namespace live {
/// windows_error — windows_error_for_linux (live.h) on a host's state (live_translate.cc).
int windows_error(const Host::State& host, int linux_errno, const LinuxErrorContext& ctx);
}  // namespace live

}  // namespace ws2sim::winsock::detail
