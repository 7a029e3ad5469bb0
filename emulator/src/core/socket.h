// Socket — one emulated Winsock socket: what the program set on it and where its connection is.
// Not a public header. The API files (api/) read and write these fields; a backend (backend/)
// keeps its own part behind `endpoint`/`rx` (simulated) or `live` (real Linux socket).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>

#include "core/socket_table.h"
#include "ws2sim/model/address.h"
#include "ws2sim/model/fifo.h"
#include "ws2sim/model/heap_optional.h"
#include "ws2sim/model/network.h"
#include "ws2sim/model/time.h"

namespace ws2sim::winsock::detail {

/// SocketState — where a socket is in its life, as the Winsock functions see it.
enum class SocketState : std::uint8_t {
  kOpen,        // created, unbound
  kBound,       // bind() done
  kListening,   // listen() done
  kConnecting,  // connect() started, not finished
  kConnected,   // the connection was established at least once
  kFailed,      // connect() failed (refused, timed out)
};

struct LiveSocket;  // backend/live.cc: the real Linux socket of a live host's socket

/// IpOptions — the IPPROTO_IP and IPPROTO_IPV6 options, with Windows' defaults. Stored and read
/// back; the model does not act on them.
struct IpOptions {
  std::uint8_t ttl = 128;  // IP_TTL: Windows' DefaultTTL
  std::uint8_t tos = 0;
  std::uint8_t multicast_ttl = 1;
  bool multicast_loop = true;
  std::optional<bool> dont_fragment;  // unset: the profile's default for the socket type
  bool pktinfo = false;
  bool recvtos = false;
  bool recvttl = false;
  bool hdrincl = false;  // IP_HDRINCL where a profile lets non-raw sockets keep it
  bool v6only = true;    // IPV6_V6ONLY: TRUE on Windows (documented)
  std::uint8_t unicast_hops = 128;
  std::uint8_t multicast_hops = 1;
  bool v6_multicast_loop = true;
  bool hoplimit = false;
  bool v6_pktinfo = false;
  bool recvtclass = false;
};

/// EventSelect — a socket's WSAEventSelect association (docs/behaviour.md §15): the event, the
/// network events asked for, those recorded and not yet enumerated with their error codes, and
/// which may be recorded again (a recorded event waits for its re-enabling call).
struct EventSelect {
  std::uintptr_t event = 0;      // the WSAEVENT's handle
  std::uint32_t mask = 0;        // FD_* bits asked for
  std::uint32_t recorded = 0;    // FD_* bits recorded since the last WSAEnumNetworkEvents
  std::uint32_t spent = 0;       // FD_* bits recorded and not yet re-enabled
  std::array<int, 10> errors{};  // by FD_*_BIT
  bool connect_pending = false;  // a connect is in progress: FD_CONNECT when it settles
};

/// PortAssociation — the completion port a socket is associated with and the key its packets
/// carry (CreateIoCompletionPort).
struct PortAssociation {
  std::uintptr_t port = 0;
  std::uintptr_t key = 0;
};

/// Socket — one emulated socket.
struct Socket {
  SocketHandle handle = 0;
  int family = 0;
  int type = 0;
  int protocol = 0;
  bool overlapped = true;  // socket() sockets are; WSASocket without WSA_FLAG_OVERLAPPED are not
  SocketState state = SocketState::kOpen;
  std::optional<SocketAddress> local;  // bound address (explicit or implicit)
  bool owns_port = false;              // bound the port itself (accepted sockets share theirs)
  std::optional<SocketAddress> peer;   // connect() target
  bool nonblocking = false;

  // Keep-alive, stored apart from the on/off switch so values survive toggling
  // (docs/behaviour.md §3).
  bool keepalive = false;
  std::optional<Duration> keepalive_idle;        // SIO_KEEPALIVE_VALS (ms) or TCP_KEEPIDLE (s)
  std::optional<Duration> keepalive_interval;    // SIO_KEEPALIVE_VALS (ms) or TCP_KEEPINTVL (s)
  std::optional<std::uint32_t> keepalive_count;  // TCP_KEEPCNT

  // Other options (api/option_table.cc: defaults and rules, docs/behaviour.md §11).
  bool nodelay = false;
  bool reuseaddr = false;
  bool exclusiveaddruse = false;
  bool broadcast = false;
  bool oobinline = false;
  bool dontroute = false;
  bool debug = false;
  bool conditional_accept = false;
  std::uint16_t linger_onoff = 0;
  std::uint16_t linger_seconds = 0;
  std::int32_t rcvbuf = 65536;
  std::int32_t sndbuf = 65536;
  std::uint32_t rcvtimeo_ms = 0;
  std::uint32_t sndtimeo_ms = 0;
  std::optional<std::uint32_t> maxrt_seconds;  // TCP_MAXRT
  // SIO_TCP_INITIAL_RTO's MaxSynRetransmissions: SYN re-sends of the next connect (unset: the
  // system's; 0: none, TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS).
  std::optional<std::uint32_t> syn_retransmissions;
  IpOptions ip;

  int pending_error = 0;  // SO_ERROR
  bool send_shutdown = false;
  bool recv_shutdown = false;
  std::optional<TimePoint> connected_at;
  int blocked_calls = 0;                   // threads blocked in a call on this socket
  bool touched = false;                    // in Host::State::touched_sockets
  HeapOptional<EventSelect> event_select;  // WSAEventSelect, while lNetworkEvents is not 0
  // CreateIoCompletionPort's association (docs/behaviour.md §17): the port's handle and the
  // key its packets carry; SetFileCompletionNotificationModes' flag.
  HeapOptional<PortAssociation> completion_port;
  bool skip_port_on_success = false;
  // A socket AcceptEx or ConnectEx connected is in the default state of a connected socket until
  // SO_UPDATE_ACCEPT_CONTEXT / SO_UPDATE_CONNECT_CONTEXT: getsockname, getpeername and shutdown
  // fail with WSAENOTCONN meanwhile (documented; docs/behaviour.md §17).
  bool accept_context_pending = false;
  bool connect_context_pending = false;

  // The simulated backend's part: the model endpoint once listening or connecting, and bytes
  // already taken from it (no allocation until used).
  std::optional<EndpointId> endpoint;
  Fifo<std::uint8_t> rx;
  // The live backend's part: the real socket (shared: a blocked call keeps it open after close).
  std::shared_ptr<LiveSocket> live;
};

using SocketTable = BasicSocketTable<Socket>;

}  // namespace ws2sim::winsock::detail
