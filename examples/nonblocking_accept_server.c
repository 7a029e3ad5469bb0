/* nonblocking_accept_server.c - a server that polls a non-blocking listener: accept, and on
 * WSAEWOULDBLOCK do other work (here: count the polls) and Sleep before trying again; the client
 * it gets is switched back to blocking and echoed. Serves one client, then ends. Unmodified
 * Windows code: built with MinGW-w64 against the real headers in CI, and run in ws2sim with a
 * gai_echo_client by examples/program_pairs_test.cc (main renamed). */
#define WIN32_LEAN_AND_MEAN

#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>

#define ECHO_PORT 27015
#define POLL_MS 50

int main(void)
{
    WSADATA wsa;
    struct sockaddr_in here;
    SOCKET listener, client = INVALID_SOCKET;
    u_long nonblocking = 1, blocking = 0;
    int polls = 0, n, total = 0;
    char buf[256];

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        printf("polling server: WSAStartup failed\n");
        return 1;
    }
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&here, sizeof(here));
    here.sin_family = AF_INET;
    here.sin_port = htons(ECHO_PORT);
    here.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(listener, (struct sockaddr *)&here, sizeof(here)) == SOCKET_ERROR ||
        listen(listener, SOMAXCONN) == SOCKET_ERROR ||
        ioctlsocket(listener, FIONBIO, &nonblocking) == SOCKET_ERROR) {
        printf("polling server: cannot listen: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }
    printf("polling server: listening on port %d\n", ECHO_PORT);

    while (client == INVALID_SOCKET) {
        client = accept(listener, NULL, NULL);
        if (client != INVALID_SOCKET) {
            break;
        }
        if (WSAGetLastError() != WSAEWOULDBLOCK) {
            printf("polling server: accept failed: %d\n", WSAGetLastError());
            closesocket(listener);
            WSACleanup();
            return 1;
        }
        polls++;
        Sleep(POLL_MS);
    }
    printf("polling server: accepted after %d polls (%lu ms)\n", polls,
           (unsigned long)GetTickCount());
    closesocket(listener);

    ioctlsocket(client, FIONBIO, &blocking);
    while ((n = recv(client, buf, sizeof(buf), 0)) > 0) {
        total += n;
        send(client, buf, n, 0);
    }
    printf("polling server: echoed %d bytes\n", total);
    shutdown(client, SD_SEND);
    closesocket(client);
    WSACleanup();
    return 0;
}
