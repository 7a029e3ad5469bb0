// The thread functions: CreateThread, _beginthreadex, ExitThread, GetExitCodeThread, thread ids
// and pseudo handles, ResumeThread, SwitchToThread, QueueUserAPC, thread-local storage,
// DuplicateHandle and CloseHandle. A thread a program creates is a Windows thread of its host's
// world (backend/turns.h): it runs only with the turn, so the program's threads interleave the
// same way on every run (docs/threads.md).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>

#include "backend/turns.h"
#include "core/call.h"
#include "core/host_state.h"
#include "core/kernel_objects.h"
#include "core/sockets.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <process.h>
#include <windows.h>
#include <winsock2.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace ws2sim::winsock::detail {

std::uintptr_t add_object(World::State& world, Host::State& host, KernelObject::Kind kind) {
  const std::uintptr_t handle = new_handle(world);
  host.objects.emplace(handle, std::make_shared<KernelObject>(kind));
  return handle;
}

std::uintptr_t current_thread_handle(Call& call, void* h) {
  if (h != reinterpret_cast<void*>(static_cast<std::intptr_t>(-2))) {
    return handle_value(h);
  }
  WinThread* const me = thread_state().win_thread;
  if (me == nullptr) {
    return 0;  // a HostScope thread has no thread object: an invalid handle
  }
  if (!me->self_handle) {
    me->self_handle = new_handle(call.world());
    call.host().objects.emplace(*me->self_handle, me->object);
  }
  return *me->self_handle;
}

std::uint32_t current_thread_id(World::State& world) {
  ThreadState& ts = thread_state();
  if (ts.win_thread != nullptr) {
    return ts.win_thread->id;
  }
  if (ts.outside_id == 0) {
    ts.outside_id = world.next_thread_id;
    world.next_thread_id += 4;
  }
  return ts.outside_id;
}

}  // namespace ws2sim::winsock::detail

namespace {

// The pseudo handles GetCurrentProcess and GetCurrentThread return, as on Windows.
const HANDLE kCurrentProcess = reinterpret_cast<HANDLE>(static_cast<LONG_PTR>(-1));
const HANDLE kCurrentThread = reinterpret_cast<HANDLE>(static_cast<LONG_PTR>(-2));

// The thread object `h` names (the calling thread's for GetCurrentThread()), or nullptr.
KernelObject* find_thread(const Host::State& host, HANDLE h) {
  if (h == kCurrentThread) {
    const WinThread* const me = thread_state().win_thread;
    return me != nullptr ? me->object.get() : nullptr;
  }
  KernelObject* const o = find_object(host, handle_value(h));
  return o != nullptr && o->kind == KernelObject::Kind::kThread ? o : nullptr;
}

HANDLE create_thread(std::function<std::uint32_t()> body, DWORD flags, LPDWORD id_out) {
  auto call = Call::host_only(ERROR_NOT_SUPPORTED);  // a thread belongs to a host's world
  if (!call) {
    return nullptr;
  }
  Host::State& h = call->host();
  winsock::World::State& w = call->world();
  Host* const host = w.hosts[h.id.value].get();
  if (host->live()) {
    // A live host's calls wait in real time: its threads cannot take turns in virtual time.
    fail_win32(ERROR_NOT_SUPPORTED);
    return nullptr;
  }
  if ((flags & ~static_cast<DWORD>(CREATE_SUSPENDED | STACK_SIZE_PARAM_IS_A_RESERVATION)) != 0) {
    fail_win32(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  const WinThread* const parent = thread_state().win_thread;
  std::string name = (parent != nullptr ? parent->name : std::string(host->name())) + "-thread";
  auto spawned = spawn_thread(w, *host, std::move(name), std::move(body),
                              (flags & CREATE_SUSPENDED) != 0, /*deferred=*/false);
  if (!spawned.ok()) {
    fail_win32(ERROR_NOT_ENOUGH_MEMORY);  // as Windows when no thread can be created
    return nullptr;
  }
  WinThread& t = spawned->get();
  t.name += '-';
  t.name += std::to_string(t.id);
  const std::uintptr_t handle = new_handle(w);
  h.objects.emplace(handle, t.object);
  if (id_out != nullptr) {
    *id_out = t.id;
  }
  // From a HostScope thread nobody holds the turn: the new thread may start now.
  w.hand_turn();
  return reinterpret_cast<HANDLE>(handle);
}

[[noreturn]] void exit_thread(DWORD code) {
  if (thread_state().win_thread == nullptr) {
    std::fprintf(stderr,
                 "ws2sim: ExitThread called on a thread that is not a Windows thread of a world "
                 "(a HostScope thread); only CreateThread's threads can end this way\n");
    std::abort();
  }
  throw ThreadTerminated{code};
}

}  // namespace

HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES /*lpThreadAttributes*/, SIZE_T /*dwStackSize*/,
                           LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
                           DWORD dwCreationFlags, LPDWORD lpThreadId) {
  if (lpStartAddress == nullptr) {
    fail_win32(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  return create_thread([lpStartAddress, lpParameter] { return lpStartAddress(lpParameter); },
                       dwCreationFlags, lpThreadId);
}

uintptr_t __cdecl _beginthreadex(void* /*security*/, unsigned /*stack_size*/,
                                 unsigned(__stdcall* start_address)(void*), void* arglist,
                                 unsigned initflag, unsigned* thrdaddr) {
  if (start_address == nullptr) {
    errno = EINVAL;
    return 0;
  }
  DWORD id = 0;
  HANDLE h =
      create_thread([start_address, arglist] { return start_address(arglist); }, initflag, &id);
  if (thrdaddr != nullptr) {
    *thrdaddr = id;
  }
  return reinterpret_cast<uintptr_t>(h);
}

uintptr_t __cdecl _beginthread(void(__cdecl* start_address)(void*), unsigned /*stack_size*/,
                               void* arglist) {
  if (start_address == nullptr) {
    errno = EINVAL;
    return static_cast<uintptr_t>(-1);
  }
  HANDLE h = create_thread(
      [start_address, arglist]() -> std::uint32_t {
        start_address(arglist);
        return 0;
      },
      0, nullptr);
  return h == nullptr ? static_cast<uintptr_t>(-1) : reinterpret_cast<uintptr_t>(h);
}

void WINAPI ExitThread(DWORD dwExitCode) {
  exit_thread(dwExitCode);
}
void __cdecl _endthreadex(unsigned retval) {
  exit_thread(retval);
}
void __cdecl _endthread(void) {
  exit_thread(0);
}

BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  const KernelObject* const t = find_thread(call->host(), hThread);
  if (t == nullptr) {
    return fail_win32(ERROR_INVALID_HANDLE);
  }
  if (lpExitCode == nullptr) {
    return fail_win32(ERROR_INVALID_PARAMETER);
  }
  *lpExitCode = t->exit_code;
  return TRUE;
}

DWORD WINAPI GetCurrentThreadId(void) {
  ThreadState& ts = thread_state();
  if (ts.scopes.empty()) {
    return unbound_thread_id();
  }
  auto call = Call::host_only(0);
  return current_thread_id(call->world());
}

DWORD WINAPI GetThreadId(HANDLE Thread) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return 0;
  }
  if (Thread == kCurrentThread) {
    return current_thread_id(call->world());
  }
  const KernelObject* const t = find_thread(call->host(), Thread);
  if (t == nullptr || t->thread == nullptr) {
    fail_win32(ERROR_INVALID_HANDLE);
    return 0;
  }
  return t->thread->id;
}

