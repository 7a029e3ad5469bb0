// Byte order and address text: htons/htonl/ntohs/ntohl, inet_pton/inet_ntop, inet_addr/inet_ntoa
// (none needs WSAStartup on Windows, and none touches a host), and WSAAddressToString/
// WSAStringToAddress (which need WSAStartup, as on Windows).
#include <cstdlib>
#include <cstring>
#include <string>

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

// ---- WSAAddressToString / WSAStringToAddress ------------------------------------------------

namespace {

using ws2sim::winsock::detail::Call;

// The text of an IPv4 or IPv6 socket address: "a.b.c.d:port", "[v6]:port", the port left out
// when it is 0. nullopt (and the last error) for what WSAAddressToString refuses.
std::optional<std::string> address_text(const sockaddr* sa, DWORD length) {
  if (sa == nullptr || length < sizeof(sockaddr_in)) {
    return fail(WSAEFAULT), std::nullopt;
  }
  if (sa->sa_family == AF_INET) {
    sockaddr_in sin;
    std::memcpy(&sin, sa, sizeof sin);
    std::string text =
        *ws2sim::winsock::detail::format_ipv4(reinterpret_cast<const std::uint8_t*>(&sin.sin_addr));
    if (sin.sin_port != 0) {
      text += ':';
      text += std::to_string(ntohs(sin.sin_port));
    }
    return text;
  }
  if (sa->sa_family == AF_INET6) {
    if (length < sizeof(sockaddr_in6)) {
      return fail(WSAEFAULT), std::nullopt;
    }
    sockaddr_in6 sin6;
    std::memcpy(&sin6, sa, sizeof sin6);
    std::string text = *ws2sim::winsock::detail::format_ipv6(sin6.sin6_addr.s6_addr);
    if (sin6.sin6_scope_id != 0) {
      text += '%';
      text += std::to_string(sin6.sin6_scope_id);
    }
    if (sin6.sin6_port != 0) {
      text = "[" + text + "]:" + std::to_string(ntohs(sin6.sin6_port));
    }
    return text;
  }
  return fail(WSAEINVAL), std::nullopt;
}

// Parses WSAStringToAddress's text for `family` into `out`; its length, or 0 if invalid.
int parse_address_text(const std::string& text, int family, sockaddr_storage* out) {
  std::memset(out, 0, sizeof *out);
  std::string host = text;
  std::string port;
  if (family == AF_INET) {
    if (const auto colon = text.find(':'); colon != std::string::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
    }
  } else if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string::npos) {
      return 0;
    }
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') {
        return 0;
      }
      port = text.substr(close + 2);
    }
  }
  unsigned long port_value = 0;
  if (!port.empty()) {
    char* end = nullptr;
    port_value = std::strtoul(port.c_str(), &end, 10);
    if (*end != '\0' || port_value > 65535 || port[0] == '-' || port[0] == '+') {
      return 0;
    }
  }
  if (family == AF_INET) {
    auto* sin = reinterpret_cast<sockaddr_in*>(out);
    if (!ws2sim::winsock::detail::parse_ipv4(host.c_str(),
                                             reinterpret_cast<std::uint8_t*>(&sin->sin_addr))) {
      return 0;
    }
    sin->sin_family = AF_INET;
    sin->sin_port = htons(static_cast<u_short>(port_value));
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
  if (!ws2sim::winsock::detail::parse_ipv6(host.c_str(), sin6->sin6_addr.s6_addr)) {
    return 0;
  }
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(static_cast<u_short>(port_value));
  return sizeof(sockaddr_in6);
}

// WSAStringToAddress's work, shared by the A and W forms.
INT string_to_address(const std::optional<std::string>& text, INT family, LPSOCKADDR address,
                      LPINT length) {
  auto call = Call::winsock();
  if (!call) {
    return SOCKET_ERROR;
  }
  if (length == nullptr) {
    return fail(WSAEFAULT);
  }
  if (family != AF_INET && family != AF_INET6) {
    return fail(WSAEINVAL);
  }
  const int need = family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
  if (address == nullptr || *length < need) {
    *length = need;
    return fail(WSAEFAULT);
  }
  sockaddr_storage parsed;
  if (!text || parse_address_text(*text, family, &parsed) == 0) {
    return fail(WSAEINVAL);
  }
  std::memcpy(address, &parsed, static_cast<std::size_t>(need));
  *length = need;
  return 0;
}

// WSAAddressToString's work for either character type.
template <typename Char>
INT address_to_string(LPSOCKADDR address, DWORD length, Char* out, LPDWORD out_length) {
  auto call = Call::winsock();
  if (!call) {
    return SOCKET_ERROR;
  }
  const std::optional<std::string> text = address_text(address, length);
  if (!text) {
    return SOCKET_ERROR;
  }
  if (out_length == nullptr) {
    return fail(WSAEFAULT);
  }
  const auto need = static_cast<DWORD>(text->size() + 1);
  if (out == nullptr || *out_length < need) {
    *out_length = need;  // what it takes, the NUL included
    return fail(WSAEFAULT);
  }
  for (DWORD i = 0; i < need; ++i) {
    out[i] = static_cast<Char>(static_cast<unsigned char>((*text)[i]));
  }
  *out_length = need;
  return 0;
}

}  // namespace

INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOA /*lpProtocolInfo*/, LPSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength) {
  return address_to_string(lpsaAddress, dwAddressLength, lpszAddressString,
                           lpdwAddressStringLength);
}

INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOW /*lpProtocolInfo*/, LPWSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength) {
  return address_to_string(lpsaAddress, dwAddressLength, lpszAddressString,
                           lpdwAddressStringLength);
}

INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOA /*lpProtocolInfo*/, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) {
  std::optional<std::string> text;
  if (AddressString != nullptr) {
    text = AddressString;
  }
  return string_to_address(text, AddressFamily, lpAddress, lpAddressLength);
}

INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOW /*lpProtocolInfo*/, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) {
  std::optional<std::string> text;
  if (AddressString != nullptr) {
    text = ws2sim::winsock::detail::narrow_ascii(AddressString);
  }
  return string_to_address(text, AddressFamily, lpAddress, lpAddressLength);
}
