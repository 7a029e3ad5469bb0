// The socket calls' error paths and edge cases as Windows-run tests observe them
// (docs/behaviour.md §13): listen, bind, accept, getsockname, select, and the ioctls ws2_32
// handles itself (FIONBIO, FIONREAD, SIOCATMARK). Portable: these run on the emulator and,
// through the native backend, under Wine or on Windows.
#include <cstring>
#include <string>

#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

int bind_to(SOCKET s, sockaddr_in a) {
  return error_of(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a));
}

CONFORMANCE_CASE(ListenErrors, "LISTEN.not-a-socket", "LISTEN.datagram", "LISTEN.unbound",
                 "LISTEN.twice") {
  for (const SOCKET bad : {static_cast<SOCKET>(0), static_cast<SOCKET>(0xdeadbeef)}) {
    ctx.check_error("LISTEN.not-a-socket", error_of(listen(bad, 0)), WSAENOTSOCK,
                    "listen(" + std::to_string(static_cast<unsigned long long>(bad)) + ")");
  }
  ctx.check_error("LISTEN.datagram", error_of(listen(ctx.udp(), 1)), WSAEOPNOTSUPP,
                  "listen on a UDP socket");
  const SOCKET s = ctx.tcp();
  for (const int backlog : {-2, 1, SOMAXCONN}) {
    ctx.check_error("LISTEN.unbound", error_of(listen(s, backlog)), WSAEINVAL,
                    "listen on an unbound socket, backlog " + std::to_string(backlog));
  }
  const char* id = "LISTEN.twice";
  ctx.require(bind_to(s, in4(0, 0)) == 0, "bind");
  ctx.check_eq(id, read_option(s, SOL_SOCKET, SO_ACCEPTCONN), 0, "SO_ACCEPTCONN before listen");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_ACCEPTCONN, 1)), WSAENOPROTOOPT,
                  "setting SO_ACCEPTCONN");
  ctx.check_error(id, error_of(listen(s, 0)), 0, "listen");
  ctx.check_error(id, error_of(listen(s, SOMAXCONN)), 0, "listen again");
  ctx.check_eq(id, read_option(s, SOL_SOCKET, SO_ACCEPTCONN), 1, "SO_ACCEPTCONN after listen");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_ACCEPTCONN, 0)), WSAENOPROTOOPT,
                  "setting SO_ACCEPTCONN while listening");
}

CONFORMANCE_CASE(BindToAListenersAddress, "BIND.in-use") {
  const SOCKET l = ctx.listening_tcp();
  sockaddr_in a{};
  int len = sizeof a;
  ctx.require(getsockname(l, reinterpret_cast<sockaddr*>(&a), &len) == 0, "getsockname");
  ctx.check_error("BIND.in-use", bind_to(ctx.tcp(), a), WSAEADDRINUSE,
                  "bind to the listener's address and port");
}

// The address of this context's host that sockets can bind (ws2sim: 10.0.0.1; native:
// 127.0.0.1), port 0.
sockaddr_in host_address(Context& ctx) {
  sockaddr_in a = ctx.address_of(ctx.listening_tcp());
  a.sin_port = 0;
  return a;
}

// A TCP socket bound to `a` (port 0: one chosen for it); its address, port included, in `*got`.
SOCKET bound_tcp(Context& ctx, sockaddr_in a, sockaddr_in* got, bool reuse = false,
                 bool exclusive = false) {
  const SOCKET s = ctx.tcp();
  if (reuse) ctx.require(set_dword(s, SOL_SOCKET, SO_REUSEADDR, 1) == 0, "SO_REUSEADDR");
  if (exclusive) ctx.require(set_dword(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1) == 0, "exclusive");
  ctx.require(bind_to(s, a) == 0, "bind");
  int len = sizeof *got;
  ctx.require(getsockname(s, reinterpret_cast<sockaddr*>(got), &len) == 0, "getsockname");
  return s;
}

