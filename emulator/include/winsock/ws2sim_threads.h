/*
 * ws2sim_threads.h - the Windows thread and synchronisation API (processthreadsapi.h, synchapi.h,
 * the Interlocked functions), included by ws2sim's windows.h.
 *
 * Part of ws2sim's drop-in Windows headers (not Microsoft's header; see ws2sim_wintypes.h).
 * Under ws2sim a thread a program creates is a Windows thread of its host's world: the world's
 * Windows threads run one at a time, the turn passing when one blocks, and every timeout is
 * virtual time (docs/threads.md). Declared functions link to ws2sim_<name>; the Interlocked
 * functions are inline, on the compiler's atomic builtins.
 */
#ifndef WS2SIM_THREADS_H_
#define WS2SIM_THREADS_H_

#include "ws2sim_wintypes.h"

/* ---- Types ---------------------------------------------------------------------------------- */

typedef struct _SECURITY_ATTRIBUTES {
  DWORD nLength;
  LPVOID lpSecurityDescriptor;
  BOOL bInheritHandle;
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef DWORD(WINAPI* PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;
typedef void(NTAPI* PAPCFUNC)(ULONG_PTR Parameter);

/* The layout of Windows' RTL_CRITICAL_SECTION (40 bytes on x64). ws2sim keeps the owner's thread
 * id in OwningThread and the recursion in RecursionCount, as Windows does; LockCount is -1 while
 * the section is free. */
typedef struct _RTL_CRITICAL_SECTION_DEBUG* PRTL_CRITICAL_SECTION_DEBUG;
typedef struct _RTL_CRITICAL_SECTION {
  PRTL_CRITICAL_SECTION_DEBUG DebugInfo;
  LONG LockCount;
  LONG RecursionCount;
  HANDLE OwningThread;
  HANDLE LockSemaphore;
  ULONG_PTR SpinCount;
} RTL_CRITICAL_SECTION, *PRTL_CRITICAL_SECTION;
typedef RTL_CRITICAL_SECTION CRITICAL_SECTION;
typedef PRTL_CRITICAL_SECTION PCRITICAL_SECTION;
typedef PRTL_CRITICAL_SECTION LPCRITICAL_SECTION;

typedef struct _RTL_SRWLOCK {
  PVOID Ptr;
} RTL_SRWLOCK, SRWLOCK, *PSRWLOCK;
#define RTL_SRWLOCK_INIT \
  { 0 }
#define SRWLOCK_INIT RTL_SRWLOCK_INIT

typedef struct _RTL_CONDITION_VARIABLE {
  PVOID Ptr;
} RTL_CONDITION_VARIABLE, CONDITION_VARIABLE, *PCONDITION_VARIABLE;
#define RTL_CONDITION_VARIABLE_INIT \
  { 0 }
#define CONDITION_VARIABLE_INIT RTL_CONDITION_VARIABLE_INIT
#define CONDITION_VARIABLE_LOCKMODE_SHARED 0x1

/* ---- Constants ------------------------------------------------------------------------------ */

#define STILL_ACTIVE 259
#define CREATE_SUSPENDED 0x00000004
#define STACK_SIZE_PARAM_IS_A_RESERVATION 0x00010000
#define MAXIMUM_WAIT_OBJECTS 64
#define WAIT_ABANDONED ((DWORD)0x00000080)
#define TLS_OUT_OF_INDEXES ((DWORD)0xFFFFFFFF)
#define TLS_MINIMUM_AVAILABLE 64
#define CREATE_EVENT_MANUAL_RESET 0x00000001
#define CREATE_EVENT_INITIAL_SET 0x00000002
#define CREATE_MUTEX_INITIAL_OWNER 0x00000001
#define SYNCHRONIZE 0x00100000L
#define STANDARD_RIGHTS_REQUIRED 0x000F0000L
#define EVENT_MODIFY_STATE 0x0002
#define EVENT_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)
#define SEMAPHORE_MODIFY_STATE 0x0002
#define SEMAPHORE_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)
#define MUTEX_MODIFY_STATE 0x0001
#define MUTEX_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1)
#define THREAD_ALL_ACCESS (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)
#define DUPLICATE_CLOSE_SOURCE 0x00000001
#define DUPLICATE_SAME_ACCESS 0x00000002
#define CRITICAL_SECTION_NO_DEBUG_INFO 0x01000000

#define ERROR_NO_MORE_ITEMS 259
#define ERROR_ALREADY_EXISTS 183
#define ERROR_NOT_OWNER 288
#define ERROR_TOO_MANY_POSTS 298
#define ERROR_POSSIBLE_DEADLOCK 1131
#define ERROR_TIMEOUT 1460

/* ---- Functions ------------------------------------------------------------------------------ */

WS2SIM_BEGIN_DECLS

/* Threads. dwStackSize is accepted and ignored (the OS thread gets the Linux default). */
HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes, SIZE_T dwStackSize,
                           LPTHREAD_START_ROUTINE lpStartAddress, LPVOID lpParameter,
                           DWORD dwCreationFlags, LPDWORD lpThreadId) WS2SIM_SYMBOL(CreateThread);
void WINAPI ExitThread(DWORD dwExitCode) WS2SIM_SYMBOL(ExitThread);
BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode) WS2SIM_SYMBOL(GetExitCodeThread);
DWORD WINAPI GetCurrentThreadId(void) WS2SIM_SYMBOL(GetCurrentThreadId);
DWORD WINAPI GetThreadId(HANDLE Thread) WS2SIM_SYMBOL(GetThreadId);
HANDLE WINAPI GetCurrentThread(void) WS2SIM_SYMBOL(GetCurrentThread);
HANDLE WINAPI GetCurrentProcess(void) WS2SIM_SYMBOL(GetCurrentProcess);
DWORD WINAPI GetCurrentProcessId(void) WS2SIM_SYMBOL(GetCurrentProcessId);
DWORD WINAPI ResumeThread(HANDLE hThread) WS2SIM_SYMBOL(ResumeThread);
BOOL WINAPI SwitchToThread(void) WS2SIM_SYMBOL(SwitchToThread);
DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData)
    WS2SIM_SYMBOL(QueueUserAPC);
