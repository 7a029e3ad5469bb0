/*
 * ws2tcpip.h - ws2sim's emulation of the Windows Winsock 2 TCP/IP header.
 *
 * Part of ws2sim's drop-in Windows headers (not Microsoft's header; see winsock2.h). Adds the
 * TCP/IP-level socket options (including the keep-alive options TCP_KEEPALIVE/TCP_KEEPIDLE,
 * TCP_KEEPCNT, TCP_KEEPINTVL), socklen_t, the text/binary address conversions and name
 * resolution: getaddrinfo/GetAddrInfoW/freeaddrinfo, getnameinfo/GetNameInfoW, gai_strerror.
 * Declared functions link to ws2sim_<name>.
 *
 * struct addrinfo has the Windows layout (ai_canonname before ai_addr, the reverse of glibc's)
 * and is renamed ws2sim_addrinfo like fd_set (winsock2.h): a program's `struct addrinfo` is the
 * Windows one, and never the same C++ type as glibc's in another translation unit.
 */
#ifndef WS2SIM_WS2TCPIP_H_
#define WS2SIM_WS2TCPIP_H_

#define _WS2TCPIP_H_

#include "winsock2.h"

/* socklen_t is `int` on Windows but `unsigned int` in glibc (<unistd.h> declares it), so the
 * Windows spelling is renamed like u_long; glibc is told the name is taken so that a later glibc
 * header does not declare it again. */
#define socklen_t ws2sim_socklen_t
typedef int ws2sim_socklen_t;
#ifndef __socklen_t_defined
#define __socklen_t_defined
#endif

/* ---- IPPROTO_TCP options -------------------------------------------------------------------- */

#define TCP_EXPEDITED_1122 0x0002
#define TCP_KEEPALIVE 3 /* idle time in seconds; also spelled TCP_KEEPIDLE */
#define TCP_MAXSEG 4
#define TCP_MAXRT 5
#define TCP_STDURG 6
#define TCP_NOURG 7
#define TCP_ATMARK 8
#define TCP_NOSYNRETRIES 9
#define TCP_TIMESTAMPS 10
#define TCP_OFFLOAD_PREFERENCE 11
#define TCP_CONGESTION_ALGORITHM 12
#define TCP_DELAY_FIN_ACK 13
#define TCP_MAXRTMS 14
#define TCP_FASTOPEN 15
#define TCP_KEEPCNT 16 /* probe count (Windows 10 1703 and later) */
#define TCP_KEEPIDLE TCP_KEEPALIVE
#define TCP_KEEPINTVL 17 /* probe interval in seconds (Windows 10 1709 and later) */
#define TCP_FAIL_CONNECT_ON_ICMP_ERROR 18
#define TCP_ICMP_ERROR_INFO 19

/* ---- IPPROTO_IP / IPPROTO_IPV6 options ------------------------------------------------------ */

#define IP_OPTIONS 1
#define IP_HDRINCL 2
#define IP_TOS 3
#define IP_TTL 4
#define IP_MULTICAST_IF 9
#define IP_MULTICAST_TTL 10
#define IP_MULTICAST_LOOP 11
#define IP_ADD_MEMBERSHIP 12
#define IP_DROP_MEMBERSHIP 13
#define IP_DONTFRAGMENT 14
#define IP_PKTINFO 19
#define IP_RECVTTL 21
#define IP_RECVTOS 40

#define IPV6_HOPOPTS 1
#define IPV6_HDRINCL 2
#define IPV6_UNICAST_HOPS 4
#define IPV6_MULTICAST_IF 9
#define IPV6_MULTICAST_HOPS 10
#define IPV6_MULTICAST_LOOP 11
#define IPV6_ADD_MEMBERSHIP 12
#define IPV6_JOIN_GROUP IPV6_ADD_MEMBERSHIP
#define IPV6_DROP_MEMBERSHIP 13
#define IPV6_LEAVE_GROUP IPV6_DROP_MEMBERSHIP
#define IPV6_DONTFRAG 14
#define IPV6_PKTINFO 19
#define IPV6_HOPLIMIT 21
#define IPV6_RECVTCLASS 40
#define IPV6_V6ONLY 27

