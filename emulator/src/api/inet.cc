// Byte order and address text: htons/htonl/ntohs/ntohl, inet_pton/inet_ntop, inet_addr/inet_ntoa.
// None of these needs WSAStartup on Windows, and none touches a host.
#include <cstring>

#include "core/call.h"
#include "core/host_state.h"
#include "rules/inet_text.h"
// The drop-in Windows headers (order-independent; after ours by convention).
#include <winsock2.h>
#include <ws2tcpip.h>

using ws2sim::winsock::detail::fail;

u_short WSAAPI htons(u_short hostshort) {
  return static_cast<u_short>((hostshort << 8) | (hostshort >> 8));
}
u_short WSAAPI ntohs(u_short netshort) {
  return htons(netshort);
}
u_long WSAAPI htonl(u_long hostlong) {
  return __builtin_bswap32(hostlong);
}
u_long WSAAPI ntohl(u_long netlong) {
  return __builtin_bswap32(netlong);
}

INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf) {
  if (pszAddrString == nullptr || pAddrBuf == nullptr) {
    return fail(WSAEFAULT);
  }
  auto* out = static_cast<std::uint8_t*>(pAddrBuf);
  if (Family == AF_INET) {
    return ws2sim::winsock::detail::parse_ipv4(pszAddrString, out) ? 1 : 0;
  }
  if (Family == AF_INET6) {
    return ws2sim::winsock::detail::parse_ipv6(pszAddrString, out) ? 1 : 0;
  }
  return fail(WSAEAFNOSUPPORT);
}

PCSTR WSAAPI inet_ntop(INT Family, const VOID* pAddr, PSTR pStringBuf, size_t StringBufSize) {
  if (pAddr == nullptr || pStringBuf == nullptr) {
    return fail(WSAEFAULT), nullptr;
  }
  const auto* in = static_cast<const std::uint8_t*>(pAddr);
  std::optional<std::string> text;
  if (Family == AF_INET) {
    text = ws2sim::winsock::detail::format_ipv4(in);
  } else if (Family == AF_INET6) {
    text = ws2sim::winsock::detail::format_ipv6(in);
  } else {
    return fail(WSAEAFNOSUPPORT), nullptr;
  }
  if (!text || text->size() + 1 > StringBufSize) {
    return fail(WSAEINVAL), nullptr;
  }
  std::memcpy(pStringBuf, text->c_str(), text->size() + 1);
  return pStringBuf;
}

ULONG WSAAPI inet_addr(const char* cp) {
  if (cp == nullptr) {
    return INADDR_NONE;
  }
  return ws2sim::winsock::detail::parse_classic_ipv4(cp).value_or(INADDR_NONE);
}

char* WSAAPI inet_ntoa(struct in_addr in) {
  thread_local char buffer[16];  // Windows keeps one buffer per thread too
  const auto text =
      ws2sim::winsock::detail::format_ipv4(reinterpret_cast<const std::uint8_t*>(&in));
  std::memcpy(buffer, text->c_str(), text->size() + 1);
  return buffer;
}
