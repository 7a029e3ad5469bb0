/*
 * winsock2.h - ws2sim's emulation of the Windows Sockets 2 header.
 *
 * Part of ws2sim's drop-in Windows headers: unmodified Windows Winsock code compiles against it
 * on Linux (gcc and g++) and links against the ws2sim emulator. This is not Microsoft's header;
 * it restates the documented types, layouts (64-bit Windows) and values in ws2sim's own words.
 *
 * Every function declared here links to the symbol ws2sim_<name> (see WS2SIM_SYMBOL), so a
 * program can link the C library's socket functions and ws2sim's side by side.
 *
 * Coexistence with glibc (the include-order pitfall)
 * --------------------------------------------------
 * glibc owns the names u_long (64-bit there), fd_set (a bitmask there), struct timeval (16 bytes
 * there), FD_SETSIZE, FD_SET/FD_CLR/FD_ISSET/FD_ZERO and select(). With g++ (which defines
 * _GNU_SOURCE) and with C's default feature set, <stdlib.h> already declares them, and Windows
 * programs include <stdlib.h> both before and after <winsock2.h>. This header therefore:
 *
 *  1. includes glibc's own <sys/types.h>, <sys/select.h>, <sys/time.h> and <time.h> first (while
 *     hiding any FD_SETSIZE the program defined), so glibc's definitions always exist, complete
 *     and unmodified, before ours; a later #include of those headers is a no-op thanks to their
 *     guards. glibc's functions (gettimeofday, select, ...) keep their correct glibc types.
 *  2. renames the Windows spellings with object-like macros, in both include orders:
 *        u_long -> ws2sim_u_long, fd_set -> ws2sim_fd_set, timeval -> ws2sim_timeval,
 *        select -> ws2sim_select
 *     and defines the Windows layouts under the new names. Program code that says `u_long`,
 *     `fd_set`, `struct timeval`, `timeval` or `select` after this header gets the Windows
 *     versions, and every translation unit sees the same type names whatever its include order.
 *  3. replaces glibc's FD_* macros and FD_SETSIZE with the Windows ones (FD_SETSIZE 64 unless the
 *     program defined its own before including this header; see README.md for the one case glibc
 *     makes impossible to detect, and WS2SIM_FD_SETSIZE).
 *
 * Consequences: glibc's select() can no longer be named after this header (use ws2sim's); glibc
 * headers that mention `struct timeval` and are first included AFTER this header (for example
 * <sys/resource.h>, <utmp.h>) would see the Windows timeval, so include those first. Headers that
 * define the BSD socket API itself (<sys/socket.h>, <netinet/in.h>, <arpa/inet.h>, <netdb.h>,
 * <poll.h>, <sys/ioctl.h>) cannot be combined with these headers, exactly as on Windows.
 */
#ifndef WS2SIM_WINSOCK2_H_
#define WS2SIM_WINSOCK2_H_

/* The guard names of the Windows headers, for programs that test them. _WINSOCKAPI_ also keeps a
 * Windows-1.1 winsock.h out, as on Windows. */
#define _WINSOCK2API_
#define _WINSOCKAPI_

#include "ws2sim_wintypes.h"
/* As the SDK's: Winsock programs call GetLastError, CloseHandle, ZeroMemory and Sleep after
 * including only winsock2.h. (windows.h includes this header back; the guards end the loop.) */
#include "windows.h"

/* ---- 1. glibc first, with the program's FD_SETSIZE (if any) hidden ------------------------- */

#pragma push_macro("FD_SETSIZE")
#undef FD_SETSIZE
#include <sys/select.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h> /* gethostname, renamed below */
#undef FD_SETSIZE
#pragma pop_macro("FD_SETSIZE")

/* Now FD_SETSIZE is undefined, the program's value, or - when glibc's <sys/select.h> was
 * included before this header - glibc's own `#define FD_SETSIZE __FD_SETSIZE`. Tell the last case
 * apart by evaluating FD_SETSIZE while __FD_SETSIZE temporarily expands to a sentinel. */
#ifdef FD_SETSIZE
#pragma push_macro("__FD_SETSIZE")
#undef __FD_SETSIZE
#define __FD_SETSIZE (-0x5753)
#if FD_SETSIZE == -0x5753
#define WS2SIM_FD_SETSIZE_IS_GLIBCS_ 1
#endif
#undef __FD_SETSIZE
#pragma pop_macro("__FD_SETSIZE")
#ifdef WS2SIM_FD_SETSIZE_IS_GLIBCS_
#undef FD_SETSIZE
#undef WS2SIM_FD_SETSIZE_IS_GLIBCS_
#endif
#endif

#ifdef WS2SIM_FD_SETSIZE
#undef FD_SETSIZE
#define FD_SETSIZE WS2SIM_FD_SETSIZE
#endif
#ifndef FD_SETSIZE
#define FD_SETSIZE 64
#endif

#undef FD_SET
#undef FD_CLR
#undef FD_ISSET
#undef FD_ZERO

/* ---- 2. Windows spellings of the names glibc also owns -------------------------------------- */

#define u_long ws2sim_u_long
#define fd_set ws2sim_fd_set
#define timeval ws2sim_timeval
#define select ws2sim_select
/* Name resolution: glibc's <netdb.h> has other layouts under these names (never in the same
 * translation unit, but the same program may link both), and <unistd.h> declares gethostname
 * with a size_t length. */
#define hostent ws2sim_hostent
#define servent ws2sim_servent
#define gethostname ws2sim_gethostname

/* u_char, u_short and u_int have the same types in glibc and Windows. */
#ifndef __u_char_defined
typedef unsigned char u_char;
typedef unsigned short u_short;
typedef unsigned int u_int;
#endif
typedef ULONG ws2sim_u_long; /* 32-bit, as on Windows */

/* ---- Basic Winsock types -------------------------------------------------------------------- */

typedef UINT_PTR SOCKET;
#define INVALID_SOCKET ((SOCKET)(~0))
#define SOCKET_ERROR (-1)

typedef unsigned int GROUP;
typedef USHORT ADDRESS_FAMILY;
typedef HANDLE WSAEVENT;
typedef WSAEVENT* LPWSAEVENT;
#define WSA_INVALID_EVENT ((WSAEVENT)NULL)

/* ---- fd_set and select ---------------------------------------------------------------------- */

typedef struct ws2sim_fd_set {
  u_int fd_count;              /* how many sockets are in the set */
  SOCKET fd_array[FD_SETSIZE]; /* the sockets, in insertion order */
} ws2sim_fd_set;
typedef struct ws2sim_fd_set FD_SET;
typedef struct ws2sim_fd_set* PFD_SET;
typedef struct ws2sim_fd_set* LPFD_SET;

