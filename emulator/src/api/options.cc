// setsockopt and getsockopt: the SOL_SOCKET and IPPROTO_TCP options, with the per-version rules
// of docs/behaviour.md §4 (BOOL options: the DWORD rule or the one-byte BOOLEAN rule) and §5 (the
// IPPROTO_TCP keep-alive options). Every per-version difference is a profile field; one table lists
// the options and small functions per option store and read the values.
//
// Order of the checks (Windows' order where known, else ours): generic errors (Call), the socket,
// the level (WSAEINVAL), the option (WSAENOPROTOOPT: unknown, missing on the profile, or not for
// this socket type), optval/optlen, then the option's own state and range checks. A failed call
// changes nothing.
#include <algorithm>
#include <cstring>
#include <iterator>

#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"
#include "rules/keepalive.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

constexpr int kDwordSize = static_cast<int>(sizeof(DWORD));
constexpr std::uint32_t kMaxKeepAliveCount = 255;    // TCP_KEEPCNT (documented, observed)
constexpr std::uint32_t kNotConnected = 0xFFFFFFFF;  // SO_CONNECT_TIME before a connection

// How an option's value is laid out in optval.
enum class Shape : std::uint8_t {
  kBool,    // BOOL: the profile's BoolOptionRule (the DWORD rule in strict-documentation mode)
  kDword,   // a 4-byte DWORD or int
  kLinger,  // struct linger (4 bytes)
};

// The socket an option call acts on.
struct Target {
  Call& call;
  Host::State& host;
  Socket& sock;
};

// A setter checks the socket's state and the value's range, then stores it: 0 or a WSA error.
// It changes nothing when it fails. A getter runs only once the caller's buffer is known to be
// large enough.
using Setter = int (*)(Target&, std::uint32_t value);
using Getter = std::uint32_t (*)(Target&);

struct Option {
  int level;
  int name;
  Shape shape;
  const Graded<bool> Profile::*available;  // nullptr: every profile has the option
  bool stream_only;                        // WSAENOPROTOOPT on datagram sockets
  bool zeroes_optlen;  // a get with 0 <= *optlen < 4 sets *optlen to 0 (TCP_KEEP*: observed)
  Setter set;          // nullptr: get-only (a set fails with WSAENOPROTOOPT)
  Getter get;
};

std::uint32_t clamp_u32(std::int64_t v) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(v, 0, 0xFFFFFFFF));
}

// Re-runs the model endpoint with the socket's keep-alive settings (listeners too: accepted
// sockets inherit them).
int keepalive_changed(Target& t) {
  t.call.backend().apply_keepalive(t.host, t.sock);
  return 0;
}

// ---- SO_KEEPALIVE and the IPPROTO_TCP keep-alive options (docs/behaviour.md §4, §5)
// -----------------------

int set_keepalive(Target& t, std::uint32_t on) {
  // Vista and later refuse the switch while a connect is in progress (documented).
  if (t.host.profile->keepalive_refused_while_connecting.value &&
      t.sock.state == SocketState::kConnecting) {
    return WSAEINVAL;
  }
  // setsockopt page: WSAENETRESET when keep-alive timed the connection out, WSAENOTCONN when
  // it was reset.
  if (const auto reason = t.call.backend().close_reason(t.sock)) {
    if (*reason == CloseReason::kKeepAliveTimeout) {
      return WSAENETRESET;
    }
    if (*reason == CloseReason::kResetByPeer) {
      return WSAENOTCONN;
    }
  }
  t.sock.keepalive = on != 0;
  return keepalive_changed(t);
}
std::uint32_t get_keepalive(Target& t) {
  return t.sock.keepalive ? 1 : 0;
}