DWORD WINAPI TlsAlloc(void) WS2SIM_SYMBOL(TlsAlloc);
LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex) WS2SIM_SYMBOL(TlsGetValue);
BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue) WS2SIM_SYMBOL(TlsSetValue);
BOOL WINAPI TlsFree(DWORD dwTlsIndex) WS2SIM_SYMBOL(TlsFree);
BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                            HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                            DWORD dwDesiredAccess, BOOL bInheritHandle, DWORD dwOptions)
    WS2SIM_SYMBOL(DuplicateHandle);

/* Waits. Timeouts are virtual milliseconds. */
DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds)
    WS2SIM_SYMBOL(WaitForSingleObject);
DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds, BOOL bAlertable)
    WS2SIM_SYMBOL(WaitForSingleObjectEx);
DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                    DWORD dwMilliseconds) WS2SIM_SYMBOL(WaitForMultipleObjects);
DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE* lpHandles, BOOL bWaitAll,
                                      DWORD dwMilliseconds, BOOL bAlertable)
    WS2SIM_SYMBOL(WaitForMultipleObjectsEx);

/* Events, semaphores, mutexes. A name makes a named object of the host (its process). */
HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCSTR lpName) WS2SIM_SYMBOL(CreateEventA);
HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes, BOOL bManualReset,
                           BOOL bInitialState, LPCWSTR lpName) WS2SIM_SYMBOL(CreateEventW);
HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCSTR lpName, DWORD dwFlags,
                             DWORD dwDesiredAccess) WS2SIM_SYMBOL(CreateEventExA);
HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName, DWORD dwFlags,
                             DWORD dwDesiredAccess) WS2SIM_SYMBOL(CreateEventExW);
BOOL WINAPI SetEvent(HANDLE hEvent) WS2SIM_SYMBOL(SetEvent);
BOOL WINAPI ResetEvent(HANDLE hEvent) WS2SIM_SYMBOL(ResetEvent);
HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
                               LONG lMaximumCount, LPCSTR lpName) WS2SIM_SYMBOL(CreateSemaphoreA);
HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes, LONG lInitialCount,
                               LONG lMaximumCount, LPCWSTR lpName) WS2SIM_SYMBOL(CreateSemaphoreW);
BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount, LPLONG lpPreviousCount)
    WS2SIM_SYMBOL(ReleaseSemaphore);
HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
                           LPCSTR lpName) WS2SIM_SYMBOL(CreateMutexA);
HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes, BOOL bInitialOwner,
                           LPCWSTR lpName) WS2SIM_SYMBOL(CreateMutexW);
BOOL WINAPI ReleaseMutex(HANDLE hMutex) WS2SIM_SYMBOL(ReleaseMutex);

/* Critical sections, slim reader/writer locks and condition variables: in the program's memory,
 * as on Windows; waiting for one is a blocking call in virtual time. */
void WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection)
    WS2SIM_SYMBOL(InitializeCriticalSection);
BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection,
                                                  DWORD dwSpinCount)
    WS2SIM_SYMBOL(InitializeCriticalSectionAndSpinCount);
BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION lpCriticalSection, DWORD dwSpinCount,
                                        DWORD Flags) WS2SIM_SYMBOL(InitializeCriticalSectionEx);
void WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection)
    WS2SIM_SYMBOL(EnterCriticalSection);
BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection)
    WS2SIM_SYMBOL(TryEnterCriticalSection);
void WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection)
    WS2SIM_SYMBOL(LeaveCriticalSection);
void WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection)
    WS2SIM_SYMBOL(DeleteCriticalSection);
void WINAPI InitializeSRWLock(PSRWLOCK SRWLock) WS2SIM_SYMBOL(InitializeSRWLock);
void WINAPI AcquireSRWLockExclusive(PSRWLOCK SRWLock) WS2SIM_SYMBOL(AcquireSRWLockExclusive);
void WINAPI AcquireSRWLockShared(PSRWLOCK SRWLock) WS2SIM_SYMBOL(AcquireSRWLockShared);
void WINAPI ReleaseSRWLockExclusive(PSRWLOCK SRWLock) WS2SIM_SYMBOL(ReleaseSRWLockExclusive);
void WINAPI ReleaseSRWLockShared(PSRWLOCK SRWLock) WS2SIM_SYMBOL(ReleaseSRWLockShared);
BOOLEAN WINAPI TryAcquireSRWLockExclusive(PSRWLOCK SRWLock)
    WS2SIM_SYMBOL(TryAcquireSRWLockExclusive);
BOOLEAN WINAPI TryAcquireSRWLockShared(PSRWLOCK SRWLock) WS2SIM_SYMBOL(TryAcquireSRWLockShared);
void WINAPI InitializeConditionVariable(PCONDITION_VARIABLE ConditionVariable)
    WS2SIM_SYMBOL(InitializeConditionVariable);
BOOL WINAPI SleepConditionVariableCS(PCONDITION_VARIABLE ConditionVariable,
                                     PCRITICAL_SECTION CriticalSection, DWORD dwMilliseconds)
    WS2SIM_SYMBOL(SleepConditionVariableCS);
BOOL WINAPI SleepConditionVariableSRW(PCONDITION_VARIABLE ConditionVariable, PSRWLOCK SRWLock,
                                      DWORD dwMilliseconds, ULONG Flags)
    WS2SIM_SYMBOL(SleepConditionVariableSRW);
void WINAPI WakeConditionVariable(PCONDITION_VARIABLE ConditionVariable)
    WS2SIM_SYMBOL(WakeConditionVariable);
