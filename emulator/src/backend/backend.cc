// What every call hands to its host's backend (backend.h): the world's clock, blocking waits,
// and closing a socket.
#include "backend/backend.h"

#include "core/call.h"
#include "core/host_state.h"
#include "core/overlapped_io.h"
#include "core/sockets.h"

namespace ws2sim::winsock::detail {

TimePoint Call::now() const noexcept {
  return world_->clock->now();
}

WaitResult Call::wait(Condition ready, std::optional<TimePoint> deadline, Socket* socket,
                      const WaitSite& site) {
  return host_->backend->wait(*this, ready, deadline, socket, nullptr, site);
}

WaitResult Call::wait_to_take(Condition ready, Action take, std::optional<TimePoint> deadline,
                              const WaitSite& site) {
  return host_->backend->wait(*this, ready, deadline, nullptr, &take, site);
}

void destroy_socket(Host::State& host, SocketHandle handle, bool abortive) {
  Socket* const found = host.sockets.find(handle);
  if (found == nullptr) {
    return;
  }
  // closesocket ends the socket's pending overlapped receives with STATUS_CANCELLED first
  // (documented, closesocket page; docs/behaviour.md §17).
  (void)cancel_io(host, handle, nullptr, nullptr);
  release_port(host, *found);
  host.backend->close(host, *found, abortive);
  host.sockets.erase(handle);
}

}  // namespace ws2sim::winsock::detail