// TCP_KEEPIDLE / TCP_KEEPINTVL: seconds; they set the time without switching keep-alive on.
int check_keepalive_seconds(const Target& t, std::uint32_t seconds) {
  return seconds == 0 && t.host.profile->zero_keepalive_seconds_rejected.value ? WSAEINVAL : 0;
}
int set_keepidle(Target& t, std::uint32_t seconds) {
  if (const int e = check_keepalive_seconds(t, seconds); e != 0) {
    return e;
  }
  t.sock.keepalive_idle = seconds_u32(seconds);
  return keepalive_changed(t);
}
int set_keepintvl(Target& t, std::uint32_t seconds) {
  if (const int e = check_keepalive_seconds(t, seconds); e != 0) {
    return e;
  }
  t.sock.keepalive_interval = seconds_u32(seconds);
  return keepalive_changed(t);
}
int set_keepcnt(Target& t, std::uint32_t count) {
  if (count > kMaxKeepAliveCount) {
    return WSAEINVAL;
  }
  t.sock.keepalive_count = count;
  return keepalive_changed(t);
}
// Reads give the effective values: the socket's own (set in seconds or, through
// SIO_KEEPALIVE_VALS, in milliseconds: last writer wins), else the registry's, else Windows'.
std::uint32_t get_keepidle(Target& t) {
  return clamp_u32(whole_seconds(effective_keepalive(t.host, t.sock).idle));
}
std::uint32_t get_keepintvl(Target& t) {
  return clamp_u32(whole_seconds(effective_keepalive(t.host, t.sock).interval));
}
std::uint32_t get_keepcnt(Target& t) {
  return effective_keepalive(t.host, t.sock).probe_count;
}

// ---- Other SOL_SOCKET options ----------------------------------------------------------------

int set_reuseaddr(Target& t, std::uint32_t on) {
  t.sock.reuseaddr = on != 0;
  return 0;
}
std::uint32_t get_reuseaddr(Target& t) {
  return t.sock.reuseaddr ? 1 : 0;
}

// struct linger travels through the table packed as l_onoff | l_linger << 16.
std::uint32_t pack_linger(const linger& l) {
  return static_cast<std::uint32_t>(l.l_onoff) | static_cast<std::uint32_t>(l.l_linger) << 16;
}
int set_linger(Target& t, std::uint32_t packed) {
  t.sock.linger_onoff = static_cast<std::uint16_t>(packed & 0xFFFF);
  t.sock.linger_seconds = static_cast<std::uint16_t>(packed >> 16);
  return 0;
}
std::uint32_t get_linger(Target& t) {
  return static_cast<std::uint32_t>(t.sock.linger_onoff) |
         static_cast<std::uint32_t>(t.sock.linger_seconds) << 16;
}

int set_rcvbuf(Target& t, std::uint32_t v) {
  t.sock.rcvbuf = static_cast<std::int32_t>(v);
  return 0;
}
std::uint32_t get_rcvbuf(Target& t) {
  return static_cast<std::uint32_t>(t.sock.rcvbuf);
}
int set_sndbuf(Target& t, std::uint32_t v) {
  t.sock.sndbuf = static_cast<std::int32_t>(v);
  return 0;
}
std::uint32_t get_sndbuf(Target& t) {
  return static_cast<std::uint32_t>(t.sock.sndbuf);
}

int set_rcvtimeo(Target& t, std::uint32_t ms) {
  t.sock.rcvtimeo_ms = ms;
  return 0;
}
std::uint32_t get_rcvtimeo(Target& t) {
  return t.sock.rcvtimeo_ms;
}
int set_sndtimeo(Target& t, std::uint32_t ms) {
  t.sock.sndtimeo_ms = ms;
  return 0;
}
std::uint32_t get_sndtimeo(Target& t) {
  return t.sock.sndtimeo_ms;
}

// SO_ERROR: Windows lets a program set it, and reading it does not clear it (both observed:
// Wine's tests read back a value set, and read WSAECONNREFUSED twice after a refused connect).
int set_error(Target& t, std::uint32_t v) {
  t.sock.pending_error = static_cast<int>(v);
  return 0;
}
std::uint32_t get_error(Target& t) {
  return static_cast<std::uint32_t>(t.sock.pending_error);
}

std::uint32_t get_type(Target& t) {
  return static_cast<std::uint32_t>(t.sock.type);
}
std::uint32_t get_acceptconn(Target& t) {
  return t.sock.state == SocketState::kListening ? 1 : 0;
}

// SO_CONNECT_TIME: whole seconds since the connection was established.
std::uint32_t get_connect_time(Target& t) {
  if (t.sock.state != SocketState::kConnected || !t.sock.connected_at) {
    return kNotConnected;
  }
  return std::min(clamp_u32(whole_seconds(t.call.now() - *t.sock.connected_at)), kNotConnected - 1);
}

// ---- IPPROTO_TCP -----------------------------------------------------------------------------

int set_nodelay(Target& t, std::uint32_t on) {
  t.sock.nodelay = on != 0;
  return 0;
}
std::uint32_t get_nodelay(Target& t) {
  return t.sock.nodelay ? 1 : 0;
}

