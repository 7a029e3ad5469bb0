// setsockopt/getsockopt(SOL_SOCKET, SO_KEEPALIVE): the SO_KEEPALIVE page (parameters, return
// value, error rows, remarks) and docs/behaviour.md §4 (the per-version length rules). Portable:
// these run on the emulator and, through run-wine.sh, against a real Winsock.
#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

// Lengths other than 4 that the one-byte rule accepts, and the ones the DWORD rule refuses.
constexpr int kShortLengths[] = {0, 1, 2, 3, -1};

CONFORMANCE_CASE(SetOnATcpSocketReturnsZero, "SO_KEEPALIVE.set.returns-zero",
                 "SO_KEEPALIVE.requirements.version") {
  const SOCKET s = ctx.tcp();
  BOOL on = TRUE;
  const int rc =
      setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<const char*>(&on), sizeof on);
  ctx.check_eq("SO_KEEPALIVE.set.returns-zero", rc, 0, "setsockopt(SO_KEEPALIVE, TRUE) returned");
  ctx.check("SO_KEEPALIVE.requirements.version", rc == 0,
            "SO_KEEPALIVE refused: " + error_name(error_of(rc)));
}

CONFORMANCE_CASE(FailureReturnsSocketErrorAndSetsTheLastError, "SO_KEEPALIVE.return.failure") {
  WSASetLastError(0);
  const int rc = set_dword(INVALID_SOCKET, SOL_SOCKET, SO_KEEPALIVE, 1);
  const int error = WSAGetLastError();
  ctx.check_eq("SO_KEEPALIVE.return.failure", rc, SOCKET_ERROR, "setsockopt on INVALID_SOCKET");
  ctx.check("SO_KEEPALIVE.return.failure", error != 0,
            "WSAGetLastError() after a failed setsockopt is 0");
}

CONFORMANCE_CASE(GetsockoptReportsTheCurrentState, "SO_KEEPALIVE.query") {
  const SOCKET s = ctx.tcp();
  for (const DWORD v : {1U, 0U, 1U}) {
    ctx.require(error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, v)) == 0, "setsockopt failed");
    const Got g = get_dword(s, SOL_SOCKET, SO_KEEPALIVE, sizeof(DWORD), 0);
    ctx.check_error("SO_KEEPALIVE.query", g.outcome, 0, "getsockopt(SO_KEEPALIVE)");
    ctx.check_eq("SO_KEEPALIVE.query", g.value != 0, v != 0,
                 "getsockopt(SO_KEEPALIVE) after setting " + std::to_string(v) + " reads non-zero");
  }
}

CONFORMANCE_CASE(NewSocketsHaveKeepAliveOff, "SO_KEEPALIVE.default.off") {
  const char* id = "SO_KEEPALIVE.default.off";
  ctx.check_eq(id, read_option(ctx.tcp(), SOL_SOCKET, SO_KEEPALIVE), 0, "a fresh TCP socket");
  ctx.check_eq(id, read_option(ctx.listening_tcp(), SOL_SOCKET, SO_KEEPALIVE), 0,
               "a listening socket");
  ctx.check_eq(id, read_option(ctx.connected_tcp(), SOL_SOCKET, SO_KEEPALIVE), 0,
               "a connected socket");
}

CONFORMANCE_CASE(ValueIsABoolean, "SO_KEEPALIVE.optval.boolean") {
  const SOCKET s = ctx.tcp();
  // Non-zero in both the DWORD and the one-byte reading.
  for (const DWORD v : {1U, 2U, 0xFFU, 0xFFFFFFFFU, 0x01000001U}) {
    ctx.require(error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 0)) == 0, "setsockopt(0) failed");
    ctx.check_error("SO_KEEPALIVE.optval.boolean",
                    error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, v)), 0,
                    "setsockopt(" + std::to_string(v) + ")");
    ctx.check("SO_KEEPALIVE.optval.boolean", keepalive_on(s),
              "value " + std::to_string(v) + " switches keep-alive on");
    ctx.check_error("SO_KEEPALIVE.optval.boolean",
                    error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 0)), 0, "setsockopt(0)");
    ctx.check("SO_KEEPALIVE.optval.boolean", !keepalive_on(s), "value 0 switches keep-alive off");
  }
}

