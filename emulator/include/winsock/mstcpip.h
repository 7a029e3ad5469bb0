/*
 * mstcpip.h - ws2sim's emulation of the Windows Microsoft TCP/IP extensions header.
 *
 * Part of ws2sim's drop-in Windows headers (not Microsoft's header; see winsock2.h). Provides
 * struct tcp_keepalive and the vendor WSAIoctl codes, among them SIO_KEEPALIVE_VALS. Unlike the
 * SDK header it includes winsock2.h itself, so it may be included first.
 */
#ifndef WS2SIM_MSTCPIP_H_
#define WS2SIM_MSTCPIP_H_

#define _MSTCPIP_

#include "winsock2.h"

/* Input of WSAIoctl(SIO_KEEPALIVE_VALS): 12 bytes, times in milliseconds. */
struct tcp_keepalive {
  u_long onoff;             /* non-zero: keep-alive on; zero: off */
  u_long keepalivetime;     /* idle time before the first probe, ms */
  u_long keepaliveinterval; /* time between unanswered probes, ms */
};

#define SIO_RCVALL _WSAIOW(IOC_VENDOR, 1)
#define SIO_RCVALL_MCAST _WSAIOW(IOC_VENDOR, 2)
#define SIO_RCVALL_IGMPMCAST _WSAIOW(IOC_VENDOR, 3)
#define SIO_KEEPALIVE_VALS _WSAIOW(IOC_VENDOR, 4) /* 0x98000004 */
#define SIO_ABSORB_RTRALERT _WSAIOW(IOC_VENDOR, 5)
#define SIO_UCAST_IF _WSAIOW(IOC_VENDOR, 6)
#define SIO_LIMIT_BROADCASTS _WSAIOW(IOC_VENDOR, 7)
#define SIO_INDEX_BIND _WSAIOW(IOC_VENDOR, 8)
#define SIO_INDEX_MCASTIF _WSAIOW(IOC_VENDOR, 9)
#define SIO_INDEX_ADD_MCAST _WSAIOW(IOC_VENDOR, 10)
#define SIO_INDEX_DEL_MCAST _WSAIOW(IOC_VENDOR, 11)
#define SIO_RCVALL_MCAST_IF _WSAIOW(IOC_VENDOR, 13)
#define SIO_RCVALL_IF _WSAIOW(IOC_VENDOR, 14)
#define SIO_LOOPBACK_FAST_PATH _WSAIOW(IOC_VENDOR, 16)
#define SIO_TCP_INITIAL_RTO _WSAIOW(IOC_VENDOR, 17) /* 0x98000011, Windows 8 and later */

/* Input of WSAIoctl(SIO_TCP_INITIAL_RTO): the first RTT estimate (ms) and the SYN re-sends. */
typedef struct _TCP_INITIAL_RTO_PARAMETERS {
  USHORT Rtt;
  UCHAR MaxSynRetransmissions;
} TCP_INITIAL_RTO_PARAMETERS, *PTCP_INITIAL_RTO_PARAMETERS;

#define TCP_INITIAL_RTO_UNSPECIFIED_RTT ((USHORT)-1)
#define TCP_INITIAL_RTO_UNSPECIFIED_MAX_SYN_RETRANSMISSIONS ((UCHAR)-1)
#define TCP_INITIAL_RTO_DEFAULT_RTT (0)
#define TCP_INITIAL_RTO_DEFAULT_MAX_SYN_RETRANSMISSIONS (0)
#define TCP_INITIAL_RTO_NO_SYN_RETRANSMISSIONS ((UCHAR)-2)

/* SIO_RCVALL modes. */
#define RCVALL_OFF 0
#define RCVALL_ON 1
#define RCVALL_SOCKETLEVELONLY 2
#define RCVALL_IPLEVEL 3

#endif /* WS2SIM_MSTCPIP_H_ */
