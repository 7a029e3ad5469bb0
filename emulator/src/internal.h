// Internal state of the Winsock emulator, shared by the API implementation files.
// Not a public header. Nothing here includes the drop-in Windows headers, so the C++ control
// API and the Winsock surface can be compiled separately.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "socket_table.h"
#include "ws2sim/model/fifo.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::winsock::detail {

inline constexpr int kSocketError = -1;

/// A completion routine waiting for its thread's next alertable wait (an APC on Windows).
struct Apc {
  void (*routine)(std::uint32_t error, std::uint32_t bytes, void* overlapped, std::uint32_t flags);
  std::uint32_t error;
  std::uint32_t bytes;
  void* overlapped;
  std::uint32_t flags;
};

/// What Windows keeps per thread: the last error, queued APCs, the Winsock 1.1 blocking hook.
struct ThreadState {
  std::vector<Host*> scopes;  // HostScope stack; back() is the current host
  int last_error = 0;
  std::deque<Apc> apcs;
  std::intptr_t (*blocking_hook)() = nullptr;  // Winsock 1.1 WSASetBlockingHook
  bool in_blocking_call = false;               // WSAIsBlocking
  bool cancel_requested = false;               // WSACancelBlockingCall
  bool in_hook = false;                        // the hook is running: calls get WSAEINPROGRESS
};
ThreadState& thread_state() noexcept;

/// What a blocked call waits for: a non-owning reference to a `bool()` callable, usually a lambda
/// in the blocked call's own frame, which outlives the wait. Unlike std::function it never
/// allocates (a blocking call builds one per call; 100,000 connects built 100,000).
class Condition {
 public:
  template <typename F>
  requires(!std::is_same_v<std::remove_cvref_t<F>, Condition> &&
           std::is_invocable_r_v<bool, const F&>) Condition(const F& f)
  noexcept  // NOLINT(google-explicit-constructor): used like a lambda
      : object_(&f), call_([](const void* o) { return (*static_cast<const F*>(o))(); }) {}
  bool operator()() const { return call_(object_); }

 private:
  const void* object_;
  bool (*call_)(const void*);
};

/// Sets the thread's last error and returns SOCKET_ERROR, the usual failure return.
inline int fail(int wsa_error) noexcept {
  thread_state().last_error = wsa_error;
  return kSocketError;
}

enum class SocketState : std::uint8_t {
  kOpen,   // created, unbound
  kBound,  // bind() done
  kListening,
  kConnecting,  // connect() started, not finished
  kConnected,   // the model endpoint exists and was established at least once
  kFailed,      // connect() failed (refused, timed out)
};

struct LiveSocket;  // live_backend.cc: the real Linux socket of a live host's socket
struct LiveWorld;   // live_backend.cc: a world's live-mode state (Asio context, live log)

/// One emulated socket.
struct Socket {
  SocketHandle handle = 0;
  int family = 0;
  int type = 0;
  int protocol = 0;
  bool overlapped = true;  // socket() sockets are; WSASocket without WSA_FLAG_OVERLAPPED are not
  SocketState state = SocketState::kOpen;
  std::optional<EndpointId> endpoint;  // the model endpoint once listening or connecting
  std::optional<SocketAddress> local;  // bound address (explicit or implicit)
  bool owns_port = false;              // bound the port itself (accepted sockets share theirs)
  std::optional<SocketAddress> peer;   // connect() target
  bool nonblocking = false;

  // Keep-alive, stored apart from the on/off switch so values survive toggling (spec §3).
  bool keepalive = false;
  std::optional<Duration> keepalive_idle;        // SIO_KEEPALIVE_VALS (ms) or TCP_KEEPIDLE (s)
  std::optional<Duration> keepalive_interval;    // SIO_KEEPALIVE_VALS (ms) or TCP_KEEPINTVL (s)
  std::optional<std::uint32_t> keepalive_count;  // TCP_KEEPCNT