// TCP_MAXRT: seconds; stored and read back (0 until set: the system default).
int set_maxrt(Target& t, std::uint32_t seconds) {
  t.sock.maxrt_seconds = seconds;
  return 0;
}
std::uint32_t get_maxrt(Target& t) {
  return t.sock.maxrt_seconds.value_or(0);
}

// ---- The table ---------------------------------------------------------------------------------

constexpr const Graded<bool> Profile::*kEveryProfile = nullptr;

// level, name, shape, available, stream_only, zeroes_optlen, set, get
constexpr Option kOptions[] = {
    {SOL_SOCKET, SO_KEEPALIVE, Shape::kBool, kEveryProfile, true, false, set_keepalive,
     get_keepalive},
    {SOL_SOCKET, SO_REUSEADDR, Shape::kBool, kEveryProfile, false, false, set_reuseaddr,
     get_reuseaddr},
    {SOL_SOCKET, SO_LINGER, Shape::kLinger, kEveryProfile, true, false, set_linger, get_linger},
    {SOL_SOCKET, SO_RCVBUF, Shape::kDword, kEveryProfile, false, false, set_rcvbuf, get_rcvbuf},
    {SOL_SOCKET, SO_SNDBUF, Shape::kDword, kEveryProfile, false, false, set_sndbuf, get_sndbuf},
    {SOL_SOCKET, SO_RCVTIMEO, Shape::kDword, kEveryProfile, false, false, set_rcvtimeo,
     get_rcvtimeo},
    {SOL_SOCKET, SO_SNDTIMEO, Shape::kDword, kEveryProfile, false, false, set_sndtimeo,
     get_sndtimeo},
    {SOL_SOCKET, SO_ERROR, Shape::kDword, kEveryProfile, false, false, set_error, get_error},
    {SOL_SOCKET, SO_TYPE, Shape::kDword, kEveryProfile, false, false, nullptr, get_type},
    {SOL_SOCKET, SO_ACCEPTCONN, Shape::kDword, kEveryProfile, false, false, nullptr,
     get_acceptconn},
    {SOL_SOCKET, SO_CONNECT_TIME, Shape::kDword, kEveryProfile, false, false, nullptr,
     get_connect_time},
    {IPPROTO_TCP, TCP_NODELAY, Shape::kBool, kEveryProfile, true, false, set_nodelay, get_nodelay},
    {IPPROTO_TCP, TCP_KEEPALIVE, Shape::kDword, &Profile::tcp_keepalive_option, true, true,
     set_keepidle, get_keepidle},
    {IPPROTO_TCP, TCP_KEEPCNT, Shape::kDword, &Profile::tcp_keepcnt, true, true, set_keepcnt,
     get_keepcnt},
    {IPPROTO_TCP, TCP_KEEPINTVL, Shape::kDword, &Profile::tcp_keepintvl, true, true, set_keepintvl,
     get_keepintvl},
    {IPPROTO_TCP, TCP_MAXRT, Shape::kDword, kEveryProfile, true, false, set_maxrt, get_maxrt},
};

// Levels Windows knows. Options of the IP levels are not emulated: WSAENOPROTOOPT, not WSAEINVAL.
bool known_level(int level) {
  return level == SOL_SOCKET || level == IPPROTO_TCP || level == IPPROTO_IP ||
         level == IPPROTO_IPV6 || level == IPPROTO_UDP;
}

// The option for (level, name) on this host and socket; 0 or a WSA error.
int find_option(const Host::State& h, const Socket& s, int level, int name, const Option** out) {
  if (!known_level(level)) {
    return WSAEINVAL;
  }
  const auto* it = std::find_if(std::begin(kOptions), std::end(kOptions), [&](const Option& o) {
    return o.level == level && o.name == name;
  });
  if (it == std::end(kOptions)) {
    return WSAENOPROTOOPT;
  }
  if (it->available != nullptr && !(h.profile->*(it->available)).value) {
    return WSAENOPROTOOPT;
  }
  if (it->stream_only && s.type != SOCK_STREAM) {
    return WSAENOPROTOOPT;
  }
  *out = it;
  return 0;
}

// True when the option uses the one-byte BOOLEAN rule on this host (docs/behaviour.md §4).
bool one_byte(const Host::State& h, const Option& o) {
  return o.shape == Shape::kBool && !h.switches.strict_documentation &&
         h.profile->bool_options.value == BoolOptionRule::kOneByteBoolean;
}

