// Spec §1 and the two pages: the values and layouts the Windows SDK headers give. In the ws2sim
// backend these check the drop-in headers; in a native run, the headers it was built with.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

struct NamedValue {
  const char* name;
  long long actual;
  long long expected;
};

void check_all(Context& ctx, const char* id, std::initializer_list<NamedValue> values) {
  for (const NamedValue& v : values)
    ctx.check_eq(id, v.actual, v.expected, v.name);
}

// ioctl codes as bit patterns: the 32 bits whatever the constant's type.
long long bits(long long v) {
  return static_cast<long long>(static_cast<std::uint32_t>(v));
}

CONFORMANCE_CASE(SocketIsAnUnsignedPointerSizedInteger, "CONST.socket") {
  ctx.check_eq("CONST.socket", sizeof(SOCKET), sizeof(void*), "sizeof(SOCKET)");
  ctx.check("CONST.socket", std::is_unsigned_v<SOCKET>, "SOCKET is unsigned");
  ctx.check_eq("CONST.socket", INVALID_SOCKET, ~static_cast<SOCKET>(0), "INVALID_SOCKET");
  ctx.check_eq("CONST.socket", SOCKET_ERROR, -1, "SOCKET_ERROR");
}

CONFORMANCE_CASE(WindowsIntegerWidths, "CONST.widths") {
  ctx.check_eq("CONST.widths", sizeof(u_long), 4U, "sizeof(u_long)");
  ctx.check_eq("CONST.widths", sizeof(DWORD), 4U, "sizeof(DWORD)");
  ctx.check_eq("CONST.widths", sizeof(BOOL), 4U, "sizeof(BOOL)");
  ctx.check_eq("CONST.widths", sizeof(BOOLEAN), 1U, "sizeof(BOOLEAN)");
}

CONFORMANCE_CASE(TcpKeepaliveStructLayout, "SIO_KEEPALIVE_VALS.struct") {
  const char* id = "SIO_KEEPALIVE_VALS.struct";
  ctx.check_eq(id, sizeof(tcp_keepalive), 12U, "sizeof(struct tcp_keepalive)");
  ctx.check_eq(id, offsetof(tcp_keepalive, onoff), 0U, "offsetof(onoff)");
  ctx.check_eq(id, offsetof(tcp_keepalive, keepalivetime), 4U, "offsetof(keepalivetime)");
  ctx.check_eq(id, offsetof(tcp_keepalive, keepaliveinterval), 8U, "offsetof(keepaliveinterval)");
  ctx.check(id, std::is_same_v<decltype(tcp_keepalive::onoff), u_long>, "onoff is a u_long");
}

CONFORMANCE_CASE(SoKeepAliveValue, "SO_KEEPALIVE.constant") {
  ctx.check_eq("SO_KEEPALIVE.constant", SO_KEEPALIVE, 0x0008, "SO_KEEPALIVE");
}

CONFORMANCE_CASE(SolSocketOptionValues, "CONST.sol-socket") {
  check_all(ctx, "CONST.sol-socket",
            {{"SOL_SOCKET", SOL_SOCKET, 0xffff},
             {"SO_DEBUG", SO_DEBUG, 0x0001},
             {"SO_REUSEADDR", SO_REUSEADDR, 0x0004},
             {"SO_LINGER", SO_LINGER, 0x0080},
             {"SO_SNDBUF", SO_SNDBUF, 0x1001},
             {"SO_RCVBUF", SO_RCVBUF, 0x1002},
             {"SO_SNDTIMEO", SO_SNDTIMEO, 0x1005},
             {"SO_RCVTIMEO", SO_RCVTIMEO, 0x1006},
             {"SO_ERROR", SO_ERROR, 0x1007},
             {"SO_TYPE", SO_TYPE, 0x1008}});
#ifdef SO_CONNECT_TIME
  ctx.check_eq("CONST.sol-socket", SO_CONNECT_TIME, 0x700C, "SO_CONNECT_TIME");
#else
  ctx.check("CONST.sol-socket", false, "SO_CONNECT_TIME is not defined by these headers");
#endif
}

CONFORMANCE_CASE(IpprotoTcpOptionValues, "CONST.ipproto-tcp") {
  check_all(ctx, "CONST.ipproto-tcp",
            {{"IPPROTO_TCP", IPPROTO_TCP, 6},
             {"TCP_NODELAY", TCP_NODELAY, 1},
             {"TCP_KEEPALIVE", TCP_KEEPALIVE, 3},
             {"TCP_KEEPIDLE", TCP_KEEPIDLE, 3},
             {"TCP_MAXSEG", TCP_MAXSEG, 4},
             {"TCP_MAXRT", TCP_MAXRT, 5},
             {"TCP_FASTOPEN", TCP_FASTOPEN, 15},
             {"TCP_KEEPCNT", TCP_KEEPCNT, 16},
             {"TCP_KEEPINTVL", TCP_KEEPINTVL, 17}});
  for (const std::string& gap : header_gaps())
    ctx.check("CONST.ipproto-tcp", false, gap + " is not defined by these headers");
}

