// Loopback, IPv6 and dual stack as a program meets them (docs/behaviour.md §14, §16): binding
// and connecting on 127/8 and ::1, IPV6_V6ONLY's default and what clearing it does. Portable:
// these run on the emulator and, through the native backend, under Wine or on Windows; every
// connection stays on the machine running the case.
#include <cstddef>
#include <cstring>
#include <string>

#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

// [::] or [::1] (`loopback`) at `port`.
sockaddr_in6 in6(bool loopback, u_short port) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  if (loopback) {
    a.sin6_addr.s6_addr[15] = 1;
  }
  return a;
}

constexpr ULONG kLoopback = 0x7F000001;  // 127.0.0.1

template <typename Address>
int bind_to(SOCKET s, const Address& a) {
  return error_of(bind(s, reinterpret_cast<const sockaddr*>(&a), sizeof a));
}

template <typename Address>
int connect_to_address(SOCKET s, const Address& a) {
  return error_of(connect(s, reinterpret_cast<const sockaddr*>(&a), sizeof a));
}

// The port `s` is bound to (either family).
u_short port_of(SOCKET s) {
  sockaddr_storage a{};
  int len = sizeof a;
  if (getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    return 0;
  }
  return a.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port)
                                 : ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
}

SOCKET tcp6(Context& ctx) {
  const SOCKET s = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  ctx.require(s != INVALID_SOCKET, "socket(AF_INET6, SOCK_STREAM)");
  return ctx.keep(s);
}

// An AF_INET6 listener on [::]:0 (ephemeral port), IPV6_V6ONLY set to `v6only` first unless -1.
SOCKET listen6(Context& ctx, int v6only, bool loopback = false) {
  const SOCKET l = tcp6(ctx);
  if (v6only >= 0) {
    const DWORD value = static_cast<DWORD>(v6only);
    ctx.require(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&value),
                           sizeof value) == 0,
                "setsockopt(IPV6_V6ONLY)");
  }
  ctx.require(bind_to(l, in6(loopback, 0)) == 0 && listen(l, SOMAXCONN) == 0,
              "bind and listen on an AF_INET6 socket");
  return l;
}

// The address an accept on `l` returns, as text ("::ffff:127.0.0.1", "127.0.0.1"), with the
// length accept wrote; the accepted socket is kept.
std::string accept_text(Context& ctx, SOCKET l, int* length) {
  sockaddr_storage a{};
  *length = sizeof a;
  const SOCKET s = accept(l, reinterpret_cast<sockaddr*>(&a), length);
  ctx.require(s != INVALID_SOCKET, "accept");
  ctx.keep(s);
  char text[64] = {};
  const void* bytes =
      a.ss_family == AF_INET6
          ? static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&a)->sin6_addr)
          : static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&a)->sin_addr);
  if (inet_ntop(a.ss_family, const_cast<void*>(bytes), text, sizeof text) == nullptr) {
    return "?";
  }
  return text;
}

