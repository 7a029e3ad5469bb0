// Overlapped socket operations (overlapped_io.h; docs/behaviour.md §17).
#include "core/overlapped_io.h"

#include <algorithm>
#include <cstring>

#include "backend/backend.h"
#include "core/kernel_objects.h"
#include "core/sockaddr.h"
#include "rules/ntstatus.h"
// The drop-in headers, for OVERLAPPED.
#include <winsock2.h>

namespace ws2sim::winsock::detail {
namespace {

// queue_routine — the completion routine runs at the issuer's next alertable wait, with the
// Winsock error of the status. A Windows thread that ended never runs it (its APCs die with it).
void queue_routine(const Issuer& issuer, CompletionRoutine routine, void* overlapped,
                   std::uint32_t status, std::uint32_t bytes) {
  const Apc apc{routine, static_cast<std::uint32_t>(wsa_error_of_status(status)), bytes, overlapped,
                0};
  if (issuer.thread != nullptr) {
    if (issuer.thread->ended) {
      return;
    }
    (issuer.thread->state != nullptr ? issuer.thread->state->apcs : issuer.thread->early_apcs)
        .push_back(apc);
  } else if (issuer.other != nullptr) {
    issuer.other->apcs.push_back(apc);
  }
}

}  // namespace

Issuer current_issuer() noexcept {
  ThreadState& ts = thread_state();
  return ts.win_thread != nullptr ? Issuer{ts.win_thread, nullptr} : Issuer{nullptr, &ts};
}

bool post_packet(Host::State& host, std::uintptr_t port, const CompletionPacket& packet) {
  KernelObject* const o = find_object(host, port);
  if (o == nullptr || o->kind != KernelObject::Kind::kCompletionPort) {
    return false;
  }
  o->packets.push_back(packet);
  return true;
}

void complete_io(Host::State& host, const Socket* s, void* overlapped, CompletionRoutine routine,
                 const Issuer& issuer, std::uint32_t status, std::uint32_t bytes, bool at_once,
                 bool wake) {
  auto* const ov = static_cast<OVERLAPPED*>(overlapped);
  ov->Internal = status;
  ov->InternalHigh = bytes;
  if (routine != nullptr) {
    queue_routine(issuer, routine, overlapped, status, bytes);
  } else {
    // hEvent with its low bit set: the event is set, but no packet goes to a port (documented,
    // GetQueuedCompletionStatus page).
    const auto event = handle_value(ov->hEvent);
    if (KernelObject* ev = find_event(host, event & ~std::uintptr_t{1})) {
      ev->signaled = true;
    }
    const bool skipped =
        s == nullptr || (at_once && status == kStatusSuccess && s->skip_port_on_success);
    if (!skipped && s->completion_port && (event & 1U) == 0) {
      (void)post_packet(host, s->completion_port->port,
                        CompletionPacket{bytes, s->completion_port->key, overlapped, status});
    }
  }
  if (wake) {
    host.world->state().wake_host(host.id.value);
  }
}

namespace {

// The status an operation ends with when its connection ended as `r` says (receive_now).
std::uint32_t status_of(const ReceiveNow& r) {
  return r.kind == ReceiveNow::Kind::kBroken ? status_of_close_reason(r.reason) : kStatusSuccess;
}

// A receive: whatever receive_now finds ends it.
bool try_receive(Host::State& host, Socket& s, const PendingIo& io, bool at_once, bool wake) {
  const ReceiveNow r = host.backend->receive_now(host, s, io.buffers, io.peek);
  if (r.kind == ReceiveNow::Kind::kNothingYet) {
    return false;
  }
  complete_io(host, &s, io.overlapped, io.routine, io.issuer, status_of(r), r.bytes, at_once, wake);
  return true;
}

// Writes one AcceptEx address block: the sockaddr's length (a 32-bit int), then the sockaddr
// (the layout GetAcceptExSockaddrs reads; Wine writes the same).
void write_address_block(char* block, std::uint32_t size, const Socket& s,
                         const std::optional<SocketAddress>& a) {
  sockaddr_storage ss{};
  const int length = a ? store_sockaddr(s, *a, &ss) : 0;
  if (size < sizeof(int) + static_cast<std::uint32_t>(length)) {
    return;  // checked by AcceptEx: never here
  }
  std::memcpy(block, &length, sizeof length);
  std::memcpy(block + sizeof(int), &ss, static_cast<std::size_t>(length));
}

// AcceptEx: first a queued connection goes to the accept socket and the addresses are written;
// then, if a data part was given, the first data (or the end of the connection) ends it.
bool try_accept(Host::State& host, Socket& listener, PendingIo& io, bool at_once, bool wake) {
  Socket* const target = host.sockets.find(io.accept_socket);
  if (target == nullptr) {
    return true;  // closed: closesocket cancelled it
  }
  if (!io.accepted) {
    if (!host.backend->accept_into(host, listener, *target)) {
      return false;
    }
    io.accepted = true;
    target->accept_context_pending = true;
    write_address_block(io.addresses, io.local_size, *target, target->local);
    write_address_block(io.addresses + io.local_size, io.remote_size, *target, target->peer);
  }
  std::uint32_t status = kStatusSuccess;
  std::uint32_t bytes = 0;
  if (!io.buffers.empty() && io.buffers[0].size > 0) {
    const ReceiveNow r = host.backend->receive_now(host, *target, io.buffers, false);
    if (r.kind == ReceiveNow::Kind::kNothingYet) {
      return false;
    }
    status = status_of(r);
    bytes = r.bytes;
  }
  complete_io(host, &listener, io.overlapped, io.routine, io.issuer, status, bytes, at_once, wake);
  return true;
}

// ConnectEx: the handshake's end. Connected: the data given is sent and counted; failed: the
// status of the connect's error (refused, timed out, unreachable).
bool try_connect(Host::State& host, Socket& s, const PendingIo& io, bool at_once, bool wake) {
  host.backend->refresh(host, s);
  if (s.state == SocketState::kConnecting) {
    return false;
  }
  std::uint32_t status = kStatusSuccess;
  std::uint32_t bytes = 0;
  if (s.state == SocketState::kConnected) {
    s.connect_context_pending = true;
    if (!io.buffers.empty() && io.buffers[0].size > 0) {
      const int e = host.backend->send_now(host, s, io.buffers[0].data, io.buffers[0].size);
      status = status_of_wsa_error(e);
      bytes = e == 0 ? io.buffers[0].size : 0;
    }
  } else {
    status = status_of_wsa_error(s.pending_error);
  }
  complete_io(host, &s, io.overlapped, io.routine, io.issuer, status, bytes, at_once, wake);
  return true;
}

}  // namespace

bool try_complete(Host::State& host, PendingIo& io, bool at_once, bool wake) {
  Socket* const s = host.sockets.find(io.socket);
  if (s == nullptr) {
    return true;  // closed: closesocket completed it already
  }
  switch (io.kind) {
    case IoKind::kReceive:
      return try_receive(host, *s, io, at_once, wake);
    case IoKind::kAccept:
      return try_accept(host, *s, io, at_once, wake);
    case IoKind::kConnect:
      return try_connect(host, *s, io, at_once, wake);
  }
  return true;
}

bool start_io(Host::State& host, PendingIo io, bool try_now) {
  auto* const ov = static_cast<OVERLAPPED*>(io.overlapped);
  ov->Internal = kStatusPending;
  ov->InternalHigh = 0;
  if (try_now && try_complete(host, io, true, true)) {
    return true;
  }
  if (io.kind == IoKind::kAccept) {
    host.pending_io.accepting[io.accept_socket] = io.socket;
  }
  host.pending_io.by_socket[io.socket].push_back(std::move(io));
  if (!host.in_pending_io_hosts) {
    host.in_pending_io_hosts = true;
    host.world->state().pending_io_hosts.push_back(host.id.value);
  }
  return false;
}

namespace {

// Tries the operations of one socket's list in the order they were started; drops the ended.
// Operations on one socket complete in that order without any bookkeeping: a later one waits
// for what an earlier one waits for (data, a connection, the end), so it cannot complete while
// the earlier one cannot, and an earlier one that completes takes what it finds first.
bool sweep_list(Host::State& host, std::vector<PendingIo>& list) {
  const auto before = list.size();
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](PendingIo& io) {
                              if (!try_complete(host, io, false, false)) {
                                return false;
                              }
                              if (io.kind == IoKind::kAccept) {
                                host.pending_io.accepting.erase(io.accept_socket);
                              }
                              return true;
                            }),
             list.end());
  return list.size() != before;
}