struct ws2sim_timeval {
  LONG tv_sec;  /* seconds */
  LONG tv_usec; /* and microseconds */
};
typedef struct ws2sim_timeval TIMEVAL;
typedef struct ws2sim_timeval* PTIMEVAL;
typedef struct ws2sim_timeval* LPTIMEVAL;

#ifndef timerisset
#define timerisset(tvp) ((tvp)->tv_sec || (tvp)->tv_usec)
#endif
#ifndef timerclear
#define timerclear(tvp) ((tvp)->tv_sec = (tvp)->tv_usec = 0)
#endif
#ifndef timercmp
#define timercmp(tvp, uvp, cmp)                                          \
  (((tvp)->tv_sec == (uvp)->tv_sec) ? ((tvp)->tv_usec cmp(uvp)->tv_usec) \
                                    : ((tvp)->tv_sec cmp(uvp)->tv_sec))
#endif

/* The Windows set operations: an fd_set is a counted array, not a bitmask. FD_SET appends a
 * socket that is not yet present while there is room; FD_CLR removes it and closes the gap. */
static inline int __WSAFDIsSet(SOCKET ws2sim_fd, ws2sim_fd_set* ws2sim_set) {
  u_int ws2sim_i;
  for (ws2sim_i = 0; ws2sim_i < ws2sim_set->fd_count; ++ws2sim_i) {
    if (ws2sim_set->fd_array[ws2sim_i] == ws2sim_fd) return 1;
  }
  return 0;
}

static inline void ws2sim_fd_set_add(SOCKET ws2sim_fd, ws2sim_fd_set* ws2sim_set) {
  if (__WSAFDIsSet(ws2sim_fd, ws2sim_set)) return;
  if (ws2sim_set->fd_count < FD_SETSIZE) {
    ws2sim_set->fd_array[ws2sim_set->fd_count] = ws2sim_fd;
    ws2sim_set->fd_count++;
  }
}

static inline void ws2sim_fd_set_remove(SOCKET ws2sim_fd, ws2sim_fd_set* ws2sim_set) {
  u_int ws2sim_i;
  for (ws2sim_i = 0; ws2sim_i < ws2sim_set->fd_count; ++ws2sim_i) {
    if (ws2sim_set->fd_array[ws2sim_i] == ws2sim_fd) {
      for (; ws2sim_i + 1 < ws2sim_set->fd_count; ++ws2sim_i) {
        ws2sim_set->fd_array[ws2sim_i] = ws2sim_set->fd_array[ws2sim_i + 1];
      }
      ws2sim_set->fd_count--;
      return;
    }
  }
}

#define FD_ZERO(set) ((void)(((ws2sim_fd_set*)(set))->fd_count = 0))
#define FD_SET(fd, set) ws2sim_fd_set_add((SOCKET)(fd), (ws2sim_fd_set*)(set))
#define FD_CLR(fd, set) ws2sim_fd_set_remove((SOCKET)(fd), (ws2sim_fd_set*)(set))
#define FD_ISSET(fd, set) __WSAFDIsSet((SOCKET)(fd), (ws2sim_fd_set*)(set))

/* ---- WSAStartup ----------------------------------------------------------------------------- */

#define WSADESCRIPTION_LEN 256
#define WSASYS_STATUS_LEN 128

/* The 64-bit Windows field order: the pointer comes before the two strings. */
typedef struct WSAData {
  WORD wVersion;
  WORD wHighVersion;
  unsigned short iMaxSockets;
  unsigned short iMaxUdpDg;
  char* lpVendorInfo;
  char szDescription[WSADESCRIPTION_LEN + 1];
  char szSystemStatus[WSASYS_STATUS_LEN + 1];
} WSADATA, *LPWSADATA;

#define WINSOCK_VERSION MAKEWORD(2, 2)

/* ---- Addresses ------------------------------------------------------------------------------ */

struct in_addr {
  union {
    struct {
      UCHAR s_b1, s_b2, s_b3, s_b4;
    } S_un_b;
    struct {
      USHORT s_w1, s_w2;
    } S_un_w;
    ULONG S_addr;
  } S_un;
};
typedef struct in_addr IN_ADDR, *PIN_ADDR, *LPIN_ADDR;
#define s_addr S_un.S_addr       /* the address as one 32-bit value (network order) */
#define s_host S_un.S_un_b.s_b2  /* host on imp */
#define s_net S_un.S_un_b.s_b1   /* network */
#define s_imp S_un.S_un_w.s_w2   /* imp */
#define s_impno S_un.S_un_b.s_b4 /* imp number */
#define s_lh S_un.S_un_b.s_b3    /* logical host */

struct in6_addr {
  union {
    UCHAR Byte[16];
    USHORT Word[8];
  } u;
};
typedef struct in6_addr IN6_ADDR, *PIN6_ADDR, *LPIN6_ADDR;
#define in_addr6 in6_addr
#define _S6_un u
#define _S6_u8 Byte
#define s6_addr _S6_un._S6_u8
#define s6_bytes u.Byte
#define s6_words u.Word
#define IN6ADDR_ANY_INIT \
  {                      \
    {                    \
      { 0 }              \
    }                    \
  }
#define IN6ADDR_LOOPBACK_INIT                            \
  {                                                      \
    {                                                    \
      { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } \
    }                                                    \
  }

struct sockaddr {
  u_short sa_family;
  char sa_data[14];
};
typedef struct sockaddr SOCKADDR, *PSOCKADDR, *LPSOCKADDR;

struct sockaddr_in {
  short sin_family;
  u_short sin_port;
  struct in_addr sin_addr;
  char sin_zero[8];
};
typedef struct sockaddr_in SOCKADDR_IN, *PSOCKADDR_IN, *LPSOCKADDR_IN;

__extension__ typedef struct {
  __extension__ union {
    __extension__ struct {
      ULONG Zone : 28;
      ULONG Level : 4;
    };
    ULONG Value;
  };
} SCOPE_ID, *PSCOPE_ID;

struct sockaddr_in6 {
  ADDRESS_FAMILY sin6_family;
  USHORT sin6_port;
  ULONG sin6_flowinfo;
  struct in6_addr sin6_addr;
  __extension__ union {
    ULONG sin6_scope_id;
    SCOPE_ID sin6_scope_struct;
  };
};
typedef struct sockaddr_in6 SOCKADDR_IN6, *PSOCKADDR_IN6, *LPSOCKADDR_IN6;
typedef struct sockaddr_in6 SOCKADDR_IN6_LH, *PSOCKADDR_IN6_LH, *LPSOCKADDR_IN6_LH;

