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

#include <string.h>

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

/* Errors and handles. */
DWORD WINAPI GetLastError(void) WS2SIM_SYMBOL(GetLastError);
void WINAPI SetLastError(DWORD dwErrCode) WS2SIM_SYMBOL(SetLastError);
BOOL WINAPI CloseHandle(HANDLE hObject) WS2SIM_SYMBOL(CloseHandle);

WS2SIM_END_DECLS

#ifdef UNICODE
#define GetVersionEx GetVersionExW
#define VerifyVersionInfo VerifyVersionInfoW
#define GetModuleHandle GetModuleHandleW
#else
#define GetVersionEx GetVersionExA
#define VerifyVersionInfo VerifyVersionInfoA
#define GetModuleHandle GetModuleHandleA
#endif

#endif /* WS2SIM_WINDOWS_H_ */