CONFORMANCE_CASE(DwordRuleOnNt5, "SO_KEEPALIVE.optlen.dword") {
  const char* id = "SO_KEEPALIVE.optlen.dword";
  for (const int len : kShortLengths) {
    const SOCKET s = ctx.tcp();
    ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1, len)), WSAEFAULT,
                    "optlen " + std::to_string(len));
    ctx.check(id, !keepalive_on(s), "a refused optlen " + std::to_string(len) + " changed nothing");
  }
  for (const int len : {4, 8}) {
    const SOCKET s = ctx.tcp();
    ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1, len)), 0,
                    "optlen " + std::to_string(len));
    ctx.check(id, keepalive_on(s), "optlen " + std::to_string(len) + " switched keep-alive on");
  }
}

CONFORMANCE_CASE(OneByteRuleOnVistaAndLater, "SO_KEEPALIVE.set.one-byte") {
  const char* id = "SO_KEEPALIVE.set.one-byte";
  for (const int len : {1, 2, 4}) {
    const SOCKET s = ctx.tcp();
    ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1, len)), 0,
                    "optlen " + std::to_string(len));
    ctx.check(id, keepalive_on(s), "optlen " + std::to_string(len) + " switched keep-alive on");
  }
  const SOCKET s = ctx.tcp();
  ctx.require(error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)) == 0, "setsockopt(1) failed");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 0x100)), 0,
                  "setsockopt(0x100)");
  ctx.check(id, !keepalive_on(s), "0x100 (first byte 0) switches keep-alive off");
}

CONFORMANCE_CASE(OptlenZeroIsEfault, "SO_KEEPALIVE.set.optlen-zero") {
  const SOCKET s = ctx.tcp();
  ctx.check_error("SO_KEEPALIVE.set.optlen-zero",
                  error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1, 0)), WSAEFAULT, "optlen 0");
  ctx.check("SO_KEEPALIVE.set.optlen-zero", !keepalive_on(s), "a refused call changed nothing");
}

CONFORMANCE_CASE(OptlenMinusOneIsEnobufs, "SO_KEEPALIVE.set.optlen-minus-one.enobufs") {
  const SOCKET s = ctx.tcp();
  ctx.check_error("SO_KEEPALIVE.set.optlen-minus-one.enobufs",
                  error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1, -1)), WSAENOBUFS, "optlen -1");
}

CONFORMANCE_CASE(OptlenMinusOneIsEfault, "SO_KEEPALIVE.set.optlen-minus-one.efault") {
  const SOCKET s = ctx.tcp();
  ctx.check_error("SO_KEEPALIVE.set.optlen-minus-one.efault",
                  error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1, -1)), WSAEFAULT, "optlen -1");
}

CONFORMANCE_CASE(GetWritesOneByte, "SO_KEEPALIVE.get.one-byte") {
  const char* id = "SO_KEEPALIVE.get.one-byte";
  const SOCKET s = ctx.tcp();
  ctx.require(error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)) == 0, "setsockopt(1) failed");
  for (const int len : {1, 2, 3, 4, 8}) {
    const Got g = get_dword(s, SOL_SOCKET, SO_KEEPALIVE, len);
    const std::string what = "*optlen " + std::to_string(len);
    ctx.check_error(id, g.outcome, 0, what);
    ctx.check_eq(id, g.value, 0xdeadbe01U, what + ": only the first byte is written (TRUE)");
    ctx.check_eq(id, g.len, 1, what + ": *optlen after the call");
  }
}