#define _SS_MAXSIZE 128
#define _SS_ALIGNSIZE (sizeof(LONGLONG))
#define _SS_PAD1SIZE (_SS_ALIGNSIZE - sizeof(USHORT))
#define _SS_PAD2SIZE (_SS_MAXSIZE - (sizeof(USHORT) + _SS_PAD1SIZE + _SS_ALIGNSIZE))
struct sockaddr_storage {
  ADDRESS_FAMILY ss_family;
  CHAR __ss_pad1[_SS_PAD1SIZE];
  LONGLONG __ss_align;
  CHAR __ss_pad2[_SS_PAD2SIZE];
};
typedef struct sockaddr_storage SOCKADDR_STORAGE, *PSOCKADDR_STORAGE, *LPSOCKADDR_STORAGE;
typedef struct sockaddr_storage SOCKADDR_STORAGE_LH, *PSOCKADDR_STORAGE_LH;

/* ws2def.h: an address and its length; a socket's local and remote address (SO_BSP_STATE). */
typedef struct _SOCKET_ADDRESS {
  LPSOCKADDR lpSockaddr;
  INT iSockaddrLength;
} SOCKET_ADDRESS, *PSOCKET_ADDRESS, *LPSOCKET_ADDRESS;

/* A list of addresses (WSAConnectByList, SIO_ADDRESS_LIST_QUERY). */
typedef struct _SOCKET_ADDRESS_LIST {
  INT iAddressCount;
  SOCKET_ADDRESS Address[1];
} SOCKET_ADDRESS_LIST, *PSOCKET_ADDRESS_LIST, *LPSOCKET_ADDRESS_LIST;

typedef struct _CSADDR_INFO {
  SOCKET_ADDRESS LocalAddr;
  SOCKET_ADDRESS RemoteAddr;
  INT iSocketType;
  INT iProtocol;
} CSADDR_INFO, *PCSADDR_INFO, *LPCSADDR_INFO;

#define INADDR_ANY ((ULONG)0x00000000)
#define INADDR_LOOPBACK 0x7f000001
#define INADDR_BROADCAST ((ULONG)0xffffffff)
#define INADDR_NONE 0xffffffff

#define ADDR_ANY INADDR_ANY

/* ---- Socket option values ------------------------------------------------------------------- */

struct linger {
  u_short l_onoff;  /* linger on close? */
  u_short l_linger; /* for how many seconds */
};
typedef struct linger LINGER, *PLINGER, *LPLINGER;

/* ---- Buffers, overlapped I/O, events -------------------------------------------------------- */

typedef struct _WSABUF {
  ULONG len;
  CHAR* buf;
} WSABUF, *LPWSABUF;

typedef OVERLAPPED WSAOVERLAPPED;
typedef struct _OVERLAPPED* LPWSAOVERLAPPED;
typedef void(CALLBACK* LPWSAOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwError, DWORD cbTransferred,
                                                           LPWSAOVERLAPPED lpOverlapped,
                                                           DWORD dwFlags);

#define WSA_IO_PENDING 997
#define WSA_IO_INCOMPLETE 996
#define WSA_INVALID_HANDLE 6
#define WSA_INVALID_PARAMETER 87
#define WSA_NOT_ENOUGH_MEMORY 8
#define WSA_OPERATION_ABORTED 995

#define WSA_MAXIMUM_WAIT_EVENTS 64
#define WSA_WAIT_FAILED WAIT_FAILED
#define WSA_WAIT_EVENT_0 WAIT_OBJECT_0
#define WSA_WAIT_IO_COMPLETION WAIT_IO_COMPLETION
#define WSA_WAIT_TIMEOUT WAIT_TIMEOUT
#define WSA_INFINITE INFINITE

/* WSAEventSelect network events. */
#define FD_READ_BIT 0
#define FD_READ (1 << FD_READ_BIT)
#define FD_WRITE_BIT 1
#define FD_WRITE (1 << FD_WRITE_BIT)
#define FD_OOB_BIT 2
#define FD_OOB (1 << FD_OOB_BIT)
#define FD_ACCEPT_BIT 3
#define FD_ACCEPT (1 << FD_ACCEPT_BIT)
#define FD_CONNECT_BIT 4
#define FD_CONNECT (1 << FD_CONNECT_BIT)
#define FD_CLOSE_BIT 5
#define FD_CLOSE (1 << FD_CLOSE_BIT)
#define FD_QOS_BIT 6
#define FD_QOS (1 << FD_QOS_BIT)
#define FD_GROUP_QOS_BIT 7
#define FD_GROUP_QOS (1 << FD_GROUP_QOS_BIT)
#define FD_ROUTING_INTERFACE_CHANGE_BIT 8
#define FD_ROUTING_INTERFACE_CHANGE (1 << FD_ROUTING_INTERFACE_CHANGE_BIT)
#define FD_ADDRESS_LIST_CHANGE_BIT 9
#define FD_ADDRESS_LIST_CHANGE (1 << FD_ADDRESS_LIST_CHANGE_BIT)
#define FD_MAX_EVENTS 10
#define FD_ALL_EVENTS ((1 << FD_MAX_EVENTS) - 1)

/* WSAEnumNetworkEvents' output. */
typedef struct _WSANETWORKEVENTS {
  LONG lNetworkEvents;
  int iErrorCode[FD_MAX_EVENTS];
} WSANETWORKEVENTS, *LPWSANETWORKEVENTS;

/* ---- Protocol information ------------------------------------------------------------------- */

/* WSAPROTOCOL_INFO.dwServiceFlags1, dwProviderFlags, iNetworkByteOrder, iSecurityScheme */
#define XP1_CONNECTIONLESS 0x00000001
#define XP1_GUARANTEED_DELIVERY 0x00000002
#define XP1_GUARANTEED_ORDER 0x00000004
#define XP1_MESSAGE_ORIENTED 0x00000008
#define XP1_PSEUDO_STREAM 0x00000010
#define XP1_GRACEFUL_CLOSE 0x00000020
#define XP1_EXPEDITED_DATA 0x00000040
#define XP1_CONNECT_DATA 0x00000080
#define XP1_DISCONNECT_DATA 0x00000100
#define XP1_SUPPORT_BROADCAST 0x00000200
#define XP1_SUPPORT_MULTIPOINT 0x00000400
#define XP1_MULTIPOINT_CONTROL_PLANE 0x00000800
#define XP1_MULTIPOINT_DATA_PLANE 0x00001000
#define XP1_QOS_SUPPORTED 0x00002000
#define XP1_INTERRUPT 0x00004000
#define XP1_UNI_SEND 0x00008000
#define XP1_UNI_RECV 0x00010000
#define XP1_IFS_HANDLES 0x00020000
#define XP1_PARTIAL_MESSAGE 0x00040000
#define XP1_SAN_SUPPORT_SDP 0x00080000
#define PFL_MULTIPLE_PROTO_ENTRIES 0x00000001
#define PFL_RECOMMENDED_PROTO_ENTRY 0x00000002
#define PFL_HIDDEN 0x00000004
#define PFL_MATCHES_PROTOCOL_ZERO 0x00000008
#define PFL_NETWORKDIRECT_PROVIDER 0x00000010
#define BIGENDIAN 0x0000
#define LITTLEENDIAN 0x0001
#define SECURITY_PROTOCOL_NONE 0x0000

