// A host's WSAEVENT objects, shared by the event functions (api/events.cc), the waits
// (api/waits.cc) and overlapped completions (api/ioctl.cc). Not a public header.
#pragma once

#include <cstdint>

#include "core/call.h"
#include "core/host_state.h"

namespace ws2sim::winsock::detail {

/// kStatusPending — OVERLAPPED.Internal while an operation is still running (STATUS_PENDING).
inline constexpr std::uintptr_t kStatusPending = 0x103;

/// handle_value — a HANDLE or WSAEVENT as the number the host's tables are keyed by.
template <typename Handle>
std::uintptr_t handle_value(Handle h) noexcept {
  return reinterpret_cast<std::uintptr_t>(h);
}

/// find_event — the event with handle value `handle` on this host, or nullptr.
inline Event* find_event(Host::State& host, std::uintptr_t handle) {
  const auto it = host.events.find(handle);
  return it == host.events.end() ? nullptr : &it->second;
}

/// signal_event — signals the event `handle` if it is one of this host's, waking the threads
/// that wait for it.
inline void signal_event(Call& call, std::uintptr_t handle) {
  if (Event* ev = find_event(call.host(), handle)) {
    ev->signaled = true;
    call.world().wake_host(call.host().id.value);
  }
}

}  // namespace ws2sim::winsock::detail