CONFORMANCE_CASE(ReuseAndExclusiveExcludeEachOther, "SO_EXCLUSIVEADDRUSE.excludes-reuseaddr") {
  const char* id = "SO_EXCLUSIVEADDRUSE.excludes-reuseaddr";
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_REUSEADDR, 1)), 0, "SO_REUSEADDR on");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1)), WSAEINVAL,
                  "SO_EXCLUSIVEADDRUSE on while SO_REUSEADDR is on");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_REUSEADDR, 0)), 0, "SO_REUSEADDR off");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1)), 0,
                  "SO_EXCLUSIVEADDRUSE on");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_REUSEADDR, 1)), WSAEINVAL,
                  "SO_REUSEADDR on while SO_EXCLUSIVEADDRUSE is on");
}

CONFORMANCE_CASE(WhoMayShareAPort, "BIND.reuse-needs-every-holder", "BIND.reuse-shared",
                 "BIND.any-twice", "BIND.exclusive-holder") {
  const sockaddr_in here = host_address(ctx);
  sockaddr_in taken{};
  bound_tcp(ctx, here, &taken);
  const SOCKET reuser = ctx.tcp();
  ctx.require(set_dword(reuser, SOL_SOCKET, SO_REUSEADDR, 1) == 0, "SO_REUSEADDR");
  ctx.check_error("BIND.reuse-needs-every-holder", bind_to(reuser, taken), WSAEACCES,
                  "SO_REUSEADDR bind to a port held without it");
  sockaddr_in shared{};
  bound_tcp(ctx, here, &shared, /*reuse=*/true);
  const SOCKET second = ctx.tcp();
  ctx.require(set_dword(second, SOL_SOCKET, SO_REUSEADDR, 1) == 0, "SO_REUSEADDR");
  ctx.check_error("BIND.reuse-shared", bind_to(second, shared), 0, "both sockets set SO_REUSEADDR");
  sockaddr_in any{};
  bound_tcp(ctx, in4(0, 0), &any);
  ctx.check_error("BIND.any-twice", bind_to(ctx.tcp(), any), WSAEADDRINUSE,
                  "0.0.0.0 and the same port again, no options");
  sockaddr_in exclusive{};
  bound_tcp(ctx, in4(0, 0), &exclusive, false, /*exclusive=*/true);
  sockaddr_in specific = here;
  specific.sin_port = exclusive.sin_port;
  ctx.check_error("BIND.exclusive-holder", bind_to(ctx.tcp(), specific), WSAEACCES,
                  "the host's address under a port held with SO_EXCLUSIVEADDRUSE on 0.0.0.0");
}

CONFORMANCE_CASE(BindArguments, "BIND.bad-arguments", "BIND.not-local", "BIND.twice") {
  const char* id = "BIND.bad-arguments";
  const SOCKET s = ctx.tcp();
  sockaddr_in here = host_address(ctx);
  ctx.check_error(id, error_of(bind(s, nullptr, 0)), WSAEFAULT, "NULL name, namelen 0");
  ctx.check_error(id, error_of(bind(s, nullptr, sizeof here)), WSAEFAULT, "NULL name");
  ctx.check_error(id, error_of(bind(s, reinterpret_cast<sockaddr*>(&here), 0)), WSAEFAULT,
                  "namelen 0");
  sockaddr_in odd = here;
  odd.sin_family = static_cast<decltype(odd.sin_family)>(0xdead);
  ctx.check_error(id, error_of(bind(s, reinterpret_cast<sockaddr*>(&odd), sizeof odd)),
                  WSAEAFNOSUPPORT, "family 0xdead");
  ctx.check_error(id, error_of(bind(s, reinterpret_cast<sockaddr*>(&here), sizeof here - 1)),
                  WSAEFAULT, "namelen one byte short");
  const sockaddr_in elsewhere = in4(0xC0000200, 0);  // 192.0.2.0, TEST-NET-1: no host has it
  for (const SOCKET t : {s, ctx.udp()}) {
    ctx.check_error("BIND.not-local", bind_to(t, elsewhere), WSAEADDRNOTAVAIL,
                    "an address this host does not have");
  }
  ctx.check_error("BIND.twice", bind_to(s, here), 0, "bind");
  ctx.check_error("BIND.twice", bind_to(s, here), WSAEINVAL, "bind again");
  sockaddr_in got{};
  int len = sizeof got;
  ctx.require(getsockname(s, reinterpret_cast<sockaddr*>(&got), &len) == 0, "getsockname");
  ctx.check_error("BIND.twice", bind_to(ctx.tcp(), got), WSAEADDRINUSE,
                  "another socket to the same address and port");
}

