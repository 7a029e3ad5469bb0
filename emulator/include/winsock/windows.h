/*
 * windows.h - ws2sim's emulation of the Windows master header, reduced to what Winsock programs
 * use.
 *
 * Part of ws2sim's drop-in Windows headers (not Microsoft's header; see winsock2.h and
 * ws2sim_wintypes.h). Provides the base types, the version-query functions (GetVersionEx,
 * VerifyVersionInfo, VerSetConditionMask), module lookup (GetModuleHandle, GetProcAddress),
 * Sleep/SleepEx, GetLastError/SetLastError, CloseHandle, the memory macros (ZeroMemory, ...) and,
 * through ws2sim_threads.h, threads, waits and synchronisation objects.
 * Declared functions link to ws2sim_<name>.
 *
 * As on Windows, this header also brings in the sockets API unless the program defined
 * WIN32_LEAN_AND_MEAN (or _WINSOCKAPI_) first; here that is ws2sim's winsock2.h, which is
 * compatible with a later #include <winsock2.h>.
 *
 * RtlGetVersion and RtlVerifyVersionInfo are deliberately not declared, as on Windows: programs
 * declare them themselves or fetch them with GetProcAddress(GetModuleHandleW(L"ntdll.dll"), ...).
 * The ws2sim library exports them under their plain names.
 */
#ifndef WS2SIM_WINDOWS_H_
#define WS2SIM_WINDOWS_H_

#define _WINDOWS_

/* The C headers the SDK's windows.h brings along, which Windows code takes for granted
 * (va_start, tolower, strlen, malloc, ...). */
/* <stdlib.h> brings glibc's <sys/select.h>, which would redefine a FD_SETSIZE the program set
 * for winsock2.h: it is hidden meanwhile, as winsock2.h does. */
#pragma push_macro("FD_SETSIZE")
#undef FD_SETSIZE
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#undef FD_SETSIZE
#pragma pop_macro("FD_SETSIZE")

#include "ws2sim_io.h"
#include "ws2sim_threads.h"
#include "ws2sim_wintypes.h"

#if !defined(WIN32_LEAN_AND_MEAN) && !defined(_WINSOCKAPI_)
#include "winsock2.h"
#endif

/* ---- Memory helpers ------------------------------------------------------------------------- */

#define RtlZeroMemory(destination, length) memset((destination), 0, (length))
#define RtlFillMemory(destination, length, fill) memset((destination), (fill), (length))
#define RtlCopyMemory(destination, source, length) memcpy((destination), (source), (length))
#define RtlMoveMemory(destination, source, length) memmove((destination), (source), (length))
#define ZeroMemory RtlZeroMemory
#define FillMemory RtlFillMemory
#define CopyMemory RtlCopyMemory
#define MoveMemory RtlMoveMemory

/* ---- Keywords and small helpers ------------------------------------------------------------- */

#ifndef _cdecl
#define _cdecl
#endif
#ifndef _stdcall
#define _stdcall
#endif
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_PARAMETER(P) ((void)(P))
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))

/* The CRT's case-insensitive comparisons, under their MSVC names. */
#define _stricmp strcasecmp
#define _strnicmp strncasecmp
#define stricmp strcasecmp
#define strnicmp strncasecmp

/* min and max are macros in C; in C++ they would break <algorithm>, so (as with NOMINMAX) they
 * are not defined there: write std::min / std::max. */
#if !defined(__cplusplus) && !defined(NOMINMAX)
#ifndef max
#define max(a, b) (((a) > (b)) ? (a) : (b))
#endif
#ifndef min
#define min(a, b) (((a) < (b)) ? (a) : (b))
#endif
#endif

/* ---- Heap and local/global memory ----------------------------------------------------------- */

#define HEAP_NO_SERIALIZE 0x00000001
#define HEAP_GENERATE_EXCEPTIONS 0x00000004
#define HEAP_ZERO_MEMORY 0x00000008
#define HEAP_REALLOC_IN_PLACE_ONLY 0x00000010
#define LMEM_FIXED 0x0000
#define LMEM_MOVEABLE 0x0002
#define LMEM_ZEROINIT 0x0040
#define LPTR (LMEM_FIXED | LMEM_ZEROINIT)
#define LHND (LMEM_MOVEABLE | LMEM_ZEROINIT)
#define GMEM_FIXED 0x0000
#define GMEM_MOVEABLE 0x0002
#define GMEM_ZEROINIT 0x0040
#define GPTR (GMEM_FIXED | GMEM_ZEROINIT)
#define GHND (GMEM_MOVEABLE | GMEM_ZEROINIT)
typedef HANDLE HLOCAL;
typedef HANDLE HGLOBAL;

/* ---- Console control ------------------------------------------------------------------------ */

#define CTRL_C_EVENT 0
#define CTRL_BREAK_EVENT 1
#define CTRL_CLOSE_EVENT 2
#define CTRL_LOGOFF_EVENT 5
#define CTRL_SHUTDOWN_EVENT 6
typedef BOOL(WINAPI* PHANDLER_ROUTINE)(DWORD CtrlType);

/* ---- Functions ------------------------------------------------------------------------------ */

#define VER_SET_CONDITION(mask, type_bit, condition) \
  ((mask) = VerSetConditionMask((mask), (type_bit), (condition)))

