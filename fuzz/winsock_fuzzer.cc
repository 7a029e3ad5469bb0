// fuzz/winsock_fuzzer.cc — random sequences of Winsock calls with random arguments on two or three
// emulated hosts (socket lifecycle, options, ioctls, connects, waits, faults, time jumps), with
// the emulator's invariants checked after every call (docs/reliability.md):
//
//   1. Only documented error codes come back: each function has an explicit allowed set below
//      (kAllowed), taken from its Microsoft reference page, docs/behaviour.md §4-§6 and, marked
//      "emulator", the few codes ws2sim documents itself (world.h: WSAEINTR at the world's
//      horizon).
//   2. WSAGetLastError is set on every failure: the last error is set to a sentinel before each
//      call, and a failing call must have replaced it.
//   3. A failed call changes no state: a snapshot of every host (sockets and all their fields,
//      events, bound ports, WSAStartup count, and each socket's model endpoint) is taken before
//      and after, and must be identical. Exempt: a call that waited (a blocking function during
//      which virtual time moved or segments went on the wire: the world went on meanwhile) and
//      connect()'s WSAEWOULDBLOCK (documented: the connection attempt has started).
//   4. Handles never alias: every socket and event handle handed out is new within the world and
//      never INVALID_SOCKET or NULL.
//   5. Nothing leaks: the sockets the host holds are exactly those the calls opened and did not
//      close; after the final WSACleanup each host holds none; ASan's leak checker sees the rest.
//
// White-box on purpose: the snapshot reads the host's internal state
// (emulator/src/core/host_state.h), because "changes no state" must cover what the public API
// cannot show.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "backend/backend.h"
#include "core/host_state.h"
// The drop-in headers after ours, as the emulator's own sources include them.
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

namespace {

using namespace ws2sim;
using World = ws2sim::winsock::World;
using namespace ws2sim::winsock;
using namespace std::chrono_literals;

[[noreturn]] void violation(const std::string& what) {
  std::fprintf(stderr, "INVARIANT VIOLATED: %s\n", what.c_str());
  std::abort();
}

// ---- The allowed error codes --------------------------------------------------------------------

enum class Fn : std::uint8_t {
  kSocket,
  kWSASocket,
  kClosesocket,
  kBind,
  kListen,
  kAccept,
  kConnect,
  kSend,
  kRecv,
  kShutdown,
  kGetsockname,
  kGetpeername,
  kIoctlsocket,
  kSetsockopt,
  kGetsockopt,
  kWSAIoctl,
  kSelect,
  kWSAPoll,
  kWSAStartup,  // returns its error instead of setting the last error
  kWSACleanup,
  kWSACreateEvent,
  kEventOp,  // WSACloseEvent, WSASetEvent, WSAResetEvent
  kWSAWaitForMultipleEvents,
  kCloseHandle,
};

struct Allowed {
  Fn fn;
  const char* name;
  std::vector<int> errors;
};

// Every function also allows the generic errors of docs/behaviour.md §4 (WSANOTINITIALISED,
// WSAENETDOWN, WSAEINPROGRESS), added below where the page lists them. Sources: the function's page
// on learn.microsoft.com ("Return value" table), unless marked.
const std::vector<Allowed>& allowed_table() {
  static const std::vector<Allowed> table{
      {Fn::kSocket,
       "socket",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEAFNOSUPPORT, WSAEINPROGRESS, WSAEMFILE, WSAEINVAL,
        WSAENOBUFS, WSAEPROTONOSUPPORT, WSAEPROTOTYPE, WSAESOCKTNOSUPPORT}},
      {Fn::kWSASocket,
       "WSASocket",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEAFNOSUPPORT, WSAEFAULT, WSAEINPROGRESS, WSAEINVAL,
        WSAEMFILE, WSAENOBUFS, WSAEPROTONOSUPPORT, WSAEPROTOTYPE, WSAESOCKTNOSUPPORT}},
      {Fn::kClosesocket,
       "closesocket",
       {WSANOTINITIALISED, WSAENETDOWN, WSAENOTSOCK, WSAEINPROGRESS, WSAEINTR, WSAEWOULDBLOCK}},
      // bind: WSAEAFNOSUPPORT for an address of another family is not on the page but is what
      // Windows returns (error-codes page: "an address incompatible with the requested protocol").
      {Fn::kBind,
       "bind",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEACCES, WSAEADDRINUSE, WSAEADDRNOTAVAIL, WSAEFAULT,
        WSAEINPROGRESS, WSAEINVAL, WSAENOBUFS, WSAENOTSOCK, WSAEAFNOSUPPORT}},
      {Fn::kListen,
       "listen",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEADDRINUSE, WSAEINPROGRESS, WSAEINVAL, WSAEISCONN,
        WSAEMFILE, WSAENOBUFS, WSAENOTSOCK, WSAEOPNOTSUPP}},
      {Fn::kAccept,
       "accept",
       {WSANOTINITIALISED, WSAECONNRESET, WSAEFAULT, WSAEINTR, WSAEINVAL, WSAEINPROGRESS, WSAEMFILE,
        WSAENETDOWN, WSAENOBUFS, WSAENOTSOCK, WSAEOPNOTSUPP, WSAEWOULDBLOCK}},
      {Fn::kConnect,
       "connect",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEADDRINUSE, WSAEINTR, WSAEINPROGRESS, WSAEALREADY,
        WSAEADDRNOTAVAIL, WSAEAFNOSUPPORT, WSAECONNREFUSED, WSAEFAULT, WSAEINVAL, WSAEISCONN,
        WSAENETUNREACH, WSAEHOSTUNREACH, WSAENOBUFS, WSAENOTSOCK, WSAETIMEDOUT, WSAEWOULDBLOCK,
        WSAEACCES}},
      {Fn::kSend,
       "send",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEACCES, WSAEINTR, WSAEINPROGRESS, WSAEFAULT,
        WSAENETRESET, WSAENOBUFS, WSAENOTCONN, WSAENOTSOCK, WSAEOPNOTSUPP, WSAESHUTDOWN,
        WSAEWOULDBLOCK, WSAEMSGSIZE, WSAEHOSTUNREACH, WSAEINVAL, WSAECONNABORTED, WSAECONNRESET,
        WSAETIMEDOUT}},
      {Fn::kRecv,
       "recv",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEFAULT, WSAENOTCONN, WSAEINTR, WSAEINPROGRESS,
        WSAENETRESET, WSAENOTSOCK, WSAEOPNOTSUPP, WSAESHUTDOWN, WSAEWOULDBLOCK, WSAEMSGSIZE,
        WSAEINVAL, WSAECONNABORTED, WSAETIMEDOUT, WSAECONNRESET}},
      {Fn::kShutdown,
       "shutdown",
       {WSANOTINITIALISED, WSAENETDOWN, WSAECONNABORTED, WSAECONNRESET, WSAEINPROGRESS, WSAEINVAL,
        WSAENOTCONN, WSAENOTSOCK}},
      {Fn::kGetsockname,
       "getsockname",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEFAULT, WSAEINPROGRESS, WSAENOTSOCK, WSAEINVAL}},
      {Fn::kGetpeername,
       "getpeername",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEFAULT, WSAEINPROGRESS, WSAENOTCONN, WSAENOTSOCK}},
      // ioctlsocket: the page lists no code for an unknown command; ws2sim (like Windows for
      // an unsupported command) returns WSAEINVAL, "invalid argument".
      {Fn::kIoctlsocket,
       "ioctlsocket",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEINPROGRESS, WSAENOTSOCK, WSAEFAULT, WSAEINVAL}},
      // setsockopt: plus WSAENOBUFS for optlen -1 on the one-byte BOOL rule (docs/behaviour.md §4,
      // observed).
      {Fn::kSetsockopt,
       "setsockopt",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEFAULT, WSAEINPROGRESS, WSAEINVAL, WSAENETRESET,
        WSAENOPROTOOPT, WSAENOTCONN, WSAENOTSOCK, WSAENOBUFS}},
      {Fn::kGetsockopt,
       "getsockopt",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEFAULT, WSAEINPROGRESS, WSAEINVAL, WSAENOPROTOOPT,
        WSAENOTSOCK}},
      // WSAIoctl: plus WSAENOPROTOOPT for SIO_KEEPALIVE_VALS on a datagram socket
      // (docs/behaviour.md §6).
      {Fn::kWSAIoctl,
       "WSAIoctl",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEFAULT, WSAEINVAL, WSAEINPROGRESS, WSAENOTSOCK,
        WSAEOPNOTSUPP, WSA_IO_PENDING, WSAEWOULDBLOCK, WSAENOPROTOOPT, WSAEINTR}},
      {Fn::kSelect,
       "select",
       {WSANOTINITIALISED, WSAEFAULT, WSAENETDOWN, WSAEINVAL, WSAEINTR, WSAEINPROGRESS,
        WSAENOTSOCK}},
      // WSAPoll: plus the generic errors, WSAENOTSOCK when no entry is a socket (observed, Wine's
      // tests) and WSAEINTR at the world's horizon (emulator).
      {Fn::kWSAPoll,
       "WSAPoll",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEINPROGRESS, WSAEFAULT, WSAEINVAL, WSAENOBUFS,
        WSAENOTSOCK, WSAEINTR}},
      {Fn::kWSAStartup,
       "WSAStartup",
       {WSASYSNOTREADY, WSAVERNOTSUPPORTED, WSAEINPROGRESS, WSAEPROCLIM, WSAEFAULT}},
      {Fn::kWSACleanup, "WSACleanup", {WSANOTINITIALISED, WSAENETDOWN, WSAEINPROGRESS}},
      {Fn::kWSACreateEvent,
       "WSACreateEvent",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEINPROGRESS, WSA_NOT_ENOUGH_MEMORY}},
      {Fn::kEventOp,
       "WSACloseEvent/WSASetEvent/WSAResetEvent",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEINPROGRESS, WSA_INVALID_HANDLE}},
      {Fn::kWSAWaitForMultipleEvents,
       "WSAWaitForMultipleEvents",
       {WSANOTINITIALISED, WSAENETDOWN, WSAEINPROGRESS, WSA_NOT_ENOUGH_MEMORY, WSA_INVALID_HANDLE,
        WSA_INVALID_PARAMETER, WSAEINTR}},
      {Fn::kCloseHandle, "CloseHandle", {ERROR_INVALID_HANDLE}},
  };
  return table;
}