CONFORMANCE_CASE(IoctlCodeValues, "CONST.ioctl") {
  check_all(ctx, "CONST.ioctl",
            {{"IOC_IN", bits(IOC_IN), 0x80000000LL},
             {"IOC_OUT", bits(IOC_OUT), 0x40000000LL},
             {"IOC_VOID", bits(IOC_VOID), 0x20000000LL},
             {"IOC_WS2", bits(IOC_WS2), 0x08000000LL},
             {"IOC_VENDOR", bits(IOC_VENDOR), 0x18000000LL},
             {"_WSAIOW(IOC_VENDOR, 4)", bits(_WSAIOW(IOC_VENDOR, 4)), 0x98000004LL},
             {"SIO_KEEPALIVE_VALS", bits(SIO_KEEPALIVE_VALS), 0x98000004LL},
             {"SIO_FLUSH", bits(SIO_FLUSH), 0x28000004LL},
             {"FIONBIO", bits(FIONBIO), 0x8004667ELL},
             {"FIONREAD", bits(FIONREAD), 0x4004667FLL}});
}

CONFORMANCE_CASE(BsdIoctlCodesAreUnsigned, "CONST.ioctl.bsd-unsigned") {
  const char* id = "CONST.ioctl.bsd-unsigned";
  ctx.check(id, FIONBIO > 0 && FIONREAD > 0 && FIOASYNC > 0 && SIOCATMARK > 0,
            "FIONBIO, FIONREAD, FIOASYNC and SIOCATMARK are positive");
  ctx.check_eq(id, static_cast<unsigned long long>(FIONBIO), 0x8004667EULL,
               "(unsigned long long)FIONBIO");
  ctx.check_eq(id, static_cast<unsigned long long>(FIONREAD), 0x4004667FULL,
               "(unsigned long long)FIONREAD");
  ctx.check_eq(id, static_cast<unsigned long long>(FIOASYNC), 0x8004667DULL,
               "(unsigned long long)FIOASYNC");
  ctx.check_eq(id, static_cast<unsigned long long>(SIOCATMARK), 0x40047307ULL,
               "(unsigned long long)SIOCATMARK");
  ctx.check_eq(id, sizeof(FIONBIO), std::size_t{4}, "sizeof(FIONBIO)");
}

CONFORMANCE_CASE(ErrorCodeValues, "CONST.errors") {
  check_all(ctx, "CONST.errors",
            {{"WSABASEERR", WSABASEERR, 10000},
             {"WSAEINTR", WSAEINTR, 10004},
             {"WSAEACCES", WSAEACCES, 10013},
             {"WSAEFAULT", WSAEFAULT, 10014},
             {"WSAEINVAL", WSAEINVAL, 10022},
             {"WSAEMFILE", WSAEMFILE, 10024},
             {"WSAEWOULDBLOCK", WSAEWOULDBLOCK, 10035},
             {"WSAEINPROGRESS", WSAEINPROGRESS, 10036},
             {"WSAEALREADY", WSAEALREADY, 10037},
             {"WSAENOTSOCK", WSAENOTSOCK, 10038},
             {"WSAEMSGSIZE", WSAEMSGSIZE, 10040},
             {"WSAEPROTOTYPE", WSAEPROTOTYPE, 10041},
             {"WSAENOPROTOOPT", WSAENOPROTOOPT, 10042},
             {"WSAEOPNOTSUPP", WSAEOPNOTSUPP, 10045},
             {"WSAEAFNOSUPPORT", WSAEAFNOSUPPORT, 10047},
             {"WSAEADDRINUSE", WSAEADDRINUSE, 10048},
             {"WSAENETDOWN", WSAENETDOWN, 10050},
             {"WSAENETUNREACH", WSAENETUNREACH, 10051},
             {"WSAENETRESET", WSAENETRESET, 10052},
             {"WSAECONNABORTED", WSAECONNABORTED, 10053},
             {"WSAECONNRESET", WSAECONNRESET, 10054},
             {"WSAENOBUFS", WSAENOBUFS, 10055},
             {"WSAEISCONN", WSAEISCONN, 10056},
             {"WSAENOTCONN", WSAENOTCONN, 10057},
             {"WSAESHUTDOWN", WSAESHUTDOWN, 10058},
             {"WSAETIMEDOUT", WSAETIMEDOUT, 10060},
             {"WSAECONNREFUSED", WSAECONNREFUSED, 10061},
             {"WSAEHOSTUNREACH", WSAEHOSTUNREACH, 10065},
             {"WSASYSNOTREADY", WSASYSNOTREADY, 10091},
             {"WSAVERNOTSUPPORTED", WSAVERNOTSUPPORTED, 10092},
             {"WSANOTINITIALISED", WSANOTINITIALISED, 10093},
             {"WSA_IO_PENDING", WSA_IO_PENDING, 997},
             {"WSA_IO_INCOMPLETE", WSA_IO_INCOMPLETE, 996},
             {"WSA_OPERATION_ABORTED", WSA_OPERATION_ABORTED, 995}});
}

}  // namespace
}  // namespace ws2sim::conformance
