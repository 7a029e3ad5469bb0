/*
 * VersionHelpers.h - ws2sim's emulation of the Windows header of that name, for programs that spell
 * it with this capitalisation (Windows file names are case-insensitive, Linux ones are not). It
 * simply includes ws2sim's versionhelpers.h.
 */
#ifndef WS2SIM_CASE_VERSIONHELPERS_H_
#define WS2SIM_CASE_VERSIONHELPERS_H_

#include "versionhelpers.h"

#endif /* WS2SIM_CASE_VERSIONHELPERS_H_ */
