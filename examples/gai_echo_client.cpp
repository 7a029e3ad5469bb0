// gai_echo_client.cpp - the classic Winsock client: resolve the server's name with getaddrinfo
// (AF_UNSPEC), try each address until a connect succeeds, send a line, half-close, read the
// echo. Unmodified Windows code: built with MinGW-w64 against the real headers in CI, and run
// in ws2sim by emulator/tests/program_pairs_test.cc (main renamed).
#define WIN32_LEAN_AND_MEAN

#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <wspiapi.h>
#include <stdlib.h>
#include <stdio.h>

#define ECHO_PORT "27015"
#define CHUNK 512

int __cdecl main(int argc, char **argv)
{
    WSADATA wsa;
    struct addrinfo *found = NULL, *each = NULL, hints;
    SOCKET s = INVALID_SOCKET;
    const char *line = "hello through getaddrinfo";
    char reply[CHUNK];
    char where[NI_MAXHOST];
    int rc;

    if (argc != 2) {
        printf("usage: %s server-name\n", argv[0]);
        return 1;
    }

    rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (rc != 0) {
        printf("client: WSAStartup failed: %d\n", rc);
        return 1;
    }

    ZeroMemory(&hints, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    rc = getaddrinfo(argv[1], ECHO_PORT, &hints, &found);
    if (rc != 0) {
        printf("client: getaddrinfo(%s) failed: %d\n", argv[1], rc);
        WSACleanup();
        return 1;
    }

    for (each = found; each != NULL; each = each->ai_next) {
        s = socket(each->ai_family, each->ai_socktype, each->ai_protocol);
        if (s == INVALID_SOCKET) {
            printf("client: socket failed: %ld\n", (long)WSAGetLastError());
            freeaddrinfo(found);
            WSACleanup();
            return 1;
        }
        if (connect(s, each->ai_addr, (int)each->ai_addrlen) == SOCKET_ERROR) {
            closesocket(s);
            s = INVALID_SOCKET;
            continue;
        }
        if (getnameinfo(each->ai_addr, (socklen_t)each->ai_addrlen, where, NI_MAXHOST, NULL, 0,
                        NI_NUMERICHOST) == 0) {
            printf("client: connected to %s at %s\n", argv[1], where);
        }
        break;
    }
    freeaddrinfo(found);

    if (s == INVALID_SOCKET) {
        printf("client: unable to connect to %s\n", argv[1]);
        WSACleanup();
        return 1;
    }

    rc = send(s, line, (int)strlen(line), 0);
    if (rc == SOCKET_ERROR) {
        printf("client: send failed: %d\n", WSAGetLastError());
        closesocket(s);
        WSACleanup();
        return 1;
    }
    printf("client: sent %d bytes\n", rc);

    if (shutdown(s, SD_SEND) == SOCKET_ERROR) {
        printf("client: shutdown failed: %d\n", WSAGetLastError());
        closesocket(s);
        WSACleanup();
        return 1;
    }

    do {
        rc = recv(s, reply, CHUNK - 1, 0);
        if (rc > 0) {
            reply[rc] = '\0';
            printf("client: received \"%s\"\n", reply);
        } else if (rc == 0) {
            printf("client: server closed the connection\n");
        } else {
            printf("client: recv failed: %d\n", WSAGetLastError());
        }
    } while (rc > 0);

    closesocket(s);
    WSACleanup();
    return 0;
}
