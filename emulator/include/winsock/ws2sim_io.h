/*
 * ws2sim_io.h - overlapped I/O and I/O completion ports (ioapiset.h, the parts of winbase.h and
 * minwinbase.h they use), included by ws2sim's windows.h.
 *
 * Part of ws2sim's drop-in Windows headers (not Microsoft's header; see ws2sim_wintypes.h).
 * A completion port is a kernel object of its host; GetQueuedCompletionStatus waits in virtual
 * time like every other wait. The completion statuses a socket operation ends with, and the
 * Win32 errors they mean here: docs/behaviour.md §17. Declared functions link to ws2sim_<name>.
 */
#ifndef WS2SIM_IO_H_
#define WS2SIM_IO_H_

#include "ws2sim_wintypes.h"

/* ---- Types ---------------------------------------------------------------------------------- */

/* One dequeued completion packet (GetQueuedCompletionStatusEx). */
typedef struct _OVERLAPPED_ENTRY {
  ULONG_PTR lpCompletionKey;
  LPOVERLAPPED lpOverlapped;
  ULONG_PTR Internal;
  DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;

/* ---- Constants ------------------------------------------------------------------------------ */

#define FILE_SKIP_COMPLETION_PORT_ON_SUCCESS 0x1
#define FILE_SKIP_SET_EVENT_ON_HANDLE 0x2

#define STATUS_PENDING ((DWORD)0x00000103L)
#define HasOverlappedIoCompleted(lpOverlapped) (((DWORD)(lpOverlapped)->Internal) != STATUS_PENDING)

#define ERROR_HANDLE_EOF 38
#define ERROR_NETNAME_DELETED 64
#define ERROR_SEM_TIMEOUT 121
#define ERROR_ABANDONED_WAIT_0 735
#define ERROR_CONNECTION_REFUSED 1225
#define ERROR_HOST_UNREACHABLE 1232
#define ERROR_CONNECTION_ABORTED 1236
#define ERROR_NOT_FOUND 1168

/* ---- Functions ------------------------------------------------------------------------------ */

WS2SIM_BEGIN_DECLS

/* Completion ports. NumberOfConcurrentThreads is stored; the world's threads run one at a time
 * anyway (docs/threads.md). */
HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                     ULONG_PTR CompletionKey, DWORD NumberOfConcurrentThreads)
    WS2SIM_SYMBOL(CreateIoCompletionPort);
BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort, LPDWORD lpNumberOfBytesTransferred,
                                      PULONG_PTR lpCompletionKey, LPOVERLAPPED* lpOverlapped,
                                      DWORD dwMilliseconds)
    WS2SIM_SYMBOL(GetQueuedCompletionStatus);
BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE CompletionPort,
                                        LPOVERLAPPED_ENTRY lpCompletionPortEntries, ULONG ulCount,
                                        PULONG ulNumEntriesRemoved, DWORD dwMilliseconds,
                                        BOOL fAlertable) WS2SIM_SYMBOL(GetQueuedCompletionStatusEx);
BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort, DWORD dwNumberOfBytesTransferred,
                                       ULONG_PTR dwCompletionKey, LPOVERLAPPED lpOverlapped)
    WS2SIM_SYMBOL(PostQueuedCompletionStatus);
BOOL WINAPI SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags)
    WS2SIM_SYMBOL(SetFileCompletionNotificationModes);

/* Overlapped results and cancellation, for sockets (a SOCKET is a HANDLE). */
BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                LPDWORD lpNumberOfBytesTransferred, BOOL bWait)
    WS2SIM_SYMBOL(GetOverlappedResult);
BOOL WINAPI GetOverlappedResultEx(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                  LPDWORD lpNumberOfBytesTransferred, DWORD dwMilliseconds,
                                  BOOL bAlertable) WS2SIM_SYMBOL(GetOverlappedResultEx);
BOOL WINAPI CancelIo(HANDLE hFile) WS2SIM_SYMBOL(CancelIo);
BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped) WS2SIM_SYMBOL(CancelIoEx);

WS2SIM_END_DECLS

#endif /* WS2SIM_IO_H_ */