const Allowed& allowed(Fn fn) {
  for (const Allowed& a : allowed_table()) {
    if (a.fn == fn) return a;
  }
  violation("no allowed-error entry for a function");
}

constexpr int kSentinel = 0x5A5A;  // the last error before every call

// The functions that may block (wait in virtual time) in the emulator.
bool can_wait(Fn fn) {
  switch (fn) {
    case Fn::kConnect:
    case Fn::kAccept:
    case Fn::kRecv:
    case Fn::kSelect:
    case Fn::kWSAPoll:
    case Fn::kWSAWaitForMultipleEvents:
      return true;
    default:
      return false;
  }
}

// ---- The snapshot ------------------------------------------------------------------------------

void put(std::string& out, std::int64_t v) {
  out += std::to_string(v);
  out += ',';
}
void put(std::string& out, const std::optional<TimePoint>& t) {
  put(out, t ? (*t - kEpoch).count() : -1);
}
void put(std::string& out, const std::optional<SocketAddress>& a) {
  if (!a) {
    put(out, -1);
    return;
  }
  out += to_string(*a);
  out += ',';
}

// Brings every socket up to date with the model at the current instant (what any call on the
// socket does first), so that before and after compare like with like. Idempotent.
void catch_up(World& world) {
  for (Host* h : world.hosts()) {
    auto& sockets = h->state().sockets;
    winsock::detail::Backend& backend = *h->state().backend;
    for (const winsock::detail::SocketHandle handle : sockets.sorted_handles()) {
      winsock::detail::Socket& s = sockets.at(handle);
      backend.refresh(h->state(), s);
      (void)backend.bytes_readable(s);  // takes what the model received into the socket
    }
  }
}