// sweep_list for socket `owner`'s operations, if it has any; an emptied list goes.
bool sweep_owner(Host::State& host, SocketHandle owner) {
  auto& table = host.pending_io.by_socket;
  const auto it = table.find(owner);
  if (it == table.end()) {
    return false;
  }
  const bool any = sweep_list(host, it->second);
  if (it->second.empty()) {
    table.erase(it);
  }
  return any;
}

}  // namespace

bool sweep_pending_io(Host::State& host) {
  bool any = false;
  auto& table = host.pending_io.by_socket;
  for (auto it = table.begin(); it != table.end();) {
    any = sweep_list(host, it->second) || any;
    it = it->second.empty() ? table.erase(it) : std::next(it);
  }
  return any;
}

bool sweep_pending_io_of(Host::State& host, SocketHandle s) {
  bool any = sweep_owner(host, s);
  // An AcceptEx with a data part that took this socket waits for its first data.
  if (const auto a = host.pending_io.accepting.find(s); a != host.pending_io.accepting.end()) {
    any = sweep_owner(host, a->second) || any;
  }
  return any;
}

std::size_t cancel_io(Host::State& host, SocketHandle s, const void* only, const Issuer* issuer) {
  PendingIoTable& table = host.pending_io;
  if (table.empty()) {
    return 0;  // every closesocket asks
  }
  std::vector<PendingIo> cancelled;
  auto take = [&](SocketHandle owner) {
    const auto it = table.by_socket.find(owner);
    if (it == table.by_socket.end()) {
      return;
    }
    auto& list = it->second;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](PendingIo& io) {
                                const bool match =
                                    (io.socket == s ||
                                     (io.kind == IoKind::kAccept && io.accept_socket == s)) &&
                                    (only == nullptr || io.overlapped == only) &&
                                    (issuer == nullptr || (io.issuer.thread == issuer->thread &&
                                                           io.issuer.other == issuer->other));
                                if (match) {
                                  if (io.kind == IoKind::kAccept) {
                                    table.accepting.erase(io.accept_socket);
                                  }
                                  cancelled.push_back(std::move(io));
                                }
                                return match;
                              }),
               list.end());
    if (list.empty()) table.by_socket.erase(it);
  };
  take(s);
  if (const auto a = table.accepting.find(s); a != table.accepting.end()) {
    take(a->second);  // the AcceptEx on a listener that would give `s` its connection
  }
  Socket* const sock = host.sockets.find(s);
  for (const PendingIo& io : cancelled) {
    // The completion goes to the operation's own socket (an AcceptEx's listener), if still open.
    Socket* const owner = io.socket == s ? sock : host.sockets.find(io.socket);
    complete_io(host, owner, io.overlapped, io.routine, io.issuer, kStatusCancelled, 0, false,
                false);
  }
  if (!cancelled.empty()) {
    host.world->state().wake_host(host.id.value);
  }
  return cancelled.size();
}

}  // namespace ws2sim::winsock::detail
