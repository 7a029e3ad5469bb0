/*
 * ws2sim_wintypes.h - ws2sim's emulation of the Windows base types.
 *
 * Internal header of ws2sim's drop-in Windows headers (winsock2.h, windows.h, ...). It is not a
 * Microsoft header and contains no Microsoft text: it restates, for Linux (gcc/g++, x86-64 LP64),
 * the sizes and values the Windows SDK gives these names on 64-bit Windows (LLP64):
 *
 *   - LONG, ULONG, DWORD (and Winsock's u_long) are 32 bits, as on Windows, even though Linux
 *     `long` is 64 bits. Programs that write plain `long`/`unsigned long` where Windows code means
 *     32 bits get the Linux width; use the Windows typedefs.
 *   - WCHAR is wchar_t so that L"..." literals compile. Linux wchar_t is 4 bytes (UTF-32), not 2:
 *     every structure holding WCHAR arrays (OSVERSIONINFOW, WSAPROTOCOL_INFOW) is larger than on
 *     Windows; the fields before the array keep the Windows offsets.
 *   - Calling-convention macros (WINAPI, WSAAPI, ...) expand to nothing.
 *
 * _WIN32 and _WIN64 are deliberately NOT defined: the C library and portable code would take
 * their Windows branches. _WIN32_WINNT defaults to _WIN32_WINNT_WIN10 like a current SDK.
 *
 * Functions declared by these headers link to symbols named ws2sim_<name> (see WS2SIM_SYMBOL), so
 * they never collide with the C library's socket functions.
 */
#ifndef WS2SIM_WINTYPES_H_
#define WS2SIM_WINTYPES_H_

#include <stddef.h>
#include <stdint.h>

/* ---- ws2sim plumbing ------------------------------------------------------------------------ */

#ifdef __cplusplus
#define WS2SIM_BEGIN_DECLS extern "C" {
#define WS2SIM_END_DECLS }
#else
#define WS2SIM_BEGIN_DECLS
#define WS2SIM_END_DECLS
#endif

/* Gives a declared Windows function the link-time symbol ws2sim_<name>. */
#define WS2SIM_SYMBOL(name) __asm__("ws2sim_" #name)

/* Empty-brace zero initialisation that is warning-free in both languages. */
#ifdef __cplusplus
#define WS2SIM_ZERO_INIT \
  {}
#else
#define WS2SIM_ZERO_INIT \
  { 0 }
#endif

/* ---- Target version ------------------------------------------------------------------------- */

#define _WIN32_WINNT_NT4 0x0400
#define _WIN32_WINNT_WIN2K 0x0500
#define _WIN32_WINNT_WINXP 0x0501
#define _WIN32_WINNT_WS03 0x0502
#define _WIN32_WINNT_WIN6 0x0600
#define _WIN32_WINNT_VISTA 0x0600
#define _WIN32_WINNT_LONGHORN 0x0600
#define _WIN32_WINNT_WS08 0x0600
#define _WIN32_WINNT_WIN7 0x0601
#define _WIN32_WINNT_WIN8 0x0602
#define _WIN32_WINNT_WINBLUE 0x0603
#define _WIN32_WINNT_WINTHRESHOLD 0x0A00
#define _WIN32_WINNT_WIN10 0x0A00

#ifndef _WIN32_WINNT
#define _WIN32_WINNT _WIN32_WINNT_WIN10
#endif
#ifndef WINVER
#define WINVER _WIN32_WINNT
#endif

/* ---- Calling conventions and decorations (all empty on Linux) ------------------------------- */

#define WINAPI
#define WINAPIV
#define APIENTRY
#define CALLBACK
#define WSAAPI
#define NTAPI
#define PASCAL
#define FAR
#define NEAR
#define CONST const
#define VOID void
#ifndef __stdcall
#define __stdcall
#endif
#ifndef __cdecl
#define __cdecl
#endif

/* ---- Integer and pointer types -------------------------------------------------------------- */

