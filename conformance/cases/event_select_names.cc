// WSAEventSelect and name resolution as a program meets them (docs/behaviour.md §15,
// docs/names.md): the socket made non-blocking, FD_ACCEPT / FD_READ / FD_CLOSE recorded and
// enumerated, localhost and numeric names, the Windows addrinfo layout. Portable: these run on
// the emulator and, through the native backend, under Wine or on Windows, all on loopback.
#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

constexpr DWORD kWaitMs = 5000;  // long enough for loopback anywhere; virtual in ws2sim

// A listener on 127.0.0.1 at an ephemeral port, and that port.
SOCKET loopback_listener(Context& ctx, u_short* port) {
  const SOCKET l = ctx.tcp();
  sockaddr_in a = in4(0x7F000001, 0);
  int len = sizeof a;
  ctx.require(bind(l, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  listen(l, SOMAXCONN) == 0 &&
                  getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) == 0,
              "listen on 127.0.0.1");
  *port = ntohs(a.sin_port);
  return l;
}

int connect_loopback(SOCKET s, u_short port) {
  sockaddr_in a = in4(0x7F000001, port);
  return error_of(connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a));
}

// Waits for `e` (at most kWaitMs), then enumerates `s`'s network events into `out`.
bool wait_and_enumerate(SOCKET s, WSAEVENT e, WSANETWORKEVENTS* out) {
  if (WSAWaitForMultipleEvents(1, &e, FALSE, kWaitMs, FALSE) != WSA_WAIT_EVENT_0) {
    return false;
  }
  std::memset(out, 0, sizeof *out);
  return WSAEnumNetworkEvents(s, e, out) == 0;
}

CONFORMANCE_CASE(EventSelectMakesTheSocketNonBlocking, "EVENTSELECT.nonblocking") {
  const char* id = "EVENTSELECT.nonblocking";
  const SOCKET s = ctx.tcp();
  const WSAEVENT e = WSACreateEvent();
  ctx.require(e != WSA_INVALID_EVENT, "WSACreateEvent");
  ctx.check_error(id, error_of(WSAEventSelect(s, e, FD_READ | FD_CLOSE)), 0, "WSAEventSelect");
  u_long mode = 0;
  ctx.check_error(id, error_of(ioctlsocket(s, static_cast<LONG>(FIONBIO), &mode)), WSAEINVAL,
                  "ioctlsocket(FIONBIO, 0) while associated");
  ctx.check_error(id, error_of(WSAEventSelect(s, nullptr, 0)), 0, "WSAEventSelect(s, NULL, 0)");
  ctx.check_error(id, error_of(ioctlsocket(s, static_cast<LONG>(FIONBIO), &mode)), 0,
                  "ioctlsocket(FIONBIO, 0) once the association is cleared");
  WSACloseEvent(e);
}

CONFORMANCE_CASE(EventSelectRecordsAcceptReadAndClose, "EVENTSELECT.accept", "EVENTSELECT.read",
                 "EVENTSELECT.close-graceful") {
  u_short port = 0;
  const SOCKET l = loopback_listener(ctx, &port);
  const WSAEVENT on_listener = WSACreateEvent();
  const WSAEVENT on_peer = WSACreateEvent();
  ctx.require(on_listener != WSA_INVALID_EVENT && on_peer != WSA_INVALID_EVENT, "WSACreateEvent");
  ctx.require(WSAEventSelect(l, on_listener, FD_ACCEPT) == 0, "WSAEventSelect(FD_ACCEPT)");
  const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ctx.require(c != INVALID_SOCKET && connect_loopback(c, port) == 0, "connect to the listener");
  WSANETWORKEVENTS ne;
  const char* id = "EVENTSELECT.accept";
  if (ctx.check(id, wait_and_enumerate(l, on_listener, &ne), "the listener's event is set")) {
    ctx.check_eq(id, ne.lNetworkEvents, FD_ACCEPT, "the recorded events");
    ctx.check_eq(id, ne.iErrorCode[FD_ACCEPT_BIT], 0, "iErrorCode[FD_ACCEPT_BIT]");
  }
  const SOCKET a = accept(l, nullptr, nullptr);
  ctx.require(a != INVALID_SOCKET, "accept");
  ctx.keep(a);
  ctx.require(WSAEventSelect(a, on_peer, FD_READ | FD_CLOSE) == 0,
              "WSAEventSelect(FD_READ | FD_CLOSE)");
  ctx.require(send(c, "x", 1, 0) == 1, "send");
  id = "EVENTSELECT.read";
  if (ctx.check(id, wait_and_enumerate(a, on_peer, &ne), "the event is set by data")) {
    ctx.check_eq(id, ne.lNetworkEvents, FD_READ, "the recorded events");
  }
  char b = 0;
  ctx.require(recv(a, &b, 1, 0) == 1, "recv the byte");
  closesocket(c);  // graceful
  id = "EVENTSELECT.close-graceful";
  if (ctx.check(id, wait_and_enumerate(a, on_peer, &ne), "the event is set by the close")) {
    ctx.check(id, (ne.lNetworkEvents & FD_CLOSE) != 0, "FD_CLOSE recorded");
    ctx.check_eq(id, ne.iErrorCode[FD_CLOSE_BIT], 0, "iErrorCode[FD_CLOSE_BIT] after a close");
  }
  WSACloseEvent(on_listener);
  WSACloseEvent(on_peer);
}

