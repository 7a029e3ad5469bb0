// The socket option table (option_table.h): one row per option, and the small functions that
// store and read each value. Defaults and length rules: docs/behaviour.md §4, §5 and §11.
#include "api/option_table.h"

#include <algorithm>
#include <iterator>

#include "backend/backend.h"
#include "rules/keepalive.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

namespace ws2sim::winsock::detail {

// The SO_PROTOCOL_INFOA/W and SO_BSP_STATE structures: api/option_structs.cc.
int get_protocol_info_a(OptionTarget& t, char* optval, int* optlen);
int get_protocol_info_w(OptionTarget& t, char* optval, int* optlen);
int get_bsp_state(OptionTarget& t, char* optval, int* optlen);

namespace {

constexpr std::uint32_t kMaxKeepAliveCount = 255;    // TCP_KEEPCNT (documented, observed)
constexpr std::uint32_t kMaxByteValue = 255;         // IP_TTL, IP_TOS, hop limits (observed)
constexpr std::uint32_t kNotConnected = 0xFFFFFFFF;  // SO_CONNECT_TIME before a connection
constexpr std::uint32_t kMaxUdpMessage = 65507;      // 65535 - IPv4 header - UDP header (KB 822061)
constexpr std::uint32_t kMaxUdp6Message = 65527;     // IPv6's length excludes its header
constexpr std::uint32_t kNoMessageLimit = 0xFFFFFFFF;  // stream sockets: no message size

std::uint32_t clamp_u32(std::int64_t v) {
  return static_cast<std::uint32_t>(std::clamp<std::int64_t>(v, 0, 0xFFFFFFFF));
}

std::uint32_t flag(bool b) {
  return b ? 1 : 0;
}

// Re-runs the model endpoint with the socket's keep-alive settings (listeners too: accepted
// sockets inherit them).
int keepalive_changed(OptionTarget& t) {
  t.call.backend().apply_keepalive(t.host, t.sock);
  return 0;
}

// ---- SO_KEEPALIVE and the IPPROTO_TCP keep-alive options (docs/behaviour.md §4, §5) -----------

int set_keepalive(OptionTarget& t, std::uint32_t on) {
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
std::uint32_t get_keepalive(OptionTarget& t) {
  return flag(t.sock.keepalive);
}

// TCP_KEEPIDLE / TCP_KEEPINTVL: seconds; they set the time without switching keep-alive on.
int check_keepalive_seconds(const OptionTarget& t, std::uint32_t seconds) {
  return seconds == 0 && t.host.profile->zero_keepalive_seconds_rejected.value ? WSAEINVAL : 0;
}
int set_keepidle(OptionTarget& t, std::uint32_t seconds) {
  if (const int e = check_keepalive_seconds(t, seconds); e != 0) {
    return e;
  }
  t.sock.keepalive_idle = seconds_u32(seconds);
  return keepalive_changed(t);
}
int set_keepintvl(OptionTarget& t, std::uint32_t seconds) {
  if (const int e = check_keepalive_seconds(t, seconds); e != 0) {
    return e;
  }
  t.sock.keepalive_interval = seconds_u32(seconds);
  return keepalive_changed(t);
}
int set_keepcnt(OptionTarget& t, std::uint32_t count) {
  if (count > kMaxKeepAliveCount) {
    return WSAEINVAL;
  }
  t.sock.keepalive_count = count;
  return keepalive_changed(t);
}
// Reads give the effective values: the socket's own (set in seconds or, through
// SIO_KEEPALIVE_VALS, in milliseconds: last writer wins), else the registry's, else Windows'.
std::uint32_t get_keepidle(OptionTarget& t) {
  return clamp_u32(whole_seconds(effective_keepalive(t.host, t.sock).idle));
}
std::uint32_t get_keepintvl(OptionTarget& t) {
  return clamp_u32(whole_seconds(effective_keepalive(t.host, t.sock).interval));
}
std::uint32_t get_keepcnt(OptionTarget& t) {
  return effective_keepalive(t.host, t.sock).probe_count;
}

// ---- Stored SOL_SOCKET and IP-level values -----------------------------------------------------

// A BOOL field of Socket, stored and read back.
template <bool Socket::*Field>
int set_bool(OptionTarget& t, std::uint32_t on) {
  t.sock.*Field = on != 0;
  return 0;
}
template <bool Socket::*Field>
std::uint32_t get_bool(OptionTarget& t) {
  return flag(t.sock.*Field);
}
// A 4-byte field of Socket, any value.
template <typename T, T Socket::*Field>
int set_word(OptionTarget& t, std::uint32_t v) {
  t.sock.*Field = static_cast<T>(v);
  return 0;
}
template <typename T, T Socket::*Field>
std::uint32_t get_word(OptionTarget& t) {
  return static_cast<std::uint32_t>(t.sock.*Field);
}
// A BOOL of IpOptions.
template <bool IpOptions::*Field>
int set_ip_bool(OptionTarget& t, std::uint32_t on) {
  t.sock.ip.*Field = on != 0;
  return 0;
}
template <bool IpOptions::*Field>
std::uint32_t get_ip_bool(OptionTarget& t) {
  return flag(t.sock.ip.*Field);
}
// A one-byte value of IpOptions (TTL, TOS, hop limits): above 255 is WSAEINVAL (observed).
template <std::uint8_t IpOptions::*Field>
int set_ip_byte(OptionTarget& t, std::uint32_t v) {
  if (v > kMaxByteValue) {
    return WSAEINVAL;
  }
  t.sock.ip.*Field = static_cast<std::uint8_t>(v);
  return 0;
}
template <std::uint8_t IpOptions::*Field>
std::uint32_t get_ip_byte(OptionTarget& t) {
  return t.sock.ip.*Field;
}

// SO_REUSEADDR and SO_EXCLUSIVEADDRUSE exclude each other: switching one on while the other is on
// fails with WSAEINVAL, in either order (observed, docs/behaviour.md §11).
int set_reuseaddr(OptionTarget& t, std::uint32_t on) {
  if (on != 0 && t.sock.exclusiveaddruse) {
    return WSAEINVAL;
  }
  t.sock.reuseaddr = on != 0;
  return 0;
}
int set_exclusiveaddruse(OptionTarget& t, std::uint32_t on) {
  if (on != 0 && t.sock.reuseaddr) {
    return WSAEINVAL;
  }
  t.sock.exclusiveaddruse = on != 0;
  return 0;
}

// struct linger is two u_shorts, l_onoff then l_linger: as a little-endian DWORD,
// l_onoff | l_linger << 16. l_onoff is kept as given (0x100 reads back 0x100: observed).
int set_linger(OptionTarget& t, std::uint32_t packed) {
  t.sock.linger_onoff = static_cast<std::uint16_t>(packed & 0xFFFF);
  t.sock.linger_seconds = static_cast<std::uint16_t>(packed >> 16);
  return 0;
}
std::uint32_t get_linger(OptionTarget& t) {
  return static_cast<std::uint32_t>(t.sock.linger_onoff) |
         static_cast<std::uint32_t>(t.sock.linger_seconds) << 16;
}
// SO_DONTLINGER is SO_LINGER's l_onoff inverted (documented): TRUE on a new socket.
int set_dontlinger(OptionTarget& t, std::uint32_t on) {
  t.sock.linger_onoff = on != 0 ? 0 : 1;
  return 0;
}
std::uint32_t get_dontlinger(OptionTarget& t) {
  return flag(t.sock.linger_onoff == 0);
}

// SO_ERROR: Windows lets a program set it, and reading it does not clear it (both observed:
// Wine's tests read back a value set, and read WSAECONNREFUSED twice after a refused connect).
int set_error(OptionTarget& t, std::uint32_t v) {
  t.sock.pending_error = static_cast<int>(v);
  return 0;
}
std::uint32_t get_error(OptionTarget& t) {
  return static_cast<std::uint32_t>(t.sock.pending_error);
}

std::uint32_t get_type(OptionTarget& t) {
  return static_cast<std::uint32_t>(t.sock.type);
}
std::uint32_t get_acceptconn(OptionTarget& t) {
  return flag(t.sock.state == SocketState::kListening);
}
std::uint32_t get_zero(OptionTarget&) {
  return 0;  // SO_GROUP_ID: socket groups are reserved, never formed
}
std::uint32_t get_max_msg_size(OptionTarget& t) {
  if (t.sock.type == SOCK_STREAM) {
    return kNoMessageLimit;
  }
  return t.sock.family == AF_INET6 ? kMaxUdp6Message : kMaxUdpMessage;
}

// SO_CONNECT_TIME: whole seconds since the connection was established.
std::uint32_t get_connect_time(OptionTarget& t) {
  if (t.sock.state != SocketState::kConnected || !t.sock.connected_at) {
    return kNotConnected;
  }
  return std::min(clamp_u32(whole_seconds(t.call.now() - *t.sock.connected_at)), kNotConnected - 1);
}

// TCP_MAXRT: seconds; stored and read back (0 until set: the system default).
int set_maxrt(OptionTarget& t, std::uint32_t seconds) {
  t.sock.maxrt_seconds = seconds;
  return 0;
}
std::uint32_t get_maxrt(OptionTarget& t) {
  return t.sock.maxrt_seconds.value_or(0);
}

// IP_DONTFRAGMENT / IPV6_DONTFRAG: until set, TRUE on stream sockets where the profile says so.
int set_dont_fragment(OptionTarget& t, std::uint32_t on) {
  t.sock.ip.dont_fragment = on != 0;
  return 0;
}
std::uint32_t get_dont_fragment(OptionTarget& t) {
  const bool stream_default =
      t.sock.type == SOCK_STREAM && t.host.profile->stream_dont_fragment.value;
  return flag(t.sock.ip.dont_fragment.value_or(stream_default));
}

// IP_HDRINCL belongs to raw sockets, which the emulator does not create: Vista and later refuse
// it on TCP and UDP sockets; earlier versions keep it on UDP sockets and fail a TCP socket's
// getsockopt (observed, Wine's tests).
int refuse_hdrincl(const OptionTarget& t, bool set) {
  if (t.host.profile->ip_hdrincl_raw_only.value) {
    return WSAEINVAL;
  }
  return !set && t.sock.type == SOCK_STREAM ? WSAENOPROTOOPT : 0;
}

// ---- The table ---------------------------------------------------------------------------------

constexpr const Graded<bool> Profile::*kEveryProfile = nullptr;
constexpr auto kB = Length::kBoolean;
constexpr auto kS = Length::kShort;
constexpr auto kD = Length::kDword;
constexpr auto kBlob = Length::kBlob;
constexpr auto kKeep = ShortBuffer::kUntouched;
constexpr auto kZeroBytes = ShortBuffer::kZeroBytes;
constexpr auto kZeroLen = ShortBuffer::kZeroLength;
constexpr auto kAny = Sockets::kAny;
constexpr auto kTcp = Sockets::kStream;

// clang-format off
// level, name, length, boolean, short buffer, sockets, available, refuse, set, get, get_blob
constexpr OptionSpec kOptions[] = {
    // SOL_SOCKET, docs/behaviour.md §4 and §11.
    {SOL_SOCKET, SO_KEEPALIVE, kB, true, kKeep, kTcp, kEveryProfile, nullptr,
     set_keepalive, get_keepalive, nullptr},
    {SOL_SOCKET, SO_DONTROUTE, kB, true, kKeep, kAny, kEveryProfile, nullptr,
     set_bool<&Socket::dontroute>, get_bool<&Socket::dontroute>, nullptr},
    {SOL_SOCKET, SO_REUSEADDR, kS, true, kKeep, kAny, kEveryProfile, nullptr,
     set_reuseaddr, get_bool<&Socket::reuseaddr>, nullptr},
    {SOL_SOCKET, SO_EXCLUSIVEADDRUSE, kS, true, kKeep, kAny, kEveryProfile, nullptr,
     set_exclusiveaddruse, get_bool<&Socket::exclusiveaddruse>, nullptr},
    {SOL_SOCKET, SO_BROADCAST, kS, true, kKeep, kAny, kEveryProfile, nullptr,
     set_bool<&Socket::broadcast>, get_bool<&Socket::broadcast>, nullptr},
    {SOL_SOCKET, SO_OOBINLINE, kS, true, kKeep, kAny, kEveryProfile, nullptr,
     set_bool<&Socket::oobinline>, get_bool<&Socket::oobinline>, nullptr},
    {SOL_SOCKET, SO_DONTLINGER, kS, true, kKeep, kTcp, kEveryProfile, nullptr,
     set_dontlinger, get_dontlinger, nullptr},
    {SOL_SOCKET, SO_DEBUG, kD, true, kKeep, kAny, kEveryProfile, nullptr,
     set_bool<&Socket::debug>, get_bool<&Socket::debug>, nullptr},
    {SOL_SOCKET, SO_CONDITIONAL_ACCEPT, kD, true, kKeep, kTcp, kEveryProfile, nullptr,
     set_bool<&Socket::conditional_accept>, get_bool<&Socket::conditional_accept>, nullptr},
    {SOL_SOCKET, SO_LINGER, kD, false, kZeroBytes, kTcp, kEveryProfile, nullptr,
     set_linger, get_linger, nullptr},
    {SOL_SOCKET, SO_RCVBUF, kD, false, kZeroBytes, kAny, kEveryProfile, nullptr,
     set_word<std::int32_t, &Socket::rcvbuf>, get_word<std::int32_t, &Socket::rcvbuf>, nullptr},
    {SOL_SOCKET, SO_SNDBUF, kD, false, kZeroBytes, kAny, kEveryProfile, nullptr,
     set_word<std::int32_t, &Socket::sndbuf>, get_word<std::int32_t, &Socket::sndbuf>, nullptr},
    {SOL_SOCKET, SO_RCVTIMEO, kD, false, kKeep, kAny, kEveryProfile, nullptr,
     set_word<std::uint32_t, &Socket::rcvtimeo_ms>,
     get_word<std::uint32_t, &Socket::rcvtimeo_ms>, nullptr},
    {SOL_SOCKET, SO_SNDTIMEO, kD, false, kKeep, kAny, kEveryProfile, nullptr,
     set_word<std::uint32_t, &Socket::sndtimeo_ms>,
     get_word<std::uint32_t, &Socket::sndtimeo_ms>, nullptr},
    {SOL_SOCKET, SO_ERROR, kD, false, kKeep, kAny, kEveryProfile, nullptr,
     set_error, get_error, nullptr},
    {SOL_SOCKET, SO_TYPE, kD, false, kKeep, kAny, kEveryProfile, nullptr,
     nullptr, get_type, nullptr},
    {SOL_SOCKET, SO_ACCEPTCONN, kD, true, kKeep, kAny, kEveryProfile, nullptr,
     nullptr, get_acceptconn, nullptr},
    {SOL_SOCKET, SO_GROUP_ID, kD, false, kKeep, kAny, kEveryProfile, nullptr,
     nullptr, get_zero, nullptr},
    {SOL_SOCKET, SO_MAX_MSG_SIZE, kD, false, kKeep, kAny, kEveryProfile, nullptr,
     nullptr, get_max_msg_size, nullptr},
    {SOL_SOCKET, SO_CONNECT_TIME, kD, false, kKeep, kAny, kEveryProfile, nullptr,
     nullptr, get_connect_time, nullptr},
    {SOL_SOCKET, SO_PROTOCOL_INFOA, kBlob, false, kKeep, kAny, kEveryProfile, nullptr,
     nullptr, nullptr, get_protocol_info_a},
    {SOL_SOCKET, SO_PROTOCOL_INFOW, kBlob, false, kKeep, kAny, kEveryProfile, nullptr,
     nullptr, nullptr, get_protocol_info_w},
    {SOL_SOCKET, SO_BSP_STATE, kBlob, false, kKeep, kAny, &Profile::so_bsp_state, nullptr,
     nullptr, nullptr, get_bsp_state},
    // IPPROTO_TCP, docs/behaviour.md §5.
    {IPPROTO_TCP, TCP_NODELAY, kB, true, kKeep, kTcp, kEveryProfile, nullptr,
     set_bool<&Socket::nodelay>, get_bool<&Socket::nodelay>, nullptr},
    {IPPROTO_TCP, TCP_KEEPALIVE, kD, false, kZeroLen, kTcp, &Profile::tcp_keepalive_option,
     nullptr, set_keepidle, get_keepidle, nullptr},
    {IPPROTO_TCP, TCP_KEEPCNT, kD, false, kZeroLen, kTcp, &Profile::tcp_keepcnt, nullptr,
     set_keepcnt, get_keepcnt, nullptr},
    {IPPROTO_TCP, TCP_KEEPINTVL, kD, false, kZeroLen, kTcp, &Profile::tcp_keepintvl, nullptr,
     set_keepintvl, get_keepintvl, nullptr},
    {IPPROTO_TCP, TCP_MAXRT, kD, false, kKeep, kTcp, kEveryProfile, nullptr,
     set_maxrt, get_maxrt, nullptr},
    // IPPROTO_IP, docs/behaviour.md §11.
    {IPPROTO_IP, IP_TTL, kS, false, kKeep, kAny, kEveryProfile, nullptr,
     set_ip_byte<&IpOptions::ttl>, get_ip_byte<&IpOptions::ttl>, nullptr},
    {IPPROTO_IP, IP_TOS, kS, false, kKeep, kAny, kEveryProfile, nullptr,
     set_ip_byte<&IpOptions::tos>, get_ip_byte<&IpOptions::tos>, nullptr},
    {IPPROTO_IP, IP_MULTICAST_TTL, kS, false, kKeep, kAny, kEveryProfile, nullptr,
     set_ip_byte<&IpOptions::multicast_ttl>, get_ip_byte<&IpOptions::multicast_ttl>, nullptr},
    {IPPROTO_IP, IP_MULTICAST_LOOP, kS, true, kKeep, kAny, kEveryProfile, nullptr,
     set_ip_bool<&IpOptions::multicast_loop>, get_ip_bool<&IpOptions::multicast_loop>, nullptr},
    {IPPROTO_IP, IP_DONTFRAGMENT, kS, true, kKeep, kAny, kEveryProfile, nullptr,
     set_dont_fragment, get_dont_fragment, nullptr},
    {IPPROTO_IP, IP_PKTINFO, kD, true, kZeroLen, kAny, kEveryProfile, nullptr,
     set_ip_bool<&IpOptions::pktinfo>, get_ip_bool<&IpOptions::pktinfo>, nullptr},
    {IPPROTO_IP, IP_RECVTOS, kD, true, kZeroLen, kAny, kEveryProfile, nullptr,
     set_ip_bool<&IpOptions::recvtos>, get_ip_bool<&IpOptions::recvtos>, nullptr},
    {IPPROTO_IP, IP_RECVTTL, kD, true, kZeroLen, kAny, kEveryProfile, nullptr,
     set_ip_bool<&IpOptions::recvttl>, get_ip_bool<&IpOptions::recvttl>, nullptr},
    {IPPROTO_IP, IP_HDRINCL, kD, true, kKeep, kAny, kEveryProfile, refuse_hdrincl,
     set_ip_bool<&IpOptions::hdrincl>, get_ip_bool<&IpOptions::hdrincl>, nullptr},
    // IPPROTO_IPV6, docs/behaviour.md §11.
    {IPPROTO_IPV6, IPV6_V6ONLY, kB, true, kKeep, kAny, kEveryProfile, nullptr,
     set_ip_bool<&IpOptions::v6only>, get_ip_bool<&IpOptions::v6only>, nullptr},
    {IPPROTO_IPV6, IPV6_UNICAST_HOPS, kS, false, kKeep, kAny, kEveryProfile, nullptr,
     set_ip_byte<&IpOptions::unicast_hops>, get_ip_byte<&IpOptions::unicast_hops>, nullptr},
    {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, kS, false, kKeep, kAny, kEveryProfile, nullptr,
     set_ip_byte<&IpOptions::multicast_hops>, get_ip_byte<&IpOptions::multicast_hops>, nullptr},
    {IPPROTO_IPV6, IPV6_MULTICAST_LOOP, kS, true, kKeep, kAny, kEveryProfile, nullptr,
     set_ip_bool<&IpOptions::v6_multicast_loop>, get_ip_bool<&IpOptions::v6_multicast_loop>,
     nullptr},
    {IPPROTO_IPV6, IPV6_DONTFRAG, kS, true, kKeep, kAny, kEveryProfile, nullptr,
     set_dont_fragment, get_dont_fragment, nullptr},
    {IPPROTO_IPV6, IPV6_HOPLIMIT, kD, true, kZeroLen, kAny, kEveryProfile, nullptr,
     set_ip_bool<&IpOptions::hoplimit>, get_ip_bool<&IpOptions::hoplimit>, nullptr},
    {IPPROTO_IPV6, IPV6_PKTINFO, kD, true, kZeroLen, kAny, kEveryProfile, nullptr,
     set_ip_bool<&IpOptions::v6_pktinfo>, get_ip_bool<&IpOptions::v6_pktinfo>, nullptr},
    {IPPROTO_IPV6, IPV6_RECVTCLASS, kD, true, kZeroLen, kAny, kEveryProfile, nullptr,
     set_ip_bool<&IpOptions::recvtclass>, get_ip_bool<&IpOptions::recvtclass>, nullptr},
};
// clang-format on

}  // namespace

const OptionSpec* find_option_spec(int level, int name) noexcept {
  const auto* it = std::find_if(std::begin(kOptions), std::end(kOptions), [&](const OptionSpec& o) {
    return o.level == level && o.name == name;
  });
  return it == std::end(kOptions) ? nullptr : it;
}

bool known_option_level(int level) noexcept {
  return level == SOL_SOCKET || level == IPPROTO_TCP || level == IPPROTO_IP ||
         level == IPPROTO_IPV6 || level == IPPROTO_UDP;
}

}  // namespace ws2sim::winsock::detail
