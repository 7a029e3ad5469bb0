/* gai_echo_server.c - the classic Winsock echo server, written the way most Windows network
 * programs start: getaddrinfo with AI_PASSIVE for the listening address, one client, echo
 * until it closes. Unmodified Windows code: built with MinGW-w64 against the real headers in
 * CI, and run in ws2sim by emulator/tests/program_pairs_test.cc (main renamed). */
#undef UNICODE
#define WIN32_LEAN_AND_MEAN

#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <stdlib.h>

#define ECHO_PORT "27015"
#define CHUNK 512

int __cdecl main(void)
{
    WSADATA wsa;
    struct addrinfo hints;
    struct addrinfo *found = NULL;
    SOCKET listener = INVALID_SOCKET;
    SOCKET peer = INVALID_SOCKET;
    char chunk[CHUNK];
    int got, rc, total = 0;

    rc = WSAStartup(MAKEWORD(2, 2), &wsa);
    if (rc != 0) {
        printf("server: WSAStartup failed: %d\n", rc);
        return 1;
    }

    ZeroMemory(&hints, sizeof(hints));
    hints.ai_family = AF_INET;
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
    if (bind(listener, found->ai_addr, (int)found->ai_addrlen) == SOCKET_ERROR) {
        printf("server: bind failed: %d\n", WSAGetLastError());
        freeaddrinfo(found);
        closesocket(listener);
        WSACleanup();
        return 1;
    }
    freeaddrinfo(found);

    if (listen(listener, SOMAXCONN) == SOCKET_ERROR) {
        printf("server: listen failed: %d\n", WSAGetLastError());
        closesocket(listener);
        WSACleanup();
        return 1;
    }
    printf("server: listening on port %s\n", ECHO_PORT);

    peer = accept(listener, NULL, NULL);
    if (peer == INVALID_SOCKET) {
        printf("server: accept failed: %d\n", WSAGetLastError());
        closesocket(listener);
        WSACleanup();
        return 1;
    }
    closesocket(listener);

    do {
        got = recv(peer, chunk, CHUNK, 0);
        if (got > 0) {
            total += got;
            if (send(peer, chunk, got, 0) == SOCKET_ERROR) {
                printf("server: send failed: %d\n", WSAGetLastError());
                closesocket(peer);
                WSACleanup();
                return 1;
            }
        } else if (got < 0) {
            printf("server: recv failed: %d\n", WSAGetLastError());
            closesocket(peer);
            WSACleanup();
            return 1;
        }
    } while (got > 0);
    printf("server: echoed %d bytes, client closed\n", total);

    if (shutdown(peer, SD_SEND) == SOCKET_ERROR) {
        printf("server: shutdown failed: %d\n", WSAGetLastError());
    }
    closesocket(peer);
    WSACleanup();
    return 0;
}