std::string snapshot(World& world) {
  catch_up(world);
  Network& net = world.model().network();
  std::string out;
  put(out, (world.model().now() - kEpoch).count());
  put(out, static_cast<std::int64_t>(world.trace().events().size()));
  put(out, static_cast<std::int64_t>(net.endpoint_count()));
  put(out, static_cast<std::int64_t>(world.state().next_handle));  // a failure takes no handle
  put(out, static_cast<std::int64_t>(winsock::detail::thread_state().apcs.size()));
  for (Host* host : world.hosts()) {
    const Host::State& h = host->state();
    out += '|';
    put(out, h.startup_count);
    put(out, h.version);
    put(out, h.next_ephemeral);
    put(out, static_cast<std::int64_t>(h.socket_limit));
    for (const auto& r : h.registry)
      put(out, r ? static_cast<std::int64_t>(*r) : -1);
    put(out, h.switches.network_down);
    put(out, h.switches.no_keepalive_ioctl);
    put(out, h.switches.strict_documentation);
    for (const auto& [port, n] : h.bound_ports) {
      put(out, port);
      put(out, n);
    }
    for (const auto& [handle, object] : h.objects) {
      put(out, static_cast<std::int64_t>(handle));
      put(out, static_cast<int>(object->kind));
      put(out, object->signaled);
      put(out, object->count);
    }
    for (const winsock::detail::SocketHandle handle : h.sockets.sorted_handles()) {
      const winsock::detail::Socket& s = h.sockets.at(handle);
      out += '[';
      put(out, static_cast<std::int64_t>(handle));
      put(out, s.family);
      put(out, s.type);
      put(out, s.protocol);
      put(out, s.overlapped);
      put(out, static_cast<int>(s.state));
      put(out, s.endpoint
                   ? static_cast<std::int64_t>(s.endpoint->index) << 32 | s.endpoint->generation
                   : -1);
      put(out, s.local);
      put(out, s.owns_port);
      put(out, s.peer);
      put(out, s.nonblocking);
      put(out, s.keepalive);
      put(out, s.keepalive_idle ? s.keepalive_idle->count() : -1);
      put(out, s.keepalive_interval ? s.keepalive_interval->count() : -1);
      put(out, s.keepalive_count ? static_cast<std::int64_t>(*s.keepalive_count) : -1);
      put(out, s.nodelay);
      put(out, s.reuseaddr);
      put(out, s.linger_onoff);
      put(out, s.linger_seconds);
      put(out, s.rcvbuf);
      put(out, s.sndbuf);
      put(out, s.rcvtimeo_ms);
      put(out, s.sndtimeo_ms);
      put(out, s.maxrt_seconds ? static_cast<std::int64_t>(*s.maxrt_seconds) : -1);
      put(out, s.pending_error);
      put(out, s.send_shutdown);
      put(out, s.recv_shutdown);
      put(out, static_cast<std::int64_t>(s.rx.size()));
      put(out, s.connected_at);
      if (!s.endpoint) continue;
      const auto info = net.info(*s.endpoint);
      if (!info.ok()) {
        out += "gone,";
        continue;
      }
      put(out, static_cast<int>(info->state));
      put(out, info->close_reason ? static_cast<int>(*info->close_reason) : -1);
      put(out, std::optional<SocketAddress>{info->local});
      put(out, info->remote);
      put(out, static_cast<std::int64_t>(info->bytes_readable));
      put(out, static_cast<std::int64_t>(info->bytes_unacked));
      put(out, info->peer_closed);
      put(out, static_cast<std::int64_t>(info->accept_queue));
      put(out, info->probes_out);
      put(out, info->next_keepalive_check);
      const KeepAliveConfig& ka = info->options.keepalive;
      put(out, ka.enabled);
      put(out, ka.idle.count());
      put(out, ka.interval.count());
      put(out, ka.probe_count);
    }
  }
  return out;
}

// ---- The run
// -------------------------------------------------------------------------------------

std::uint32_t g_apcs_run = 0;
void CALLBACK completion(DWORD, DWORD, LPWSAOVERLAPPED, DWORD) {
  ++g_apcs_run;
}

struct Run {
  explicit Run(FuzzedDataProvider& p) : in(p), world(p.ConsumeIntegral<std::uint8_t>()) {}

  FuzzedDataProvider& in;
  World world;
  std::vector<Host*> hosts;
  std::unique_ptr<HostScope> scope;
  std::size_t current = 0;
  std::map<Host*, std::set<SOCKET>> open;  // what each host must hold
  std::vector<SOCKET> sockets;             // every socket handle handed out (any host)
  std::vector<WSAEVENT> events;            // every event handle handed out
  std::set<std::uintptr_t> issued;         // both, for the aliasing check
  std::deque<WSAOVERLAPPED> overlapped;    // stable addresses for the calls' lifetime
  std::deque<std::vector<char>> buffers;

  Host& host() { return *hosts[current]; }

  void bind_thread(std::size_t i) {
    scope.reset();
    current = i;
    scope = std::make_unique<HostScope>(*hosts[i]);
  }

  // ---- argument generators