#define MAX_PROTOCOL_CHAIN 7
#define BASE_PROTOCOL 1
#define LAYERED_PROTOCOL 0
#define WSAPROTOCOL_LEN 255

typedef struct _WSAPROTOCOLCHAIN {
  int ChainLen; /* 0: layered protocol, 1: base protocol, > 1: protocol chain */
  DWORD ChainEntries[MAX_PROTOCOL_CHAIN];
} WSAPROTOCOLCHAIN, *LPWSAPROTOCOLCHAIN;

typedef struct _WSAPROTOCOL_INFOA {
  DWORD dwServiceFlags1;
  DWORD dwServiceFlags2;
  DWORD dwServiceFlags3;
  DWORD dwServiceFlags4;
  DWORD dwProviderFlags;
  GUID ProviderId;
  DWORD dwCatalogEntryId;
  WSAPROTOCOLCHAIN ProtocolChain;
  int iVersion;
  int iAddressFamily;
  int iMaxSockAddr;
  int iMinSockAddr;
  int iSocketType;
  int iProtocol;
  int iProtocolMaxOffset;
  int iNetworkByteOrder;
  int iSecurityScheme;
  DWORD dwMessageSize;
  DWORD dwProviderReserved;
  CHAR szProtocol[WSAPROTOCOL_LEN + 1];
} WSAPROTOCOL_INFOA, *LPWSAPROTOCOL_INFOA;

typedef struct _WSAPROTOCOL_INFOW {
  DWORD dwServiceFlags1;
  DWORD dwServiceFlags2;
  DWORD dwServiceFlags3;
  DWORD dwServiceFlags4;
  DWORD dwProviderFlags;
  GUID ProviderId;
  DWORD dwCatalogEntryId;
  WSAPROTOCOLCHAIN ProtocolChain;
  int iVersion;
  int iAddressFamily;
  int iMaxSockAddr;
  int iMinSockAddr;
  int iSocketType;
  int iProtocol;
  int iProtocolMaxOffset;
  int iNetworkByteOrder;
  int iSecurityScheme;
  DWORD dwMessageSize;
  DWORD dwProviderReserved;
  WCHAR szProtocol[WSAPROTOCOL_LEN + 1]; /* wchar_t: 4 bytes each on Linux */
} WSAPROTOCOL_INFOW, *LPWSAPROTOCOL_INFOW;

#ifdef UNICODE
typedef WSAPROTOCOL_INFOW WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOW LPWSAPROTOCOL_INFO;
#else
typedef WSAPROTOCOL_INFOA WSAPROTOCOL_INFO;
typedef LPWSAPROTOCOL_INFOA LPWSAPROTOCOL_INFO;
#endif

/* ---- WSAPoll (Vista and later, as in the SDK) ----------------------------------------------- */

#if _WIN32_WINNT >= 0x0600
#define POLLRDNORM 0x0100
#define POLLRDBAND 0x0200
#define POLLIN (POLLRDNORM | POLLRDBAND)
#define POLLPRI 0x0400
#define POLLWRNORM 0x0010
#define POLLOUT (POLLWRNORM)
#define POLLWRBAND 0x0020
#define POLLERR 0x0001
#define POLLHUP 0x0002
#define POLLNVAL 0x0004

typedef struct pollfd {
  SOCKET fd;
  SHORT events;
  SHORT revents;
} WSAPOLLFD, *PWSAPOLLFD, *LPWSAPOLLFD;
#endif

/* ---- Address and protocol families, socket types -------------------------------------------- */

#define AF_UNSPEC 0
#define AF_UNIX 1
#define AF_INET 2
#define AF_IMPLINK 3
#define AF_PUP 4
#define AF_CHAOS 5
#define AF_NS 6
#define AF_IPX AF_NS
#define AF_ISO 7
#define AF_OSI AF_ISO
#define AF_ECMA 8
#define AF_DATAKIT 9
#define AF_CCITT 10
#define AF_SNA 11
#define AF_DECnet 12
#define AF_DLI 13
#define AF_LAT 14
#define AF_HYLINK 15
#define AF_APPLETALK 16
#define AF_NETBIOS 17
#define AF_VOICEVIEW 18
#define AF_FIREFOX 19
#define AF_UNKNOWN1 20
#define AF_BAN 21
#define AF_ATM 22
#define AF_INET6 23
#define AF_CLUSTER 24
#define AF_12844 25
#define AF_IRDA 26
#define AF_NETDES 28

#define PF_UNSPEC AF_UNSPEC
#define PF_UNIX AF_UNIX
#define PF_INET AF_INET
#define PF_IMPLINK AF_IMPLINK
#define PF_PUP AF_PUP
#define PF_CHAOS AF_CHAOS
#define PF_NS AF_NS
#define PF_IPX AF_IPX
#define PF_ISO AF_ISO
#define PF_OSI AF_OSI
#define PF_ECMA AF_ECMA
#define PF_DATAKIT AF_DATAKIT
#define PF_CCITT AF_CCITT
#define PF_SNA AF_SNA
#define PF_DECnet AF_DECnet
#define PF_DLI AF_DLI
#define PF_LAT AF_LAT
#define PF_HYLINK AF_HYLINK
#define PF_APPLETALK AF_APPLETALK
#define PF_VOICEVIEW AF_VOICEVIEW
#define PF_FIREFOX AF_FIREFOX
#define PF_UNKNOWN1 AF_UNKNOWN1
#define PF_BAN AF_BAN
#define PF_ATM AF_ATM
#define PF_INET6 AF_INET6

#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define SOCK_RAW 3
#define SOCK_RDM 4
#define SOCK_SEQPACKET 5

/* ---- Protocols ------------------------------------------------------------------------------ */