  // Other options.
  bool nodelay = false;
  bool reuseaddr = false;
  std::uint16_t linger_onoff = 0;
  std::uint16_t linger_seconds = 0;
  std::int32_t rcvbuf = 65536;
  std::int32_t sndbuf = 65536;
  std::uint32_t rcvtimeo_ms = 0;
  std::uint32_t sndtimeo_ms = 0;
  std::optional<std::uint32_t> maxrt_seconds;  // TCP_MAXRT

  int pending_error = 0;  // SO_ERROR (cleared when read)
  bool send_shutdown = false;
  bool recv_shutdown = false;
  Fifo<std::uint8_t> rx;  // bytes already taken from the model endpoint (no allocation until used)
  std::optional<TimePoint> connected_at;
  int blocked_calls = 0;  // threads blocked in a call on this socket
  bool closed_while_blocked = false;
  std::shared_ptr<LiveSocket> live;  // set on live hosts only: the socket is a real one
};

using SocketTable = BasicSocketTable<Socket>;

/// A WSAEVENT (manual-reset event).
struct Event {
  bool signaled = false;
};

}  // namespace ws2sim::winsock::detail

namespace ws2sim::winsock {

struct Host::State {
  World* world = nullptr;
  HostId id;
  std::string name;
  const Profile* profile = nullptr;
  Ipv4Address address;
  std::array<std::optional<std::uint32_t>, 4> registry{};
  HostSwitches switches;
  int startup_count = 0;
  std::uint16_t version = 0;  // negotiated, as MAKEWORD(major, minor)
  detail::SocketTable sockets;
  std::map<std::uintptr_t, detail::Event> events;
  std::uint16_t next_ephemeral = 49152;
  std::map<std::uint16_t, std::uint32_t> bound_ports;  // port -> sockets that bound it
  bool live = false;  // World::add_live_host: sockets are real Linux sockets (live.h)
  std::size_t socket_limit = Host::kDefaultSocketLimit;
};

struct World::State {
  explicit State(std::uint64_t seed) : model(seed) {}
  ws2sim::World model;
  std::vector<std::unique_ptr<Host>> hosts;

  // One lock for the whole world: every emulated call holds it, so calls from several threads
  // are serialised and the model is never touched concurrently.
  std::mutex mu;
  std::condition_variable cv;
  int attached = 0;  // threads bound to a host of this world
  /// A blocked call. `ready` may read the sockets of its host and the model endpoints' status()
  /// (not the rest of EndpointInfo): drive() re-evaluates it only when those may have changed.
  struct Waiter {
    detail::Condition ready;
    std::optional<TimePoint> deadline;
  };
  std::vector<Waiter*> waiters;  // one per thread blocked in an emulated call
  std::uint64_t changes = 0;     // bumped by scheduled faults, which may change any socket
  // Sockets and events share one handle space, as in a Windows process's handle table: a socket
  // and an event never have the same value (they did with two counters after 16,320 sockets).
  detail::SocketHandle next_handle = 0x100;
  TimePoint horizon = kEpoch + std::chrono::hours(24 * 400);
  std::shared_ptr<detail::LiveWorld> live;  // created by the first add_live_host
};

namespace detail {

/// Why a blocking wait ended.
enum class WaitResult : std::uint8_t {
  kReady,      // the condition holds
  kTimedOut,   // the deadline passed
  kCancelled,  // WSACancelBlockingCall
  kHorizon,    // nothing could ever make it ready before the world's horizon
};

/// Prologue of every emulated call: binds to the thread's host, takes the world lock and runs
/// the checks every Winsock function shares (spec §4 "Generic errors"), in Windows' order:
/// WSANOTINITIALISED, WSAENETDOWN, WSAEINPROGRESS.
class Call {
 public:
  /// Winsock calls: all generic checks. nullopt (with the last error set) when one fails.
  static std::optional<Call> winsock();
  /// Calls that only need a host (version queries, events, SleepEx): no startup check.
  static std::optional<Call> host_only(int error_without_host);

