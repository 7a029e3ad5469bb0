// ws2sim/conformance/sim.h — cases that need the emulator: virtual time, faults, registry values,
// host switches, or the trace. They run only in the ws2sim backend (cases/sim_*.cc).
//
//   SIM_CASE(SoKeepAliveAloneUsesTheDefaults, "KEEPALIVE.default.time-2h") {
//     const SOCKET s = ctx.tcp();
//     ... ctx.connect(s); ctx.accept_on_server(); ctx.world().crash(ctx.server()); ...
//   }
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "ws2sim/model/trace.h"
#include "ws2sim/winsock/world.h"
// After the ws2sim headers, as the drop-in headers ask.
#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {

using namespace std::chrono_literals;

/// The world a ws2sim case runs in: `client` runs the profile under test at 10.0.0.1, `server`
/// (Windows Server 2022) at 10.0.0.2 listens on port 443, 1 ms away. Both called
/// WSAStartup(2.2); the case's thread is bound to the client for the whole case.
class SimContext final : public Context {
 public:
  /// `strict`: the client host follows the documentation literally (HostSwitches).
  SimContext(const winsock::Profile& profile, bool strict, std::vector<std::string> ids);
  ~SimContext() override;

  int connect(SOCKET s) override;
  SOCKET listening_tcp() override;
  sockaddr_in address_of(SOCKET listener) override;

  [[nodiscard]] winsock::World& world() noexcept { return *world_; }
  [[nodiscard]] winsock::Host& client() noexcept { return *client_; }
  [[nodiscard]] winsock::Host& server() noexcept { return *server_; }

  /// Starts a non-blocking connect of `s` to the server: WSAEWOULDBLOCK expected.
  int connect_nonblocking(SOCKET s);
  /// Accepts the connection waiting on the server's listener (on the server); requires one.
  SOCKET accept_on_server();
  /// A connection made by connect_pair.
  struct Pair {
    SOCKET peer;            ///< The server's accepted socket.
    TimePoint established;  ///< When connect returned: the client's last receipt (SYN-ACK).
  };
  /// Blocking connect of `s` to the server, then accept there.
  Pair connect_pair(SOCKET s);
  /// Crashes the server, then waits in a blocking recv on `s`: returns error_of(recv).
  int crash_server_and_recv(SOCKET s);
  /// Sends `n` bytes from the server's socket `peer` to the client.
  void server_send(SOCKET peer, int n);
  /// Flips the client's switches.
  void set_client_switches(const winsock::HostSwitches& s);
  /// Virtual time since the epoch.
  [[nodiscard]] Duration elapsed() const;

  // ---- What the trace says about the client ------------------------------------------------
  /// Instants of the keep-alive probes the client sent, in order.
  [[nodiscard]] std::vector<TimePoint> client_probes() const;
  /// The keep-alive probe segments the client sent, in order.
  [[nodiscard]] std::vector<Segment> client_probe_segments() const;
  /// The last instant the client received a segment at or before `t`.
  [[nodiscard]] std::optional<TimePoint> last_client_receipt(TimePoint t) const;
  /// The last segment the client sent before `t` (not a probe).
  [[nodiscard]] std::optional<Segment> last_client_segment_before(TimePoint t) const;
  /// When a client connection closed for `reason`, if one did.
  [[nodiscard]] std::optional<TimePoint> client_close(CloseReason reason) const;

 private:
  std::unique_ptr<winsock::World> world_;
  winsock::Host* client_ = nullptr;
  winsock::Host* server_ = nullptr;
  SOCKET listener_ = INVALID_SOCKET;
  std::vector<SOCKET> server_sockets_;
  std::unique_ptr<winsock::HostScope> on_client_;
};

/// The virtual instant `d` after the epoch.
inline TimePoint at(Duration d) {
  return kEpoch + d;
}

}  // namespace ws2sim::conformance

/// Defines a ws2sim-only case: `ctx` is a ws2sim::conformance::SimContext&.
#define SIM_CASE(name, ...)                                                                       \
  static void name(::ws2sim::conformance::SimContext& ctx);                                       \
  static void name##_thunk(::ws2sim::conformance::Context& c) {                                   \
    name(static_cast<::ws2sim::conformance::SimContext&>(c));                                     \
  }                                                                                               \
  static const ::ws2sim::conformance::Registrar name##_registrar{::ws2sim::conformance::CaseInfo{ \
      #name, {__VA_ARGS__}, &name##_thunk, false, __FILE__, __LINE__}};                           \
  static void name([[maybe_unused]] ::ws2sim::conformance::SimContext& ctx)