#define IPPROTO_IP 0
#define IPPROTO_HOPOPTS 0
#define IPPROTO_ICMP 1
#define IPPROTO_IGMP 2
#define IPPROTO_GGP 3
#define IPPROTO_IPV4 4
#define IPPROTO_TCP 6
#define IPPROTO_PUP 12
#define IPPROTO_UDP 17
#define IPPROTO_IDP 22
#define IPPROTO_IPV6 41
#define IPPROTO_ROUTING 43
#define IPPROTO_FRAGMENT 44
#define IPPROTO_ESP 50
#define IPPROTO_AH 51
#define IPPROTO_ICMPV6 58
#define IPPROTO_NONE 59
#define IPPROTO_DSTOPTS 60
#define IPPROTO_ND 77
#define IPPROTO_RAW 255
#define IPPROTO_MAX 256

#define TCP_NODELAY 0x0001

/* ---- SOL_SOCKET options --------------------------------------------------------------------- */

#define SOL_SOCKET 0xffff

#define SO_DEBUG 0x0001
#define SO_ACCEPTCONN 0x0002
#define SO_REUSEADDR 0x0004
#define SO_KEEPALIVE 0x0008
#define SO_DONTROUTE 0x0010
#define SO_BROADCAST 0x0020
#define SO_USELOOPBACK 0x0040
#define SO_LINGER 0x0080
#define SO_OOBINLINE 0x0100
#define SO_DONTLINGER ((int)(~SO_LINGER))
#define SO_EXCLUSIVEADDRUSE ((int)(~SO_REUSEADDR))

#define SO_SNDBUF 0x1001
#define SO_RCVBUF 0x1002
#define SO_SNDLOWAT 0x1003
#define SO_RCVLOWAT 0x1004
#define SO_SNDTIMEO 0x1005
#define SO_RCVTIMEO 0x1006
#define SO_ERROR 0x1007
#define SO_TYPE 0x1008
#define SO_BSP_STATE 0x1009

#define SO_GROUP_ID 0x2001
#define SO_GROUP_PRIORITY 0x2002
#define SO_MAX_MSG_SIZE 0x2003
#define SO_PROTOCOL_INFOA 0x2004
#define SO_PROTOCOL_INFOW 0x2005
#ifdef UNICODE
#define SO_PROTOCOL_INFO SO_PROTOCOL_INFOW
#else
#define SO_PROTOCOL_INFO SO_PROTOCOL_INFOA
#endif
#define PVD_CONFIG 0x3001
#define SO_CONDITIONAL_ACCEPT 0x3002

#define SOMAXCONN 0x7fffffff
#define SOMAXCONN_HINT(b) (-(b))

/* ---- send/recv flags, shutdown -------------------------------------------------------------- */

#define MSG_OOB 0x1
#define MSG_PEEK 0x2
#define MSG_DONTROUTE 0x4
#define MSG_WAITALL 0x8
#define MSG_PUSH_IMMEDIATE 0x20
#define MSG_PARTIAL 0x8000
#define MSG_MAXIOVLEN 16

#define SD_RECEIVE 0x00
#define SD_SEND 0x01
#define SD_BOTH 0x02

/* ---- WSASocket flags ------------------------------------------------------------------------ */

#define WSA_FLAG_OVERLAPPED 0x01
#define WSA_FLAG_MULTIPOINT_C_ROOT 0x02
#define WSA_FLAG_MULTIPOINT_C_LEAF 0x04
#define WSA_FLAG_MULTIPOINT_D_ROOT 0x08
#define WSA_FLAG_MULTIPOINT_D_LEAF 0x10
#define WSA_FLAG_ACCESS_SYSTEM_SECURITY 0x40
#define WSA_FLAG_NO_HANDLE_INHERIT 0x80
#define WSA_FLAG_REGISTERED_IO 0x100

/* ---- ioctl codes ---------------------------------------------------------------------------- */

/* BSD-style codes for ioctlsocket(). As in the SDK, they are 32-bit unsigned values (u_long:
 * `(unsigned long)FIONBIO == 0x8004667E`, FIONBIO > 0) that a program passes to ioctlsocket's
 * 32-bit `long cmd` parameter, where the high bit makes them negative. */
#define IOCPARM_MASK 0x7f
#define IOC_VOID 0x20000000
#define IOC_OUT 0x40000000
#define IOC_IN 0x80000000
#define IOC_INOUT (IOC_IN | IOC_OUT)

#define _IO(x, y) ((u_long)(IOC_VOID | ((x) << 8) | (y)))
#define _IOR(x, y, t) \
  ((u_long)(IOC_OUT | ((((unsigned int)sizeof(t)) & IOCPARM_MASK) << 16) | ((x) << 8) | (y)))
#define _IOW(x, y, t) \
  ((u_long)(IOC_IN | ((((unsigned int)sizeof(t)) & IOCPARM_MASK) << 16) | ((x) << 8) | (y)))

#define FIONREAD _IOR('f', 127, u_long) /* 0x4004667F */
#define FIONBIO _IOW('f', 126, u_long)  /* 0x8004667E */
#define FIOASYNC _IOW('f', 125, u_long) /* 0x8004667D */
#define SIOCSHIWAT _IOW('s', 0, u_long)
#define SIOCGHIWAT _IOR('s', 1, u_long)
#define SIOCSLOWAT _IOW('s', 2, u_long)
#define SIOCGLOWAT _IOR('s', 3, u_long)
#define SIOCATMARK _IOR('s', 7, u_long) /* 0x40047307 */

/* Winsock 2 codes for WSAIoctl(), whose dwIoControlCode is a DWORD: unsigned constants. */
#define IOC_UNIX 0x00000000
#define IOC_WS2 0x08000000
#define IOC_PROTOCOL 0x10000000
#define IOC_VENDOR 0x18000000

#define _WSAIO(x, y) (IOC_VOID | (x) | (y))
#define _WSAIOR(x, y) (IOC_OUT | (x) | (y))
#define _WSAIOW(x, y) (IOC_IN | (x) | (y))
#define _WSAIORW(x, y) (IOC_INOUT | (x) | (y))

