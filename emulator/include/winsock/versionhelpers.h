/*
 * versionhelpers.h - ws2sim's emulation of the Windows version helper functions.
 *
 * Part of ws2sim's drop-in Windows headers (not Microsoft's header). As documented by Microsoft,
 * every helper is an inline function that asks VerifyVersionInfoW whether the running system is at
 * least the given major.minor version and service pack, building the condition mask with
 * VerSetConditionMask; under ws2sim the answers come from the emulated Windows profile.
 */
#ifndef WS2SIM_VERSIONHELPERS_H_
#define WS2SIM_VERSIONHELPERS_H_

#define _versionhelpers_H_INCLUDED_

#include "windows.h"

#define VERSIONHELPERAPI static inline BOOL

/* TRUE when the system version is major.minor with at least service pack sp_major, or later. */
VERSIONHELPERAPI IsWindowsVersionOrGreater(WORD wMajorVersion, WORD wMinorVersion,
                                           WORD wServicePackMajor) {
  OSVERSIONINFOEXW ws2sim_info = WS2SIM_ZERO_INIT;
  DWORDLONG ws2sim_mask = 0;
  ws2sim_info.dwOSVersionInfoSize = (DWORD)sizeof(ws2sim_info);
  ws2sim_info.dwMajorVersion = wMajorVersion;
  ws2sim_info.dwMinorVersion = wMinorVersion;
  ws2sim_info.wServicePackMajor = wServicePackMajor;
  ws2sim_mask = VerSetConditionMask(ws2sim_mask, VER_MAJORVERSION, VER_GREATER_EQUAL);
  ws2sim_mask = VerSetConditionMask(ws2sim_mask, VER_MINORVERSION, VER_GREATER_EQUAL);
  ws2sim_mask = VerSetConditionMask(ws2sim_mask, VER_SERVICEPACKMAJOR, VER_GREATER_EQUAL);
  return VerifyVersionInfoW(&ws2sim_info,
                            VER_MAJORVERSION | VER_MINORVERSION | VER_SERVICEPACKMAJOR,
                            ws2sim_mask) != FALSE;
}

VERSIONHELPERAPI IsWindowsXPOrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WINXP), LOBYTE(_WIN32_WINNT_WINXP), 0);
}

VERSIONHELPERAPI IsWindowsXPSP1OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WINXP), LOBYTE(_WIN32_WINNT_WINXP), 1);
}

VERSIONHELPERAPI IsWindowsXPSP2OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WINXP), LOBYTE(_WIN32_WINNT_WINXP), 2);
}

VERSIONHELPERAPI IsWindowsXPSP3OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WINXP), LOBYTE(_WIN32_WINNT_WINXP), 3);
}

VERSIONHELPERAPI IsWindowsVistaOrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_VISTA), LOBYTE(_WIN32_WINNT_VISTA), 0);
}

VERSIONHELPERAPI IsWindowsVistaSP1OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_VISTA), LOBYTE(_WIN32_WINNT_VISTA), 1);
}

VERSIONHELPERAPI IsWindowsVistaSP2OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_VISTA), LOBYTE(_WIN32_WINNT_VISTA), 2);
}

VERSIONHELPERAPI IsWindows7OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WIN7), LOBYTE(_WIN32_WINNT_WIN7), 0);
}

VERSIONHELPERAPI IsWindows7SP1OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WIN7), LOBYTE(_WIN32_WINNT_WIN7), 1);
}

VERSIONHELPERAPI IsWindows8OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WIN8), LOBYTE(_WIN32_WINNT_WIN8), 0);
}

VERSIONHELPERAPI IsWindows8Point1OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WINBLUE), LOBYTE(_WIN32_WINNT_WINBLUE), 0);
}

VERSIONHELPERAPI IsWindowsThresholdOrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WINTHRESHOLD),
                                   LOBYTE(_WIN32_WINNT_WINTHRESHOLD), 0);
}

VERSIONHELPERAPI IsWindows10OrGreater(void) {
  return IsWindowsVersionOrGreater(HIBYTE(_WIN32_WINNT_WIN10), LOBYTE(_WIN32_WINNT_WIN10), 0);
}

/* TRUE unless the product type is VER_NT_WORKSTATION (i.e. on servers and domain controllers). */
VERSIONHELPERAPI IsWindowsServer(void) {
  OSVERSIONINFOEXW ws2sim_info = WS2SIM_ZERO_INIT;
  DWORDLONG ws2sim_mask = VerSetConditionMask(0, VER_PRODUCT_TYPE, VER_EQUAL);
  ws2sim_info.dwOSVersionInfoSize = (DWORD)sizeof(ws2sim_info);
  ws2sim_info.wProductType = VER_NT_WORKSTATION;
  return !VerifyVersionInfoW(&ws2sim_info, VER_PRODUCT_TYPE, ws2sim_mask);
}

#endif /* WS2SIM_VERSIONHELPERS_H_ */
