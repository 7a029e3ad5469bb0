// ws2sim/winsock/profile.h — what differs between Windows versions, as data.
//
// One table holds every emulated Windows version. Each row names its NT version and build, and
// every behaviour in it carries the evidence grade of docs/behaviour.md: whether a
// Microsoft page documents it, Wine's tests on real Windows observed it, an RFC requires it, or
// we inferred it (then it is a switch here, never a branch in code). The emulator reads these
// fields; nowhere does it compare version numbers.
//
//   const Profile* p = find_profile("windows-10-1703");
//   p->tcp_keepcnt.value;        // true: TCP_KEEPCNT exists from 10 1703
//   p->tcp_keepcnt.evidence;     // Evidence::kDocumented
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "ws2sim/model/time.h"

namespace ws2sim::winsock {

/// How sure we are of a behaviour (docs/behaviour.md, "Evidence grades").
enum class Evidence : std::uint8_t {
  kDocumented,  ///< Stated on a Microsoft documentation page.
  kObserved,    ///< Asserted by Wine's or .NET's tests that run on real Windows.
  kRfc,         ///< Required by RFC 1122 §4.2.3.6 / RFC 9293 §3.8.4.
  kInferred,    ///< Not confirmed by any source: our chosen default.
};
std::string_view to_string(Evidence e) noexcept;

/// A behaviour's value and how we know it.
template <typename T>
struct Graded {
  T value;
  Evidence evidence;
};

/// Where the keep-alive probe count comes from.
enum class ProbeCountRule : std::uint8_t {
  /// 2000/XP/2003: max(TcpMaxDataRetransmissions, PPTPTcpMaxDataRetransmissions), default 5,
  /// 0 = never probe, above 255 clamped to 255.
  kRegistry,
  /// Vista and later: always 10; the registry cannot change it (TCP_KEEPCNT can, where it exists).
  kFixedTen,
};

/// How BOOL-valued SOL_SOCKET options (SO_KEEPALIVE) read optval/optlen.
enum class BoolOptionRule : std::uint8_t {
  /// optlen must be at least sizeof(DWORD), else WSAEFAULT (the documented rule).
  kDword,
  /// Vista+ kernel: set accepts optlen 1, 2 or 4 and reads only the first byte; get writes one
  /// byte and sets *optlen = 1; optlen 0 -> WSAEFAULT; optlen -1 -> see `optlen_minus_one_error`.
  kOneByteBoolean,
};

/// Which WSA error later calls get after keep-alive dropped the connection (the getsockopt
/// page says WSAENOTCONN, the error-codes page WSAECONNRESET).
enum class AfterDropError : std::uint8_t { kNotConnected, kConnectionReset };

/// Product type, as OSVERSIONINFOEXW.wProductType reports it.
enum class ProductType : std::uint8_t { kWorkstation = 1, kServer = 3 };

/// One emulated Windows version.
struct Profile {
  std::string_view name;     ///< Stable id, e.g. "windows-10-1709".
  std::string_view display;  ///< e.g. "Windows 10 version 1709".
  std::uint32_t major;       ///< NT major version (5, 6, 10).
  std::uint32_t minor;       ///< NT minor version.
  std::uint32_t build;       ///< Build number (e.g. 16299).
  ProductType product;
  std::uint16_t service_pack;  ///< Major service pack level of the emulated release.