#define SIO_ASSOCIATE_HANDLE _WSAIOW(IOC_WS2, 1)
#define SIO_ENABLE_CIRCULAR_QUEUEING _WSAIO(IOC_WS2, 2)
#define SIO_IDEAL_SEND_BACKLOG_CHANGE _IO('t', 122)
#define SIO_IDEAL_SEND_BACKLOG_QUERY _IOR('t', 123, ULONG) /* 0x4004747B, Vista and later */
#define SIO_FIND_ROUTE _WSAIOR(IOC_WS2, 3)
#define SIO_FLUSH _WSAIO(IOC_WS2, 4) /* 0x28000004 */
#define SIO_GET_BROADCAST_ADDRESS _WSAIOR(IOC_WS2, 5)
#define SIO_GET_EXTENSION_FUNCTION_POINTER _WSAIORW(IOC_WS2, 6)
#define SIO_GET_QOS _WSAIORW(IOC_WS2, 7)
#define SIO_GET_GROUP_QOS _WSAIORW(IOC_WS2, 8)
#define SIO_MULTIPOINT_LOOPBACK _WSAIOW(IOC_WS2, 9)
#define SIO_MULTICAST_SCOPE _WSAIOW(IOC_WS2, 10)
#define SIO_SET_QOS _WSAIOW(IOC_WS2, 11)
#define SIO_SET_GROUP_QOS _WSAIOW(IOC_WS2, 12)
#define SIO_TRANSLATE_HANDLE _WSAIORW(IOC_WS2, 13)
#define SIO_ROUTING_INTERFACE_QUERY _WSAIORW(IOC_WS2, 20)
#define SIO_ROUTING_INTERFACE_CHANGE _WSAIOW(IOC_WS2, 21)
#define SIO_ADDRESS_LIST_QUERY _WSAIOR(IOC_WS2, 22)
#define SIO_ADDRESS_LIST_CHANGE _WSAIO(IOC_WS2, 23)
#define SIO_QUERY_TARGET_PNP_HANDLE _WSAIOR(IOC_WS2, 24)
#define SIO_ADDRESS_LIST_SORT _WSAIORW(IOC_WS2, 25)

/* ---- Error codes ---------------------------------------------------------------------------- */

#define WSABASEERR 10000
#define WSAEINTR (WSABASEERR + 4)
#define WSAEBADF (WSABASEERR + 9)
#define WSAEACCES (WSABASEERR + 13)
#define WSAEFAULT (WSABASEERR + 14)
#define WSAEINVAL (WSABASEERR + 22)
#define WSAEMFILE (WSABASEERR + 24)
#define WSAEWOULDBLOCK (WSABASEERR + 35)
#define WSAEINPROGRESS (WSABASEERR + 36)
#define WSAEALREADY (WSABASEERR + 37)
#define WSAENOTSOCK (WSABASEERR + 38)
#define WSAEDESTADDRREQ (WSABASEERR + 39)
#define WSAEMSGSIZE (WSABASEERR + 40)
#define WSAEPROTOTYPE (WSABASEERR + 41)
#define WSAENOPROTOOPT (WSABASEERR + 42)
#define WSAEPROTONOSUPPORT (WSABASEERR + 43)
#define WSAESOCKTNOSUPPORT (WSABASEERR + 44)
#define WSAEOPNOTSUPP (WSABASEERR + 45)
#define WSAEPFNOSUPPORT (WSABASEERR + 46)
#define WSAEAFNOSUPPORT (WSABASEERR + 47)
#define WSAEADDRINUSE (WSABASEERR + 48)
#define WSAEADDRNOTAVAIL (WSABASEERR + 49)
#define WSAENETDOWN (WSABASEERR + 50)
#define WSAENETUNREACH (WSABASEERR + 51)
#define WSAENETRESET (WSABASEERR + 52)
#define WSAECONNABORTED (WSABASEERR + 53)
#define WSAECONNRESET (WSABASEERR + 54)
#define WSAENOBUFS (WSABASEERR + 55)
#define WSAEISCONN (WSABASEERR + 56)
#define WSAENOTCONN (WSABASEERR + 57)
#define WSAESHUTDOWN (WSABASEERR + 58)
#define WSAETOOMANYREFS (WSABASEERR + 59)
#define WSAETIMEDOUT (WSABASEERR + 60)
#define WSAECONNREFUSED (WSABASEERR + 61)
#define WSAELOOP (WSABASEERR + 62)
#define WSAENAMETOOLONG (WSABASEERR + 63)
#define WSAEHOSTDOWN (WSABASEERR + 64)
#define WSAEHOSTUNREACH (WSABASEERR + 65)
#define WSAENOTEMPTY (WSABASEERR + 66)
#define WSAEPROCLIM (WSABASEERR + 67)
#define WSAEUSERS (WSABASEERR + 68)
#define WSAEDQUOT (WSABASEERR + 69)
#define WSAESTALE (WSABASEERR + 70)
#define WSAEREMOTE (WSABASEERR + 71)
#define WSASYSNOTREADY (WSABASEERR + 91)
#define WSAVERNOTSUPPORTED (WSABASEERR + 92)
#define WSANOTINITIALISED (WSABASEERR + 93)
#define WSAEDISCON (WSABASEERR + 101)
#define WSAENOMORE (WSABASEERR + 102)
#define WSAECANCELLED (WSABASEERR + 103)
#define WSAEINVALIDPROCTABLE (WSABASEERR + 104)
#define WSAEINVALIDPROVIDER (WSABASEERR + 105)
#define WSAEPROVIDERFAILEDINIT (WSABASEERR + 106)
#define WSASYSCALLFAILURE (WSABASEERR + 107)
#define WSASERVICE_NOT_FOUND (WSABASEERR + 108)
#define WSATYPE_NOT_FOUND (WSABASEERR + 109)
#define WSA_E_NO_MORE (WSABASEERR + 110)
#define WSA_E_CANCELLED (WSABASEERR + 111)
#define WSAEREFUSED (WSABASEERR + 112)

/* Name-resolution errors (the Winsock form of h_errno). */
#define WSAHOST_NOT_FOUND (WSABASEERR + 1001)
#define WSATRY_AGAIN (WSABASEERR + 1002)
#define WSANO_RECOVERY (WSABASEERR + 1003)
#define WSANO_DATA (WSABASEERR + 1004)
#define WSANO_ADDRESS WSANO_DATA
#define WSA_SECURE_HOST_NOT_FOUND (WSABASEERR + 1032)
#define WSA_IPSEC_NAME_POLICY_ERROR (WSABASEERR + 1033)

/* The BSD h_errno names, as Winsock spells them. */
#define h_errno WSAGetLastError()
#define HOST_NOT_FOUND WSAHOST_NOT_FOUND
#define TRY_AGAIN WSATRY_AGAIN
#define NO_RECOVERY WSANO_RECOVERY
#define NO_DATA WSANO_DATA
#define NO_ADDRESS WSANO_ADDRESS

/* ---- Host and service entries (64-bit Windows layouts) -------------------------------------- */

struct ws2sim_hostent {
  char* h_name;
  char** h_aliases;
  short h_addrtype;
  short h_length;
  char** h_addr_list;
};
#define h_addr h_addr_list[0]
typedef struct ws2sim_hostent HOSTENT, *PHOSTENT, *LPHOSTENT;

struct ws2sim_servent {
  char* s_name;
  char** s_aliases;
  char* s_proto;
  short s_port;
};
typedef struct ws2sim_servent SERVENT, *PSERVENT, *LPSERVENT;

