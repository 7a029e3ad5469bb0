/*
 * strsafe.h - ws2sim's emulation of the Windows safe string functions. Part of ws2sim's
 * drop-in Windows headers (not Microsoft's header).
 *
 * Each function writes at most the destination's size, always ends it with a NUL (when the size
 * is not 0), and returns an HRESULT: S_OK; STRSAFE_E_INSUFFICIENT_BUFFER when the result was cut
 * to fit (the destination holds the cut string); STRSAFE_E_INVALID_PARAMETER for a size of 0 or
 * over STRSAFE_MAX_CCH, or a string not ended within its limit. Cch functions count characters,
 * Cb functions bytes. Static inline, as in the SDK; no library symbols.
 *
 *   char line[64];
 *   if (FAILED(StringCchPrintfA(line, ARRAYSIZE(line), "%s:%d", host, port))) { ... }
 */
#ifndef WS2SIM_STRSAFE_H_
#define WS2SIM_STRSAFE_H_

#define _STRSAFE_H_INCLUDED_

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "ws2sim_wintypes.h"

#define STRSAFE_MAX_CCH 2147483647
#define STRSAFE_E_INSUFFICIENT_BUFFER ((HRESULT)0x8007007AU)
#define STRSAFE_E_INVALID_PARAMETER ((HRESULT)0x80070057U)
#define STRSAFE_E_END_OF_FILE ((HRESULT)0x80070026U)

#ifndef ARRAYSIZE
#define ARRAYSIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#if defined(__GNUC__)
#define WS2SIM_STRSAFE_PRINTF_(f, a) __attribute__((format(printf, f, a)))
#else
#define WS2SIM_STRSAFE_PRINTF_(f, a)
#endif

/* ---- implementation details: one narrow and one wide version of each operation ------------- */

static inline HRESULT ws2sim_strsafe_copy_a(char* dest, size_t cch, const char* src, size_t max) {
  size_t i = 0;
  if (cch == 0 || cch > STRSAFE_MAX_CCH) return STRSAFE_E_INVALID_PARAMETER;
  while (i + 1 < cch && i < max && src[i] != '\0') {
    dest[i] = src[i];
    ++i;
  }
  dest[i] = '\0';
  return (i < max && src[i] != '\0') ? STRSAFE_E_INSUFFICIENT_BUFFER : S_OK;
}

static inline HRESULT ws2sim_strsafe_copy_w(wchar_t* dest, size_t cch, const wchar_t* src,
                                            size_t max) {
  size_t i = 0;
  if (cch == 0 || cch > STRSAFE_MAX_CCH) return STRSAFE_E_INVALID_PARAMETER;
  while (i + 1 < cch && i < max && src[i] != L'\0') {
    dest[i] = src[i];
    ++i;
  }
  dest[i] = L'\0';
  return (i < max && src[i] != L'\0') ? STRSAFE_E_INSUFFICIENT_BUFFER : S_OK;
}

static inline HRESULT ws2sim_strsafe_length_a(const char* s, size_t max, size_t* length) {
  size_t n = 0;
  if (s == NULL || max > STRSAFE_MAX_CCH) {
    if (length != NULL) *length = 0;
    return STRSAFE_E_INVALID_PARAMETER;
  }
  while (n < max && s[n] != '\0') ++n;
  if (length != NULL) *length = n < max ? n : 0;
  return n < max ? S_OK : STRSAFE_E_INVALID_PARAMETER;
}

static inline HRESULT ws2sim_strsafe_length_w(const wchar_t* s, size_t max, size_t* length) {
  size_t n = 0;
  if (s == NULL || max > STRSAFE_MAX_CCH) {
    if (length != NULL) *length = 0;
    return STRSAFE_E_INVALID_PARAMETER;
  }
  while (n < max && s[n] != L'\0') ++n;
  if (length != NULL) *length = n < max ? n : 0;
  return n < max ? S_OK : STRSAFE_E_INVALID_PARAMETER;
}