  int small_int() {
    static constexpr int kValues[] = {0,  1,  -1,  2,   3,     4,    5,          8,
                                      16, 17, 255, 256, 0x100, 1000, 0x7FFFFFFF, INT32_MIN};
    return in.ConsumeBool() ? in.PickValueInArray(kValues) : in.ConsumeIntegral<int>();
  }
  DWORD dword() {
    static constexpr DWORD kValues[] = {0, 1, 2, 10, 255, 256, 1000, 60000, 7200000, 0xFFFFFFFF};
    return in.ConsumeBool() ? in.PickValueInArray(kValues) : in.ConsumeIntegral<DWORD>();
  }
  SOCKET pick_socket() {
    switch (in.ConsumeIntegralInRange(0, 9)) {
      case 0:
        return INVALID_SOCKET;
      case 1:
        return in.ConsumeIntegral<std::uint32_t>();
      case 2:
        return events.empty()
                   ? SOCKET{0}
                   : reinterpret_cast<SOCKET>(
                         events[in.ConsumeIntegralInRange<std::size_t>(0, events.size() - 1)]);
      default:
        if (sockets.empty()) return 0x100;
        return sockets[in.ConsumeIntegralInRange<std::size_t>(0, sockets.size() - 1)];
    }
  }
  WSAEVENT pick_event() {
    if (events.empty() || in.ConsumeIntegralInRange(0, 5) == 0) {
      return reinterpret_cast<WSAEVENT>(
          static_cast<std::uintptr_t>(in.ConsumeIntegral<std::uint16_t>()));
    }
    return events[in.ConsumeIntegralInRange<std::size_t>(0, events.size() - 1)];
  }
  int level() {
    static constexpr int kLevels[] = {SOL_SOCKET,  IPPROTO_TCP, IPPROTO_IP, IPPROTO_IPV6,
                                      IPPROTO_UDP, 0x8000,      -1,         0};
    return in.PickValueInArray(kLevels);
  }
  int optname() {
    static constexpr int kNames[] = {SO_KEEPALIVE,  SO_REUSEADDR,  SO_LINGER,       SO_RCVBUF,
                                     SO_SNDBUF,     SO_RCVTIMEO,   SO_SNDTIMEO,     SO_ERROR,
                                     SO_TYPE,       SO_ACCEPTCONN, SO_CONNECT_TIME, TCP_NODELAY,
                                     TCP_KEEPALIVE, TCP_KEEPCNT,   TCP_KEEPINTVL,   TCP_MAXRT};
    return in.ConsumeIntegralInRange(0, 7) == 0 ? small_int() : in.PickValueInArray(kNames);
  }
  // A sockaddr with a random family, address and port, and the length to pass.
  int address(sockaddr_storage* ss) {
    std::memset(ss, 0, sizeof *ss);
    auto* sin = reinterpret_cast<sockaddr_in*>(ss);
    static constexpr short kFamilies[] = {AF_INET, AF_INET, AF_INET, AF_INET6, 0, 99};
    sin->sin_family = in.PickValueInArray(kFamilies);
    static constexpr u_short kPorts[] = {0, 80, 443, 49152, 65535};
    sin->sin_port =
        htons(in.ConsumeBool() ? in.PickValueInArray(kPorts) : in.ConsumeIntegral<u_short>());
    std::uint32_t a = 0;
    switch (in.ConsumeIntegralInRange(0, 4)) {
      case 0:
        a = 0;
        break;
      case 1:
        a = in.ConsumeIntegral<std::uint32_t>();
        break;
      case 2:
        a = 0x0A000063;  // 10.0.0.99: no such host
        break;
      default:
        a = hosts[in.ConsumeIntegralInRange<std::size_t>(0, hosts.size() - 1)]->address().value;
    }
    sin->sin_addr.s_addr = htonl(a);
    static constexpr int kLengths[] = {16, 16, 16, 0, 8, 15, 28, 128, -1};
    return in.PickValueInArray(kLengths);
  }
  // A send/recv length: usually up to `typical`, sometimes negative or large (the buffer passed
  // is always as large as the length says: a program that lies about it is not under test).
  int io_length(int typical) {
    static constexpr int kOdd[] = {-1, INT32_MIN, 0, 1, 65536, 1 << 20};
    return in.ConsumeIntegralInRange(0, 7) == 0 ? in.PickValueInArray(kOdd)
                                                : in.ConsumeIntegralInRange(0, typical);
  }
  char* buffer(std::size_t n) {
    buffers.emplace_back(std::max<std::size_t>(n, 1));
    std::vector<char>& b = buffers.back();
    const std::vector<std::uint8_t> bytes = in.ConsumeBytes<std::uint8_t>(n);
    std::copy(bytes.begin(), bytes.end(), b.begin());
    return b.data();
  }
  Duration small_timeout() {
    static constexpr std::int64_t kMs[] = {0, 1, 10, 500, 1000, 21000, 60000};
    return std::chrono::milliseconds(in.PickValueInArray(kMs));
  }

  // ---- invariants

  // Runs one call. `f` returns true when the call failed; `error` is what it reported.
  template <typename F>
  void check(Fn fn, F&& f) {
    const std::string before = snapshot(world);
    const TimePoint t0 = world.now();
    const std::size_t events0 = world.trace().events().size();
    WSASetLastError(kSentinel);
    bool exempt = false;
    int error = 0;
    const bool failed = f(error, exempt);
    const Allowed& a = allowed(fn);
    if (failed) {
      if (error == kSentinel)
        violation(std::string(a.name) + " failed without setting the last error");
      if (std::find(a.errors.begin(), a.errors.end(), error) == a.errors.end()) {
        violation(std::string(a.name) + " failed with undocumented error " + std::to_string(error));
      }
      // A call that waited let the world go on: time moved, or (on 0-latency links) segments
      // went back and forth within the instant, e.g. a SYN answered by RST: WSAECONNREFUSED.
      const bool waited =
          can_wait(fn) && (world.now() != t0 || world.trace().events().size() != events0);
      // WSA_IO_PENDING is not a failure: the operation started and completes later, setting its
      // OVERLAPPED and event (an unknown control code completes with STATUS_NOT_SUPPORTED).
      const bool started = error == WSA_IO_PENDING;
      if (!exempt && !waited && !started) {
        const std::string after = snapshot(world);
        if (after != before) {
          violation(std::string(a.name) + " failed with " + std::to_string(error) +
                    " but changed state:\n before " + before + "\n after  " + after);
        }
      }
    }
    check_tables();
  }

  void new_handle(std::uintptr_t h) {
    if (h == 0 || h == INVALID_SOCKET) violation("a null or INVALID_SOCKET handle was handed out");
    if (!issued.insert(h).second) violation("handle " + std::to_string(h) + " handed out twice");
  }

  // The sockets each host holds are exactly the ones opened and not closed.
  void check_tables() {
    for (Host* h : hosts) {
      const auto& mine = open[h];
      if (h->socket_count() != mine.size()) {
        violation(std::string(h->name()) + " holds " + std::to_string(h->socket_count()) +
                  " sockets, expected " + std::to_string(mine.size()));
      }
      for (SOCKET s : mine) {
        if (!h->state().sockets.contains(s)) violation("an open socket disappeared");
      }
    }
  }

  void forget_host_programs(Host& h) { open[&h].clear(); }

