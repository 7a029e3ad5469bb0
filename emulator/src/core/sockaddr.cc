// sockaddr_in / sockaddr_in6 to and from the network's addresses (sockaddr.h).
#include "core/sockaddr.h"

#include <cstring>

// The drop-in Windows headers, for the layouts.
#include <winsock2.h>
#include <ws2tcpip.h>

namespace ws2sim::winsock::detail {
namespace {

bool is_ipv6(const Socket& s) noexcept {
  return s.family == AF_INET6;
}

}  // namespace

int sockaddr_size(const Socket& s) noexcept {
  return is_ipv6(s) ? static_cast<int>(sizeof(sockaddr_in6))
                    : static_cast<int>(sizeof(sockaddr_in));
}

int read_sockaddr(const Socket& s, const sockaddr* name, int namelen, SocketAddress* out) {
  if (name == nullptr || namelen < sockaddr_size(s)) {
    return WSAEFAULT;
  }
  ADDRESS_FAMILY family;
  std::memcpy(&family, name, sizeof family);
  if (family != s.family) {
    return WSAEAFNOSUPPORT;
  }
  if (!is_ipv6(s)) {
    sockaddr_in sin;
    std::memcpy(&sin, name, sizeof sin);
    *out = SocketAddress{Ipv4Address{ntohl(sin.sin_addr.s_addr)}, ntohs(sin.sin_port)};
    return 0;
  }
  sockaddr_in6 sin6;
  std::memcpy(&sin6, name, sizeof sin6);
  Ipv6Address a;
  std::memcpy(a.bytes.data(), &sin6.sin6_addr, a.bytes.size());
  out->port = ntohs(sin6.sin6_port);
  const std::optional<Ipv4Address> mapped = a.mapped_ipv4();
  if (mapped && !s.ip.v6only) {
    out->address = *mapped;  // a dual-stack socket reaches IPv4 through mapped addresses
  } else {
    out->address = a;
  }
  return 0;
}

int store_address(const SocketAddress& a, void* out) noexcept {
  if (const std::optional<Ipv4Address> v4 = a.address.ipv4()) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(a.port);
    sin.sin_addr.s_addr = htonl(v4->value);
    std::memcpy(out, &sin, sizeof sin);
    return sizeof sin;
  }
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(a.port);
  std::memcpy(&sin6.sin6_addr, a.address.bytes(), 16);
  std::memcpy(out, &sin6, sizeof sin6);
  return sizeof sin6;
}

int store_sockaddr(const Socket& s, const SocketAddress& a, void* out) noexcept {
  if (is_ipv6(s) && !a.address.is_ipv6()) {
    // A dual-stack socket names its IPv4 peers by their IPv4-mapped addresses.
    return store_address(SocketAddress{Ipv6Address::mapped(*a.address.ipv4()), a.port}, out);
  }
  return store_address(a, out);
}

int write_sockaddr(const Socket& s, const SocketAddress& a, sockaddr* name, int* namelen) {
  if (name == nullptr || namelen == nullptr || *namelen < sockaddr_size(s)) {
    return WSAEFAULT;
  }
  *namelen = store_sockaddr(s, a, name);
  return 0;
}

IpAddress unspecified_address(const Socket& s) noexcept {
  return is_ipv6(s) ? IpAddress{Ipv6Address{}} : IpAddress{Ipv4Address{}};
}

AddressScope bind_scope(const Socket& s, const SocketAddress& local) noexcept {
  if (!local.address.is_unspecified()) {
    return AddressScope{local.address, std::nullopt};
  }
  if (!is_ipv6(s)) {
    return AddressScope{std::nullopt, IpFamily::kIpv4};
  }
  return AddressScope{std::nullopt, s.ip.v6only ? std::optional{IpFamily::kIpv6} : std::nullopt};
}

}  // namespace ws2sim::winsock::detail