static inline HRESULT ws2sim_strsafe_vprintf_a(char* dest, size_t cch, const char* format,
                                               va_list args) {
  int n;
  if (cch == 0 || cch > STRSAFE_MAX_CCH) return STRSAFE_E_INVALID_PARAMETER;
  n = vsnprintf(dest, cch, format, args);
  if (n < 0 || (size_t)n >= cch) {
    dest[cch - 1] = '\0';
    return STRSAFE_E_INSUFFICIENT_BUFFER;
  }
  return S_OK;
}

static inline HRESULT ws2sim_strsafe_vprintf_w(wchar_t* dest, size_t cch, const wchar_t* format,
                                               va_list args) {
  int n;
  if (cch == 0 || cch > STRSAFE_MAX_CCH) return STRSAFE_E_INVALID_PARAMETER;
  n = vswprintf(dest, cch, format, args);
  if (n < 0 || (size_t)n >= cch) {
    dest[cch - 1] = L'\0'; /* vswprintf reports a cut result as an error */
    return STRSAFE_E_INSUFFICIENT_BUFFER;
  }
  return S_OK;
}

/* ---- Copy, concatenate, length -------------------------------------------------------------- */

static inline HRESULT StringCchCopyA(char* pszDest, size_t cchDest, const char* pszSrc) {
  return ws2sim_strsafe_copy_a(pszDest, cchDest, pszSrc, (size_t)STRSAFE_MAX_CCH);
}
static inline HRESULT StringCchCopyW(wchar_t* pszDest, size_t cchDest, const wchar_t* pszSrc) {
  return ws2sim_strsafe_copy_w(pszDest, cchDest, pszSrc, (size_t)STRSAFE_MAX_CCH);
}
static inline HRESULT StringCchCopyNA(char* pszDest, size_t cchDest, const char* pszSrc,
                                      size_t cchToCopy) {
  return ws2sim_strsafe_copy_a(pszDest, cchDest, pszSrc, cchToCopy);
}
static inline HRESULT StringCchCopyNW(wchar_t* pszDest, size_t cchDest, const wchar_t* pszSrc,
                                      size_t cchToCopy) {
  return ws2sim_strsafe_copy_w(pszDest, cchDest, pszSrc, cchToCopy);
}
static inline HRESULT StringCbCopyA(char* pszDest, size_t cbDest, const char* pszSrc) {
  return StringCchCopyA(pszDest, cbDest, pszSrc);
}
static inline HRESULT StringCbCopyW(wchar_t* pszDest, size_t cbDest, const wchar_t* pszSrc) {
  return StringCchCopyW(pszDest, cbDest / sizeof(wchar_t), pszSrc);
}

static inline HRESULT StringCchLengthA(const char* psz, size_t cchMax, size_t* pcchLength) {
  return ws2sim_strsafe_length_a(psz, cchMax, pcchLength);
}
static inline HRESULT StringCchLengthW(const wchar_t* psz, size_t cchMax, size_t* pcchLength) {
  return ws2sim_strsafe_length_w(psz, cchMax, pcchLength);
}
static inline HRESULT StringCbLengthA(const char* psz, size_t cbMax, size_t* pcbLength) {
  return ws2sim_strsafe_length_a(psz, cbMax, pcbLength);
}
static inline HRESULT StringCbLengthW(const wchar_t* psz, size_t cbMax, size_t* pcbLength) {
  size_t n = 0;
  const HRESULT hr = ws2sim_strsafe_length_w(psz, cbMax / sizeof(wchar_t), &n);
  if (pcbLength != NULL) *pcbLength = n * sizeof(wchar_t);
  return hr;
}