CONFORMANCE_CASE(GetWithZeroOrMinusOneOptlenIsEfault, "SO_KEEPALIVE.get.optlen-invalid") {
  const char* id = "SO_KEEPALIVE.get.optlen-invalid";
  const SOCKET s = ctx.tcp();
  for (const int len : {0, -1}) {
    const Got g = get_dword(s, SOL_SOCKET, SO_KEEPALIVE, len);
    const std::string what = "*optlen " + std::to_string(len);
    ctx.check_error(id, g.outcome, WSAEFAULT, what);
    ctx.check_eq(id, g.len, len, what + ": *optlen left unchanged");
    ctx.check_eq(id, g.value, 0xdeadbeefU, what + ": buffer left unchanged");
  }
}

CONFORMANCE_CASE(GetWritesADwordOnNt5, "SO_KEEPALIVE.get.dword") {
  const char* id = "SO_KEEPALIVE.get.dword";
  const SOCKET s = ctx.tcp();
  ctx.require(error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)) == 0, "setsockopt(1) failed");
  for (const int len : {4, 8}) {
    const Got g = get_dword(s, SOL_SOCKET, SO_KEEPALIVE, len);
    const std::string what = "*optlen " + std::to_string(len);
    ctx.check_error(id, g.outcome, 0, what);
    ctx.check_eq(id, g.value, 1U, what + ": a whole BOOL TRUE");
    ctx.check_eq(id, g.len, 4, what + ": *optlen after the call");
  }
  for (const int len : {0, 1, 2, 3}) {
    const Got g = get_dword(s, SOL_SOCKET, SO_KEEPALIVE, len);
    const std::string what = "*optlen " + std::to_string(len);
    ctx.check_error(id, g.outcome, WSAEFAULT, what);
    ctx.check_eq(id, g.value, 0xdeadbeefU, what + ": nothing written");
  }
}

CONFORMANCE_CASE(NullPointersAreEfault, "SO_KEEPALIVE.error.efault.null") {
  const char* id = "SO_KEEPALIVE.error.efault.null";
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, error_of(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, nullptr, 4)), WSAEFAULT,
                  "setsockopt with optval NULL");
  ctx.check(id, !keepalive_on(s), "a refused call changed nothing");
  int len = 4;
  ctx.check_error(id, error_of(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, nullptr, &len)), WSAEFAULT,
                  "getsockopt with optval NULL");
  DWORD v = 0;
  ctx.check_error(
      id, error_of(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&v), nullptr)),
      WSAEFAULT, "getsockopt with optlen NULL");
}

CONFORMANCE_CASE(NotInitialisedAfterTheLastCleanup, "SO_KEEPALIVE.error.wsanotinitialised") {
  const char* id = "SO_KEEPALIVE.error.wsanotinitialised";
  const SOCKET s = ctx.tcp();
  WSADATA data;
  ctx.require(WSAStartup(MAKEWORD(2, 2), &data) == 0, "a second WSAStartup failed");
  ctx.require(WSACleanup() == 0, "WSACleanup failed");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0,
                  "after a WSACleanup that was not the last one");
  ctx.require(WSACleanup() == 0, "the last WSACleanup failed");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 0)), WSANOTINITIALISED,
                  "setsockopt after the last WSACleanup");
  ctx.check_error(id, get_dword(s, SOL_SOCKET, SO_KEEPALIVE).outcome, WSANOTINITIALISED,
                  "getsockopt after the last WSACleanup");
  ctx.require(WSAStartup(MAKEWORD(2, 2), &data) == 0, "WSAStartup again failed");
}

CONFORMANCE_CASE(UnknownLevelIsEinval, "SO_KEEPALIVE.error.wsaeinval.level") {
  const char* id = "SO_KEEPALIVE.error.wsaeinval.level";
  const SOCKET s = ctx.tcp();
  for (const unsigned level : {0xffffffffU, 0x8000U, 0x800U, 0x1234ffffU}) {
    const int lvl = static_cast<int>(level);
    const std::string what = "level " + std::to_string(level);
    ctx.check_error(id, error_of(set_dword(s, lvl, SO_KEEPALIVE, 1)), WSAEINVAL,
                    "setsockopt at " + what);
    ctx.check_error(id, get_dword(s, lvl, SO_KEEPALIVE).outcome, WSAEINVAL,
                    "getsockopt at " + what);
  }
  ctx.check(id, !keepalive_on(s), "refused calls changed nothing");
}

