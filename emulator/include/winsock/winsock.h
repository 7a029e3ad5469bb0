/*
 * winsock.h - ws2sim's emulation of the Windows Sockets 1.1 header.
 *
 * Part of ws2sim's drop-in Windows headers (not Microsoft's header). ws2sim offers a single
 * sockets API: this header simply includes ws2sim's winsock2.h, which is a superset.
 */
#ifndef WS2SIM_WINSOCK_H_
#define WS2SIM_WINSOCK_H_

#include "winsock2.h"

#endif /* WS2SIM_WINSOCK_H_ */