CONFORMANCE_CASE(GetSockNameBeforeAndAfterBind, "GETSOCKNAME.unbound", "GETSOCKNAME.bound") {
  const SOCKET s = ctx.tcp();
  sockaddr_in got = in4(0x01020304, 77);
  const sockaddr_in before = got;
  int len = sizeof got;
  ctx.check_error("GETSOCKNAME.unbound",
                  error_of(getsockname(s, reinterpret_cast<sockaddr*>(&got), &len)), WSAEINVAL,
                  "getsockname on an unbound socket");
  ctx.check("GETSOCKNAME.unbound", std::memcmp(&got, &before, sizeof got) == 0,
            "the address is left alone");
  const char* id = "GETSOCKNAME.bound";
  ctx.require(bind_to(s, in4(0, 0)) == 0, "bind to 0.0.0.0:0");
  std::memset(&got, 0xAB, sizeof got);
  len = sizeof got;
  ctx.check_error(id, error_of(getsockname(s, reinterpret_cast<sockaddr*>(&got), &len)), 0,
                  "getsockname after bind");
  ctx.check_eq(id, got.sin_family, AF_INET, "sin_family");
  ctx.check(id, got.sin_port != 0, "a port was chosen");
  ctx.check_eq(id, got.sin_addr.s_addr, 0, "INADDR_ANY");
  const char zero[8] = {};
  ctx.check(id, std::memcmp(got.sin_zero, zero, sizeof zero) == 0, "sin_zero is zeroed");
  len = sizeof got - 1;
  ctx.check_error(id, error_of(getsockname(s, reinterpret_cast<sockaddr*>(&got), &len)), WSAEFAULT,
                  "namelen one byte short");
  ctx.check_eq(id, len, sizeof got - 1, "namelen unchanged");
}

// accept on `l` once a connection is queued (select first, so a case never blocks for ever):
// the accepted socket, or INVALID_SOCKET with the error in WSAGetLastError().
SOCKET accept_queued(Context& ctx, SOCKET l, sockaddr* addr, int* addrlen) {
  fd_set r;
  FD_ZERO(&r);
  FD_SET(l, &r);
  timeval wait{5, 0};
  ctx.require(select(0, &r, nullptr, nullptr, &wait) == 1, "no connection queued on the listener");
  return accept(l, addr, addrlen);
}

CONFORMANCE_CASE(AcceptAddressLengths, "ACCEPT.zero-length", "ACCEPT.large-length",
                 "ACCEPT.address-without-length") {
  const SOCKET l = ctx.listening_tcp();
  ctx.require(ctx.connect_to(ctx.tcp(), l) == 0, "connect to the listener");
  sockaddr_storage ss{};
  int len = 0;
  const SOCKET none = accept_queued(ctx, l, reinterpret_cast<sockaddr*>(&ss), &len);
  ctx.check_error("ACCEPT.zero-length", none == INVALID_SOCKET ? WSAGetLastError() : 0, WSAEFAULT,
                  "accept with *addrlen 0");
  ctx.check_eq("ACCEPT.zero-length", len, 0, "*addrlen left at 0");
  if (none != INVALID_SOCKET) ctx.keep(none);
  // A fresh connection for each of the next accepts (what became of the first one after the
  // failed accept is not something Windows-run tests look at).
  ctx.require(ctx.connect_to(ctx.tcp(), l) == 0, "connect again");
  len = sizeof ss;
  const SOCKET a = ctx.keep(accept_queued(ctx, l, reinterpret_cast<sockaddr*>(&ss), &len));
  ctx.check("ACCEPT.large-length", a != INVALID_SOCKET, "accept with a sockaddr_storage");
  ctx.check_eq("ACCEPT.large-length", len, sizeof(sockaddr_in), "*addrlen set to the size used");
  ctx.check_eq("ACCEPT.large-length", ss.ss_family, AF_INET, "family filled in");
  ctx.require(ctx.connect_to(ctx.tcp(), l) == 0, "connect a third time");
  sockaddr_storage untouched{};
  const sockaddr_storage empty{};
  const SOCKET b =
      ctx.keep(accept_queued(ctx, l, reinterpret_cast<sockaddr*>(&untouched), nullptr));
  ctx.check("ACCEPT.address-without-length", b != INVALID_SOCKET, "accept succeeds");
  ctx.check("ACCEPT.address-without-length", std::memcmp(&untouched, &empty, sizeof empty) == 0,
            "the address is not written");
}