// The addresses getaddrinfo gives for `node`, as text, in order.
std::vector<std::string> lookup(const char* node, int flags, int* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags;
  addrinfo* found = nullptr;
  *error = getaddrinfo(node, "80", &hints, &found);
  std::vector<std::string> out;
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    char text[64] = {};
    void* bytes = a->ai_family == AF_INET6
                      ? static_cast<void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr)
                      : static_cast<void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr);
    out.emplace_back(inet_ntop(a->ai_family, bytes, text, sizeof text) != nullptr ? text : "?");
  }
  if (found != nullptr) {
    freeaddrinfo(found);
  }
  return out;
}

CONFORMANCE_CASE(LocalhostIsIpv6LoopbackThenIpv4, "NAMES.localhost") {
  const char* id = "NAMES.localhost";
  int error = 0;
  const std::vector<std::string> found = lookup("localhost", 0, &error);
  ctx.check_error(id, error, 0, "getaddrinfo(\"localhost\")");
  std::string got;
  for (const std::string& a : found) {
    got += (got.empty() ? "" : ", ") + a;
  }
  ctx.check(id, got == "::1, 127.0.0.1", "localhost's addresses, in order: " + got);
}

CONFORMANCE_CASE(WithoutIpv6LocalhostIsIpv4Alone, "NAMES.localhost.ipv4-only") {
  const char* id = "NAMES.localhost.ipv4-only";
  int error = 0;
  const std::vector<std::string> found = lookup("localhost", 0, &error);
  ctx.check_error(id, error, 0, "getaddrinfo(\"localhost\")");
  ctx.check(id, found == std::vector<std::string>{"127.0.0.1"}, "localhost is 127.0.0.1 alone");
}

CONFORMANCE_CASE(NumericNamesAndTheAddrinfoLayout, "NAMES.numeric", "NAMES.addrinfo-layout") {
  const char* id = "NAMES.numeric";
  int error = 0;
  std::vector<std::string> found = lookup("192.0.2.7", AI_NUMERICHOST, &error);
  ctx.check_error(id, error, 0, "getaddrinfo(\"192.0.2.7\", AI_NUMERICHOST)");
  ctx.check(id, found.size() == 1 && found[0] == "192.0.2.7", "one answer, the number itself");
  if (ctx.profile().ipv6.value) {  // else IPv4 answers alone (docs/behaviour.md §16)
    found = lookup("2001:db8::7", AI_NUMERICHOST, &error);
    ctx.check(id, error == 0 && found.size() == 1 && found[0] == "2001:db8::7", "an IPv6 number");
  }
  lookup("localhost", AI_NUMERICHOST, &error);
  ctx.check_eq(id, error, 11001, "a name with AI_NUMERICHOST: EAI_NONAME (WSAHOST_NOT_FOUND)");
  id = "NAMES.addrinfo-layout";
  ctx.check_eq(id, EAI_NONAME, 11001, "EAI_NONAME");
  ctx.check_eq(id, EAI_AGAIN, 11002, "EAI_AGAIN");
  ctx.check_eq(id, EAI_FAIL, 11003, "EAI_FAIL");
  ctx.check(id, offsetof(addrinfo, ai_canonname) < offsetof(addrinfo, ai_addr),
            "ai_canonname comes before ai_addr");
  ctx.check_eq(id, offsetof(addrinfo, ai_addrlen), 16U, "offsetof(addrinfo, ai_addrlen)");
  ctx.check_eq(id, sizeof(addrinfo), 16U + sizeof(size_t) + 3U * sizeof(void*), "sizeof(addrinfo)");
}

}  // namespace
}  // namespace ws2sim::conformance