  Host::State& host() const noexcept { return *host_; }
  World::State& world() const noexcept { return *world_; }
  Network& net() const noexcept { return world_->model.network(); }
  /// Virtual time; in a world with live hosts, real time since the first live host (live.h).
  TimePoint now() const noexcept;

  /// The socket for `s` on this host, or nullptr with WSAENOTSOCK set.
  Socket* socket(SocketHandle s) const;

  /// Blocks in virtual time until `ready()` holds, `deadline` passes, or the call is cancelled.
  /// Time advances only while every thread attached to the world is blocked. `socket`, if
  /// given, counts this call as in progress on it.
  WaitResult wait(Condition ready, std::optional<TimePoint> deadline, Socket* socket = nullptr);

  std::unique_lock<std::mutex>& lock() noexcept { return lock_; }

 private:
  Call(Host::State& h, World::State& w) : host_(&h), world_(&w), lock_(w.mu) {}
  Host::State* host_;
  World::State* world_;
  std::unique_lock<std::mutex> lock_;
};

// keepalive.cc -------------------------------------------------------------------------------
/// The probe count the profile's rule gives with the host's registry (spec §3).
std::uint32_t registry_probe_count(const Host::State& host);
/// The keep-alive parameters the model endpoint of `s` should run with.
KeepAliveConfig effective_keepalive(const Host::State& host, const Socket& s);
/// Pushes `s`'s keep-alive settings to its model endpoint, if it has one.
void apply_keepalive(Host::State& host, Socket& s);
/// Retransmission limits a host gives its connections (registry TcpMaxDataRetransmissions).
RetransmissionConfig effective_retransmission(const Host::State& host);

// sockets.cc ---------------------------------------------------------------------------------
/// Moves bytes the model received into the socket's buffer.
void pull_received(Network& net, Socket& s);
/// The model's close reason for the socket's connection, if it ended.
std::optional<CloseReason> close_reason(Network& net, const Socket& s);
/// The WSA error for a call on a connection that ended with `reason`. `in_progress` is true for
/// a call that was already blocked when it ended (spec §2: WSAENETRESET for keep-alive).
int connection_error(const Host::State& host, CloseReason reason, bool in_progress);
/// Notices that a non-blocking connect finished (or failed, setting SO_ERROR).
void refresh_state(const Host::State& host, Network& net, Socket& s);
/// Records that `s` binds `port` on the host (bind() or the implicit bind of connect()).
void bind_port(Host::State& host, Socket& s, SocketAddress address);
/// Closes a socket's model endpoint (orderly or abortive) and removes it from the host.
void destroy_socket(Host::State& host, Network& net, SocketHandle handle, bool abortive);

}  // namespace detail
}  // namespace ws2sim::winsock

namespace ws2sim::winsock::detail {

/// The WSA and Win32 error codes the emulator's internals use (the drop-in headers define the
/// same values for programs).
namespace err {
inline constexpr int kEintr = 10004;
inline constexpr int kEfault = 10014;
inline constexpr int kEinval = 10022;
inline constexpr int kEinprogress = 10036;
inline constexpr int kEmfile = 10024;
inline constexpr int kEnotsock = 10038;
inline constexpr int kEnetdown = 10050;
inline constexpr int kEnetreset = 10052;
inline constexpr int kEconnaborted = 10053;
inline constexpr int kEconnreset = 10054;
inline constexpr int kEnotconn = 10057;
inline constexpr int kEtimedout = 10060;
inline constexpr int kEconnrefused = 10061;
inline constexpr int kNotInitialised = 10093;
inline constexpr int kInvalidFunction = 1;  // ERROR_INVALID_FUNCTION
}  // namespace err

}  // namespace ws2sim::winsock::detail