/* ---- Address text --------------------------------------------------------------------------- */

#define INET_ADDRSTRLEN 22
#define INET6_ADDRSTRLEN 65

/* ---- Name resolution ------------------------------------------------------------------------ */

#define addrinfo ws2sim_addrinfo
struct ws2sim_addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  size_t ai_addrlen;
  char* ai_canonname;
  struct sockaddr* ai_addr;
  struct ws2sim_addrinfo* ai_next;
};
typedef struct ws2sim_addrinfo ADDRINFOA, *PADDRINFOA, *LPADDRINFOA;

typedef struct addrinfoW {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  size_t ai_addrlen;
  PWSTR ai_canonname;
  struct sockaddr* ai_addr;
  struct addrinfoW* ai_next;
} ADDRINFOW, *PADDRINFOW, *LPADDRINFOW;

/* GetAddrInfoEx's results (ws2def.h): addrinfo with a blob and a provider. */
typedef struct addrinfoexA {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  size_t ai_addrlen;
  char* ai_canonname;
  struct sockaddr* ai_addr;
  void* ai_blob;
  size_t ai_bloblen;
  LPGUID ai_provider;
  struct addrinfoexA* ai_next;
} ADDRINFOEXA, *PADDRINFOEXA, *LPADDRINFOEXA;
typedef struct addrinfoexW {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  size_t ai_addrlen;
  PWSTR ai_canonname;
  struct sockaddr* ai_addr;
  void* ai_blob;
  size_t ai_bloblen;
  LPGUID ai_provider;
  struct addrinfoexW* ai_next;
} ADDRINFOEXW, *PADDRINFOEXW, *LPADDRINFOEXW;

/* Name spaces (winsock2.h's NS_*): GetAddrInfoEx takes these two. */
#ifndef NS_ALL
#define NS_ALL 0
#define NS_DNS 12
#endif
typedef void(CALLBACK* LPLOOKUPSERVICE_COMPLETION_ROUTINE)(DWORD dwError, DWORD dwBytes,
                                                           LPWSAOVERLAPPED lpOverlapped);

#define AI_PASSIVE 0x00000001
#define AI_CANONNAME 0x00000002
#define AI_NUMERICHOST 0x00000004
#define AI_NUMERICSERV 0x00000008
#define AI_DNS_ONLY 0x00000010
#define AI_ALL 0x00000100
#define AI_ADDRCONFIG 0x00000400
#define AI_V4MAPPED 0x00000800
#define AI_NON_AUTHORITATIVE 0x00004000
#define AI_SECURE 0x00008000
#define AI_RETURN_PREFERRED_NAMES 0x00010000
#define AI_FQDN 0x00020000
#define AI_FILESERVER 0x00040000

#define NI_NOFQDN 0x01
#define NI_NUMERICHOST 0x02
#define NI_NAMEREQD 0x04
#define NI_NUMERICSERV 0x08
#define NI_DGRAM 0x10
#define NI_MAXHOST 1025
#define NI_MAXSERV 32

/* getaddrinfo's errors are Winsock errors (and are also set as the last error). */
#define EAI_AGAIN WSATRY_AGAIN
#define EAI_BADFLAGS WSAEINVAL
#define EAI_FAIL WSANO_RECOVERY
#define EAI_FAMILY WSAEAFNOSUPPORT
#define EAI_MEMORY WSA_NOT_ENOUGH_MEMORY
#define EAI_NOSECURENAME WSA_SECURE_HOST_NOT_FOUND
#define EAI_NONAME WSAHOST_NOT_FOUND
#define EAI_SERVICE WSATYPE_NOT_FOUND
#define EAI_SOCKTYPE WSAESOCKTNOSUPPORT
#define EAI_IPSECPOLICY WSA_IPSEC_NAME_POLICY_ERROR
#define EAI_NODATA EAI_NONAME

WS2SIM_BEGIN_DECLS

INT WSAAPI getaddrinfo(PCSTR pNodeName, PCSTR pServiceName, const ADDRINFOA* pHints,
                       PADDRINFOA* ppResult) WS2SIM_SYMBOL(getaddrinfo);
