/*
 * mswsock.h - ws2sim's emulation of the Windows Microsoft Winsock extensions header.
 *
 * Part of ws2sim's drop-in Windows headers (not Microsoft's header; see winsock2.h). Provides the
 * Microsoft-specific SOL_SOCKET options (SO_CONNECT_TIME, SO_UPDATE_ACCEPT_CONTEXT, ...) and
 * vendor WSAIoctl codes. Includes winsock2.h itself, so it may be included first.
 */
#ifndef WS2SIM_MSWSOCK_H_
#define WS2SIM_MSWSOCK_H_

#define _MSWSOCK_

#include "winsock2.h"

#define SO_CONNDATA 0x7000
#define SO_CONNOPT 0x7001
#define SO_DISCDATA 0x7002
#define SO_DISCOPT 0x7003
#define SO_CONNDATALEN 0x7004
#define SO_CONNOPTLEN 0x7005
#define SO_DISCDATALEN 0x7006
#define SO_DISCOPTLEN 0x7007
#define SO_OPENTYPE 0x7008
#define SO_SYNCHRONOUS_ALERT 0x10
#define SO_SYNCHRONOUS_NONALERT 0x20
#define SO_MAXDG 0x7009
#define SO_MAXPATHDG 0x700A
#define SO_UPDATE_ACCEPT_CONTEXT 0x700B
#define SO_CONNECT_TIME 0x700C /* seconds since connect, 0xFFFFFFFF when not connected */
#define SO_UPDATE_CONNECT_CONTEXT 0x7010

#define TCP_BSDURGENT 0x7000

#define SIO_UDP_CONNRESET _WSAIOW(IOC_VENDOR, 12)
#define SIO_SOCKET_CLOSE_NOTIFY _WSAIOW(IOC_VENDOR, 13)
#define SIO_BSP_HANDLE _WSAIOR(IOC_WS2, 27)
#define SIO_BSP_HANDLE_SELECT _WSAIOR(IOC_WS2, 28)
#define SIO_BSP_HANDLE_POLL _WSAIOR(IOC_WS2, 29)
#define SIO_BASE_HANDLE _WSAIOR(IOC_WS2, 34)

#endif /* WS2SIM_MSWSOCK_H_ */