CONFORMANCE_CASE(DatagramSocketIsEnoprotoopt, "SO_KEEPALIVE.error.wsaenoprotoopt.datagram") {
  const char* id = "SO_KEEPALIVE.error.wsaenoprotoopt.datagram";
  const SOCKET s = ctx.udp();
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENOPROTOOPT,
                  "setsockopt(SO_KEEPALIVE) on a datagram socket");
  ctx.check_error(id, get_dword(s, SOL_SOCKET, SO_KEEPALIVE).outcome, WSAENOPROTOOPT,
                  "getsockopt(SO_KEEPALIVE) on a datagram socket");
}

CONFORMANCE_CASE(OnlyConnectionOrientedSockets, "SO_KEEPALIVE.connection-oriented-only") {
  const char* id = "SO_KEEPALIVE.connection-oriented-only";
  ctx.check_error(id, error_of(set_dword(ctx.tcp(), SOL_SOCKET, SO_KEEPALIVE, 1)), 0,
                  "setsockopt(SO_KEEPALIVE) on a TCP socket");
  ctx.check(id, error_of(set_dword(ctx.udp(), SOL_SOCKET, SO_KEEPALIVE, 1)) != 0,
            "setsockopt(SO_KEEPALIVE) on a datagram socket was accepted");
}

CONFORMANCE_CASE(UnknownOptionIsEnoprotoopt, "SO_KEEPALIVE.error.wsaenoprotoopt.unknown") {
  const char* id = "SO_KEEPALIVE.error.wsaenoprotoopt.unknown";
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, 0x7777, 1)), WSAENOPROTOOPT,
                  "setsockopt(SOL_SOCKET, 0x7777)");
  ctx.check_error(id, get_dword(s, SOL_SOCKET, 0x7777).outcome, WSAENOPROTOOPT,
                  "getsockopt(SOL_SOCKET, 0x7777)");
  ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, 99, 1)), WSAENOPROTOOPT,
                  "setsockopt(IPPROTO_TCP, 99)");
}

CONFORMANCE_CASE(NotASocketIsEnotsock, "SO_KEEPALIVE.error.wsaenotsock") {
  const char* id = "SO_KEEPALIVE.error.wsaenotsock";
  ctx.check_error(id, error_of(set_dword(INVALID_SOCKET, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENOTSOCK,
                  "setsockopt on INVALID_SOCKET");
  ctx.check_error(id, get_dword(INVALID_SOCKET, SOL_SOCKET, SO_KEEPALIVE).outcome, WSAENOTSOCK,
                  "getsockopt on INVALID_SOCKET");
  const SOCKET closed = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  ctx.require(closed != INVALID_SOCKET && closesocket(closed) == 0, "socket/closesocket failed");
  ctx.check_error(id, error_of(set_dword(closed, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENOTSOCK,
                  "setsockopt on a closed socket");
}

CONFORMANCE_CASE(SetBeforeConnectStaysInEffect, "SO_KEEPALIVE.transitional.before-connect") {
  const char* id = "SO_KEEPALIVE.transitional.before-connect";
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0,
                  "setsockopt before connect");
  ctx.require(ctx.connect(s) == 0, "connect failed");
  ctx.check(id, keepalive_on(s), "keep-alive still on once connected");
}

CONFORMANCE_CASE(SetAfterConnectCompleted, "SO_KEEPALIVE.transitional.after-connect") {
  const char* id = "SO_KEEPALIVE.transitional.after-connect";
  const SOCKET s = ctx.connected_tcp();
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0,
                  "setsockopt after a blocking connect returned");
  ctx.check(id, keepalive_on(s), "keep-alive on");
}

}  // namespace
}  // namespace ws2sim::conformance
