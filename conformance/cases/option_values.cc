// What the options other than keep-alive hold and how their odd cases answer
// (docs/behaviour.md §11): defaults, values passed where pointers belong, SO_OPENTYPE without a
// socket, SO_PROTOCOL_INFO and SO_BSP_STATE, IP_DONTFRAGMENT, IP_HDRINCL, SO_MAX_MSG_SIZE.
// Portable: these run on the emulator and, through the native backend, under Wine or on Windows.
#include <cstring>
#include <string>

#include "ws2sim/conformance/case.h"

#ifndef SO_BSP_STATE
#define SO_BSP_STATE 0x1009
#endif

namespace ws2sim::conformance {
namespace {

CONFORMANCE_CASE(IpOptionDefaults, "IP.defaults") {
  const char* id = "IP.defaults";
  const SOCKET u = ctx.udp();
  ctx.check_eq(id, read_option(u, IPPROTO_IP, IP_TTL), 128, "IP_TTL of a new socket");
  ctx.check_eq(id, read_option(u, IPPROTO_IP, IP_MULTICAST_TTL), 1, "IP_MULTICAST_TTL");
  ctx.check_eq(id, read_option(u, IPPROTO_IP, IP_MULTICAST_LOOP), 1, "IP_MULTICAST_LOOP");
  if (!ctx.profile().ipv6.value) return;  // no IPv6 stack (docs/behaviour.md §16)
  const SOCKET v6 = ctx.keep(socket(AF_INET6, SOCK_STREAM, 0));
  ctx.require(v6 != INVALID_SOCKET, "socket(AF_INET6, SOCK_STREAM)");
  ctx.check_eq(id, read_option(v6, IPPROTO_IPV6, IPV6_V6ONLY), 1, "IPV6_V6ONLY");
}

CONFORMANCE_CASE(MulticastTtlTakesTheBytesGiven, "IP_MULTICAST_TTL.partial") {
  const char* id = "IP_MULTICAST_TTL.partial";
  const SOCKET u = ctx.udp();
  const struct {
    DWORD value;
    int len;
    long long expected;
  } steps[] = {
      {0xffffff0a, 1, 0x0a}, {0xffff000b, 2, 0x0b}, {0xff00000c, 3, 0x0c}, {0x0d, 4, 0x0d}};
  for (const auto& s : steps) {
    const std::string what = "optlen " + std::to_string(s.len);
    ctx.check_error(id, error_of(set_dword(u, IPPROTO_IP, IP_MULTICAST_TTL, s.value, s.len)), 0,
                    what);
    ctx.check_eq(id, read_option(u, IPPROTO_IP, IP_MULTICAST_TTL), s.expected, what + ": read");
  }
}

CONFORMANCE_CASE(DatagramSocketsFragmentByDefault, "IP_DONTFRAGMENT.datagram") {
  const char* id = "IP_DONTFRAGMENT.datagram";
  const SOCKET u = ctx.udp();
  ctx.check_eq(id, read_option(u, IPPROTO_IP, IP_DONTFRAGMENT), 0, "new UDP socket");
  ctx.check_error(id, error_of(set_dword(u, IPPROTO_IP, IP_DONTFRAGMENT, 0xdead)), 0, "set 0xdead");
  ctx.check_eq(id, read_option(u, IPPROTO_IP, IP_DONTFRAGMENT), 1, "0xdead reads back as 1");
}

CONFORMANCE_CASE(StreamSocketsDoNotFragment, "IP_DONTFRAGMENT.stream") {
  const char* id = "IP_DONTFRAGMENT.stream";
  const SOCKET t = ctx.tcp();
  ctx.check_eq(id, read_option(t, IPPROTO_IP, IP_DONTFRAGMENT), 1, "new TCP socket");
  ctx.check_error(id, error_of(set_dword(t, IPPROTO_IP, IP_DONTFRAGMENT, 0)), 0, "set 0");
  ctx.check_eq(id, read_option(t, IPPROTO_IP, IP_DONTFRAGMENT), 0, "read back");
}

CONFORMANCE_CASE(HeaderIncludeNeedsARawSocket, "IP_HDRINCL.non-raw") {
  const char* id = "IP_HDRINCL.non-raw";
  for (const SOCKET s : {ctx.tcp(), ctx.udp()}) {
    ctx.check_error(id, error_of(set_dword(s, IPPROTO_IP, IP_HDRINCL, 1)), WSAEINVAL, "set 1");
    const Got g = get_dword(s, IPPROTO_IP, IP_HDRINCL, sizeof(DWORD), 99);
    ctx.check_error(id, g.outcome, WSAEINVAL, "get");
    ctx.check_eq(id, g.value, 99, "buffer untouched");
  }
}

CONFORMANCE_CASE(ValuesWherePointersBelong, "OPTVAL.bad-pointer") {
  const char* id = "OPTVAL.bad-pointer";
  const SOCKET s = ctx.tcp();
  // Deliberately an integer where a pointer belongs, as some programs pass it.
  const auto* one = reinterpret_cast<const char*>(static_cast<std::uintptr_t>(1));
  ctx.check_error(id, error_of(setsockopt(s, SOL_SOCKET, SO_DONTROUTE, one, 1)), WSAEFAULT,
                  "setsockopt(SO_DONTROUTE, (char*)1)");
  auto* argp = reinterpret_cast<u_long*>(static_cast<std::uintptr_t>(1));
  for (const u_long cmd : {static_cast<u_long>(FIONBIO), static_cast<u_long>(FIONREAD),
                           static_cast<u_long>(SIOCATMARK)}) {
    ctx.check_error(id, error_of(ioctlsocket(s, static_cast<LONG>(cmd), argp)), WSAEFAULT,
                    "ioctlsocket(" + std::to_string(cmd) + ", (u_long*)1)");
  }
}

CONFORMANCE_CASE(UnknownLevelsAreInvalid, "SOL_SOCKET.level.invalid") {
  const char* id = "SOL_SOCKET.level.invalid";
  const SOCKET s = ctx.tcp();
  for (const int level : {-1, 0x8000}) {
    ctx.check_error(id, error_of(set_dword(s, level, SO_RCVTIMEO, 63000)), WSAEINVAL,
                    "setsockopt(level " + std::to_string(level) + ", SO_RCVTIMEO)");
  }
}

CONFORMANCE_CASE(SoErrorCanBeSet, "SO_ERROR.settable") {
  const char* id = "SO_ERROR.settable";
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_ERROR, 1234)), 0, "set 1234");
  ctx.check_eq(id, read_option(s, SOL_SOCKET, SO_ERROR), 1234, "read back");
  ctx.check_error(id, get_dword(s, SOL_SOCKET, SO_ERROR, 1).outcome, WSAEFAULT, "*optlen 1");
}

