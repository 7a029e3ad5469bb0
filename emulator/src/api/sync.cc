// The synchronisation objects: events (CreateEvent, SetEvent, ResetEvent), semaphores, mutexes,
// critical sections, slim reader/writer locks and condition variables. Waiting for any of them
// is a blocking call in the world's time (Call::wait_to_take), so a lock held across a Sleep
// keeps the other threads waiting in virtual time, and a lock cycle is a reported deadlock
// (World::deadlock). Rules: docs/threads.md.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cwchar>
#include <string>

#include "core/call.h"
#include "core/host_state.h"
#include "core/kernel_objects.h"
#include "core/sockets.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <windows.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

std::string narrow(LPCWSTR name) {
  std::string out;
  for (; *name != L'\0'; ++name) {
    out += static_cast<char>(*name);
  }
  return out;
}

// A new object, or (for a name already in use on this host) a new handle to the existing one
// with ERROR_ALREADY_EXISTS, as Windows does; a name held by another kind of object fails with
// ERROR_INVALID_HANDLE. `init` sets up a new object.
template <typename Init>
HANDLE create_object(KernelObject::Kind kind, const char* name, Init init) {
  auto call = Call::host_only(ERROR_INVALID_FUNCTION);
  if (!call) {
    return nullptr;
  }
  Host::State& h = call->host();
  std::shared_ptr<KernelObject> object;
  if (name != nullptr) {
    if (const auto it = h.named_objects.find(name); it != h.named_objects.end()) {
      object = it->second.lock();
    }
  }
  const bool existed = object != nullptr;
  if (existed && object->kind != kind) {
    fail_win32(ERROR_INVALID_HANDLE);
    return nullptr;
  }
  if (!existed) {
    object = std::make_shared<KernelObject>(kind);
    init(*object, current_thread_id(call->world()));
    if (name != nullptr) {
      h.named_objects[name] = object;
    }
  }
  const std::uintptr_t handle = new_handle(call->world());
  h.objects.emplace(handle, std::move(object));
  thread_state().last_error = existed ? ERROR_ALREADY_EXISTS : 0;
  return reinterpret_cast<HANDLE>(handle);
}

HANDLE create_event(const char* name, bool manual, bool initial) {
  return create_object(KernelObject::Kind::kEvent, name,
                       [manual, initial](KernelObject& o, std::uint32_t) {
                         o.manual_reset = manual;
                         o.signaled = initial;
                       });
}

HANDLE create_semaphore(const char* name, LONG initial, LONG maximum) {
  if (maximum <= 0 || initial < 0 || initial > maximum) {
    fail_win32(ERROR_INVALID_PARAMETER);
    return nullptr;
  }
  return create_object(KernelObject::Kind::kSemaphore, name,
                       [initial, maximum](KernelObject& o, std::uint32_t) {
                         o.count = initial;
                         o.maximum = maximum;
                       });
}

HANDLE create_mutex(const char* name, bool owned) {
  return create_object(KernelObject::Kind::kMutex, name,
                       [owned](KernelObject& o, std::uint32_t me) {
                         if (owned) {
                           o.owner = me;
                           o.recursion = 1;
                         }
                       });
}

// Runs `f` on the object `h` of kind `kind`, satisfying the waits it lets go on; FALSE with
// ERROR_INVALID_HANDLE if `h` names no such object.
template <typename F>
BOOL with_object(HANDLE h, KernelObject::Kind kind, F f) {
  auto call = Call::host_only(ERROR_INVALID_HANDLE);
  if (!call) {
    return FALSE;
  }
  KernelObject* const o = find_object(call->host(), handle_value(h));
  if (o == nullptr || o->kind != kind) {
    return fail_win32(ERROR_INVALID_HANDLE);
  }
  const BOOL ok = f(*call, *o);
  if (ok != FALSE) {
    call->world().wake_host(call->host().id.value);
  }
  return ok;
}

}  // namespace

HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES /*lpEventAttributes*/, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName) {
  return create_event(lpName, bManualReset != FALSE, bInitialState != FALSE);
}

HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES /*lpEventAttributes*/, BOOL bManualReset,
                           BOOL bInitialState, LPCWSTR lpName) {
  const std::string name = lpName != nullptr ? narrow(lpName) : std::string();
  return create_event(lpName != nullptr ? name.c_str() : nullptr, bManualReset != FALSE,
                      bInitialState != FALSE);
}

HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES /*lpEventAttributes*/, LPCSTR lpName,
                             DWORD dwFlags, DWORD /*dwDesiredAccess*/) {
  return create_event(lpName, (dwFlags & CREATE_EVENT_MANUAL_RESET) != 0,
                      (dwFlags & CREATE_EVENT_INITIAL_SET) != 0);
}

HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES /*lpEventAttributes*/, LPCWSTR lpName,
                             DWORD dwFlags, DWORD /*dwDesiredAccess*/) {
  const std::string name = lpName != nullptr ? narrow(lpName) : std::string();
  return create_event(lpName != nullptr ? name.c_str() : nullptr,
                      (dwFlags & CREATE_EVENT_MANUAL_RESET) != 0,
                      (dwFlags & CREATE_EVENT_INITIAL_SET) != 0);
}

BOOL WINAPI SetEvent(HANDLE hEvent) {
  return with_object(hEvent, KernelObject::Kind::kEvent, [](Call&, KernelObject& o) {
    o.signaled = true;  // wake_host then satisfies the waits: one takes an auto-reset event
    return TRUE;
  });
}

BOOL WINAPI ResetEvent(HANDLE hEvent) {
  return with_object(hEvent, KernelObject::Kind::kEvent, [](Call&, KernelObject& o) {
    o.signaled = false;
    return TRUE;
  });
}

HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES /*lpSemaphoreAttributes*/, LONG lInitialCount,
                               LONG lMaximumCount, LPCSTR lpName) {
  return create_semaphore(lpName, lInitialCount, lMaximumCount);
}

HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES /*lpSemaphoreAttributes*/, LONG lInitialCount,
                               LONG lMaximumCount, LPCWSTR lpName) {
  const std::string name = lpName != nullptr ? narrow(lpName) : std::string();
  return create_semaphore(lpName != nullptr ? name.c_str() : nullptr, lInitialCount, lMaximumCount);
}

BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount, LPLONG lpPreviousCount) {
  return with_object(hSemaphore, KernelObject::Kind::kSemaphore, [&](Call&, KernelObject& o) {
    if (lReleaseCount <= 0) {
      return fail_win32(ERROR_INVALID_PARAMETER);
    }
    if (lReleaseCount > o.maximum - o.count) {
      return fail_win32(ERROR_TOO_MANY_POSTS);  // the count is left as it was
    }
    if (lpPreviousCount != nullptr) {
      *lpPreviousCount = o.count;
    }
    o.count += lReleaseCount;
    return TRUE;
  });
}

HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES /*lpMutexAttributes*/, BOOL bInitialOwner,
                           LPCSTR lpName) {
  return create_mutex(lpName, bInitialOwner != FALSE);
}

HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES /*lpMutexAttributes*/, BOOL bInitialOwner,
                           LPCWSTR lpName) {
  const std::string name = lpName != nullptr ? narrow(lpName) : std::string();
  return create_mutex(lpName != nullptr ? name.c_str() : nullptr, bInitialOwner != FALSE);
}

BOOL WINAPI ReleaseMutex(HANDLE hMutex) {
  return with_object(hMutex, KernelObject::Kind::kMutex, [](Call& call, KernelObject& o) {
    if (o.owner != current_thread_id(call.world())) {
      return fail_win32(ERROR_NOT_OWNER);
    }
    if (--o.recursion == 0) {
      o.owner.reset();
    }
    return TRUE;
  });
}

