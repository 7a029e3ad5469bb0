// A host's kernel objects (core/win_thread.h) as the calls find them: by handle, by kind, and
// signalling an event. Shared by the event functions (api/events.cc), the waits (api/waits.cc),
// the thread and synchronisation functions (api/threads.cc, api/sync.cc) and overlapped
// completions (api/ioctl.cc). Not a public header.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

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

/// find_object — the kernel object `handle` names on this host, or nullptr.
inline KernelObject* find_object(const Host::State& host, std::uintptr_t handle) {
  const auto it = host.objects.find(handle);
  return it == host.objects.end() ? nullptr : it->second.get();
}

/// find_event — the event `handle` names on this host, or nullptr.
inline KernelObject* find_event(const Host::State& host, std::uintptr_t handle) {
  KernelObject* const o = find_object(host, handle);
  return o != nullptr && o->kind == KernelObject::Kind::kEvent ? o : nullptr;
}

/// add_object — a new object of this host under a new handle of the world.
std::uintptr_t add_object(World::State& world, Host::State& host, KernelObject::Kind kind);

/// signal_event — signals the event `handle` if it is one of this host's, satisfying the waits
/// for it (all of them for a manual-reset event, the first for an auto-reset one).
inline void signal_event(Call& call, std::uintptr_t handle) {
  if (KernelObject* ev = find_event(call.host(), handle)) {
    ev->signaled = true;
    call.world().wake_host(call.host().id.value);
  }
}

/// ObjectWait — how a wait for kernel objects ended: WAIT_OBJECT_0 + i, WAIT_ABANDONED_0 + i,
/// WAIT_TIMEOUT, WAIT_IO_COMPLETION, or WAIT_FAILED with the Win32 error.
struct ObjectWait {
  std::uint32_t result;
  int error;
};

/// wait_for_objects — WaitForMultipleObjectsEx on this host's objects `handles` (validated
/// count): waits in the world's time, takes what a satisfied wait takes (api/waits.cc).
/// `function` names the caller in a deadlock report.
ObjectWait wait_for_objects(Call& call, const std::vector<std::uintptr_t>& handles, bool wait_all,
                            std::uint32_t ms, bool alertable, const char* function);

/// run_apcs — runs every APC queued to the calling thread, each with the world lock released.
/// True if any ran.
bool run_apcs(Call& call);

/// deadline_after — the instant `ms` milliseconds from now (INFINITE: none).
std::optional<TimePoint> deadline_after(const Call& call, std::uint32_t ms);

/// current_thread_handle — `h` as a key of the host's objects: GetCurrentThread()'s pseudo
/// handle becomes a handle to the calling thread (made on first use).
std::uintptr_t current_thread_handle(Call& call, void* h);

/// fail_win32 — sets the thread's last error to the Win32 error `error` and returns FALSE, the
/// usual failure of a Win32 BOOL function.
inline int fail_win32(std::uint32_t error) noexcept {
  thread_state().last_error = static_cast<int>(error);
  return 0;
}

/// unbound_thread_id — the id of a thread bound to no world: unique among the threads alive now
/// (from its state's address), a non-zero multiple of four like every thread id.
inline std::uint32_t unbound_thread_id() noexcept {
  const auto address = reinterpret_cast<std::uintptr_t>(&thread_state());
  return (static_cast<std::uint32_t>(address >> 4) & ~std::uint32_t{3}) | 4U;
}

/// current_thread_id — GetCurrentThreadId: a Windows thread's id, or one the world gives a
/// thread attached with a HostScope on its first question. World lock held.
std::uint32_t current_thread_id(World::State& world);

}  // namespace ws2sim::winsock::detail
