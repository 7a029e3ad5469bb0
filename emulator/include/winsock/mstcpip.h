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

/* ---- Address helpers (the SDK has them here, as inline functions) --------------------------- */

/* SS_PORT - the port field of an IPv4 or IPv6 socket address (network byte order); both
 * families keep it at the same offset. */
#define SS_PORT(ssp) (((PSOCKADDR_IN)(ssp))->sin_port)

static inline void IN4ADDR_SETANY(PSOCKADDR_IN a) {
  memset(a, 0, sizeof(*a));
  a->sin_family = AF_INET;
}
static inline void IN4ADDR_SETLOOPBACK(PSOCKADDR_IN a) {
  IN4ADDR_SETANY(a);
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}
static inline void IN6ADDR_SETANY(PSOCKADDR_IN6 a) {
  memset(a, 0, sizeof(*a));
  a->sin6_family = AF_INET6;
}
static inline void IN6ADDR_SETLOOPBACK(PSOCKADDR_IN6 a) {
  IN6ADDR_SETANY(a);
  a->sin6_addr.s6_addr[15] = 1;
}

/* INETADDR_SETANY - the wildcard address, port 0, of the family already in `a`. */
static inline void INETADDR_SETANY(PSOCKADDR a) {
  if (a->sa_family == AF_INET6) {
    IN6ADDR_SETANY((PSOCKADDR_IN6)(void*)a);
  } else {
    IN4ADDR_SETANY((PSOCKADDR_IN)(void*)a);
  }
}
/* INETADDR_SETLOOPBACK - the loopback address, port 0, of the family already in `a`. */
static inline void INETADDR_SETLOOPBACK(PSOCKADDR a) {
  if (a->sa_family == AF_INET6) {
    IN6ADDR_SETLOOPBACK((PSOCKADDR_IN6)(void*)a);
  } else {
    IN4ADDR_SETLOOPBACK((PSOCKADDR_IN)(void*)a);
  }
}
/* INETADDR_ISANY / INETADDR_ISLOOPBACK - by the family in `a`. */
static inline BOOLEAN INETADDR_ISANY(const SOCKADDR* a) {
  if (a->sa_family == AF_INET6) {
    const SOCKADDR_IN6* a6 = (const SOCKADDR_IN6*)(const void*)a;
    int i;
    for (i = 0; i < 16; ++i) {
      if (a6->sin6_addr.s6_addr[i] != 0) return FALSE;
    }
    return TRUE;
  }
  return ((const SOCKADDR_IN*)(const void*)a)->sin_addr.s_addr == 0 ? TRUE : FALSE;
}
static inline BOOLEAN INETADDR_ISLOOPBACK(const SOCKADDR* a) {
  if (a->sa_family == AF_INET6) {
    const SOCKADDR_IN6* a6 = (const SOCKADDR_IN6*)(const void*)a;
    int i;
    for (i = 0; i < 15; ++i) {
      if (a6->sin6_addr.s6_addr[i] != 0) return FALSE;
    }
    return a6->sin6_addr.s6_addr[15] == 1 ? TRUE : FALSE;
  }
  return (ntohl(((const SOCKADDR_IN*)(const void*)a)->sin_addr.s_addr) >> 24) == 127 ? TRUE
                                                                                     : FALSE;
}
/* INETADDR_PORT - the port of `a`, network byte order. */
static inline USHORT INETADDR_PORT(const SOCKADDR* a) {
  return ((const SOCKADDR_IN*)(const void*)a)->sin_port;
}

/* SIO_RCVALL modes. */
#define RCVALL_OFF 0
#define RCVALL_ON 1
#define RCVALL_SOCKETLEVELONLY 2
#define RCVALL_IPLEVEL 3

#endif /* WS2SIM_MSTCPIP_H_ */
