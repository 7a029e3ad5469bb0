// A socket's addresses as the program sees them (sockaddr_in, sockaddr_in6) and as the network
// does (SocketAddress). Not a public header. docs/behaviour.md §16 has the rules: an AF_INET6
// socket reads and writes 28-byte sockaddr_in6; with IPV6_V6ONLY cleared (a dual-stack socket)
// its IPv4 peers are IPv4-mapped addresses (::ffff:a.b.c.d) to the program and IPv4 addresses
// to the network.
//
//   SocketAddress remote;
//   if (const int e = read_sockaddr(sock, name, namelen, &remote); e != 0) return fail(e);
//   ...
//   write_sockaddr(sock, peer, addr, addrlen);
#pragma once

#include "core/socket.h"
#include "ws2sim/model/address.h"

struct sockaddr;

namespace ws2sim::winsock::detail {

/// sockaddr_size — bytes of the sockaddr of socket `s`'s family: 16 (IPv4) or 28 (IPv6).
int sockaddr_size(const Socket& s) noexcept;

/// read_sockaddr — the address `name` gives socket `s`, in its family's layout; on a dual-stack
/// socket an IPv4-mapped address is read as the IPv4 address it maps. 0, or WSAEFAULT (NULL or
/// shorter than the family's sockaddr) or WSAEAFNOSUPPORT (another family).
int read_sockaddr(const Socket& s, const sockaddr* name, int namelen, SocketAddress* out);

/// write_sockaddr — writes `a` as socket `s` names it (an IPv4 address on an AF_INET6 socket as
/// ::ffff:a.b.c.d) and sets `*namelen`. 0, or WSAEFAULT when the buffer is NULL or too small.
int write_sockaddr(const Socket& s, const SocketAddress& a, sockaddr* name, int* namelen);

/// store_address — writes `a` as a sockaddr of its own family (sockaddr_in or sockaddr_in6, the
/// rest zero) into `out`, which has room for it; returns the size written.
int store_address(const SocketAddress& a, void* out) noexcept;

/// store_sockaddr — writes `a` as socket `s` names it into `out`, which has room for
/// sockaddr_size(s) bytes; returns the size written.
int store_sockaddr(const Socket& s, const SocketAddress& a, void* out) noexcept;

/// unspecified_address — "any address" of the socket's family (0.0.0.0 or ::).
IpAddress unspecified_address(const Socket& s) noexcept;

/// bind_scope — the local addresses a socket bound to `local` answers for: that address, or
/// (unspecified) every address of its family — both families on a dual-stack AF_INET6 socket.
AddressScope bind_scope(const Socket& s, const SocketAddress& local) noexcept;

}  // namespace ws2sim::winsock::detail