// Reads a setsockopt value; 0 or a WSA error.
int read_value(const Host::State& h, const Option& o, const char* optval, int optlen,
               std::uint32_t* out) {
  if (optval == nullptr) {
    return WSAEFAULT;
  }
  if (one_byte(h, o)) {
    // Any positive length; only the first byte counts (so 0x100 is FALSE). A negative length
    // is huge when read as unsigned: WSAENOBUFS, or WSAEFAULT on Windows 7 to 10 21H1.
    if (optlen < 0) {
      return h.profile->optlen_minus_one_error.value;
    }
    if (optlen == 0) {
      return WSAEFAULT;
    }
    *out = optval[0] != 0 ? 1 : 0;
    return 0;
  }
  // A negative optlen is a huge unsigned length on Vista and later: enough for a 4-byte
  // SOL_SOCKET value; the other levels refuse it (docs/behaviour.md §4).
  if (optlen < 0 && h.profile->negative_optlen_unsigned.value && !h.switches.strict_documentation) {
    if (o.level != SOL_SOCKET) {
      return h.profile->optlen_minus_one_error.value;
    }
  } else if (optlen < kDwordSize) {
    return WSAEFAULT;  // sizeof(DWORD) == sizeof(struct linger)
  }
  if (o.shape == Shape::kLinger) {
    linger l;
    std::memcpy(&l, optval, sizeof l);
    *out = pack_linger(l);
    return 0;
  }
  DWORD v;
  std::memcpy(&v, optval, sizeof v);
  *out = o.shape == Shape::kBool ? (v != 0 ? 1 : 0) : v;
  return 0;
}

// Whether a getsockopt buffer of *optlen bytes can take the value; 0 or a WSA error (with
// *optlen as Windows leaves it).
int check_room(const Host::State& h, const Option& o, int* optlen) {
  if (one_byte(h, o)) {
    return *optlen <= 0 ? WSAEFAULT : 0;  // *optlen left unchanged
  }
  if (*optlen >= kDwordSize) {
    return 0;
  }
  if (o.zeroes_optlen && *optlen >= 0) {
    *optlen = 0;
  }
  return WSAEFAULT;
}

void write_value(const Host::State& h, const Option& o, std::uint32_t value, char* optval,
                 int* optlen) {
  if (one_byte(h, o)) {
    optval[0] = value != 0 ? 1 : 0;
    *optlen = 1;
    return;
  }
  if (o.shape == Shape::kLinger) {
    linger l{};
    l.l_onoff = static_cast<u_short>(value & 0xFFFF);
    l.l_linger = static_cast<u_short>(value >> 16);
    std::memcpy(optval, &l, sizeof l);
  } else {
    const DWORD v = value;
    std::memcpy(optval, &v, sizeof v);
  }
  *optlen = kDwordSize;
}

}  // namespace

int WSAAPI setsockopt(SOCKET s, int level, int optname, const char* optval, int optlen) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket* sock = &call->sock();
  Host::State& h = call->host();
  call->backend().refresh(h, *sock);
  const Option* opt = nullptr;
  if (const int e = find_option(h, *sock, level, optname, &opt); e != 0) {
    return fail(e);
  }
  if (opt->set == nullptr) {
    return fail(WSAENOPROTOOPT);
  }
  std::uint32_t value = 0;
  if (const int e = read_value(h, *opt, optval, optlen, &value); e != 0) {
    return fail(e);
  }
  Target t{*call, h, *sock};
  if (const int e = opt->set(t, value); e != 0) {
    return fail(e);
  }
  return 0;
}

int WSAAPI getsockopt(SOCKET s, int level, int optname, char* optval, int* optlen) {
  auto call = Call::on_socket(s);
  if (!call) {
    return SOCKET_ERROR;
  }
  Socket* sock = &call->sock();
  Host::State& h = call->host();
  call->backend().refresh(h, *sock);
  const Option* opt = nullptr;
  if (const int e = find_option(h, *sock, level, optname, &opt); e != 0) {
    return fail(e);
  }
  if (optval == nullptr || optlen == nullptr) {
    return fail(WSAEFAULT);
  }
  if (const int e = check_room(h, *opt, optlen); e != 0) {
    return fail(e);
  }
  Target t{*call, h, *sock};
  write_value(h, *opt, opt->get(t), optval, optlen);
  return 0;
}
