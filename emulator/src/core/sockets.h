// A host's socket bookkeeping shared by the API files and the backends: handles, bound ports,
// accepted sockets. Not a public header.
#pragma once

#include "core/host_state.h"

namespace ws2sim::winsock::detail {

/// new_handle — the next handle of the world (sockets and events share one handle space;
/// multiples of four, as on Windows, never reused within a world).
SocketHandle new_handle(World::State& world) noexcept;
/// bind_port — records that `s` binds `address` on the host (bind() or connect()'s implicit bind).
void bind_port(Host::State& host, Socket& s, SocketAddress address);
/// insert_accepted — a new socket for a connection accepted on `listener`: it has the listening
/// socket's properties (options, keep-alive) and shares its port. The backend fills in its part.
Socket& insert_accepted(World::State& world, Host::State& host, const Socket& listener);
/// release_port — forgets that `s` binds its port (the socket is going away).
void release_port(Host::State& host, const Socket& s);

}  // namespace ws2sim::winsock::detail