void WINAPI WakeAllConditionVariable(PCONDITION_VARIABLE ConditionVariable)
    WS2SIM_SYMBOL(WakeAllConditionVariable);

WS2SIM_END_DECLS

#ifdef UNICODE
#define CreateEvent CreateEventW
#define CreateEventEx CreateEventExW
#define CreateSemaphore CreateSemaphoreW
#define CreateMutex CreateMutexW
#else
#define CreateEvent CreateEventA
#define CreateEventEx CreateEventExA
#define CreateSemaphore CreateSemaphoreA
#define CreateMutex CreateMutexA
#endif

/* ---- Interlocked functions (full barriers, as on Windows) ----------------------------------- */

#define WS2SIM_ATOMIC_ __ATOMIC_SEQ_CST
static inline LONG InterlockedIncrement(LONG volatile* a) {
  return __atomic_add_fetch(a, 1, WS2SIM_ATOMIC_);
}
static inline LONG InterlockedDecrement(LONG volatile* a) {
  return __atomic_sub_fetch(a, 1, WS2SIM_ATOMIC_);
}
static inline LONG InterlockedExchange(LONG volatile* a, LONG v) {
  return __atomic_exchange_n(a, v, WS2SIM_ATOMIC_);
}
static inline LONG InterlockedExchangeAdd(LONG volatile* a, LONG v) {
  return __atomic_fetch_add(a, v, WS2SIM_ATOMIC_);
}
static inline LONG InterlockedCompareExchange(LONG volatile* a, LONG exchange, LONG comparand) {
  __atomic_compare_exchange_n(a, &comparand, exchange, 0, WS2SIM_ATOMIC_, WS2SIM_ATOMIC_);
  return comparand; /* the initial value, whether or not it was replaced */
}
static inline LONG InterlockedAnd(LONG volatile* a, LONG v) {
  return __atomic_fetch_and(a, v, WS2SIM_ATOMIC_);
}
static inline LONG InterlockedOr(LONG volatile* a, LONG v) {
  return __atomic_fetch_or(a, v, WS2SIM_ATOMIC_);
}
static inline LONG InterlockedXor(LONG volatile* a, LONG v) {
  return __atomic_fetch_xor(a, v, WS2SIM_ATOMIC_);
}
static inline LONG64 InterlockedIncrement64(LONG64 volatile* a) {
  return __atomic_add_fetch(a, 1, WS2SIM_ATOMIC_);
}
static inline LONG64 InterlockedDecrement64(LONG64 volatile* a) {
  return __atomic_sub_fetch(a, 1, WS2SIM_ATOMIC_);
}
static inline LONG64 InterlockedExchange64(LONG64 volatile* a, LONG64 v) {
  return __atomic_exchange_n(a, v, WS2SIM_ATOMIC_);
}
static inline LONG64 InterlockedExchangeAdd64(LONG64 volatile* a, LONG64 v) {
  return __atomic_fetch_add(a, v, WS2SIM_ATOMIC_);
}
static inline LONG64 InterlockedCompareExchange64(LONG64 volatile* a, LONG64 exchange,
                                                  LONG64 comparand) {
  __atomic_compare_exchange_n(a, &comparand, exchange, 0, WS2SIM_ATOMIC_, WS2SIM_ATOMIC_);
  return comparand;
}
static inline PVOID InterlockedExchangePointer(PVOID volatile* a, PVOID v) {
  return __atomic_exchange_n(a, v, WS2SIM_ATOMIC_);
}
static inline PVOID InterlockedCompareExchangePointer(PVOID volatile* a, PVOID exchange,
                                                      PVOID comparand) {
  __atomic_compare_exchange_n(a, &comparand, exchange, 0, WS2SIM_ATOMIC_, WS2SIM_ATOMIC_);
  return comparand;
}
#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define YieldProcessor() ((void)0)

#endif /* WS2SIM_THREADS_H_ */
