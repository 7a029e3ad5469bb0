/*
 * tchar.h - ws2sim's emulation of the CRT's generic-text mappings. Part of ws2sim's drop-in
 * Windows headers (not Microsoft's header).
 *
 * _TCHAR and the _t names map to char and the narrow C functions, or, with _UNICODE, to wchar_t
 * and the wide ones. (wchar_t is 4 bytes on Linux: see README.md.) A program whose entry point is
 * _tmain gets main without _UNICODE; wmain is not an entry point the ws2sim harness runs.
 */
#ifndef WS2SIM_TCHAR_H_
#define WS2SIM_TCHAR_H_

#define _INC_TCHAR

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#ifdef _UNICODE
typedef wchar_t _TCHAR;
typedef wchar_t _TSCHAR;
typedef wchar_t _TUCHAR;
typedef wint_t _TINT;
#define __T(x) L##x
#define _tmain wmain
#define _tprintf wprintf
#define _ftprintf fwprintf
#define _stprintf swprintf
#define _sntprintf swprintf
#define _tcslen wcslen
#define _tcscpy wcscpy
#define _tcsncpy wcsncpy
#define _tcscat wcscat
#define _tcscmp wcscmp
#define _tcsncmp wcsncmp
#define _tcsicmp wcscasecmp
#define _tcsnicmp wcsncasecmp
#define _tcschr wcschr
#define _tcsrchr wcsrchr
#define _tcsstr wcsstr
#define _tcstol wcstol
#define _tcstoul wcstoul
#define _ttoi(s) ((int)wcstol((s), NULL, 10))
#define _tstoi _ttoi
#define _fgetts fgetws
#define _fputts fputws
#else
typedef char _TCHAR;
typedef signed char _TSCHAR;
typedef unsigned char _TUCHAR;
typedef int _TINT;
#define __T(x) x
#define _tmain main
#define _tprintf printf
#define _ftprintf fprintf
#define _stprintf sprintf
#define _sntprintf snprintf
#define _tcslen strlen
#define _tcscpy strcpy
#define _tcsncpy strncpy
#define _tcscat strcat
#define _tcscmp strcmp
#define _tcsncmp strncmp
#define _tcsicmp strcasecmp
#define _tcsnicmp strncasecmp
#define _tcschr strchr
#define _tcsrchr strrchr
#define _tcsstr strstr
#define _tcstol strtol
#define _tcstoul strtoul
#define _ttoi atoi
#define _tstoi atoi
#define _fgetts fgets
#define _fputts fputs
#endif

#define _T(x) __T(x)
#define _TEXT(x) __T(x)

#endif /* WS2SIM_TCHAR_H_ */