static inline HRESULT StringCchCatA(char* pszDest, size_t cchDest, const char* pszSrc) {
  size_t used = 0;
  if (FAILED(ws2sim_strsafe_length_a(pszDest, cchDest, &used))) return STRSAFE_E_INVALID_PARAMETER;
  return ws2sim_strsafe_copy_a(pszDest + used, cchDest - used, pszSrc, (size_t)STRSAFE_MAX_CCH);
}
static inline HRESULT StringCchCatW(wchar_t* pszDest, size_t cchDest, const wchar_t* pszSrc) {
  size_t used = 0;
  if (FAILED(ws2sim_strsafe_length_w(pszDest, cchDest, &used))) return STRSAFE_E_INVALID_PARAMETER;
  return ws2sim_strsafe_copy_w(pszDest + used, cchDest - used, pszSrc, (size_t)STRSAFE_MAX_CCH);
}
static inline HRESULT StringCbCatA(char* pszDest, size_t cbDest, const char* pszSrc) {
  return StringCchCatA(pszDest, cbDest, pszSrc);
}
static inline HRESULT StringCbCatW(wchar_t* pszDest, size_t cbDest, const wchar_t* pszSrc) {
  return StringCchCatW(pszDest, cbDest / sizeof(wchar_t), pszSrc);
}

/* ---- Formatted output ----------------------------------------------------------------------- */

static inline HRESULT StringCchVPrintfA(char* pszDest, size_t cchDest, const char* pszFormat,
                                        va_list argList) {
  return ws2sim_strsafe_vprintf_a(pszDest, cchDest, pszFormat, argList);
}
static inline HRESULT StringCchVPrintfW(wchar_t* pszDest, size_t cchDest, const wchar_t* pszFormat,
                                        va_list argList) {
  return ws2sim_strsafe_vprintf_w(pszDest, cchDest, pszFormat, argList);
}
static inline WS2SIM_STRSAFE_PRINTF_(3, 4) HRESULT
    StringCchPrintfA(char* pszDest, size_t cchDest, const char* pszFormat, ...) {
  HRESULT hr;
  va_list args;
  va_start(args, pszFormat);
  hr = ws2sim_strsafe_vprintf_a(pszDest, cchDest, pszFormat, args);
  va_end(args);
  return hr;
}
static inline HRESULT StringCchPrintfW(wchar_t* pszDest, size_t cchDest, const wchar_t* pszFormat,
                                       ...) {
  HRESULT hr;
  va_list args;
  va_start(args, pszFormat);
  hr = ws2sim_strsafe_vprintf_w(pszDest, cchDest, pszFormat, args);
  va_end(args);
  return hr;
}
static inline WS2SIM_STRSAFE_PRINTF_(3, 4) HRESULT
    StringCbPrintfA(char* pszDest, size_t cbDest, const char* pszFormat, ...) {
  HRESULT hr;
  va_list args;
  va_start(args, pszFormat);
  hr = ws2sim_strsafe_vprintf_a(pszDest, cbDest, pszFormat, args);
  va_end(args);
  return hr;
}
static inline HRESULT StringCbPrintfW(wchar_t* pszDest, size_t cbDest, const wchar_t* pszFormat,
                                      ...) {
  HRESULT hr;
  va_list args;
  va_start(args, pszFormat);
  hr = ws2sim_strsafe_vprintf_w(pszDest, cbDest / sizeof(wchar_t), pszFormat, args);
  va_end(args);
  return hr;
}

#ifdef UNICODE
#define StringCchCopy StringCchCopyW
#define StringCchCopyN StringCchCopyNW
#define StringCbCopy StringCbCopyW
#define StringCchLength StringCchLengthW
#define StringCbLength StringCbLengthW
#define StringCchCat StringCchCatW
#define StringCbCat StringCbCatW
#define StringCchPrintf StringCchPrintfW
#define StringCbPrintf StringCbPrintfW
#define StringCchVPrintf StringCchVPrintfW
#else
#define StringCchCopy StringCchCopyA
#define StringCchCopyN StringCchCopyNA
#define StringCbCopy StringCbCopyA
#define StringCchLength StringCchLengthA
#define StringCbLength StringCbLengthA
#define StringCchCat StringCchCatA
#define StringCbCat StringCbCatA
#define StringCchPrintf StringCchPrintfA
#define StringCbPrintf StringCbPrintfA
#define StringCchVPrintf StringCchVPrintfA
#endif

#endif /* WS2SIM_STRSAFE_H_ */