CONFORMANCE_CASE(DontLingerIsLingerInverted, "SO_DONTLINGER.inverts-linger") {
  const char* id = "SO_DONTLINGER.inverts-linger";
  const SOCKET s = ctx.tcp();
  ctx.check_eq(id, read_option(s, SOL_SOCKET, SO_DONTLINGER), 1, "new socket");
  linger l{};
  l.l_onoff = 1;
  l.l_linger = 7;
  ctx.check_error(id,
                  error_of(setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&l),
                                      static_cast<int>(sizeof l))),
                  0, "SO_LINGER on, 7 s");
  ctx.check_eq(id, read_option(s, SOL_SOCKET, SO_DONTLINGER), 0, "after SO_LINGER on");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_DONTLINGER, 1)), 0, "SO_DONTLINGER 1");
  const Got g = get_dword(s, SOL_SOCKET, SO_LINGER);
  ctx.check_eq(id, g.value & 0xFFFF, 0, "l_onoff after SO_DONTLINGER");
}

CONFORMANCE_CASE(UdpMessagesAreLimited, "SO_MAX_MSG_SIZE.udp") {
  ctx.check_eq("SO_MAX_MSG_SIZE.udp", read_option(ctx.udp(), SOL_SOCKET, SO_MAX_MSG_SIZE), 65507,
               "UDP over IPv4");
}