INT WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName, const ADDRINFOW* pHints,
                        PADDRINFOW* ppResult) WS2SIM_SYMBOL(GetAddrInfoW);
VOID WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo) WS2SIM_SYMBOL(freeaddrinfo);
VOID WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo) WS2SIM_SYMBOL(FreeAddrInfoW);
INT WSAAPI getnameinfo(const SOCKADDR* pSockaddr, socklen_t SockaddrLength, PCHAR pNodeBuffer,
                       DWORD NodeBufferSize, PCHAR pServiceBuffer, DWORD ServiceBufferSize,
                       INT Flags) WS2SIM_SYMBOL(getnameinfo);
INT WSAAPI GetNameInfoW(const SOCKADDR* pSockaddr, socklen_t SockaddrLength, PWCHAR pNodeBuffer,
                        DWORD NodeBufferSize, PWCHAR pServiceBuffer, DWORD ServiceBufferSize,
                        INT Flags) WS2SIM_SYMBOL(GetNameInfoW);
/* GetAddrInfoEx, synchronous use (lpOverlapped NULL): asynchronous lookups fail with
 * WSAEOPNOTSUPP (docs/names.md). */
INT WSAAPI GetAddrInfoExA(PCSTR pName, PCSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXA* hints, PADDRINFOEXA* ppResult,
                          struct timeval* timeout, LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle) WS2SIM_SYMBOL(GetAddrInfoExA);
INT WSAAPI GetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXW* hints, PADDRINFOEXW* ppResult,
                          struct timeval* timeout, LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle) WS2SIM_SYMBOL(GetAddrInfoExW);
void WSAAPI FreeAddrInfoEx(PADDRINFOEXA pAddrInfoEx) WS2SIM_SYMBOL(FreeAddrInfoEx);
void WSAAPI FreeAddrInfoExA(PADDRINFOEXA pAddrInfoEx) WS2SIM_SYMBOL(FreeAddrInfoEx);
void WSAAPI FreeAddrInfoExW(PADDRINFOEXW pAddrInfoEx) WS2SIM_SYMBOL(FreeAddrInfoExW);
char* WSAAPI gai_strerrorA(int ecode) WS2SIM_SYMBOL(gai_strerrorA);
WCHAR* WSAAPI gai_strerrorW(int ecode) WS2SIM_SYMBOL(gai_strerrorW);

#define GetAddrInfoA getaddrinfo
#define FreeAddrInfoA freeaddrinfo
#define GetNameInfoA getnameinfo
#ifdef UNICODE
#define GetAddrInfoEx GetAddrInfoExW
#define FreeAddrInfoEx FreeAddrInfoExW
#define ADDRINFOEX ADDRINFOEXW
#define PADDRINFOEX PADDRINFOEXW
#define GetAddrInfo GetAddrInfoW
#define FreeAddrInfo FreeAddrInfoW
#define GetNameInfo GetNameInfoW
#define gai_strerror gai_strerrorW
typedef ADDRINFOW ADDRINFOT, *PADDRINFOT;
#else
#define GetAddrInfoEx GetAddrInfoExA
#define ADDRINFOEX ADDRINFOEXA
#define PADDRINFOEX PADDRINFOEXA
#define GetAddrInfo GetAddrInfoA
#define FreeAddrInfo FreeAddrInfoA
#define GetNameInfo GetNameInfoA
#define gai_strerror gai_strerrorA
typedef ADDRINFOA ADDRINFOT, *PADDRINFOT;
#endif

#if _WIN32_WINNT >= 0x0600
INT WSAAPI inet_pton(INT Family, PCSTR pszAddrString, PVOID pAddrBuf) WS2SIM_SYMBOL(inet_pton);
PCSTR WSAAPI inet_ntop(INT Family, const VOID* pAddr, PSTR pStringBuf, size_t StringBufSize)
    WS2SIM_SYMBOL(inet_ntop);
#define InetPtonA inet_pton
#define InetNtopA inet_ntop
#ifndef UNICODE
#define InetPton InetPtonA
#define InetNtop InetNtopA
#endif
#endif

WS2SIM_END_DECLS

#endif /* WS2SIM_WS2TCPIP_H_ */