HANDLE WINAPI GetCurrentThread(void) {
  return kCurrentThread;
}
HANDLE WINAPI GetCurrentProcess(void) {
  return kCurrentProcess;
}
DWORD WINAPI GetCurrentProcessId(void) {
  // One process per host: its model id, as a multiple of four above the thread ids' start.
  auto call = Call::host_only(0);
  return call ? 0x1000 + 4 * call->host().id.value : 0;
}

DWORD WINAPI ResumeThread(HANDLE hThread) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return static_cast<DWORD>(-1);
  }
  KernelObject* const t = find_thread(call->host(), hThread);
  if (t == nullptr || t->thread == nullptr) {
    fail_win32(ERROR_INVALID_HANDLE);
    return static_cast<DWORD>(-1);
  }
  // The previous suspend count: 1 for a thread created suspended, then 0.
  const DWORD previous = t->thread->suspended ? 1 : 0;
  resume_thread(call->world(), *t->thread);
  call->world().hand_turn();
  return previous;
}

BOOL WINAPI SwitchToThread(void) {
  auto call = Call::host_only(0);
  if (!call) {
    return FALSE;
  }
  return yield_turn(call->world(), call->lock()) ? TRUE : FALSE;
}

DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return 0;
  }
  KernelObject* const t = find_thread(call->host(), hThread);
  if (t == nullptr || t->thread == nullptr || t->thread->ended || pfnAPC == nullptr) {
    fail_win32(pfnAPC == nullptr ? ERROR_INVALID_PARAMETER : ERROR_INVALID_HANDLE);
    return 0;
  }
  Apc apc{};
  apc.user = reinterpret_cast<void (*)(std::uintptr_t)>(pfnAPC);
  apc.parameter = dwData;
  WinThread& target = *t->thread;
  if (target.state != nullptr) {
    target.state->apcs.push_back(apc);
  } else {
    target.early_apcs.push_back(apc);  // run before its start routine, as on Windows
  }
  call->world().wake_host(target.host->state().id.value);  // an alertable wait returns
  return 1;
}