typedef unsigned char BYTE;
typedef BYTE BOOLEAN;
typedef char CHAR;
typedef unsigned char UCHAR;
typedef short SHORT;
typedef unsigned short USHORT;
typedef unsigned short WORD;
typedef int INT;
typedef unsigned int UINT;
typedef int32_t LONG;   /* 32-bit, as on Windows */
typedef uint32_t ULONG; /* 32-bit, as on Windows */
typedef uint32_t DWORD; /* 32-bit, as on Windows */
typedef int BOOL;
typedef float FLOAT;
typedef int8_t INT8;
typedef uint8_t UINT8;
typedef int16_t INT16;
typedef uint16_t UINT16;
typedef int32_t INT32;
typedef uint32_t UINT32;
typedef int32_t LONG32;
typedef uint32_t ULONG32;
typedef uint32_t DWORD32;
/* Windows' 64-bit types are `(unsigned) __int64` = long long, so "%lld"/"%llu" keep working. */
typedef long long LONGLONG;
typedef unsigned long long ULONGLONG;
typedef unsigned long long DWORDLONG;

/* A 64-bit signed integer with its 32-bit halves, as QueryPerformanceCounter fills it. */
typedef union _LARGE_INTEGER {
  __extension__ struct {
    DWORD LowPart;
    LONG HighPart;
  };
  struct {
    DWORD LowPart;
    LONG HighPart;
  } u;
  LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;
typedef long long INT64;
typedef unsigned long long UINT64;
typedef long long LONG64;
typedef unsigned long long ULONG64;
typedef unsigned long long DWORD64;
/* Pointer-sized integers. */
typedef intptr_t INT_PTR;
typedef uintptr_t UINT_PTR;
typedef intptr_t LONG_PTR;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef size_t SIZE_T;
typedef intptr_t SSIZE_T;

typedef BYTE* PBYTE;
typedef BYTE* LPBYTE;
typedef BOOLEAN* PBOOLEAN;
typedef CHAR* PCHAR;
typedef UCHAR* PUCHAR;
typedef SHORT* PSHORT;
typedef USHORT* PUSHORT;
typedef WORD* PWORD;
typedef WORD* LPWORD;
typedef INT* PINT;
typedef INT* LPINT;
typedef UINT* PUINT;
typedef LONG* PLONG;
typedef LONG* LPLONG;
typedef ULONG* PULONG;
typedef DWORD* PDWORD;
typedef DWORD* LPDWORD;
typedef BOOL* PBOOL;
typedef BOOL* LPBOOL;
typedef LONGLONG* PLONGLONG;
typedef ULONGLONG* PULONGLONG;
typedef ULONG_PTR* PULONG_PTR;
typedef SIZE_T* PSIZE_T;

typedef void* PVOID;
typedef void* LPVOID;
typedef const void* LPCVOID;
typedef const void* PCVOID;

/* ---- Characters and strings ----------------------------------------------------------------- */

typedef wchar_t WCHAR; /* 4 bytes on Linux, 2 on Windows: see the banner */
typedef WCHAR* PWCHAR;
typedef CHAR* LPSTR;
typedef CHAR* PSTR;
typedef const CHAR* LPCSTR;
typedef const CHAR* PCSTR;
typedef WCHAR* LPWSTR;
typedef WCHAR* PWSTR;
typedef const WCHAR* LPCWSTR;
typedef const WCHAR* PCWSTR;

#ifdef UNICODE
typedef WCHAR TCHAR;
#define WS2SIM_TEXT_(quote) L##quote
#else
typedef CHAR TCHAR;
#define WS2SIM_TEXT_(quote) quote
#endif
typedef TCHAR* LPTSTR;
typedef const TCHAR* LPCTSTR;
#ifndef TEXT
#define TEXT(quote) WS2SIM_TEXT_(quote)
#endif

/* ---- Handles and procedures ----------------------------------------------------------------- */

typedef void* HANDLE;
typedef HANDLE* PHANDLE;
typedef HANDLE* LPHANDLE;
struct HINSTANCE__ {
  int unused;
};
typedef struct HINSTANCE__* HINSTANCE;
typedef HINSTANCE HMODULE;
typedef INT_PTR(WINAPI* FARPROC)(void);
typedef INT_PTR(WINAPI* NEARPROC)(void);
typedef INT_PTR(WINAPI* PROC)(void);

#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

/* ---- Booleans and small helpers ------------------------------------------------------------- */

#ifndef FALSE
#define FALSE 0
#endif
#ifndef TRUE
#define TRUE 1
#endif

#define INFINITE 0xFFFFFFFF
#define MAX_PATH 260

#define MAKEWORD(low, high) \
  ((WORD)(((BYTE)(((DWORD_PTR)(low)) & 0xff)) | ((WORD)((BYTE)(((DWORD_PTR)(high)) & 0xff))) << 8))
#define MAKELONG(low, high)                                                                       \
  ((LONG)(((WORD)(((DWORD_PTR)(low)) & 0xffff)) | ((DWORD)((WORD)(((DWORD_PTR)(high)) & 0xffff))) \
                                                      << 16))
#define LOWORD(value) ((WORD)(((DWORD_PTR)(value)) & 0xffff))
#define HIWORD(value) ((WORD)((((DWORD_PTR)(value)) >> 16) & 0xffff))
#define LOBYTE(value) ((BYTE)(((DWORD_PTR)(value)) & 0xff))
#define HIBYTE(value) ((BYTE)((((DWORD_PTR)(value)) >> 8) & 0xff))

/* ---- COM-style results (strsafe.h returns them) --------------------------------------------- */

typedef LONG HRESULT;
#define SUCCEEDED(hr) (((HRESULT)(hr)) >= 0)
#define FAILED(hr) (((HRESULT)(hr)) < 0)
#define S_OK ((HRESULT)0)
#define S_FALSE ((HRESULT)1)
#define E_INVALIDARG ((HRESULT)0x80070057U)
#define E_OUTOFMEMORY ((HRESULT)0x8007000EU)
#define E_FAIL ((HRESULT)0x80004005U)

/* ---- NT status codes ------------------------------------------------------------------------ */

typedef LONG NTSTATUS;
typedef NTSTATUS* PNTSTATUS;
#define STATUS_SUCCESS ((NTSTATUS)0x00000000)
#define STATUS_INVALID_PARAMETER ((NTSTATUS)0xC000000DU)
#define STATUS_REVISION_MISMATCH ((NTSTATUS)0xC0000059U)
#ifndef NT_SUCCESS
#define NT_SUCCESS(status) (((NTSTATUS)(status)) >= 0)
#endif

/* ---- Win32 error codes (GetLastError) ------------------------------------------------------- */

#define NO_ERROR 0
#define ERROR_SUCCESS 0
#define ERROR_INVALID_FUNCTION 1
#define ERROR_FILE_NOT_FOUND 2
#define ERROR_ACCESS_DENIED 5
#define ERROR_INVALID_HANDLE 6
#define ERROR_NOT_ENOUGH_MEMORY 8
#define ERROR_NOT_SUPPORTED 50
#define ERROR_INVALID_PARAMETER 87
#define ERROR_CALL_NOT_IMPLEMENTED 120
#define ERROR_INSUFFICIENT_BUFFER 122
#define ERROR_MOD_NOT_FOUND 126
#define ERROR_BAD_ARGUMENTS 160
#define ERROR_PROC_NOT_FOUND 127
#define ERROR_OPERATION_ABORTED 995
#define ERROR_IO_INCOMPLETE 996
#define ERROR_IO_PENDING 997
#define ERROR_OLD_WIN_VERSION 1150

/* ---- Waits ---------------------------------------------------------------------------------- */

#define STATUS_WAIT_0 ((DWORD)0x00000000)
#define STATUS_USER_APC ((DWORD)0x000000C0)
#define WAIT_OBJECT_0 ((DWORD)0x00000000)
#define WAIT_ABANDONED_0 ((DWORD)0x00000080)
#define WAIT_IO_COMPLETION ((DWORD)0x000000C0)
#define WAIT_TIMEOUT 258
#define WAIT_FAILED ((DWORD)0xFFFFFFFF)

/* ---- GUID ----------------------------------------------------------------------------------- */

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
  ULONG Data1; /* `unsigned long` on Windows: 32 bits */
  USHORT Data2;
  USHORT Data3;
  UCHAR Data4[8];
} GUID;
#endif
typedef GUID* LPGUID;
typedef const GUID* LPCGUID;

