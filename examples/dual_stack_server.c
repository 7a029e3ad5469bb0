/* dual_stack_server.c - an IPv6-ready Winsock echo server in the shape Windows programs take
 * when they serve both IP versions from one socket: getaddrinfo(AF_INET6, AI_PASSIVE) for the
 * wildcard, IPV6_V6ONLY cleared (it is TRUE by default on Windows), then every client printed
 * with getnameinfo(NI_NUMERICHOST) - an IPv4 client shows as ::ffff:a.b.c.d. Serves the number
 * of clients given (default 1), one after another. _tmain and strsafe.h, as SDK samples have them. Unmodified Windows code: built with
 * MinGW-w64 against the real headers in CI, and run in ws2sim by
 * examples/program_pairs_test.cc (main renamed). */
#undef UNICODE
#define WIN32_LEAN_AND_MEAN

#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <tchar.h>
#include <strsafe.h> /* after tchar.h, as the SDK asks */

#define ECHO_PORT "27015"
#define CHUNK 512

static int serve(SOCKET peer, int number)
{
    char chunk[CHUNK];
    int got, total = 0;

    do {
        got = recv(peer, chunk, CHUNK, 0);
        if (got > 0) {
            total += got;
            if (send(peer, chunk, got, 0) == SOCKET_ERROR) {
                printf("server: send failed: %d\n", WSAGetLastError());
                return 1;
            }
        } else if (got < 0) {
            printf("server: recv failed: %d\n", WSAGetLastError());
            return 1;
        }
    } while (got > 0);
    printf("server: echoed %d bytes to client %d\n", total, number);
    shutdown(peer, SD_SEND);
    return 0;
}

int __cdecl _tmain(int argc, TCHAR **argv)
{
    WSADATA wsa;
    struct addrinfo hints;
    struct addrinfo *found = NULL;
    SOCKET listener = INVALID_SOCKET;
    DWORD v6only = 0;
    int clients = argc > 1 ? _ttoi(argv[1]) : 1;
    int rc, i;

    rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (rc != 0) {
        printf("server: WSAStartup failed: %d\n", rc);
        return 1;
    }

    ZeroMemory(&hints, sizeof(hints));
    hints.ai_family = AF_INET6;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(NULL, ECHO_PORT, &hints, &found);
    if (rc != 0) {
        printf("server: getaddrinfo failed: %d\n", rc);
        WSACleanup();
        return 1;
    }
    listener = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (listener == INVALID_SOCKET) {
        printf("server: socket failed: %d\n", WSAGetLastError());
        freeaddrinfo(found);
        WSACleanup();
        return 1;
    }
    if (setsockopt(listener, IPPROTO_IPV6, IPV6_V6ONLY, (const char *)&v6only,
                   sizeof(v6only)) == SOCKET_ERROR) {
        printf("server: IPV6_V6ONLY failed: %d\n", WSAGetLastError());
    }
    if (bind(listener, found->ai_addr, (int)found->ai_addrlen) == SOCKET_ERROR ||
        listen(listener, SOMAXCONN) == SOCKET_ERROR) {
        printf("server: bind/listen failed: %d\n", WSAGetLastError());
        freeaddrinfo(found);
        closesocket(listener);
        WSACleanup();
        return 1;
    }
    freeaddrinfo(found);
    printf("server: listening on [::]:%s, IPv4 and IPv6\n", ECHO_PORT);

    for (i = 1; i <= clients; ++i) {
        SOCKADDR_STORAGE from;
        int from_length = sizeof(from);
        char where[NI_MAXHOST];
        SOCKET peer = accept(listener, (SOCKADDR *)&from, &from_length);
        if (peer == INVALID_SOCKET) {
            printf("server: accept failed: %d\n", WSAGetLastError());
            break;
        }
        if (getnameinfo((SOCKADDR *)&from, from_length, where, sizeof(where), NULL, 0,
                        NI_NUMERICHOST) != 0) {
            StringCchCopyA(where, sizeof(where), "?");
        }
        printf("server: client %d from %s (%s)\n", i, where,
               from.ss_family == AF_INET6 ? "AF_INET6" : "AF_INET");
        rc = serve(peer, i);
        closesocket(peer);
        if (rc != 0) {
            break;
        }
    }
    closesocket(listener);
    WSACleanup();
    return 0;
}