// ---- Thread-local storage ---------------------------------------------------------------------

namespace {

// Windows' limit: 64 slots plus 1024 expansion slots per process.
constexpr DWORD kTlsSlots = 1088;

}  // namespace

DWORD WINAPI TlsAlloc(void) {
  auto call = Call::host_only(ERROR_NOT_ENOUGH_MEMORY);
  if (!call) {
    return TLS_OUT_OF_INDEXES;
  }
  Host::State& h = call->host();
  for (DWORD i = 0; i < kTlsSlots; ++i) {
    if (i >= h.tls_slots.size()) {
      h.tls_slots.resize(i + 1, TlsSlot{});
    }
    if (!h.tls_slots[i].used) {
      h.tls_slots[i].used = true;
      ++h.tls_slots[i].generation;  // values a freed slot held are gone (zero) for every thread
      return i;
    }
  }
  fail_win32(ERROR_NO_MORE_ITEMS);
  return TLS_OUT_OF_INDEXES;
}

BOOL WINAPI TlsFree(DWORD dwTlsIndex) {
  auto call = Call::host_only(ERROR_INVALID_PARAMETER);
  if (!call) {
    return FALSE;
  }
  Host::State& h = call->host();
  if (dwTlsIndex >= h.tls_slots.size() || !h.tls_slots[dwTlsIndex].used) {
    return fail_win32(ERROR_INVALID_PARAMETER);
  }
  h.tls_slots[dwTlsIndex].used = false;
  return TRUE;
}

BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue) {
  auto call = Call::host_only(ERROR_INVALID_PARAMETER);
  if (!call) {
    return FALSE;
  }
  const Host::State& h = call->host();
  if (dwTlsIndex >= kTlsSlots) {
    return fail_win32(ERROR_INVALID_PARAMETER);
  }
  const std::uint32_t generation =
      dwTlsIndex < h.tls_slots.size() ? h.tls_slots[dwTlsIndex].generation : 0;
  thread_state().tls[{&h, dwTlsIndex}] = {generation, lpTlsValue};
  return TRUE;
}

LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex) {
  auto call = Call::host_only(ERROR_INVALID_PARAMETER);
  if (!call) {
    return nullptr;
  }
  const Host::State& h = call->host();
  if (dwTlsIndex >= kTlsSlots) {
    fail_win32(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  thread_state().last_error = 0;  // TlsGetValue clears the last error when it succeeds
  const auto& tls = thread_state().tls;
  const auto it = tls.find({&h, dwTlsIndex});
  if (it == tls.end() || dwTlsIndex >= h.tls_slots.size() ||
      it->second.first != h.tls_slots[dwTlsIndex].generation) {
    return nullptr;
  }
  return it->second.second;
}

// ---- Handles ----------------------------------------------------------------------------------

BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                            HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                            DWORD /*dwDesiredAccess*/, BOOL /*bInheritHandle*/, DWORD dwOptions) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  if (hSourceProcessHandle != kCurrentProcess || hTargetProcessHandle != kCurrentProcess) {
    return fail_win32(ERROR_NOT_SUPPORTED);  // one process per host
  }
  Host::State& h = call->host();
  std::shared_ptr<KernelObject> object;
  if (hSourceHandle == kCurrentThread) {
    if (const WinThread* me = thread_state().win_thread) {
      object = me->object;
    }
  } else if (const auto it = h.objects.find(handle_value(hSourceHandle)); it != h.objects.end()) {
    object = it->second;
  }
  if (!object) {
    // Sockets are duplicated with WSADuplicateSocket, not here.
    return fail_win32(ERROR_INVALID_HANDLE);
  }
  if ((dwOptions & DUPLICATE_CLOSE_SOURCE) != 0 && hSourceHandle != kCurrentThread) {
    h.objects.erase(handle_value(hSourceHandle));
  }
  if (lpTargetHandle == nullptr) {
    return TRUE;  // with DUPLICATE_CLOSE_SOURCE, a way to close a handle
  }
  const std::uintptr_t handle = new_handle(call->world());
  h.objects.emplace(handle, std::move(object));
  *lpTargetHandle = reinterpret_cast<HANDLE>(handle);
  return TRUE;
}

BOOL WINAPI CloseHandle(HANDLE hObject) {
  if (hObject == kCurrentThread || hObject == kCurrentProcess) {
    return TRUE;  // closing a pseudo handle does nothing
  }
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  // The object lives on while a thread waits on it or runs (its record holds it).
  if (call->host().objects.erase(handle_value(hObject)) == 0) {
    return fail_win32(ERROR_INVALID_HANDLE);
  }
  return TRUE;
}