/* ---- OVERLAPPED (WSAOVERLAPPED is the same structure) --------------------------------------- */

typedef struct _OVERLAPPED {
  ULONG_PTR Internal;
  ULONG_PTR InternalHigh;
  __extension__ union {
    __extension__ struct {
      DWORD Offset;
      DWORD OffsetHigh;
    };
    PVOID Pointer;
  };
  HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

/* ---- Version information -------------------------------------------------------------------- */

typedef struct _OSVERSIONINFOA {
  DWORD dwOSVersionInfoSize;
  DWORD dwMajorVersion;
  DWORD dwMinorVersion;
  DWORD dwBuildNumber;
  DWORD dwPlatformId;
  CHAR szCSDVersion[128];
} OSVERSIONINFOA, *POSVERSIONINFOA, *LPOSVERSIONINFOA;

typedef struct _OSVERSIONINFOW {
  DWORD dwOSVersionInfoSize;
  DWORD dwMajorVersion;
  DWORD dwMinorVersion;
  DWORD dwBuildNumber;
  DWORD dwPlatformId;
  WCHAR szCSDVersion[128];
} OSVERSIONINFOW, *POSVERSIONINFOW, *LPOSVERSIONINFOW, RTL_OSVERSIONINFOW, *PRTL_OSVERSIONINFOW;

typedef struct _OSVERSIONINFOEXA {
  DWORD dwOSVersionInfoSize;
  DWORD dwMajorVersion;
  DWORD dwMinorVersion;
  DWORD dwBuildNumber;
  DWORD dwPlatformId;
  CHAR szCSDVersion[128];
  WORD wServicePackMajor;
  WORD wServicePackMinor;
  WORD wSuiteMask;
  BYTE wProductType;
  BYTE wReserved;
} OSVERSIONINFOEXA, *POSVERSIONINFOEXA, *LPOSVERSIONINFOEXA;

typedef struct _OSVERSIONINFOEXW {
  DWORD dwOSVersionInfoSize;
  DWORD dwMajorVersion;
  DWORD dwMinorVersion;
  DWORD dwBuildNumber;
  DWORD dwPlatformId;
  WCHAR szCSDVersion[128];
  WORD wServicePackMajor;
  WORD wServicePackMinor;
  WORD wSuiteMask;
  BYTE wProductType;
  BYTE wReserved;
} OSVERSIONINFOEXW, *POSVERSIONINFOEXW, *LPOSVERSIONINFOEXW, RTL_OSVERSIONINFOEXW,
    *PRTL_OSVERSIONINFOEXW;

#ifdef UNICODE
typedef OSVERSIONINFOW OSVERSIONINFO;
typedef POSVERSIONINFOW POSVERSIONINFO;
typedef LPOSVERSIONINFOW LPOSVERSIONINFO;
typedef OSVERSIONINFOEXW OSVERSIONINFOEX;
typedef POSVERSIONINFOEXW POSVERSIONINFOEX;
typedef LPOSVERSIONINFOEXW LPOSVERSIONINFOEX;
#else
typedef OSVERSIONINFOA OSVERSIONINFO;
typedef POSVERSIONINFOA POSVERSIONINFO;
typedef LPOSVERSIONINFOA LPOSVERSIONINFO;
typedef OSVERSIONINFOEXA OSVERSIONINFOEX;
typedef POSVERSIONINFOEXA POSVERSIONINFOEX;
typedef LPOSVERSIONINFOEXA LPOSVERSIONINFOEX;
#endif

/* VerifyVersionInfo type mask bits. */
#define VER_MINORVERSION 0x0000001
#define VER_MAJORVERSION 0x0000002
#define VER_BUILDNUMBER 0x0000004
#define VER_PLATFORMID 0x0000008
#define VER_SERVICEPACKMINOR 0x0000010
#define VER_SERVICEPACKMAJOR 0x0000020
#define VER_SUITENAME 0x0000040
#define VER_PRODUCT_TYPE 0x0000080

/* VerSetConditionMask conditions. */
#define VER_EQUAL 1
#define VER_GREATER 2
#define VER_GREATER_EQUAL 3
#define VER_LESS 4
#define VER_LESS_EQUAL 5
#define VER_AND 6
#define VER_OR 7
#define VER_CONDITION_MASK 7
#define VER_NUM_BITS_PER_CONDITION_MASK 3

/* wProductType values. */
#define VER_NT_WORKSTATION 0x0000001
#define VER_NT_DOMAIN_CONTROLLER 0x0000002
#define VER_NT_SERVER 0x0000003

/* dwPlatformId values. */
#define VER_PLATFORM_WIN32s 0
#define VER_PLATFORM_WIN32_WINDOWS 1
#define VER_PLATFORM_WIN32_NT 2

#endif /* WS2SIM_WINTYPES_H_ */