CONFORMANCE_CASE(OpenTypeNeedsNoSocket, "SO_OPENTYPE.thread") {
  const char* id = "SO_OPENTYPE.thread";
  DWORD v = 0xdeadbeef;
  int len = -1;
  ctx.check_error(id,
                  error_of(getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE,
                                      reinterpret_cast<char*>(&v), &len)),
                  0, "getsockopt(INVALID_SOCKET, SO_OPENTYPE), *optlen -1");
  ctx.check_eq(id, v, 0, "overlapped sockets by default");
  ctx.check_eq(id, len, 4, "*optlen");
  const Got shortbuf = get_dword(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, 2);
  ctx.check_error(id, shortbuf.outcome, WSAEFAULT, "*optlen 2");
  ctx.check_eq(id, shortbuf.value, 0xdeadbeefU, "buffer untouched");
  ctx.check_error(id, error_of(set_dword(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, 0x20, 1)),
                  WSAEFAULT, "set with optlen 1");
  ctx.check_error(id, error_of(set_dword(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, 0x20)), 0,
                  "set SO_SYNCHRONOUS_NONALERT");
  ctx.check_eq(id, read_option(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE), 0x20, "read back");
  ctx.check_error(id, error_of(set_dword(INVALID_SOCKET, SOL_SOCKET, SO_OPENTYPE, 0)), 0,
                  "back to overlapped");
}

CONFORMANCE_CASE(ProtocolInfoBuffers, "SO_PROTOCOL_INFO.buffer") {
  const char* id = "SO_PROTOCOL_INFO.buffer";
  WSAPROTOCOL_INFOA info;
  int size = static_cast<int>(sizeof info);
  ctx.check_error(id,
                  error_of(getsockopt(INVALID_SOCKET, SOL_SOCKET, SO_PROTOCOL_INFOA,
                                      reinterpret_cast<char*>(&info), &size)),
                  WSAENOTSOCK, "INVALID_SOCKET");
  ctx.check_eq(id, size, sizeof info, "*optlen untouched");
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, error_of(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, nullptr, nullptr)),
                  WSAEFAULT, "NULL optval and optlen");
  ctx.check_error(id, error_of(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, nullptr, &size)),
                  WSAEFAULT, "NULL optval");
  size = static_cast<int>(sizeof info) / 2;
  ctx.check_error(
      id,
      error_of(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, reinterpret_cast<char*>(&info), &size)),
      WSAEFAULT, "half the size");
  ctx.check_eq(id, size, sizeof info, "*optlen set to the size needed");
  char big[2 * sizeof(WSAPROTOCOL_INFOA)];
  size = static_cast<int>(sizeof big);
  ctx.check_error(id, error_of(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA, big, &size)), 0,
                  "twice the size");
  ctx.check_eq(id, size, sizeof big, "*optlen left as given");
}

CONFORMANCE_CASE(ProtocolInfoDescribesTheSocket, "SO_PROTOCOL_INFO.contents") {
  const char* id = "SO_PROTOCOL_INFO.contents";
  const struct {
    int family, type, protocol;
  } kinds[] = {{AF_INET, SOCK_STREAM, IPPROTO_TCP},
               {AF_INET, SOCK_DGRAM, IPPROTO_UDP},
               {AF_INET6, SOCK_STREAM, IPPROTO_TCP},
               {AF_INET6, SOCK_DGRAM, IPPROTO_UDP}};
  for (const auto& k : kinds) {
    if (k.family == AF_INET6 && !ctx.profile().ipv6.value) continue;  // no IPv6 stack (§16)
    const SOCKET s = ctx.keep(socket(k.family, k.type, k.protocol));
    ctx.require(s != INVALID_SOCKET, "socket");
    const std::string what =
        "family " + std::to_string(k.family) + " type " + std::to_string(k.type);
    WSAPROTOCOL_INFOA a{};
    WSAPROTOCOL_INFOW w{};
    int size_a = static_cast<int>(sizeof a);
    int size_w = static_cast<int>(sizeof w);
    ctx.check_error(id,
                    error_of(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOA,
                                        reinterpret_cast<char*>(&a), &size_a)),
                    0, what + ": A");
    ctx.check_error(id,
                    error_of(getsockopt(s, SOL_SOCKET, SO_PROTOCOL_INFOW,
                                        reinterpret_cast<char*>(&w), &size_w)),
                    0, what + ": W");
    ctx.check_eq(id, a.iAddressFamily, k.family, what + ": iAddressFamily");
    ctx.check_eq(id, a.iSocketType, k.type, what + ": iSocketType");
    ctx.check_eq(id, a.iProtocol, k.protocol, what + ": iProtocol");
    ctx.check(id, a.szProtocol[0] != 0, what + ": szProtocol named");
    ctx.check(id, std::memcmp(&a, &w, offsetof(WSAPROTOCOL_INFOA, szProtocol)) == 0,
              what + ": A and W agree up to szProtocol");
    bool same_name = true;
    for (int i = 0; i <= WSAPROTOCOL_LEN && (a.szProtocol[i] != 0 || w.szProtocol[i] != 0); ++i) {
      same_name = same_name && static_cast<unsigned char>(a.szProtocol[i]) == w.szProtocol[i];
    }
    ctx.check(id, same_name, what + ": the same name in A and W");
  }
}