  // ---- operations

  void op_socket() {
    static constexpr int kFamilies[] = {AF_INET, AF_INET, AF_INET6, AF_UNSPEC, 99};
    static constexpr int kTypes[] = {SOCK_STREAM, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, 0, 99};
    static constexpr int kProtocols[] = {0, 0, IPPROTO_TCP, IPPROTO_UDP, 99};
    const int af = in.PickValueInArray(kFamilies);
    const int type = in.PickValueInArray(kTypes);
    const int proto = in.PickValueInArray(kProtocols);
    const bool wsa = in.ConsumeBool();
    const DWORD flags = in.ConsumeBool() ? WSA_FLAG_OVERLAPPED : 0;
    const GROUP g = in.ConsumeIntegralInRange(0, 7) == 0 ? 1 : 0;
    check(wsa ? Fn::kWSASocket : Fn::kSocket, [&](int& error, bool&) {
      const SOCKET s =
          wsa ? WSASocketW(af, type, proto, nullptr, g, flags) : socket(af, type, proto);
      if (s == INVALID_SOCKET) {
        error = WSAGetLastError();
        return true;
      }
      new_handle(s);
      sockets.push_back(s);
      open[&host()].insert(s);
      return false;
    });
  }

  void op_closesocket() {
    const SOCKET s = pick_socket();
    check(Fn::kClosesocket, [&](int& error, bool&) {
      if (closesocket(s) != 0) {
        error = WSAGetLastError();
        return true;
      }
      if (open[&host()].erase(s) != 1) violation("closesocket succeeded on a socket not open here");
      return false;
    });
  }

  void op_bind_or_connect(bool connecting) {
    const SOCKET s = pick_socket();
    sockaddr_storage ss;
    const int len = address(&ss);
    const bool null_name = in.ConsumeIntegralInRange(0, 9) == 0;
    const auto* name = null_name ? nullptr : reinterpret_cast<const sockaddr*>(&ss);
    check(connecting ? Fn::kConnect : Fn::kBind, [&](int& error, bool& exempt) {
      const int r = connecting ? connect(s, name, len) : bind(s, name, len);
      if (r == 0) return false;
      error = WSAGetLastError();
      exempt = connecting && error == WSAEWOULDBLOCK;  // the attempt started (documented)
      return true;
    });
  }

  void op_listen() {
    const SOCKET s = pick_socket();
    const int backlog = in.ConsumeBool() ? SOMAXCONN : small_int();
    check(Fn::kListen, [&](int& error, bool&) {
      if (listen(s, backlog) == 0) return false;
      error = WSAGetLastError();
      return true;
    });
  }

  void op_accept() {
    const SOCKET s = pick_socket();
    sockaddr_storage ss;
    static constexpr int kLengths[] = {16, 16, 128, 0, 8, -1};
    int len = in.PickValueInArray(kLengths);
    const int mode = in.ConsumeIntegralInRange(0, 3);  // 0: no address; 1: NULL length
    check(Fn::kAccept, [&](int& error, bool&) {
      const SOCKET a = accept(s, mode == 0 ? nullptr : reinterpret_cast<sockaddr*>(&ss),
                              mode == 1 ? nullptr : &len);
      if (a == INVALID_SOCKET) {
        error = WSAGetLastError();
        return true;
      }
      new_handle(a);
      sockets.push_back(a);
      open[&host()].insert(a);
      return false;
    });
  }

  void op_send() {
    const SOCKET s = pick_socket();
    const int len = io_length(3000);
    const bool null_buf = in.ConsumeIntegralInRange(0, 9) == 0;
    char* buf = null_buf ? nullptr : buffer(len > 0 ? static_cast<std::size_t>(len) : 0);
    static constexpr int kFlags[] = {0, 0, 0, MSG_DONTROUTE, MSG_OOB, MSG_PEEK, 0x1000};
    const int flags = in.PickValueInArray(kFlags);
    check(Fn::kSend, [&](int& error, bool&) {
      const int r = send(s, buf, len, flags);
      if (r != SOCKET_ERROR) {
        if (r != len) violation("send returned a count other than its length");
        return false;
      }
      error = WSAGetLastError();
      return true;
    });
  }

  void op_recv() {
    const SOCKET s = pick_socket();
    const int len = io_length(4096);
    const bool null_buf = in.ConsumeIntegralInRange(0, 9) == 0;
    char* buf = null_buf ? nullptr : buffer(len > 0 ? static_cast<std::size_t>(len) : 0);
    static constexpr int kFlags[] = {0, 0, 0, MSG_PEEK, MSG_WAITALL, MSG_OOB, 0x1000};
    const int flags = in.PickValueInArray(kFlags);
    check(Fn::kRecv, [&](int& error, bool&) {
      const int r = recv(s, buf, len, flags);
      if (r != SOCKET_ERROR) {
        if (r < 0 || r > std::max(len, 0)) violation("recv returned more than asked for");
        return false;
      }
      error = WSAGetLastError();
      return true;
    });
  }

  void op_shutdown() {
    const SOCKET s = pick_socket();
    const int how = in.ConsumeIntegralInRange(-1, 3);
    check(Fn::kShutdown, [&](int& error, bool&) {
      if (shutdown(s, how) == 0) return false;
      error = WSAGetLastError();
      return true;
    });
  }

  void op_names() {
    const SOCKET s = pick_socket();
    const bool peer = in.ConsumeBool();
    sockaddr_storage ss;
    static constexpr int kLengths[] = {16, 16, 128, 0, 15, -1};
    int len = in.PickValueInArray(kLengths);
    const int mode = in.ConsumeIntegralInRange(0, 5);  // 0: NULL name; 1: NULL length
    check(peer ? Fn::kGetpeername : Fn::kGetsockname, [&](int& error, bool&) {
      auto* name = mode == 0 ? nullptr : reinterpret_cast<sockaddr*>(&ss);
      int* plen = mode == 1 ? nullptr : &len;
      if ((peer ? getpeername(s, name, plen) : getsockname(s, name, plen)) == 0) return false;
      error = WSAGetLastError();
      return true;
    });
  }