CONFORMANCE_CASE(AcceptedSocketsInheritOptions, "ACCEPT.inherits-options") {
  const char* id = "ACCEPT.inherits-options";
  const struct {
    int level, name;
    DWORD value;
    const char* label;
  } options[] = {{SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR"},
                 {SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE"},
                 {SOL_SOCKET, SO_OOBINLINE, 1, "SO_OOBINLINE"},
                 {SOL_SOCKET, SO_SNDBUF, 0x123, "SO_SNDBUF"},
                 {SOL_SOCKET, SO_RCVBUF, 0x123, "SO_RCVBUF"},
                 {SOL_SOCKET, SO_SNDTIMEO, 0x123, "SO_SNDTIMEO"},
                 {SOL_SOCKET, SO_RCVTIMEO, 0x123, "SO_RCVTIMEO"},
                 {IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY"}};
  const SOCKET l = ctx.tcp();
  for (const auto& o : options) {
    ctx.require(set_dword(l, o.level, o.name, o.value) == 0, std::string("set ") + o.label);
  }
  linger lg{};
  lg.l_onoff = 1;
  lg.l_linger = 555;
  ctx.require(setsockopt(l, SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&lg), sizeof lg) == 0,
              "set SO_LINGER");
  ctx.require(bind_to(l, in4(0, 0)) == 0 && listen(l, 1) == 0, "bind and listen");
  ctx.require(ctx.connect_to(ctx.tcp(), l) == 0, "connect");
  const SOCKET a = ctx.keep(accept_queued(ctx, l, nullptr, nullptr));
  ctx.require(a != INVALID_SOCKET, "accept");
  for (const auto& o : options) {
    ctx.check_eq(id, read_option(a, o.level, o.name), o.value, o.label);
  }
  const Got g = get_dword(a, SOL_SOCKET, SO_LINGER);
  ctx.check_eq(id, g.value, 1U | (555U << 16), "SO_LINGER {1, 555}");
}

// A connected pair on this context's host: `*client` connected to a fresh listener, `*server` the
// accepted end; both closed with the case.
void tcp_pair(Context& ctx, SOCKET* client, SOCKET* server) {
  const SOCKET l = ctx.listening_tcp();
  *client = ctx.tcp();
  ctx.require(ctx.connect_to(*client, l) == 0, "connect to the listener");
  *server = ctx.keep(accept_queued(ctx, l, nullptr, nullptr));
  ctx.require(*server != INVALID_SOCKET, "accept");
}

// recv of up to 5 bytes once something (data or the end of the stream) is there.
int recv_ready(Context& ctx, SOCKET s, char* buf) {
  fd_set r;
  FD_ZERO(&r);
  FD_SET(s, &r);
  timeval wait{5, 0};
  ctx.require(select(0, &r, nullptr, nullptr, &wait) == 1, "nothing became readable");
  return recv(s, buf, 5, 0);
}

CONFORMANCE_CASE(ShutdownNeedsAConnection, "SHUTDOWN.not-connected", "SHUTDOWN.invalid-how") {
  const char* id = "SHUTDOWN.not-connected";
  const SOCKET fresh = ctx.tcp();
  const SOCKET l = ctx.listening_tcp();
  for (const int how : {SD_SEND, SD_RECEIVE}) {
    ctx.check_error(id, error_of(shutdown(fresh, how)), WSAENOTCONN,
                    "unconnected socket, how " + std::to_string(how));
    ctx.check_error(id, error_of(shutdown(l, how)), WSAENOTCONN,
                    "listening socket, how " + std::to_string(how));
  }
  SOCKET client = INVALID_SOCKET;
  SOCKET server = INVALID_SOCKET;
  tcp_pair(ctx, &client, &server);
  ctx.check_error("SHUTDOWN.invalid-how", error_of(shutdown(client, static_cast<int>(0xdeadbeef))),
                  WSAEINVAL, "how 0xdeadbeef");
}

CONFORMANCE_CASE(ShutdownClosesOneDirection, "SHUTDOWN.send", "SHUTDOWN.receive",
                 "SHUTDOWN.addresses-stay") {
  SOCKET client = INVALID_SOCKET;
  SOCKET server = INVALID_SOCKET;
  tcp_pair(ctx, &client, &server);
  char buf[5] = {};
  const char* send_id = "SHUTDOWN.send";
  ctx.check_error(send_id, error_of(shutdown(client, SD_SEND)), 0, "shutdown(SD_SEND)");
  ctx.check_error(send_id, error_of(send(client, "test", 5, 0)), WSAESHUTDOWN, "send after it");
  ctx.check_eq(send_id, recv_ready(ctx, server, buf), 0, "the peer reads the end of the stream");
  ctx.check_eq(send_id, recv(server, buf, 5, 0), 0, "and again");
  const char* recv_id = "SHUTDOWN.receive";
  ctx.check_error(recv_id, error_of(shutdown(server, SD_RECEIVE)), 0, "shutdown(SD_RECEIVE)");
  ctx.check_error(recv_id, error_of(recv(server, buf, 5, 0)), WSAESHUTDOWN, "recv after it");
  ctx.check_eq(recv_id, send(server, "test", 5, 0), 5, "sending the other way still works");
  ctx.check_eq(recv_id, recv_ready(ctx, client, buf), 5, "and the data arrives");
  ctx.check_error(recv_id, error_of(shutdown(client, SD_RECEIVE)), 0, "shutdown(SD_RECEIVE)");
  for (int i = 0; i < 2; ++i) {
    ctx.check_error(recv_id, error_of(recv(client, buf, 5, 0)), WSAESHUTDOWN,
                    "recv after SD_RECEIVE, call " + std::to_string(i + 1));
  }
  const char* id = "SHUTDOWN.addresses-stay";
  sockaddr_in a{};
  int len = sizeof a;
  ctx.check_error(id, error_of(getpeername(client, reinterpret_cast<sockaddr*>(&a), &len)), 0,
                  "getpeername after shutdown");
  len = sizeof a;
  ctx.check_error(id, error_of(getsockname(client, reinterpret_cast<sockaddr*>(&a), &len)), 0,
                  "getsockname after shutdown");
  const sockaddr_in peer = a;
  ctx.check_error(id,
                  error_of(connect(client, reinterpret_cast<const sockaddr*>(&peer), sizeof peer)),
                  WSAEISCONN, "connect after shutdown");
}

CONFORMANCE_CASE(ShutdownBoth, "SHUTDOWN.both") {
  const char* id = "SHUTDOWN.both";
  SOCKET client = INVALID_SOCKET;
  SOCKET server = INVALID_SOCKET;
  tcp_pair(ctx, &client, &server);
  char buf[5] = {};
  ctx.check_error(id, error_of(shutdown(client, SD_BOTH)), 0, "shutdown(SD_BOTH)");
  ctx.check_error(id, error_of(recv(client, buf, 5, 0)), WSAESHUTDOWN, "recv");
  ctx.check_error(id, error_of(send(client, "test", 5, 0)), WSAESHUTDOWN, "send");
  ctx.check_eq(id, recv_ready(ctx, server, buf), 0, "the peer reads the end of the stream");
}

CONFORMANCE_CASE(CallsOnAnUnconnectedSocket, "SENDRECV.not-connected", "CLOSESOCKET.twice") {
  const char* id = "SENDRECV.not-connected";
  const SOCKET s = ctx.tcp();
  const SOCKET l = ctx.listening_tcp();
  // Non-blocking, so an implementation that would wait here (Wine 8 does) cannot hang the run;
  // the answer is the same on Windows either way.
  for (const SOCKET t : {s, l}) {
    u_long on = 1;
    ctx.require(ioctlsocket(t, static_cast<LONG>(FIONBIO), &on) == 0, "FIONBIO");
  }
  char buf[4];
  ctx.check_error(id, error_of(recv(s, buf, sizeof buf, 0)), WSAENOTCONN, "recv");
  ctx.check_error(id, error_of(send(s, "data", 4, 0)), WSAENOTCONN, "send");
  ctx.check_error(id, error_of(recv(l, buf, sizeof buf, 0)), WSAENOTCONN, "recv on a listener");
  const SOCKET once = socket(AF_INET, SOCK_STREAM, 0);
  ctx.require(once != INVALID_SOCKET, "socket");
  ctx.check_error("CLOSESOCKET.twice", error_of(closesocket(once)), 0, "closesocket");
  ctx.check_error("CLOSESOCKET.twice", error_of(closesocket(once)), WSAENOTSOCK,
                  "closesocket again");
}

CONFORMANCE_CASE(SelectErrors, "SELECT.no-sockets", "SELECT.not-a-socket", "SELECT.nothing-ready",
                 "SELECT.closed-socket") {
  timeval zero{0, 0};
  fd_set r, w, e;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_ZERO(&e);
  ctx.check_error("SELECT.no-sockets", error_of(select(0, nullptr, nullptr, nullptr, &zero)),
                  WSAEINVAL, "three NULL sets");
  ctx.check_error("SELECT.no-sockets", error_of(select(0, &r, &w, &e, &zero)), WSAEINVAL,
                  "three empty sets");
  for (fd_set* set : {&r, &w, &e}) {
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_ZERO(&e);
    FD_SET(INVALID_SOCKET, set);
    ctx.check_error("SELECT.not-a-socket", error_of(select(0, &r, &w, &e, &zero)), WSAENOTSOCK,
                    "INVALID_SOCKET in a set");
  }
  const SOCKET a = ctx.tcp();
  const SOCKET b = ctx.tcp();
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_ZERO(&e);
  for (fd_set* set : {&r, &w, &e}) {
    FD_SET(a, set);
    FD_SET(b, set);
  }
  ctx.check_eq("SELECT.nothing-ready", select(0, &r, &w, &e, &zero), 0,
               "two unconnected TCP sockets, zero timeout");
  ctx.check("SELECT.nothing-ready", r.fd_count == 0 && w.fd_count == 0 && e.fd_count == 0,
            "every set emptied");
  const SOCKET gone = ctx.tcp();
  const SOCKET live = ctx.connected_tcp();
  closesocket(gone);
  FD_ZERO(&r);
  FD_ZERO(&e);
  FD_SET(live, &r);
  FD_SET(gone, &r);
  FD_SET(live, &e);
  FD_SET(gone, &e);
  ctx.check_error("SELECT.closed-socket", error_of(select(0, &r, nullptr, &e, &zero)), WSAENOTSOCK,
                  "a closed socket in the sets");
  ctx.check("SELECT.closed-socket", r.fd_count == 2 && e.fd_count == 2, "the sets are unchanged");
}

CONFORMANCE_CASE(SelectCountsEachSocketOnce, "SELECT.duplicates") {
  const char* id = "SELECT.duplicates";
  timeval zero{0, 0};
  const SOCKET s = ctx.connected_tcp();
  fd_set w;
  w.fd_count = 2;
  w.fd_array[0] = s;
  w.fd_array[1] = s;
  ctx.check_eq(id, select(0, nullptr, &w, nullptr, &zero), 1, "the same socket twice");
  ctx.check_eq(id, w.fd_count, 1, "listed once");
  fd_set both;
  FD_ZERO(&both);
  FD_SET(s, &both);
  ctx.check_eq(id, select(0, &both, &both, nullptr, &zero), 1, "one set passed as read and write");
  ctx.check(id, FD_ISSET(s, &both), "the writable socket stays in it");
}

CONFORMANCE_CASE(UnboundUdpIsWritable, "SELECT.udp-unbound") {
  timeval quarter{0, 250000};
  const SOCKET u = ctx.udp();
  fd_set r, w, e;
  FD_ZERO(&r);
  FD_ZERO(&w);
  FD_ZERO(&e);
  FD_SET(u, &r);
  FD_SET(u, &w);
  FD_SET(u, &e);
  ctx.check_eq("SELECT.udp-unbound", select(0, &r, &w, &e, &quarter), 1, "select");
  ctx.check("SELECT.udp-unbound", FD_ISSET(u, &w) && !FD_ISSET(u, &r) && !FD_ISSET(u, &e),
            "writable only");
}

// WSAIoctl of a code that writes a u_long: the value and *lpcbBytesReturned.
struct Out {
  int outcome;
  u_long value;
  DWORD returned;
};
Out ioctl_out(SOCKET s, DWORD code, DWORD out_size, LPWSAOVERLAPPED ov = nullptr) {
  Out o{0, 0xdeadbeef, 0xdeadbeef};
  o.outcome = error_of(WSAIoctl(s, code, nullptr, 0, &o.value, out_size, &o.returned, ov, nullptr));
  return o;
}

CONFORMANCE_CASE(WinsockHandledIoctls, "IOCTL.fionread", "IOCTL.siocatmark", "IOCTL.fionbio",
                 "IOCTL.winsock-overlapped") {
  const SOCKET s = ctx.connected_tcp();
  const DWORD fionread = static_cast<DWORD>(FIONREAD);
  const DWORD atmark = static_cast<DWORD>(SIOCATMARK);
  for (const DWORD code : {fionread, atmark}) {
    const char* id = code == fionread ? "IOCTL.fionread" : "IOCTL.siocatmark";
    const Out full = ioctl_out(s, code, sizeof(u_long));
    ctx.check_error(id, full.outcome, 0, "4-byte output");
    ctx.check_eq(id, full.value, code == fionread ? 0 : 1,
                 code == fionread ? "nothing to read" : "TRUE: no urgent data");
    ctx.check_eq(id, full.returned, sizeof(u_long), "*lpcbBytesReturned");
    const Out shortbuf = ioctl_out(s, code, sizeof(u_long) - 1);
    ctx.check_error(id, shortbuf.outcome, WSAEFAULT, "3-byte output");
    ctx.check_eq(id, shortbuf.returned, 0xdeadbeefU, "*lpcbBytesReturned untouched");
    u_long v = 0xdeadbeef;
    ctx.check_error(
        id, error_of(WSAIoctl(s, code, nullptr, 0, &v, sizeof v, nullptr, nullptr, nullptr)),
        WSAEFAULT, "lpcbBytesReturned NULL");
  }
  const char* id = "IOCTL.fionbio";
  u_long one = 1;
  DWORD returned = 0xdeadbeef;
  const DWORD fionbio = static_cast<DWORD>(FIONBIO);
  ctx.check_error(
      id,
      error_of(WSAIoctl(s, fionbio, &one, sizeof one - 1, nullptr, 0, &returned, nullptr, nullptr)),
      WSAEFAULT, "3-byte input");
  ctx.check_error(
      id, error_of(WSAIoctl(s, fionbio, &one, sizeof one, nullptr, 0, &returned, nullptr, nullptr)),
      0, "4-byte input");
  ctx.check_eq(id, returned, 0, "*lpcbBytesReturned");
  char wide[8] = {1};
  ctx.check_error(
      id,
      error_of(WSAIoctl(s, fionbio, wide, sizeof wide, nullptr, 0, &returned, nullptr, nullptr)), 0,
      "8-byte input");
  const char* ov_id = "IOCTL.winsock-overlapped";
  const WSAEVENT ev = WSACreateEvent();
  WSAOVERLAPPED ov{};
  ov.hEvent = ev;
  ov.Internal = 0xdeadbeef;
  ov.InternalHigh = 0xdeadbeef;
  const Out o = ioctl_out(s, fionread, sizeof(u_long), &ov);
  ctx.check_error(ov_id, o.outcome, 0, "overlapped FIONREAD completes at once");
  ctx.check_eq(ov_id, o.returned, sizeof(u_long), "*lpcbBytesReturned written");
  ctx.check_eq(ov_id, ov.Internal, 0, "Internal");
  ctx.check_eq(ov_id, ov.InternalHigh, 0, "InternalHigh: 0, not the 4 bytes written");
  WSACloseEvent(ev);
}

}  // namespace
}  // namespace ws2sim::conformance
