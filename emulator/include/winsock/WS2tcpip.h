/*
 * WS2tcpip.h - ws2sim's emulation of the Windows header of that name, for programs that spell it
 * with this capitalisation (Windows file names are case-insensitive, Linux ones are not). It simply
 * includes ws2sim's ws2tcpip.h.
 */
#ifndef WS2SIM_CASE_WS2TCPIP_H_
#define WS2SIM_CASE_WS2TCPIP_H_

#include "ws2tcpip.h"

#endif /* WS2SIM_CASE_WS2TCPIP_H_ */
