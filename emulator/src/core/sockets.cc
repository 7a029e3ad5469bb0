// A host's socket bookkeeping (sockets.h).
#include "core/sockets.h"

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
  // Its WSAEventSelect association is the listener's event and events with nothing recorded:
  // accept() makes it (core/network_events.h), not this copy.
  accepted.event_select.reset();
  // Nor is it associated with the listener's completion port: an association belongs to one
  // handle (CreateIoCompletionPort page; docs/behaviour.md §17).
  accepted.completion_port.reset();
  accepted.skip_port_on_success = false;
  return host.sockets.insert(std::move(accepted));
}

void release_port(Host::State& host, const Socket& s) {
  if (!s.owns_port || !s.local) {
    return;
  }
  const auto port = host.bound_ports.find(s.local->port);
  if (port != host.bound_ports.end() && --port->second == 0) {
    host.bound_ports.erase(port);
  }
}

}  // namespace ws2sim::winsock::detail