CONFORMANCE_CASE(EveryAddressOf127Slash8IsThisMachine, "LOOPBACK.bind", "LOOPBACK.connect") {
  const char* bind_id = "LOOPBACK.bind";
  ctx.check_error(bind_id, bind_to(ctx.tcp(), in4(kLoopback, 0)), 0, "bind 127.0.0.1:0");
  ctx.check_error(bind_id, bind_to(ctx.tcp(), in4(0x7F000002, 0)), 0, "bind 127.0.0.2:0");
  const char* id = "LOOPBACK.connect";
  const SOCKET l = ctx.tcp();
  ctx.require(bind_to(l, in4(kLoopback, 0)) == 0 && listen(l, SOMAXCONN) == 0,
              "listen on 127.0.0.1");
  const SOCKET c = ctx.tcp();
  ctx.check_error(id, connect_to_address(c, in4(kLoopback, port_of(l))), 0, "connect to 127.0.0.1");
  int length = 0;
  ctx.check(id, accept_text(ctx, l, &length) == "127.0.0.1", "the accepted peer is 127.0.0.1");
  sockaddr_in local{};
  int len = sizeof local;
  ctx.check(id,
            getsockname(c, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
                ntohl(local.sin_addr.s_addr) == kLoopback,
            "the client's own address is 127.0.0.1");
}

CONFORMANCE_CASE(Ipv6ConstantsAndLayouts, "IPV6.layout") {
  const char* id = "IPV6.layout";
  ctx.check_eq(id, AF_INET6, 23, "AF_INET6");
  ctx.check_eq(id, IPV6_V6ONLY, 27, "IPV6_V6ONLY");
  ctx.check_eq(id, sizeof(sockaddr_in6), 28U, "sizeof(sockaddr_in6)");
  ctx.check_eq(id, offsetof(sockaddr_in6, sin6_addr), 8U, "offsetof(sockaddr_in6, sin6_addr)");
  ctx.check_eq(id, offsetof(sockaddr_in6, sin6_scope_id), 24U,
               "offsetof(sockaddr_in6, sin6_scope_id)");
}

CONFORMANCE_CASE(Ipv6OnlyIsTheDefault, "IPV6.v6only.default", "IPV6.v6only.refuses-ipv4") {
  DWORD value = 7;
  int len = sizeof value;
  ctx.check_error("IPV6.v6only.default",
                  error_of(getsockopt(tcp6(ctx), IPPROTO_IPV6, IPV6_V6ONLY,
                                      reinterpret_cast<char*>(&value), &len)),
                  0, "getsockopt(IPV6_V6ONLY)");
  ctx.check_eq("IPV6.v6only.default", value, 1U, "IPV6_V6ONLY on a new AF_INET6 socket");
  const SOCKET l = listen6(ctx, -1);
  ctx.check_error("IPV6.v6only.refuses-ipv4",
                  connect_to_address(ctx.tcp(), in4(kLoopback, port_of(l))), WSAECONNREFUSED,
                  "IPv4 connect to an IPv6-only listener on [::]");
}

CONFORMANCE_CASE(Ipv6LoopbackConnects, "IPV6.loopback") {
  const char* id = "IPV6.loopback";
  const SOCKET l = listen6(ctx, -1, true);
  ctx.check_error(id, connect_to_address(tcp6(ctx), in6(true, port_of(l))), 0, "connect to ::1");
  int length = 0;
  ctx.check(id, accept_text(ctx, l, &length) == "::1", "the accepted peer is ::1");
  ctx.check_eq(id, length, 28, "accept's address length");
}

CONFORMANCE_CASE(ADualStackListenerSeesIpv4AsMapped, "IPV6.dual-stack.mapped") {
  const char* id = "IPV6.dual-stack.mapped";
  const SOCKET l = listen6(ctx, 0);
  ctx.check_error(id, connect_to_address(ctx.tcp(), in4(kLoopback, port_of(l))), 0,
                  "IPv4 connect to a dual-stack listener");
  int length = 0;
  ctx.check(id, accept_text(ctx, l, &length) == "::ffff:127.0.0.1",
            "the accepted IPv4 peer is ::ffff:127.0.0.1");
  ctx.check_eq(id, length, 28, "accept's address length");
}

CONFORMANCE_CASE(AnIpv4AndAnIpv6OnlySocketShareAPort, "IPV6.port-sharing") {
  const char* id = "IPV6.port-sharing";
  const SOCKET four = ctx.tcp();
  ctx.require(bind_to(four, in4(0, 0)) == 0, "bind 0.0.0.0:0");
  const u_short port = port_of(four);
  ctx.check_error(id, bind_to(tcp6(ctx), in6(false, port)), 0,
                  "bind [::] on the IPv4 socket's port (IPV6_V6ONLY set)");
  const SOCKET dual = tcp6(ctx);
  const DWORD off = 0;
  ctx.require(setsockopt(dual, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&off),
                         sizeof off) == 0,
              "clear IPV6_V6ONLY");
  ctx.check_error(id, bind_to(dual, in6(false, port)), WSAEADDRINUSE,
                  "bind a dual-stack [::] on the IPv4 socket's port");
}

CONFORMANCE_CASE(WithoutAnIpv6StackThereIsNoAf_Inet6, "IPV6.not-installed") {
  const char* id = "IPV6.not-installed";
  const SOCKET s = socket(AF_INET6, SOCK_STREAM, 0);
  const int error = s == INVALID_SOCKET ? WSAGetLastError() : 0;
  if (s != INVALID_SOCKET) closesocket(s);
  ctx.check_error(id, error, WSAEAFNOSUPPORT, "socket(AF_INET6, SOCK_STREAM, 0)");
  addrinfo hints{};
  hints.ai_family = AF_INET6;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo("localhost", nullptr, &hints, &found);
  freeaddrinfo(found);
  ctx.check_eq(id, rc, EAI_FAMILY, "getaddrinfo(\"localhost\") with AF_INET6 hints");
}

}  // namespace
}  // namespace ws2sim::conformance
