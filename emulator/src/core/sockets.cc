// A host's socket bookkeeping (sockets.h).
#include "core/sockets.h"

#include "backend/backend.h"

namespace ws2sim::winsock::detail {

SocketHandle new_handle(World::State& world) noexcept {
  const SocketHandle handle = world.next_handle;
  world.next_handle += 4;
  return handle;
}

void bind_port(Host::State& host, Socket& s, SocketAddress address) {
  s.local = address;
  s.owns_port = true;
  ++host.bound_ports[address.port];
}

Socket& insert_accepted(World::State& world, Host::State& host, const Socket& listener) {
  Socket accepted = listener;
  accepted.handle = new_handle(world);
  accepted.state = SocketState::kConnected;
  accepted.pending_error = 0;
  accepted.rx.clear();
  accepted.blocked_calls = 0;
  accepted.owns_port = false;  // it shares the listener's port
  return host.sockets.insert(std::move(accepted));
}

void destroy_socket(Host::State& host, SocketHandle handle, bool abortive) {
  Socket* const found = host.sockets.find(handle);
  if (found == nullptr) return;
  Socket& s = *found;
  if (s.owns_port && s.local) {
    const auto port = host.bound_ports.find(s.local->port);
    if (port != host.bound_ports.end() && --port->second == 0) host.bound_ports.erase(port);
  }
  host.backend->close(host, s, abortive);
  host.sockets.erase(handle);
}

}  // namespace ws2sim::winsock::detail