  Graded<ProbeCountRule> probe_count;
  /// SO_KEEPALIVE set while a connect is in progress fails with WSAEINVAL.
  Graded<bool> keepalive_refused_while_connecting;
  Graded<BoolOptionRule> bool_options;
  /// setsockopt(SO_KEEPALIVE) with optlen -1 (one-byte rule only): WSAENOBUFS or WSAEFAULT.
  Graded<int> optlen_minus_one_error;
  Graded<bool> tcp_keepalive_option;     ///< IPPROTO_TCP option 3 (TCP_KEEPALIVE = TCP_KEEPIDLE).
  Graded<bool> tcp_keepidle_documented;  ///< Documented as TCP_KEEPIDLE (10 1709+).
  Graded<bool> tcp_keepcnt;              ///< TCP_KEEPCNT (10 1703+).
  Graded<bool> tcp_keepintvl;            ///< TCP_KEEPINTVL (10 1709+).
  /// TCP_KEEPIDLE / TCP_KEEPINTVL of 0 fail with WSAEINVAL (Server 2019 and later).
  Graded<bool> zero_keepalive_seconds_rejected;
  Graded<AfterDropError> after_drop;
  Graded<bool> sio_keepalive_vals;  ///< WSAIoctl(SIO_KEEPALIVE_VALS) exists (2000 and later).
  /// The spacing of "back-to-back" probes when the interval is 0 (docs/behaviour.md §2): the
  /// stack's timer tick. A zero interval therefore gives a probe storm against a live peer (each
  /// probe is answered before the next) and detection after N ticks against a dead one.
  Graded<Duration> keepalive_timer_tick;
  /// setsockopt reads a negative optlen as the huge unsigned length it is: 4-byte SOL_SOCKET
  /// options accept it (reading 4 bytes), options of other levels fail with
  /// `optlen_minus_one_error` (docs/behaviour.md §4). Without it, below 4 bytes is WSAEFAULT.
  Graded<bool> negative_optlen_unsigned;
  /// A successful Winsock call sets the thread's last error to 0 (Windows 7 and later); older
  /// versions leave whatever was there (docs/behaviour.md §10).
  Graded<bool> success_clears_last_error;
  /// getsockopt(SO_BSP_STATE) exists (Vista / Server 2008 and later); before, WSAENOPROTOOPT.
  Graded<bool> so_bsp_state;
  /// IP_DONTFRAGMENT (IPV6_DONTFRAG) reads TRUE on a new stream socket (Vista and later); datagram
  /// sockets start FALSE everywhere (docs/behaviour.md §11).
  Graded<bool> stream_dont_fragment;
  /// IP_HDRINCL on a TCP or UDP socket fails with WSAEINVAL (Vista and later). Before, a datagram
  /// socket stores it and a stream socket's getsockopt fails with WSAENOPROTOOPT.
  Graded<bool> ip_hdrincl_raw_only;
  /// A connect answered with RST re-sends its SYN this many times, `refused_retry_interval`
  /// apart, before failing with WSAECONNREFUSED (docs/behaviour.md §12): about 2 s on Windows 10.
  Graded<std::uint32_t> refused_syn_retries;
  Graded<Duration> refused_retry_interval;
  /// WSAIoctl(SIO_TCP_INITIAL_RTO) exists (Windows 8 / Server 2012 and later).
  Graded<bool> sio_tcp_initial_rto;
  /// WSAIoctl(SIO_IDEAL_SEND_BACKLOG_QUERY) exists (Vista / Server 2008 and later).
  Graded<bool> ideal_send_backlog;
  /// WSAPoll exists (Vista / Server 2008 and later): the conformance statements about it apply.
  Graded<bool> wsapoll;
  /// An IPv6 stack is there by default (Vista / Server 2008 and later, with dual-stack sockets).
  /// Windows 2000 has none; XP and Server 2003 ship one that an administrator must install and
  /// that has no dual-stack sockets, so a default NT 5 host is IPv4-only: socket(AF_INET6) fails
  /// with WSAEAFNOSUPPORT and names resolve to IPv4 alone (docs/behaviour.md §16).
  Graded<bool> ipv6;
  /// GetQueuedCompletionStatusEx, CancelIoEx and SetFileCompletionNotificationModes exist (Vista
  /// / Server 2008 and later, their documented minimum). Before, a call fails with
  /// ERROR_PROC_NOT_FOUND, as a program that looks them up finds nothing (docs/behaviour.md §17).
  Graded<bool> completion_port_ex;
  /// ConnectEx and DisconnectEx exist (XP and later, documented): before, their
  /// SIO_GET_EXTENSION_FUNCTION_POINTER GUIDs are unknown (WSAEINVAL).
  Graded<bool> connectex;
};

/// Every emulated version, oldest first.
std::span<const Profile> all_profiles() noexcept;
/// The profile called `name`, or nullptr.
const Profile* find_profile(std::string_view name) noexcept;
/// The profile a real Windows version behaves as: the one with the same version and product
/// type, else the newest of that product type whose build is not above it; nullptr when the
/// version is older than every profile of its type.
const Profile* closest_profile(std::uint32_t major, std::uint32_t minor, std::uint32_t build,
                               bool server) noexcept;

/// NamedBehaviour — a yes-or-no behaviour of a profile, by name, so that text (the conformance
/// catalog's "profiles" rules) can say where a statement holds without naming Windows builds:
/// "tcp-keepcnt" holds where TCP_KEEPCNT exists, "!tcp-keepcnt" where it does not.
struct NamedBehaviour {
  std::string_view name;
  std::string_view meaning;         ///< One line, for error messages and documentation.
  bool (*holds)(const Profile& p);  ///< Reads one Profile field.
};
/// Every named behaviour.
std::span<const NamedBehaviour> named_behaviours() noexcept;
/// The behaviour called `name`, or nullptr.
const NamedBehaviour* find_behaviour(std::string_view name) noexcept;

}  // namespace ws2sim::winsock