// ---- Critical sections --------------------------------------------------------------------------
// The owner's thread id lives in OwningThread and the recursion in RecursionCount, as on Windows;
// LockCount is -1 while free (Windows encodes waiters there too; ws2sim keeps them in the world).

namespace {

std::uint32_t cs_owner(const CRITICAL_SECTION* cs) {
  return static_cast<std::uint32_t>(reinterpret_cast<std::uintptr_t>(cs->OwningThread));
}

void cs_take(CRITICAL_SECTION* cs, std::uint32_t me) {
  cs->OwningThread = reinterpret_cast<HANDLE>(static_cast<std::uintptr_t>(me));
  cs->LockCount = 0;
  ++cs->RecursionCount;
}

// The calling thread's id for a lock: a world's id, or (no HostScope) one unique among the
// threads alive now, so that uncontended locking works before a program is bound to a host.
std::uint32_t lock_owner_id(const std::optional<Call>& call) {
  if (call) {
    return current_thread_id(call->world());
  }
  return unbound_thread_id();
}

[[noreturn]] void fatal(const char* function, const char* what) {
  std::fprintf(stderr, "ws2sim: %s: %s\n", function, what);
  std::abort();
}

// Waits (a blocking call in the world's time) until `free()` holds, then runs `take`. A thread
// without a HostScope cannot wait; after a deadlock or at the horizon the call cannot return
// as if it had the lock: the thread ends (a Windows thread) or the program stops.
template <typename Free, typename Take>
void wait_for_lock(std::optional<Call>& call, const char* function, WaitSite site, Free free,
                   Take take) {
  if (!call) {
    fatal(function,
          "the lock is held by another thread, and this thread has no HostScope (no "
          "world to wait in)");
  }
  const WaitResult r = call->wait_to_take(free, take, std::nullopt, site);
  if (r == WaitResult::kReady) {
    return;
  }
  if (thread_state().win_thread != nullptr) {
    throw ThreadTerminated{static_cast<std::uint32_t>(0xC0000194)};  // STATUS_POSSIBLE_DEADLOCK
  }
  fatal(function, call->world().deadlock ? "deadlock: see the world's deadlock report"
                                         : "the world reached its horizon waiting for the lock");
}

}  // namespace

void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  std::memset(lpCriticalSection, 0, sizeof *lpCriticalSection);
  lpCriticalSection->LockCount = -1;
}

BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection,
                                                  DWORD dwSpinCount) {
  InitializeCriticalSection(lpCriticalSection);
  lpCriticalSection->SpinCount = dwSpinCount;  // kept; spinning takes no virtual time
  return TRUE;
}

BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount,
                                        DWORD /*Flags*/) {
  return InitializeCriticalSectionAndSpinCount(lpCriticalSection, dwSpinCount);
}

void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  std::memset(lpCriticalSection, 0, sizeof *lpCriticalSection);
}

BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  std::optional<Call> call = Call::host_only(0);
  const std::uint32_t me = lock_owner_id(call);
  const std::uint32_t owner = cs_owner(lpCriticalSection);
  if (owner != 0 && owner != me) {
    return FALSE;
  }
  cs_take(lpCriticalSection, me);
  return TRUE;
}

void WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  std::optional<Call> call = Call::host_only(0);
  const std::uint32_t me = lock_owner_id(call);
  CRITICAL_SECTION* const cs = lpCriticalSection;
  if (cs_owner(cs) == 0 || cs_owner(cs) == me) {
    cs_take(cs, me);
    return;
  }
  wait_for_lock(
      call, "EnterCriticalSection",
      {"EnterCriticalSection", WaitKind::kCriticalSection, reinterpret_cast<std::uintptr_t>(cs),
       cs_owner(cs)},
      [cs] { return cs_owner(cs) == 0; }, [cs, me] { cs_take(cs, me); });
}