  void op_ioctlsocket() {
    const SOCKET s = pick_socket();
    // ioctlsocket's LONG parameter takes the u_long codes' bit patterns, as on Windows.
    static constexpr LONG kCmds[] = {static_cast<LONG>(FIONBIO), static_cast<LONG>(FIONBIO),
                                     static_cast<LONG>(FIONREAD), static_cast<LONG>(SIOCATMARK), 0};
    const LONG cmd = in.PickValueInArray(kCmds);
    u_long arg = in.ConsumeBool() ? 0 : 1;
    const bool null_arg = in.ConsumeIntegralInRange(0, 7) == 0;
    check(Fn::kIoctlsocket, [&](int& error, bool&) {
      if (ioctlsocket(s, cmd, null_arg ? nullptr : &arg) == 0) return false;
      error = WSAGetLastError();
      return true;
    });
  }

  void op_setsockopt() {
    const SOCKET s = pick_socket();
    const int lvl = level();
    const int name = optname();
    static constexpr int kLengths[] = {4, 4, 4, 1, 2, 0, -1, 3, 8};
    const int len = in.PickValueInArray(kLengths);
    char* val = in.ConsumeIntegralInRange(0, 9) == 0 ? nullptr : buffer(8);
    check(Fn::kSetsockopt, [&](int& error, bool&) {
      if (setsockopt(s, lvl, name, val, len) == 0) return false;
      error = WSAGetLastError();
      return true;
    });
  }

  void op_getsockopt() {
    const SOCKET s = pick_socket();
    const int lvl = level();
    const int name = optname();
    static constexpr int kLengths[] = {4, 4, 4, 1, 2, 0, -1, 3, 8};
    int len = in.PickValueInArray(kLengths);
    char val[8] = {};
    const int mode = in.ConsumeIntegralInRange(0, 9);  // 0: NULL value; 1: NULL length
    check(Fn::kGetsockopt, [&](int& error, bool&) {
      if (getsockopt(s, lvl, name, mode == 0 ? nullptr : val, mode == 1 ? nullptr : &len) == 0) {
        if (len < 0 || len > 8) violation("getsockopt wrote a length larger than the buffer");
        return false;
      }
      error = WSAGetLastError();
      return true;
    });
  }

  void op_wsaioctl() {
    const SOCKET s = pick_socket();
    static constexpr DWORD kCodes[] = {
        SIO_KEEPALIVE_VALS,           SIO_KEEPALIVE_VALS, static_cast<DWORD>(FIONBIO),
        static_cast<DWORD>(FIONREAD), SIO_FLUSH,          0};
    const DWORD code = in.ConsumeIntegralInRange(0, 9) == 0 ? in.ConsumeIntegral<DWORD>()
                                                            : in.PickValueInArray(kCodes);
    tcp_keepalive ka{in.ConsumeIntegralInRange<ULONG>(0, 1), dword(), dword()};
    static constexpr DWORD kInSizes[] = {12, 12, 12, 0, 4, 11, 16};
    const DWORD in_size = in.PickValueInArray(kInSizes);
    const bool null_in = in.ConsumeIntegralInRange(0, 9) == 0;
    char out[16] = {};
    const DWORD out_size = in.ConsumeBool() ? 0 : in.ConsumeIntegralInRange<DWORD>(0, 16);
    const bool null_out = in.ConsumeBool();
    DWORD returned = 0xDEAD;
    const bool null_returned = in.ConsumeIntegralInRange(0, 9) == 0;
    WSAOVERLAPPED* ov = nullptr;
    LPWSAOVERLAPPED_COMPLETION_ROUTINE routine = nullptr;
    if (in.ConsumeIntegralInRange(0, 3) == 0) {
      ov = &overlapped.emplace_back();
      ov->hEvent = pick_event();
      if (in.ConsumeBool()) routine = completion;
    }
    // A buffer at least as large as in_size claims.
    std::array<char, 16> inbuf{};
    std::memcpy(inbuf.data(), &ka, sizeof ka);
    check(Fn::kWSAIoctl, [&](int& error, bool&) {
      if (WSAIoctl(s, code, null_in ? nullptr : inbuf.data(), in_size, null_out ? nullptr : out,
                   out_size, null_returned ? nullptr : &returned, ov, routine) == 0) {
        return false;
      }
      error = WSAGetLastError();
      return true;
    });
  }

  void op_select() {
    std::array<fd_set, 3> sets{};
    std::array<bool, 3> used{};
    for (std::size_t i = 0; i < 3; ++i) {
      used[i] = in.ConsumeBool();
      const int n = in.ConsumeIntegralInRange(0, 4);
      for (int k = 0; k < n; ++k)
        sets[i].fd_array[sets[i].fd_count++] = pick_socket();
    }
    timeval tv{0, 0};
    const int mode = in.ConsumeIntegralInRange(0, 3);  // 0: NULL (wait for ever); 1: poll
    if (mode >= 2) {
      tv.tv_sec = in.ConsumeIntegralInRange(-1, 100);
      tv.tv_usec = in.ConsumeIntegralInRange(-1, 999999);
    }
    check(Fn::kSelect, [&](int& error, bool&) {
      const int r = select(0, used[0] ? &sets[0] : nullptr, used[1] ? &sets[1] : nullptr,
                           used[2] ? &sets[2] : nullptr, mode == 0 ? nullptr : &tv);
      if (r != SOCKET_ERROR) return false;
      error = WSAGetLastError();
      return true;
    });
  }

  void op_poll() {
    const int n = in.ConsumeIntegralInRange(0, 4);
    std::array<WSAPOLLFD, 4> fds{};
    for (int i = 0; i < n; ++i) {
      fds[static_cast<std::size_t>(i)].fd = pick_socket();
      static constexpr SHORT kEvents[] = {POLLRDNORM, POLLWRNORM, POLLRDNORM | POLLWRNORM,
                                          POLLIN,     POLLPRI,    0};
      fds[static_cast<std::size_t>(i)].events = in.PickValueInArray(kEvents);
    }
    static constexpr INT kTimeouts[] = {0, 0, 1, 100, 5000, -1};
    const INT timeout = in.PickValueInArray(kTimeouts);
    const bool null_array = in.ConsumeIntegralInRange(0, 9) == 0;
    check(Fn::kWSAPoll, [&](int& error, bool&) {
      const int r = WSAPoll(null_array ? nullptr : fds.data(), static_cast<ULONG>(n), timeout);
      if (r != SOCKET_ERROR) return false;
      error = WSAGetLastError();
      return true;
    });
  }

