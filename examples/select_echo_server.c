/* select_echo_server.c - an echo server in the classic select() shape: one thread, an fd_set
 * of the listener and every client, accept when the listener is readable, echo what each
 * client sends, drop it when it closes. Serves two clients, then ends. Unmodified Windows
 * code: built with MinGW-w64 against the real headers in CI, and run in ws2sim with two
 * gai_echo_client programs by examples/program_pairs_test.cc (main renamed). */
#define WIN32_LEAN_AND_MEAN

#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>

#define ECHO_PORT "27015"
#define CLIENTS_TO_SERVE 2

int main(void)
{
    WSADATA wsa;
    struct addrinfo hints, *found = NULL;
    SOCKET listener, clients[FD_SETSIZE];
    int nclients = 0, served = 0, i, rc;
    char buf[256];

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        printf("select server: WSAStartup failed\n");
        return 1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_protocol = IPPROTO_TCP;
    hints.ai_flags = AI_PASSIVE;
    rc = getaddrinfo(NULL, ECHO_PORT, &hints, &found);
    if (rc != 0) {
        printf("select server: getaddrinfo failed: %d\n", rc);
        WSACleanup();
        return 1;
    }
    listener = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
    if (listener == INVALID_SOCKET ||
        bind(listener, found->ai_addr, (int)found->ai_addrlen) == SOCKET_ERROR ||
        listen(listener, SOMAXCONN) == SOCKET_ERROR) {
        printf("select server: cannot listen: %d\n", WSAGetLastError());
        freeaddrinfo(found);
        WSACleanup();
        return 1;
    }
    freeaddrinfo(found);
    printf("select server: listening on port %s\n", ECHO_PORT);

    while (served < CLIENTS_TO_SERVE) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(listener, &readable);
        for (i = 0; i < nclients; i++) {
            FD_SET(clients[i], &readable);
        }
        rc = select(0, &readable, NULL, NULL, NULL);
        if (rc == SOCKET_ERROR) {
            printf("select server: select failed: %d\n", WSAGetLastError());
            break;
        }
        if (FD_ISSET(listener, &readable)) {
            SOCKET c = accept(listener, NULL, NULL);
            if (c != INVALID_SOCKET && nclients < FD_SETSIZE - 1) {
                clients[nclients++] = c;
                printf("select server: client %d connected\n", nclients);
            }
        }
        for (i = 0; i < nclients; i++) {
            if (!FD_ISSET(clients[i], &readable)) {
                continue;
            }
            rc = recv(clients[i], buf, sizeof(buf), 0);
            if (rc > 0) {
                send(clients[i], buf, rc, 0);
                continue;
            }
            /* 0: the client half-closed; below 0: an error. Either way it is done. */
            shutdown(clients[i], SD_SEND);
            closesocket(clients[i]);
            clients[i] = clients[--nclients];
            i--;
            served++;
            printf("select server: a client left (%d served)\n", served);
        }
    }
    closesocket(listener);
    WSACleanup();
    return 0;
}