void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection) {
  std::optional<Call> call = Call::host_only(0);
  CRITICAL_SECTION* const cs = lpCriticalSection;
  if (cs->RecursionCount <= 0) {
    return;  // not entered: Windows' behaviour is undefined; nothing changes here
  }
  if (--cs->RecursionCount == 0) {
    cs->OwningThread = nullptr;
    cs->LockCount = -1;
    if (call) {
      call->world().wake_host(call->host().id.value);  // the first waiter takes it now
    }
  }
}

// ---- Slim reader/writer locks
// -------------------------------------------------------------------- Ptr holds the state: 0 free,
// 1 held exclusively, 2 * n held shared by n threads. Which thread holds it exclusively is not kept
// (as on Windows); the deadlock report says "held".

namespace {

std::uintptr_t srw(const SRWLOCK* l) {
  return reinterpret_cast<std::uintptr_t>(l->Ptr);
}
void set_srw(SRWLOCK* l, std::uintptr_t v) {
  l->Ptr = reinterpret_cast<PVOID>(v);
}

void acquire_srw(SRWLOCK* l, bool exclusive) {
  std::optional<Call> call = Call::host_only(0);
  auto free = [l, exclusive] { return exclusive ? srw(l) == 0 : srw(l) != 1; };
  auto take = [l, exclusive] { set_srw(l, exclusive ? 1 : srw(l) + 2); };
  if (free()) {
    take();
    return;
  }
  const char* const function = exclusive ? "AcquireSRWLockExclusive" : "AcquireSRWLockShared";
  wait_for_lock(call, function,
                {function, WaitKind::kSrwLock, reinterpret_cast<std::uintptr_t>(l), {}}, free,
                take);
}

void release_srw(SRWLOCK* l, bool exclusive) {
  std::optional<Call> call = Call::host_only(0);
  if (exclusive) {
    set_srw(l, 0);
  } else if (srw(l) >= 2) {
    set_srw(l, srw(l) - 2);
  }
  if (call) {
    call->world().wake_host(call->host().id.value);
  }
}

}  // namespace

void WINAPI InitializeSRWLock(PSRWLOCK SRWLock) {
  SRWLock->Ptr = nullptr;
}
void WINAPI AcquireSRWLockExclusive(PSRWLOCK SRWLock) {
  acquire_srw(SRWLock, true);
}
void WINAPI AcquireSRWLockShared(PSRWLOCK SRWLock) {
  acquire_srw(SRWLock, false);
}
void WINAPI ReleaseSRWLockExclusive(PSRWLOCK SRWLock) {
  release_srw(SRWLock, true);
}
void WINAPI ReleaseSRWLockShared(PSRWLOCK SRWLock) {
  release_srw(SRWLock, false);
}
BOOLEAN WINAPI TryAcquireSRWLockExclusive(PSRWLOCK SRWLock) {
  std::optional<Call> call = Call::host_only(0);
  if (srw(SRWLock) != 0) {
    return FALSE;
  }
  set_srw(SRWLock, 1);
  return TRUE;
}
BOOLEAN WINAPI TryAcquireSRWLockShared(PSRWLOCK SRWLock) {
  std::optional<Call> call = Call::host_only(0);
  if (srw(SRWLock) == 1) {
    return FALSE;
  }
  set_srw(SRWLock, srw(SRWLock) + 2);
  return TRUE;
}

// ---- Condition variables
// --------------------------------------------------------------------------- A sleeping thread
// takes a ticket in the host's queue for the variable; Wake moves the first ticket (WakeAll: every
// ticket) to the woken list. The lock is released before sleeping and taken again after, as on
// Windows.