  void op_startup() {
    const WORD version = in.ConsumeBool() ? MAKEWORD(2, 2) : in.ConsumeIntegral<WORD>();
    WSADATA data;
    const bool null_data = in.ConsumeIntegralInRange(0, 9) == 0;
    check(Fn::kWSAStartup, [&](int& error, bool&) {
      error = WSAStartup(version, null_data ? nullptr : &data);
      return error != 0;
    });
  }

  void op_cleanup() {
    check(Fn::kWSACleanup, [&](int& error, bool&) {
      if (WSACleanup() != 0) {
        error = WSAGetLastError();
        return true;
      }
      if (host().state().startup_count == 0) forget_host_programs(host());
      return false;
    });
  }

  void op_event() {
    switch (in.ConsumeIntegralInRange(0, 4)) {
      case 0:
        check(Fn::kWSACreateEvent, [&](int& error, bool&) {
          const WSAEVENT e = WSACreateEvent();
          if (e == WSA_INVALID_EVENT) {
            error = WSAGetLastError();
            return true;
          }
          new_handle(reinterpret_cast<std::uintptr_t>(e));
          events.push_back(e);
          return false;
        });
        return;
      case 1:
      case 2:
      case 3: {
        const int which = in.ConsumeIntegralInRange(0, 2);
        const WSAEVENT e = pick_event();
        check(Fn::kEventOp, [&](int& error, bool&) {
          const BOOL ok = which == 0   ? WSACloseEvent(e)
                          : which == 1 ? WSASetEvent(e)
                                       : WSAResetEvent(e);
          if (ok) return false;
          error = WSAGetLastError();
          return true;
        });
        return;
      }
      default: {
        const auto h = reinterpret_cast<HANDLE>(pick_socket());
        check(Fn::kCloseHandle, [&](int& error, bool&) {
          if (CloseHandle(h)) return false;
          error = static_cast<int>(GetLastError());
          return true;
        });
      }
    }
  }

  void op_wait() {
    std::array<WSAEVENT, WSA_MAXIMUM_WAIT_EVENTS> list{};
    const DWORD n = in.ConsumeIntegralInRange(0, 9) == 0 ? in.ConsumeIntegralInRange<DWORD>(0, 70)
                                                         : in.ConsumeIntegralInRange<DWORD>(1, 3);
    for (DWORD i = 0; i < std::min<DWORD>(n, WSA_MAXIMUM_WAIT_EVENTS); ++i)
      list[i] = pick_event();
    const BOOL all = in.ConsumeBool();
    static constexpr DWORD kTimeouts[] = {0, 0, 10, 1000, WSA_INFINITE};
    const DWORD timeout = in.PickValueInArray(kTimeouts);
    const BOOL alertable = in.ConsumeBool();
    check(Fn::kWSAWaitForMultipleEvents, [&](int& error, bool&) {
      const DWORD r = WSAWaitForMultipleEvents(n, list.data(), all, timeout, alertable);
      if (r != WSA_WAIT_FAILED) return false;
      error = WSAGetLastError();
      return true;
    });
  }

