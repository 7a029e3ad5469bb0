// What programs meet beyond keep-alive's own calls, in virtual time (ws2sim only): loopback that
// takes no path, FD_CLOSE at the instant keep-alive drops a connection, keep-alive over IPv6,
// a resolver outage (docs/behaviour.md §14–§16, docs/names.md).
#include <cstring>
#include <string>

#include "ws2sim/conformance/sim.h"

namespace ws2sim::conformance {
namespace {

using winsock::HostScope;

// Probes with registry defaults (docs/behaviour.md §3): 5 where the registry gives the count,
// 10 where it is fixed.
std::uint32_t probes_of(const winsock::Profile& p) {
  return p.probe_count.value == winsock::ProbeCountRule::kRegistry ? 5U : 10U;
}

// SIO_KEEPALIVE_VALS {1, 10 s, 1 s} on `s`.
void keepalive_10s_1s(SimContext& ctx, SOCKET s) {
  tcp_keepalive ka{1, 10'000, 1'000};
  DWORD returned = 0;
  ctx.require(
      WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr) == 0,
      "SIO_KEEPALIVE_VALS");
}

SIM_CASE(LoopbackTakesNoPath, "LOOPBACK.no-path") {
  const char* id = "LOOPBACK.no-path";
  ctx.require(ctx.world().set_link(ctx.client(), ctx.server(), {.latency = 300ms}).ok(), "link");
  ctx.require(ctx.world().partition(ctx.client(), ctx.server()).ok(), "partition");
  const SOCKET l = ctx.tcp();
  sockaddr_in a = in4(0x7F000001, 0);
  int len = sizeof a;
  ctx.require(bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && listen(l, 1) == 0 &&
                  getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) == 0,
              "listen on 127.0.0.1");
  const Duration start = ctx.elapsed();
  ctx.check_error(id, error_of(connect(ctx.tcp(), reinterpret_cast<sockaddr*>(&a), sizeof a)), 0,
                  "connect to 127.0.0.1");
  ctx.check(id, ctx.elapsed() == start,
            "connected " + format_duration(ctx.elapsed() - start) + " after it started");
}

SIM_CASE(FdCloseAtTheKeepAliveDrop, "EVENTSELECT.keepalive-close") {
  const char* id = "EVENTSELECT.keepalive-close";
  const SOCKET s = ctx.tcp();
  keepalive_10s_1s(ctx, s);
  const SimContext::Pair pair = ctx.connect_pair(s);
  const WSAEVENT e = WSACreateEvent();
  ctx.require(WSAEventSelect(s, e, FD_READ | FD_CLOSE) == 0, "WSAEventSelect");
  ctx.require(ctx.world().crash(ctx.server()).ok(), "crash the server");
  ctx.check_eq(id, WSAWaitForMultipleEvents(1, &e, FALSE, WSA_INFINITE, FALSE), WSA_WAIT_EVENT_0,
               "the wait ends");
  const TimePoint expected = pair.established + 10s + probes_of(ctx.profile()) * 1s;
  ctx.check(id, ctx.world().now() == expected,
            "at " + format_time(ctx.world().now()) + ", expected " + format_time(expected));
  WSANETWORKEVENTS ne{};
  ctx.require(WSAEnumNetworkEvents(s, e, &ne) == 0, "WSAEnumNetworkEvents");
  ctx.check_eq(id, ne.lNetworkEvents, FD_CLOSE, "the recorded events");
  ctx.check_error(id, ne.iErrorCode[FD_CLOSE_BIT], WSAECONNABORTED, "iErrorCode[FD_CLOSE_BIT]");
  WSACloseEvent(e);
}

SIM_CASE(KeepAliveOverIpv6, "IPV6.keepalive") {
  const char* id = "IPV6.keepalive";
  ctx.require(ctx.client().set_ipv6_address("2001:db8::1").ok() &&
                  ctx.server().set_ipv6_address("2001:db8::2").ok(),
              "IPv6 addresses");
  sockaddr_in6 to{};
  to.sin6_family = AF_INET6;
  to.sin6_port = htons(8443);
  ctx.require(inet_pton(AF_INET6, "2001:db8::2", &to.sin6_addr) == 1, "inet_pton");
  SOCKET listener = INVALID_SOCKET;
  {
    HostScope on(ctx.server());
    listener = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    ctx.require(bind(listener, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
                    listen(listener, 1) == 0,
                "listen on [2001:db8::2]:8443");
  }
  const SOCKET s = ctx.keep(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP));
  keepalive_10s_1s(ctx, s);
  ctx.require(connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0, "connect over IPv6");
  const TimePoint established = ctx.world().now();
  ctx.check_error(id, ctx.crash_server_and_recv(s), WSAENETRESET, "the blocked recv");
  const TimePoint expected = established + 10s + probes_of(ctx.profile()) * 1s;
  ctx.check(id, ctx.world().now() == expected,
            "at " + format_time(ctx.world().now()) + ", expected " + format_time(expected));
  ctx.check_eq(id, ctx.client_probes().size(), probes_of(ctx.profile()), "probes sent");
}

SIM_CASE(AResolverOutageIsTryAgain, "NAMES.resolver-outage") {
  const char* id = "NAMES.resolver-outage";
  ctx.client().set_resolver({.delay = 3s, .answer = winsock::ResolverAnswer::kTryAgain});
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* found = nullptr;
  const Duration start = ctx.elapsed();
  ctx.check_eq(id, getaddrinfo("server", "443", &hints, &found), EAI_AGAIN, "a name");
  ctx.check(id, ctx.elapsed() - start == 3s,
            "failed " + format_duration(ctx.elapsed() - start) + " later, expected 3s");
  ctx.check_eq(id, getaddrinfo("10.0.0.2", "443", &hints, &found), 0, "a number");
  freeaddrinfo(found);
  found = nullptr;
  ctx.check_eq(id, getaddrinfo("localhost", "443", &hints, &found), 0, "localhost");
  freeaddrinfo(found);
  ctx.check(id, ctx.elapsed() - start == 3s, "numbers and localhost did not wait");
}

}  // namespace
}  // namespace ws2sim::conformance