WS2SIM_BEGIN_DECLS

/* Version queries. */
BOOL WINAPI GetVersionExA(LPOSVERSIONINFOA lpVersionInformation) WS2SIM_SYMBOL(GetVersionExA);
BOOL WINAPI GetVersionExW(LPOSVERSIONINFOW lpVersionInformation) WS2SIM_SYMBOL(GetVersionExW);
BOOL WINAPI VerifyVersionInfoA(LPOSVERSIONINFOEXA lpVersionInformation, DWORD dwTypeMask,
                               DWORDLONG dwlConditionMask) WS2SIM_SYMBOL(VerifyVersionInfoA);
BOOL WINAPI VerifyVersionInfoW(LPOSVERSIONINFOEXW lpVersionInformation, DWORD dwTypeMask,
                               DWORDLONG dwlConditionMask) WS2SIM_SYMBOL(VerifyVersionInfoW);
ULONGLONG NTAPI VerSetConditionMask(ULONGLONG ConditionMask, DWORD TypeMask, BYTE Condition)
    WS2SIM_SYMBOL(VerSetConditionMask);

/* Modules. */
HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName) WS2SIM_SYMBOL(GetModuleHandleA);
HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName) WS2SIM_SYMBOL(GetModuleHandleW);
FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName) WS2SIM_SYMBOL(GetProcAddress);

/* Waiting. SleepEx with bAlertable TRUE runs queued completion routines (WAIT_IO_COMPLETION). */
DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable) WS2SIM_SYMBOL(SleepEx);
void WINAPI Sleep(DWORD dwMilliseconds) WS2SIM_SYMBOL(Sleep);

/* Clocks. Under ws2sim they read the world's virtual clock: milliseconds (or ticks of
 * QueryPerformanceFrequency, 10 MHz as on current Windows) since the simulation started. */
DWORD WINAPI GetTickCount(void) WS2SIM_SYMBOL(GetTickCount);
ULONGLONG WINAPI GetTickCount64(void) WS2SIM_SYMBOL(GetTickCount64);
BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER* lpPerformanceCount)
    WS2SIM_SYMBOL(QueryPerformanceCounter);
BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER* lpFrequency)
    WS2SIM_SYMBOL(QueryPerformanceFrequency);

/* Memory. The process heap and Local/Global memory are the C library's heap; only fixed
 * (not moveable) Local/Global memory is emulated: LMEM_MOVEABLE fails with
 * ERROR_CALL_NOT_IMPLEMENTED. */
HANDLE WINAPI GetProcessHeap(void) WS2SIM_SYMBOL(GetProcessHeap);
LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes) WS2SIM_SYMBOL(HeapAlloc);
LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes)
    WS2SIM_SYMBOL(HeapReAlloc);
BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem) WS2SIM_SYMBOL(HeapFree);
SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem) WS2SIM_SYMBOL(HeapSize);
HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes) WS2SIM_SYMBOL(LocalAlloc);
HLOCAL WINAPI LocalFree(HLOCAL hMem) WS2SIM_SYMBOL(LocalFree);
HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes) WS2SIM_SYMBOL(GlobalAlloc);
HGLOBAL WINAPI GlobalFree(HGLOBAL hMem) WS2SIM_SYMBOL(GlobalFree);

/* Strings (kernel32's lstr* functions). */
int WINAPI lstrlenA(LPCSTR lpString) WS2SIM_SYMBOL(lstrlenA);
int WINAPI lstrlenW(LPCWSTR lpString) WS2SIM_SYMBOL(lstrlenW);
LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2) WS2SIM_SYMBOL(lstrcpyA);
LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2) WS2SIM_SYMBOL(lstrcatA);
int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2) WS2SIM_SYMBOL(lstrcmpA);
int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2) WS2SIM_SYMBOL(lstrcmpiA);

/* The console (GetCurrentProcessId is in ws2sim_threads.h). A console control event is delivered by
 * the control API (World::send_console_ctrl): the handlers run, last added first, on a new thread
 * of the host. */
BOOL WINAPI SetConsoleCtrlHandler(PHANDLER_ROUTINE HandlerRoutine, BOOL Add)
    WS2SIM_SYMBOL(SetConsoleCtrlHandler);

/* Errors and handles. */
DWORD WINAPI GetLastError(void) WS2SIM_SYMBOL(GetLastError);
void WINAPI SetLastError(DWORD dwErrCode) WS2SIM_SYMBOL(SetLastError);
BOOL WINAPI CloseHandle(HANDLE hObject) WS2SIM_SYMBOL(CloseHandle);

WS2SIM_END_DECLS

#ifdef UNICODE
#define lstrlen lstrlenW
#define GetVersionEx GetVersionExW
#define VerifyVersionInfo VerifyVersionInfoW
#define GetModuleHandle GetModuleHandleW
#else
#define lstrlen lstrlenA
#define lstrcpy lstrcpyA
#define lstrcat lstrcatA
#define lstrcmp lstrcmpA
#define lstrcmpi lstrcmpiA
#define GetVersionEx GetVersionExA
#define VerifyVersionInfo VerifyVersionInfoA
#define GetModuleHandle GetModuleHandleA
#endif

#endif /* WS2SIM_WINDOWS_H_ */