  void op_fault() {
    Host& a = *hosts[in.ConsumeIntegralInRange<std::size_t>(0, hosts.size() - 1)];
    Host& b = *hosts[in.ConsumeIntegralInRange<std::size_t>(0, hosts.size() - 1)];
    switch (in.ConsumeIntegralInRange(0, 7)) {
      case 0:
        (void)world.crash(a);
        break;
      case 1:
        if (world.restart(a).ok()) forget_host_programs(a);
        break;
      case 2:
        if (world.reboot(a).ok()) forget_host_programs(a);
        break;
      case 3:
        (void)world.partition(a, b, in.ConsumeBool());
        break;
      case 4:
        (void)world.heal(a, b, in.ConsumeBool());
        break;
      case 5: {
        static constexpr double kLoss[] = {0.0, 0.0, 0.01, 0.3, 1.0};
        const PathConfig path{std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 200)),
                              in.PickValueInArray(kLoss)};
        (void)world.set_link(a, b, path);
        break;
      }
      case 6: {
        NatConfig nat;
        nat.idle_timeout = std::chrono::seconds(in.ConsumeIntegralInRange(1, 600));
        nat.on_expiry = in.ConsumeBool() ? NatExpiry::kDropSilently : NatExpiry::kReset;
        (void)world.add_nat(a, b, nat);
        break;
      }
      default: {
        // The registry and the host switches.
        const auto value = static_cast<RegistryValue>(in.ConsumeIntegralInRange(0, 3));
        if (in.ConsumeIntegralInRange(0, 3) == 0) {
          a.clear_registry(value);
        } else {
          (void)a.set_registry(value, dword());
        }
        if (in.ConsumeIntegralInRange(0, 3) == 0) {
          HostSwitches sw;
          sw.network_down = in.ConsumeIntegralInRange(0, 3) == 0;
          sw.no_keepalive_ioctl = in.ConsumeBool();
          sw.strict_documentation = in.ConsumeBool();
          if (in.ConsumeBool()) {
            sw.after_drop =
                in.ConsumeBool() ? AfterDropError::kNotConnected : AfterDropError::kConnectionReset;
          }
          a.set_switches(sw);
        }
        if (in.ConsumeIntegralInRange(0, 3) == 0) {
          (void)a.set_socket_limit(in.ConsumeIntegralInRange<std::size_t>(0, 40));
        }
      }
    }
    check_tables();
  }

  // Moves virtual time forward, by up to years, but runs at most a bounded number of events so
  // that one input stays fast (a busy connection can have millions of events in a year).
  void op_time() {
    static constexpr std::int64_t kSeconds[] = {
        0, 1, 10, 60, 7200, 7210, 86400, 31'536'000, 10 * 31'536'000LL};
    const Duration d = in.ConsumeBool()
                           ? Duration{std::chrono::seconds(in.PickValueInArray(kSeconds))}
                           : Duration{std::chrono::milliseconds(dword())};
    const TimePoint target = saturating_add(world.now(), d);
    Scheduler& sched = world.model().scheduler();
    for (int budget = 20'000; budget > 0; --budget) {
      const std::optional<TimePoint> next = sched.next_event_time();
      if (!next || *next > target) {
        (void)world.run_until(target);
        break;
      }
      sched.step();
    }
    check_tables();
  }

  void op_sleep() {
    const DWORD ms = static_cast<DWORD>(small_timeout().count() / 1'000'000);
    (void)SleepEx(ms, in.ConsumeBool());
    check_tables();
  }

  // A macro step that reaches the deep states quickly: a listener on one host, a connection to
  // it from another, accepted. Each call is checked like any other.
  void op_establish() {
    const std::size_t a = in.ConsumeIntegralInRange<std::size_t>(0, hosts.size() - 1);
    const std::size_t b = (a + 1) % hosts.size();
    const u_short port = static_cast<u_short>(in.ConsumeIntegralInRange(1, 3) * 1000);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    SOCKET listener = INVALID_SOCKET;
    bind_thread(a);
    check(Fn::kSocket, [&](int& error, bool&) {
      listener = socket(AF_INET, SOCK_STREAM, 0);
      if (listener == INVALID_SOCKET) return error = WSAGetLastError(), true;
      new_handle(listener);
      sockets.push_back(listener);
      open[&host()].insert(listener);
      return false;
    });
    check(Fn::kBind, [&](int& error, bool&) {
      if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return false;
      return error = WSAGetLastError(), true;
    });
    check(Fn::kListen, [&](int& error, bool&) {
      if (listen(listener, SOMAXCONN) == 0) return false;
      return error = WSAGetLastError(), true;
    });
    bind_thread(b);
    SOCKET client = INVALID_SOCKET;
    check(Fn::kSocket, [&](int& error, bool&) {
      client = socket(AF_INET, SOCK_STREAM, 0);
      if (client == INVALID_SOCKET) return error = WSAGetLastError(), true;
      new_handle(client);
      sockets.push_back(client);
      open[&host()].insert(client);
      return false;
    });
    addr.sin_addr.s_addr = htonl(hosts[a]->address().value);
    check(Fn::kConnect, [&](int& error, bool& exempt) {
      if (connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) return false;
      error = WSAGetLastError();
      exempt = error == WSAEWOULDBLOCK;
      return true;
    });
    bind_thread(a);
    check(Fn::kAccept, [&](int& error, bool&) {
      const SOCKET s = accept(listener, nullptr, nullptr);
      if (s == INVALID_SOCKET) return error = WSAGetLastError(), true;
      new_handle(s);
      sockets.push_back(s);
      open[&host()].insert(s);
      return false;
    });
  }

  void step() {
    // Blocking calls end at the horizon with WSAEINTR: keep each wait short in virtual time.
    world.set_horizon(
        saturating_add(world.now(), std::chrono::seconds(in.ConsumeIntegralInRange(1, 60))));
    switch (in.ConsumeIntegralInRange(0, 27)) {
      case 27:
        op_establish();
        break;
      case 0:
        bind_thread(in.ConsumeIntegralInRange<std::size_t>(0, hosts.size() - 1));
        break;
      case 1:
      case 2:
        op_socket();
        break;
      case 3:
        op_closesocket();
        break;
      case 4:
        op_bind_or_connect(false);
        break;
      case 5:
        op_listen();
        break;
      case 6:
        op_accept();
        break;
      case 7:
      case 8:
        op_bind_or_connect(true);
        break;
      case 9:
        op_send();
        break;
      case 10:
        op_recv();
        break;
      case 11:
        op_shutdown();
        break;
      case 12:
        op_names();
        break;
      case 13:
        op_ioctlsocket();
        break;
      case 14:
      case 15:
        op_setsockopt();
        break;
      case 16:
        op_getsockopt();
        break;
      case 17:
      case 18:
        op_wsaioctl();
        break;
      case 19:
        op_select();
        break;
      case 20:
        op_poll();
        break;
      case 21:
        op_startup();
        break;
      case 22:
        op_cleanup();
        break;
      case 23:
        op_event();
        break;
      case 24:
        op_wait();
        break;
      case 25:
        op_fault();
        break;
      default:
        if (in.ConsumeBool()) {
          op_time();
        } else {
          op_sleep();
        }
    }
  }

  void play() {
    const auto profiles = all_profiles();
    const std::size_t n = in.ConsumeIntegralInRange<std::size_t>(2, 3);
    for (std::size_t i = 0; i < n; ++i) {
      const Profile& p = profiles[in.ConsumeIntegralInRange<std::size_t>(0, profiles.size() - 1)];
      const std::string addr = "10.0.0." + std::to_string(i + 1);
      hosts.push_back(&world.add_host("h" + std::to_string(i), p.name, addr).value().get());
    }
    for (std::size_t i = 0; i < n; ++i) {
      bind_thread(i);
      WSADATA data;
      if (in.ConsumeIntegralInRange(0, 7) != 0 && WSAStartup(MAKEWORD(2, 2), &data) != 0) {
        violation("WSAStartup(2.2) failed on a fresh host");
      }
    }
    bind_thread(0);
    for (int steps = 0; steps < 200 && in.remaining_bytes() > 0; ++steps)
      step();
    finish();
  }

  // Runs queued completion routines, then WSACleanup until each host is back to no startup: no
  // host may hold a socket afterwards.
  void finish() {
    for (std::size_t i = 0; i < hosts.size(); ++i) {
      bind_thread(i);
      (void)SleepEx(0, TRUE);
      Host::State& h = hosts[i]->state();
      h.switches.network_down = false;  // WSACleanup itself fails while the network is down
      while (h.startup_count > 0) {
        if (WSACleanup() != 0) violation("WSACleanup failed with the network up");
      }
      forget_host_programs(*hosts[i]);
      if (hosts[i]->socket_count() != 0) violation("sockets left after the last WSACleanup");
    }
    scope.reset();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  Run run(in);
  run.play();
  return 0;
}