/* ---- Functions ------------------------------------------------------------------------------ */

WS2SIM_BEGIN_DECLS

/* Start-up and errors. */
int WSAAPI WSAStartup(WORD wVersionRequested, LPWSADATA lpWSAData) WS2SIM_SYMBOL(WSAStartup);
int WSAAPI WSACleanup(void) WS2SIM_SYMBOL(WSACleanup);
int WSAAPI WSAGetLastError(void) WS2SIM_SYMBOL(WSAGetLastError);
void WSAAPI WSASetLastError(int iError) WS2SIM_SYMBOL(WSASetLastError);

/* Sockets. */
SOCKET WSAAPI socket(int af, int type, int protocol) WS2SIM_SYMBOL(socket);
SOCKET WSAAPI WSASocketA(int af, int type, int protocol, LPWSAPROTOCOL_INFOA lpProtocolInfo,
                         GROUP g, DWORD dwFlags) WS2SIM_SYMBOL(WSASocketA);
SOCKET WSAAPI WSASocketW(int af, int type, int protocol, LPWSAPROTOCOL_INFOW lpProtocolInfo,
                         GROUP g, DWORD dwFlags) WS2SIM_SYMBOL(WSASocketW);
#ifdef UNICODE
#define WSASocket WSASocketW
#else
#define WSASocket WSASocketA
#endif
int WSAAPI closesocket(SOCKET s) WS2SIM_SYMBOL(closesocket);
int WSAAPI bind(SOCKET s, const struct sockaddr* name, int namelen) WS2SIM_SYMBOL(bind);
int WSAAPI listen(SOCKET s, int backlog) WS2SIM_SYMBOL(listen);
SOCKET WSAAPI accept(SOCKET s, struct sockaddr* addr, int* addrlen) WS2SIM_SYMBOL(accept);
int WSAAPI connect(SOCKET s, const struct sockaddr* name, int namelen) WS2SIM_SYMBOL(connect);
int WSAAPI send(SOCKET s, const char* buf, int len, int flags) WS2SIM_SYMBOL(send);
int WSAAPI recv(SOCKET s, char* buf, int len, int flags) WS2SIM_SYMBOL(recv);
int WSAAPI shutdown(SOCKET s, int how) WS2SIM_SYMBOL(shutdown);
int WSAAPI getsockname(SOCKET s, struct sockaddr* name, int* namelen) WS2SIM_SYMBOL(getsockname);
int WSAAPI getpeername(SOCKET s, struct sockaddr* name, int* namelen) WS2SIM_SYMBOL(getpeername);

/* Readiness. `select` is a macro for ws2sim_select (see the banner). */
int WSAAPI ws2sim_select(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds,
                         const struct timeval* timeout);
#if _WIN32_WINNT >= 0x0600
int WSAAPI WSAPoll(LPWSAPOLLFD fdArray, ULONG fds, INT timeout) WS2SIM_SYMBOL(WSAPoll);
#endif

/* Options and control. */
int WSAAPI ioctlsocket(SOCKET s, LONG cmd, u_long* argp) WS2SIM_SYMBOL(ioctlsocket);
int WSAAPI setsockopt(SOCKET s, int level, int optname, const char* optval, int optlen)
    WS2SIM_SYMBOL(setsockopt);
int WSAAPI getsockopt(SOCKET s, int level, int optname, char* optval, int* optlen)
    WS2SIM_SYMBOL(getsockopt);
