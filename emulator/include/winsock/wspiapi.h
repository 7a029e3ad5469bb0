/*
 * wspiapi.h - ws2sim's emulation of the Windows header that once carried getaddrinfo for
 * Windows 2000. Part of ws2sim's drop-in Windows headers (not Microsoft's header).
 *
 * Every Windows version ws2sim emulates has getaddrinfo in ws2_32 itself, so, like the SDK's
 * header on those targets, this only brings in ws2tcpip.h.
 */
#ifndef WS2SIM_WSPIAPI_H_
#define WS2SIM_WSPIAPI_H_

#define _WSPIAPI_H_

#include "ws2tcpip.h"

#endif /* WS2SIM_WSPIAPI_H_ */