CONFORMANCE_CASE(BspStateReportsTheAddresses, "SO_BSP_STATE.addresses") {
  const char* id = "SO_BSP_STATE.addresses";
  union {
    CSADDR_INFO cs;
    char space[128];
  } info;
  int size = static_cast<int>(sizeof info);
  const SOCKET s = ctx.tcp();
  ctx.check_error(id, error_of(getsockopt(s, SOL_SOCKET, SO_BSP_STATE, info.space, &size)), 0,
                  "unbound socket");
  ctx.check_eq(id, info.cs.LocalAddr.iSockaddrLength, 0, "no local address before bind");
  ctx.check(id, info.cs.RemoteAddr.lpSockaddr == nullptr, "no remote address");
  ctx.check_eq(id, size, sizeof info, "*optlen left as given");
  const SOCKET c = ctx.connected_tcp();
  size = static_cast<int>(sizeof info);
  ctx.check_error(id, error_of(getsockopt(c, SOL_SOCKET, SO_BSP_STATE, info.space, &size)), 0,
                  "connected socket");
  sockaddr_in name{};
  int name_len = static_cast<int>(sizeof name);
  ctx.require(getpeername(c, reinterpret_cast<sockaddr*>(&name), &name_len) == 0, "getpeername");
  ctx.check_eq(id, info.cs.RemoteAddr.iSockaddrLength, sizeof name, "remote length");
  ctx.check(id,
            info.cs.RemoteAddr.lpSockaddr != nullptr &&
                std::memcmp(info.cs.RemoteAddr.lpSockaddr, &name, sizeof name) == 0,
            "remote address is getpeername's");
  ctx.require(getsockname(c, reinterpret_cast<sockaddr*>(&name), &name_len) == 0, "getsockname");
  ctx.check(id,
            info.cs.LocalAddr.lpSockaddr != nullptr &&
                std::memcmp(info.cs.LocalAddr.lpSockaddr, &name, sizeof name) == 0,
            "local address is getsockname's");
  ctx.check_eq(id, info.cs.iSocketType, SOCK_STREAM, "iSocketType");
  ctx.check_eq(id, info.cs.iProtocol, IPPROTO_TCP, "iProtocol");
  size = static_cast<int>(sizeof(CSADDR_INFO));
  ctx.check_error(id, error_of(getsockopt(c, SOL_SOCKET, SO_BSP_STATE, info.space, &size)),
                  WSAEFAULT, "room for the CSADDR_INFO only");
  ctx.check_eq(id, size, sizeof(CSADDR_INFO), "*optlen unchanged");
  size = static_cast<int>(sizeof(CSADDR_INFO) + 2 * sizeof(sockaddr));
  ctx.check_error(id, error_of(getsockopt(c, SOL_SOCKET, SO_BSP_STATE, info.space, &size)), 0,
                  "exactly the structure and two addresses");
  --size;
  ctx.check_error(id, error_of(getsockopt(c, SOL_SOCKET, SO_BSP_STATE, info.space, &size)),
                  WSAEFAULT, "one byte less");
}

CONFORMANCE_CASE(BspStateIsMissingBeforeVista, "SO_BSP_STATE.missing") {
  char space[128];
  int size = static_cast<int>(sizeof space);
  ctx.check_error("SO_BSP_STATE.missing",
                  error_of(getsockopt(ctx.tcp(), SOL_SOCKET, SO_BSP_STATE, space, &size)),
                  WSAENOPROTOOPT, "getsockopt(SO_BSP_STATE)");
}

}  // namespace
}  // namespace ws2sim::conformance