int WSAAPI WSAIoctl(SOCKET s, DWORD dwIoControlCode, LPVOID lpvInBuffer, DWORD cbInBuffer,
                    LPVOID lpvOutBuffer, DWORD cbOutBuffer, LPDWORD lpcbBytesReturned,
                    LPWSAOVERLAPPED lpOverlapped,
                    LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2SIM_SYMBOL(WSAIoctl);

/* Byte order and address text. */
u_short WSAAPI htons(u_short hostshort) WS2SIM_SYMBOL(htons);
u_short WSAAPI ntohs(u_short netshort) WS2SIM_SYMBOL(ntohs);
u_long WSAAPI htonl(u_long hostlong) WS2SIM_SYMBOL(htonl);
u_long WSAAPI ntohl(u_long netlong) WS2SIM_SYMBOL(ntohl);
ULONG WSAAPI inet_addr(const char* cp) WS2SIM_SYMBOL(inet_addr); /* `unsigned long` on Windows */
char* WSAAPI inet_ntoa(struct in_addr in) WS2SIM_SYMBOL(inet_ntoa);

/* Names (ws2tcpip.h has getaddrinfo and getnameinfo). The entries gethostbyname & co. return
 * belong to the calling thread until its next such call. */
struct hostent* WSAAPI gethostbyname(const char* name) WS2SIM_SYMBOL(gethostbyname);
struct hostent* WSAAPI gethostbyaddr(const char* addr, int len, int type)
    WS2SIM_SYMBOL(gethostbyaddr);
int WSAAPI gethostname(char* name, int namelen); /* ws2sim_gethostname, by the macro above */
struct servent* WSAAPI getservbyname(const char* name, const char* proto)
    WS2SIM_SYMBOL(getservbyname);
struct servent* WSAAPI getservbyport(int port, const char* proto) WS2SIM_SYMBOL(getservbyport);
INT WSAAPI WSAAddressToStringA(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength) WS2SIM_SYMBOL(WSAAddressToStringA);
INT WSAAPI WSAAddressToStringW(LPSOCKADDR lpsaAddress, DWORD dwAddressLength,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPWSTR lpszAddressString,
                               LPDWORD lpdwAddressStringLength) WS2SIM_SYMBOL(WSAAddressToStringW);
INT WSAAPI WSAStringToAddressA(LPSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOA lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) WS2SIM_SYMBOL(WSAStringToAddressA);
INT WSAAPI WSAStringToAddressW(LPWSTR AddressString, INT AddressFamily,
                               LPWSAPROTOCOL_INFOW lpProtocolInfo, LPSOCKADDR lpAddress,
                               LPINT lpAddressLength) WS2SIM_SYMBOL(WSAStringToAddressW);
#ifdef UNICODE
#define WSAAddressToString WSAAddressToStringW
#define WSAStringToAddress WSAStringToAddressW
#else
#define WSAAddressToString WSAAddressToStringA
#define WSAStringToAddress WSAStringToAddressA
#endif

/* Event-driven I/O: network events recorded on an event object (docs/behaviour.md §15). */
int WSAAPI WSAEventSelect(SOCKET s, WSAEVENT hEventObject, LONG lNetworkEvents)
    WS2SIM_SYMBOL(WSAEventSelect);
int WSAAPI WSAEnumNetworkEvents(SOCKET s, WSAEVENT hEventObject, LPWSANETWORKEVENTS lpNetworkEvents)
    WS2SIM_SYMBOL(WSAEnumNetworkEvents);

/* Events and overlapped results. */
WSAEVENT WSAAPI WSACreateEvent(void) WS2SIM_SYMBOL(WSACreateEvent);
BOOL WSAAPI WSACloseEvent(WSAEVENT hEvent) WS2SIM_SYMBOL(WSACloseEvent);
BOOL WSAAPI WSASetEvent(WSAEVENT hEvent) WS2SIM_SYMBOL(WSASetEvent);
BOOL WSAAPI WSAResetEvent(WSAEVENT hEvent) WS2SIM_SYMBOL(WSAResetEvent);
DWORD WSAAPI WSAWaitForMultipleEvents(DWORD cEvents, const WSAEVENT* lphEvents, BOOL fWaitAll,
                                      DWORD dwTimeout, BOOL fAlertable)
    WS2SIM_SYMBOL(WSAWaitForMultipleEvents);
/* Scatter/gather transfers, blocking, non-blocking or overlapped (an event, a completion routine
 * or a completion port): docs/behaviour.md §17. */
int WSAAPI WSASend(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesSent,
                   DWORD dwFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2SIM_SYMBOL(WSASend);
int WSAAPI WSARecv(SOCKET s, LPWSABUF lpBuffers, DWORD dwBufferCount, LPDWORD lpNumberOfBytesRecvd,
                   LPDWORD lpFlags, LPWSAOVERLAPPED lpOverlapped,
                   LPWSAOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine) WS2SIM_SYMBOL(WSARecv);
BOOL WSAAPI WSAGetOverlappedResult(SOCKET s, LPWSAOVERLAPPED lpOverlapped, LPDWORD lpcbTransfer,
                                   BOOL fWait, LPDWORD lpdwFlags)
    WS2SIM_SYMBOL(WSAGetOverlappedResult);

/* Connecting and accepting with the Winsock 2 extras (docs/windows-code.md): TCP carries no
 * connect data; quality of service is not emulated (a FLOWSPEC gets WSAEOPNOTSUPP). qos.h's
 * types, as winsock2.h brings them. */
typedef ULONG SERVICETYPE;
typedef struct _flowspec {
  ULONG TokenRate;
  ULONG TokenBucketSize;
  ULONG PeakBandwidth;
  ULONG Latency;
  ULONG DelayVariation;
  SERVICETYPE ServiceType;
  ULONG MaxSduSize;
  ULONG MinimumPolicedSize;
} FLOWSPEC, *PFLOWSPEC, *LPFLOWSPEC;
typedef struct _QualityOfService {
  FLOWSPEC SendingFlowspec;
  FLOWSPEC ReceivingFlowspec;
  WSABUF ProviderSpecific;
} QOS, *LPQOS;

/* A WSAAccept condition function's answers. */
#define CF_ACCEPT 0x0000
#define CF_REJECT 0x0001
#define CF_DEFER 0x0002
typedef int(CALLBACK* LPCONDITIONPROC)(LPWSABUF lpCallerId, LPWSABUF lpCallerData, LPQOS lpSQOS,
                                       LPQOS lpGQOS, LPWSABUF lpCalleeId, LPWSABUF lpCalleeData,
                                       GROUP* g, DWORD_PTR dwCallbackData);

int WSAAPI WSAConnect(SOCKET s, const struct sockaddr* name, int namelen, LPWSABUF lpCallerData,
                      LPWSABUF lpCalleeData, LPQOS lpSQOS, LPQOS lpGQOS) WS2SIM_SYMBOL(WSAConnect);
SOCKET WSAAPI WSAAccept(SOCKET s, struct sockaddr* addr, LPINT addrlen,
                        LPCONDITIONPROC lpfnCondition, DWORD_PTR dwCallbackData)
    WS2SIM_SYMBOL(WSAAccept);
#if _WIN32_WINNT >= 0x0600
BOOL WSAAPI WSAConnectByNameA(SOCKET s, LPCSTR nodename, LPCSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct timeval* timeout, LPWSAOVERLAPPED Reserved)
    WS2SIM_SYMBOL(WSAConnectByNameA);
BOOL WSAAPI WSAConnectByNameW(SOCKET s, LPWSTR nodename, LPWSTR servicename,
                              LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                              LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                              const struct timeval* timeout, LPWSAOVERLAPPED Reserved)
    WS2SIM_SYMBOL(WSAConnectByNameW);
BOOL WSAAPI WSAConnectByList(SOCKET s, PSOCKET_ADDRESS_LIST SocketAddress,
                             LPDWORD LocalAddressLength, LPSOCKADDR LocalAddress,
                             LPDWORD RemoteAddressLength, LPSOCKADDR RemoteAddress,
                             const struct timeval* timeout, LPWSAOVERLAPPED Reserved)
    WS2SIM_SYMBOL(WSAConnectByList);
#ifdef UNICODE
#define WSAConnectByName WSAConnectByNameW
#else
#define WSAConnectByName WSAConnectByNameA
#endif
#endif

/* Not emulated yet (docs/windows-code.md lists what is): a call is a compile-time error that
 * names the function, never a link error or a silent wrong answer. */
#if defined(__GNUC__)
#define WS2SIM_NOT_EMULATED(name) \
  __attribute__((error("ws2sim does not emulate " name " yet; see docs/windows-code.md")))
#else
#define WS2SIM_NOT_EMULATED(name)
#endif
int WSAAPI WSAAsyncSelect(SOCKET s, HANDLE hWnd, u_int wMsg, LONG lEvent)
    WS2SIM_NOT_EMULATED("WSAAsyncSelect (it needs a window message loop)");

/* Windows Sockets 1.1 blocking hooks. A hook has the shape `BOOL CALLBACK hook(void)` and is
 * passed and returned as a FARPROC. */
typedef BOOL(CALLBACK* WS2SIM_BLOCKINGHOOK)(void);
FARPROC WSAAPI WSASetBlockingHook(FARPROC lpBlockFunc) WS2SIM_SYMBOL(WSASetBlockingHook);
int WSAAPI WSAUnhookBlockingHook(void) WS2SIM_SYMBOL(WSAUnhookBlockingHook);
BOOL WSAAPI WSAIsBlocking(void) WS2SIM_SYMBOL(WSAIsBlocking);
int WSAAPI WSACancelBlockingCall(void) WS2SIM_SYMBOL(WSACancelBlockingCall);

WS2SIM_END_DECLS

#endif /* WS2SIM_WINSOCK2_H_ */
