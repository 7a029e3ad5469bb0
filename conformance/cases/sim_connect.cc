// Connect timing in virtual time (ws2sim only): how long a refused connect takes and what
// SIO_TCP_INITIAL_RTO changes (docs/behaviour.md §12). The SYN re-send count and interval come
// from the profile table; the native backend checks the table against real Windows.
#include <cstring>
#include <string>

#include "ws2sim/conformance/sim.h"

namespace ws2sim::conformance {
namespace {

// The server's address at a port nobody listens on: every SYN is answered with RST.
sockaddr_in closed_port() {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(8081);
  a.sin_addr.s_addr = htonl(0x0A000002);  // 10.0.0.2
  return a;
}

// Blocking connect to the closed port: error_of(connect).
int connect_closed(SOCKET s) {
  sockaddr_in a = closed_port();
  return error_of(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a));
}

// One round trip between the hosts (1 ms each way).
constexpr Duration kRoundTrip = std::chrono::milliseconds(2);

SIM_CASE(RefusedConnectResendsItsSyn, "CONNECT.refused.resends") {
  const char* id = "CONNECT.refused.resends";
  const auto& p = ctx.profile();
  const SOCKET s = ctx.tcp();
  const TimePoint start = ctx.world().now();
  ctx.check_error(id, connect_closed(s), WSAECONNREFUSED, "blocking connect to a closed port");
  const std::uint32_t retries = p.refused_syn_retries.value;
  const Duration expected = kRoundTrip * (retries + 1) + p.refused_retry_interval.value * retries;
  ctx.check(id, ctx.world().now() - start == expected,
            "refused after " + format_duration(ctx.world().now() - start) + ", expected " +
                format_duration(expected) + " (" + std::to_string(retries) + " SYNs re-sent " +
                format_duration(p.refused_retry_interval.value) + " after each RST)");
  const auto refused = ctx.client_close(CloseReason::kConnectionRefused);
  ctx.check(id, refused && *refused == start + expected, "the trace's connection-refused instant");
}

// SIO_TCP_INITIAL_RTO with MaxSynRetransmissions `max` on `s`.
int set_initial_rto(SOCKET s, UCHAR max) {
  TCP_INITIAL_RTO_PARAMETERS params{};
  params.Rtt = TCP_INITIAL_RTO_UNSPECIFIED_RTT;
  params.MaxSynRetransmissions = max;
  DWORD returned = 0;
  return error_of(WSAIoctl(s, SIO_TCP_INITIAL_RTO, &params, sizeof params, nullptr, 0, &returned,
                           nullptr, nullptr));
}

SIM_CASE(InitialRtoCanRemoveTheResends, "SIO_TCP_INITIAL_RTO.no-syn-retransmissions",
         "SIO_TCP_INITIAL_RTO.max-syn-retransmissions") {
  const SOCKET none = ctx.tcp();
  const char* id = "SIO_TCP_INITIAL_RTO.no-syn-retransmissions";
  ctx.check_error(id, set_initial_rto(none, TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS), 0,
                  "SIO_TCP_INITIAL_RTO(NO_SYN_RETRANSMISSIONS)");
  TimePoint start = ctx.world().now();
  ctx.check_error(id, connect_closed(none), WSAECONNREFUSED, "connect to a closed port");
  ctx.check(
      id, ctx.world().now() - start == kRoundTrip,
      "refused after " + format_duration(ctx.world().now() - start) + ", expected one round trip");
  const char* max_id = "SIO_TCP_INITIAL_RTO.max-syn-retransmissions";
  const SOCKET one = ctx.tcp();
  ctx.check_error(max_id, set_initial_rto(one, 1), 0, "SIO_TCP_INITIAL_RTO(1)");
  start = ctx.world().now();
  ctx.check_error(max_id, connect_closed(one), WSAECONNREFUSED, "connect to a closed port");
  const Duration expected = kRoundTrip * 2 + ctx.profile().refused_retry_interval.value;
  ctx.check(max_id, ctx.world().now() - start == expected,
            "refused after " + format_duration(ctx.world().now() - start) + ", expected " +
                format_duration(expected));
}

// A blocking connect to the server's listener with the server partitioned away: no answer.
int connect_silent(SimContext& ctx, SOCKET s) {
  ctx.require(ctx.world().partition(ctx.client(), ctx.server()).ok(), "partition");
  return ctx.connect(s);
}

SIM_CASE(MaxRtBoundsAConnect, "TCP_MAXRT.connect-deadline", "TCP_MAXRT.refused-first") {
  const char* id = "TCP_MAXRT.connect-deadline";
  // Unanswered: the system gives up after 3 + 6 + 12 s; TCP_MAXRT 5 ends it at 5 s.
  const SOCKET silent = ctx.tcp();
  ctx.check_error(id, error_of(set_dword(silent, IPPROTO_TCP, TCP_MAXRT, 5)), 0, "TCP_MAXRT 5");
  TimePoint start = ctx.world().now();
  ctx.check_error(id, connect_silent(ctx, silent), WSAETIMEDOUT, "connect nobody answers");
  ctx.check(id, ctx.world().now() - start == std::chrono::seconds(5),
            "timed out after " + format_duration(ctx.world().now() - start) + ", expected 5s");
  ctx.require(ctx.world().heal(ctx.client(), ctx.server()).ok(), "heal");
  // Refused within the deadline: still WSAECONNREFUSED, at the usual time.
  const char* refused_id = "TCP_MAXRT.refused-first";
  const SOCKET refused = ctx.tcp();
  ctx.check_error(refused_id, error_of(set_dword(refused, IPPROTO_TCP, TCP_MAXRT, 60)), 0,
                  "TCP_MAXRT 60");
  start = ctx.world().now();
  ctx.check_error(refused_id, connect_closed(refused), WSAECONNREFUSED, "closed port");
  const auto& p = ctx.profile();
  const Duration expected = kRoundTrip * (p.refused_syn_retries.value + 1) +
                            p.refused_retry_interval.value * p.refused_syn_retries.value;
  ctx.check(refused_id, ctx.world().now() - start == expected,
            "refused after " + format_duration(ctx.world().now() - start) + ", expected " +
                format_duration(expected));
  // A deadline shorter than the re-sends: timed out, not refused.
  const SOCKET short_deadline = ctx.tcp();
  ctx.check_error(refused_id, error_of(set_dword(short_deadline, IPPROTO_TCP, TCP_MAXRT, 1)), 0,
                  "TCP_MAXRT 1");
  start = ctx.world().now();
  const int e = connect_closed(short_deadline);
  if (p.refused_retry_interval.value >= std::chrono::seconds(1)) {
    ctx.check_error(refused_id, e, WSAETIMEDOUT, "closed port, 1 s deadline");
    ctx.check(refused_id, ctx.world().now() - start == std::chrono::seconds(1),
              "timed out after " + format_duration(ctx.world().now() - start) + ", expected 1s");
  }
}

SIM_CASE(ConnectTimeCountsWholeSeconds, "SO_CONNECT_TIME.not-connected",
         "SO_CONNECT_TIME.seconds") {
  const char* none = "SO_CONNECT_TIME.not-connected";
  const DWORD kNotConnected = 0xFFFFFFFF;
  const SOCKET fresh = ctx.tcp();
  ctx.check_eq(none, get_dword(fresh, SOL_SOCKET, SO_CONNECT_TIME).value, kNotConnected,
               "a new socket");
  ctx.check_eq(none, get_dword(ctx.listening_tcp(), SOL_SOCKET, SO_CONNECT_TIME).value,
               kNotConnected, "a listening socket");
  const SOCKET pending = ctx.tcp();
  ctx.require(ctx.connect_nonblocking(pending) == WSAEWOULDBLOCK, "non-blocking connect");
  ctx.check_eq(none, get_dword(pending, SOL_SOCKET, SO_CONNECT_TIME).value, kNotConnected,
               "a connect in progress");
  const char* id = "SO_CONNECT_TIME.seconds";
  const SOCKET c = ctx.tcp();
  const auto pair = ctx.connect_pair(c);
  ctx.check_eq(id, get_dword(c, SOL_SOCKET, SO_CONNECT_TIME).value, 0, "just connected");
  ctx.require(ctx.world().run_until(pair.established + std::chrono::milliseconds(90'999)).ok(),
              "run 91 s");
  ctx.check_eq(id, get_dword(c, SOL_SOCKET, SO_CONNECT_TIME).value, 90,
               "90.999 s later: whole seconds");
  winsock::HostScope on_server(ctx.server());
  const Got accepted = get_dword(pair.peer, SOL_SOCKET, SO_CONNECT_TIME);
  ctx.check(id, accepted.outcome == 0 && accepted.value >= 90 && accepted.value <= 91,
            "the accepted socket counts from its own establishment: got " +
                std::to_string(accepted.value));
}

SIM_CASE(AConnectingSocketAnswers, "CONNECT.in-progress") {
  const char* id = "CONNECT.in-progress";
  ctx.require(ctx.world().partition(ctx.client(), ctx.server()).ok(), "partition");
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, ctx.connect_nonblocking(s), WSAEWOULDBLOCK, "non-blocking connect");
  ctx.check_error(id, ctx.connect(s), WSAEALREADY, "connect again while it is in progress");
  sockaddr_in a{};
  int len = sizeof a;
  ctx.check_error(id, error_of(getsockname(s, reinterpret_cast<sockaddr*>(&a), &len)), 0,
                  "getsockname");
  ctx.check(id, a.sin_port != 0, "a local port was chosen");
  len = sizeof a;
  ctx.check_error(id, error_of(getpeername(s, reinterpret_cast<sockaddr*>(&a), &len)), 0,
                  "getpeername");
  ctx.check_eq(id, ntohs(a.sin_port), 443, "the peer being connected to");
  char buf[4];
  ctx.check_error(id, error_of(recv(s, buf, sizeof buf, 0)), WSAENOTCONN, "recv");
  ctx.check_error(id, error_of(send(s, "data", 4, 0)), WSAENOTCONN, "send");
}

SIM_CASE(InitialRtoIsMissingBeforeWindows8, "SIO_TCP_INITIAL_RTO.missing") {
  ctx.check_error("SIO_TCP_INITIAL_RTO.missing",
                  set_initial_rto(ctx.tcp(), TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS), WSAEOPNOTSUPP,
                  "WSAIoctl(SIO_TCP_INITIAL_RTO)");
}

}  // namespace
}  // namespace ws2sim::conformance
