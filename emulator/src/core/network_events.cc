// WSAEventSelect's network events (network_events.h; docs/behaviour.md §15).
#include "core/network_events.h"

#include <algorithm>

#include "backend/backend.h"
// The drop-in header, for the FD_* values.
#include <winsock2.h>

namespace ws2sim::winsock::detail {
namespace {

// The FD_CLOSE error of a connection that ended with `reason`: 0 for an orderly close;
// WSAECONNABORTED when keep-alive or retransmissions gave up ("the virtual circuit was
// terminated due to a time-out or other failure", documented) and after a reset (observed:
// Windows-run tests; the WSAEventSelect page's WSAECONNRESET in strict-documentation mode).
int close_error(const Host::State& host, CloseReason reason) {
  switch (reason) {
    case CloseReason::kOrderly:
      return 0;
    case CloseReason::kResetByPeer:
      return host.switches.strict_documentation ? WSAECONNRESET : WSAECONNABORTED;
    default:
      return WSAECONNABORTED;
  }
}

}  // namespace

bool record_network_events(Host::State& host, Socket& s) {
  if (!s.event_select) {
    return false;
  }
  EventSelect& es = *s.event_select;
  Backend& backend = *host.backend;
  if (s.state == SocketState::kConnecting) {
    es.connect_pending = true;
    backend.refresh(host, s);
  }
  const Readiness r = backend.readiness(host, s);
  std::uint32_t now_true = 0;
  std::array<int, 10> errors{};
  if (s.state == SocketState::kListening && r.readable) {
    now_true |= FD_ACCEPT;
  }
  if (es.connect_pending &&
      (s.state == SocketState::kConnected || s.state == SocketState::kFailed)) {
    now_true |= FD_CONNECT;
    errors[FD_CONNECT_BIT] = s.state == SocketState::kFailed ? s.pending_error : 0;
    es.connect_pending = false;
  }
  if (s.state == SocketState::kConnected) {
    const std::optional<CloseReason> ended = backend.close_reason(s);
    const bool broken = ended && *ended != CloseReason::kOrderly;
    if (r.rdnorm) {
      now_true |= FD_READ;
    }
    if (!broken) {
      now_true |= FD_WRITE;
    }
    // An orderly close is reported once the data before it was read; a broken connection at once.
    if (broken || (r.hup && !r.rdnorm)) {
      now_true |= FD_CLOSE;
      errors[FD_CLOSE_BIT] = ended ? close_error(host, *ended) : 0;
    }
  }
  const std::uint32_t fresh = now_true & es.mask & ~es.spent;
  if (fresh == 0) {
    return false;
  }
  for (int bit = 0; bit < 10; ++bit) {
    if ((fresh & (1U << bit)) != 0) {
      es.errors[static_cast<std::size_t>(bit)] = errors[static_cast<std::size_t>(bit)];
    }
  }
  es.recorded |= fresh;
  es.spent |= fresh;
  const auto it = host.objects.find(es.event);
  if (it != host.objects.end() && it->second->kind == KernelObject::Kind::kEvent) {
    it->second->signaled = true;
  }
  return true;
}

void associate_events(Host::State& host, Socket& s, std::uintptr_t event, std::uint32_t mask) {
  if (!s.event_select) {
    host.event_selected.push_back(s.handle);
  }
  if (!host.in_event_select_hosts) {
    host.in_event_select_hosts = true;
    host.world->state().event_select_hosts.push_back(host.id.value);
  }
  s.nonblocking = true;
  s.event_select = EventSelect{};
  s.event_select->event = event;
  s.event_select->mask = mask;
  if (record_network_events(host, s)) {
    host.world->state().wake_host(host.id.value);
  }
}

bool sweep_network_events(Host::State& host) {
  bool any = false;
  auto& list = host.event_selected;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](SocketHandle h) {
                              Socket* s = host.sockets.find(h);
                              if (s == nullptr || !s->event_select) {
                                return true;  // closed, or its association cancelled
                              }
                              any = record_network_events(host, *s) || any;
                              return false;
                            }),
             list.end());
  return any;
}

void reenable_network_event(Host::State& host, Socket& s, int fd_bit) {
  if (!s.event_select) {
    return;
  }
  s.event_select->spent &= ~(1U << static_cast<unsigned>(fd_bit));
  if (record_network_events(host, s)) {
    host.world->state().wake_host(host.id.value);
  }
}

}  // namespace ws2sim::winsock::detail
