// Overlapped socket operations (overlapped_io.h; docs/behaviour.md §17).
#include "core/overlapped_io.h"

#include <algorithm>

#include "backend/backend.h"
#include "core/kernel_objects.h"
#include "rules/ntstatus.h"
// The drop-in headers, for OVERLAPPED.
#include <winsock2.h>

namespace ws2sim::winsock::detail {
namespace {

// queue_routine — the completion routine runs at the issuer's next alertable wait, with the
// Winsock error of the status. A Windows thread that ended never runs it (its APCs die with it).
void queue_routine(const Issuer& issuer, CompletionRoutine routine, void* overlapped,
                   std::uint32_t status, std::uint32_t bytes) {
  const Apc apc{routine, static_cast<std::uint32_t>(wsa_error_of_status(status)), bytes,
                overlapped, 0};
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

void complete_io(Host::State& host, const Socket& s, void* overlapped, CompletionRoutine routine,
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
    const bool skipped = at_once && status == kStatusSuccess && s.skip_port_on_success;
    if (s.completion_port && (event & 1U) == 0 && !skipped) {
      (void)post_packet(host, *s.completion_port,
                        CompletionPacket{bytes, s.completion_key, overlapped, status});
    }
  }
  if (wake) {
    host.world->state().wake_host(host.id.value);
  }
}

bool try_receive(Host::State& host, const PendingIo& io, bool at_once, bool wake) {
  Socket* const s = host.sockets.find(io.socket);
  if (s == nullptr) {
    return true;  // closed: closesocket completed it already
  }
  const ReceiveNow r = host.backend->receive_now(host, *s, io.buffers, io.peek);
  std::uint32_t status = kStatusSuccess;
  switch (r.kind) {
    case ReceiveNow::Kind::kNothingYet:
      return false;
    case ReceiveNow::Kind::kData:
    case ReceiveNow::Kind::kEnd:
      break;
    case ReceiveNow::Kind::kBroken:
      status = status_of_close_reason(r.reason);
      break;
  }
  complete_io(host, *s, io.overlapped, io.routine, io.issuer, status, r.bytes, at_once, wake);
  return true;
}

void add_pending(Host::State& host, PendingIo io) {
  host.pending_io.push_back(std::move(io));
  if (!host.in_pending_io_hosts) {
    host.in_pending_io_hosts = true;
    host.world->state().pending_io_hosts.push_back(host.id.value);
  }
}

bool sweep_pending_io(Host::State& host) {
  auto& list = host.pending_io;
  const auto before = list.size();
  // Receives on one socket complete in the order they were started: a later one is not tried
  // while an earlier one on its socket waits.
  std::vector<SocketHandle> waiting;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const PendingIo& io) {
                              if (std::find(waiting.begin(), waiting.end(), io.socket) !=
                                  waiting.end()) {
                                return false;
                              }
                              if (try_receive(host, io, false, false)) {
                                return true;
                              }
                              waiting.push_back(io.socket);
                              return false;
                            }),
             list.end());
  return list.size() != before;
}

std::size_t cancel_io(Host::State& host, SocketHandle s, const void* only, const Issuer* issuer) {
  Socket* const sock = host.sockets.find(s);
  std::vector<PendingIo> cancelled;
  auto& list = host.pending_io;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](PendingIo& io) {
                              const bool match =
                                  io.socket == s && (only == nullptr || io.overlapped == only) &&
                                  (issuer == nullptr || (io.issuer.thread == issuer->thread &&
                                                         io.issuer.other == issuer->other));
                              if (match) {
                                cancelled.push_back(std::move(io));
                              }
                              return match;
                            }),
             list.end());
  if (sock != nullptr) {
    for (const PendingIo& io : cancelled) {
      complete_io(host, *sock, io.overlapped, io.routine, io.issuer, kStatusCancelled, 0, false,
                  false);
    }
  }
  if (!cancelled.empty()) {
    host.world->state().wake_host(host.id.value);
  }
  return cancelled.size();
}

}  // namespace ws2sim::winsock::detail