namespace {

// Sleeps on `cv` for at most `ms`: TRUE when woken, FALSE with ERROR_TIMEOUT otherwise. `release`
// and `reacquire` leave and take the caller's lock again.
template <typename Release, typename Reacquire>
BOOL sleep_on(PCONDITION_VARIABLE cv, DWORD ms, const char* function, Release release,
              Reacquire reacquire) {
  bool woken = false;
  bool deadlocked = false;
  {
    auto call = Call::host_only(ERROR_INVALID_FUNCTION);
    if (!call) {
      fatal(function, "sleeping on a condition variable needs a HostScope (a world to wait in)");
    }
    Host::State& h = call->host();
    const std::uint64_t ticket = h.next_condition_ticket++;
    h.condition_waits[cv].push_back(ticket);
    call->lock().unlock();
    release();
    call->lock().lock();
    auto is_woken = [&h, cv, ticket] {
      const auto it = h.condition_woken.find(cv);
      return it != h.condition_woken.end() &&
             std::find(it->second.begin(), it->second.end(), ticket) != it->second.end();
    };
    const WaitResult r = call->wait(
        is_woken, deadline_after(*call, ms), nullptr,
        {function, WaitKind::kConditionVariable, reinterpret_cast<std::uintptr_t>(cv), {}});
    woken = is_woken();
    deadlocked = !woken && r == WaitResult::kHorizon && call->world().deadlock.has_value();
    // Forget the ticket, whichever list holds it.
    auto& waiting = h.condition_waits[cv];
    waiting.erase(std::remove(waiting.begin(), waiting.end(), ticket), waiting.end());
    auto& done = h.condition_woken[cv];
    done.erase(std::remove(done.begin(), done.end(), ticket), done.end());
    if (waiting.empty()) {
      h.condition_waits.erase(cv);
    }
    if (done.empty()) {
      h.condition_woken.erase(cv);
    }
  }
  reacquire();
  if (!woken) {
    return fail_win32(deadlocked ? ERROR_POSSIBLE_DEADLOCK : ERROR_TIMEOUT);
  }
  return TRUE;
}

void wake(PCONDITION_VARIABLE cv, bool all) {
  auto call = Call::host_only(0);
  if (!call) {
    return;  // nobody of a world can be sleeping on it
  }
  Host::State& h = call->host();
  const auto it = h.condition_waits.find(cv);
  if (it == h.condition_waits.end() || it->second.empty()) {
    return;  // a wake with no sleeper is lost, as on Windows
  }
  auto& woken = h.condition_woken[cv];
  do {
    woken.push_back(it->second.front());
    it->second.pop_front();
  } while (all && !it->second.empty());
  call->world().wake_host(h.id.value);
}

}  // namespace

void WINAPI InitializeConditionVariable(PCONDITION_VARIABLE ConditionVariable) {
  ConditionVariable->Ptr = nullptr;
}

BOOL WINAPI SleepConditionVariableCS(PCONDITION_VARIABLE ConditionVariable,
                                     PCRITICAL_SECTION CriticalSection, DWORD dwMilliseconds) {
  // The section is left entirely (whatever its recursion) and entered again as deep.
  const LONG depth = CriticalSection->RecursionCount;
  return sleep_on(
      ConditionVariable, dwMilliseconds, "SleepConditionVariableCS",
      [CriticalSection, depth] {
        for (LONG i = 0; i < depth; ++i) {
          LeaveCriticalSection(CriticalSection);
        }
      },
      [CriticalSection, depth] {
        for (LONG i = 0; i < depth; ++i) {
          EnterCriticalSection(CriticalSection);
        }
      });
}

BOOL WINAPI SleepConditionVariableSRW(PCONDITION_VARIABLE ConditionVariable, PSRWLOCK SRWLock,
                                      DWORD dwMilliseconds, ULONG Flags) {
  const bool shared = (Flags & CONDITION_VARIABLE_LOCKMODE_SHARED) != 0;
  return sleep_on(
      ConditionVariable, dwMilliseconds, "SleepConditionVariableSRW",
      [SRWLock, shared] { release_srw(SRWLock, !shared); },
      [SRWLock, shared] { acquire_srw(SRWLock, !shared); });
}

void WINAPI WakeConditionVariable(PCONDITION_VARIABLE ConditionVariable) {
  wake(ConditionVariable, false);
}

void WINAPI WakeAllConditionVariable(PCONDITION_VARIABLE ConditionVariable) {
  wake(ConditionVariable, true);
}
