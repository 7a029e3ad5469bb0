/* event_select_server.c - an echo server in the classic WSAEventSelect shape: one event per
 * socket, WSAWaitForMultipleEvents over all of them, WSAEnumNetworkEvents to learn what
 * happened (FD_ACCEPT, FD_READ, FD_CLOSE with its error code). Serves two clients, then ends.
 * Unmodified Windows code: built with MinGW-w64 against the real headers in CI, and run in
 * ws2sim with two gai_echo_client programs by examples/program_pairs_test.cc (main renamed). */
#define WIN32_LEAN_AND_MEAN

#include <winsock2.h>
#include <ws2tcpip.h>
#include <stdio.h>

#define ECHO_PORT 27015
#define CLIENTS_TO_SERVE 2

static SOCKET sockets[WSA_MAXIMUM_WAIT_EVENTS];
static WSAEVENT events[WSA_MAXIMUM_WAIT_EVENTS];
static DWORD count = 0;

static void add(SOCKET s, long what)
{
    sockets[count] = s;
    events[count] = WSACreateEvent();
    WSAEventSelect(s, events[count], what);
    count++;
}

static void drop(DWORD i)
{
    closesocket(sockets[i]);
    WSACloseEvent(events[i]);
    count--;
    sockets[i] = sockets[count];
    events[i] = events[count];
}

int main(void)
{
    WSADATA wsa;
    struct sockaddr_in here;
    SOCKET listener;
    WSANETWORKEVENTS what;
    char buf[256];
    int served = 0, n;
    DWORD i;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        printf("event server: WSAStartup failed\n");
        return 1;
    }
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&here, sizeof(here));
    here.sin_family = AF_INET;
    here.sin_port = htons(ECHO_PORT);
    here.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(listener, (struct sockaddr *)&here, sizeof(here)) == SOCKET_ERROR ||
        listen(listener, 5) == SOCKET_ERROR) {
        printf("event server: cannot listen: %d\n", WSAGetLastError());
        WSACleanup();
        return 1;
    }
    add(listener, FD_ACCEPT | FD_CLOSE);
    printf("event server: listening on port %d\n", ECHO_PORT);

    while (served < CLIENTS_TO_SERVE) {
        DWORD rc = WSAWaitForMultipleEvents(count, events, FALSE, WSA_INFINITE, FALSE);
        if (rc == WSA_WAIT_FAILED) {
            printf("event server: wait failed: %d\n", WSAGetLastError());
            break;
        }
        i = rc - WSA_WAIT_EVENT_0;
        if (WSAEnumNetworkEvents(sockets[i], events[i], &what) == SOCKET_ERROR) {
            printf("event server: WSAEnumNetworkEvents failed: %d\n", WSAGetLastError());
            break;
        }
        if (what.lNetworkEvents & FD_ACCEPT) {
            SOCKET c = accept(listener, NULL, NULL);
            if (c != INVALID_SOCKET && count < WSA_MAXIMUM_WAIT_EVENTS) {
                add(c, FD_READ | FD_CLOSE);
                printf("event server: accepted a client\n");
            }
        }
        if (what.lNetworkEvents & FD_READ) {
            n = recv(sockets[i], buf, sizeof(buf), 0);
            if (n > 0) {
                send(sockets[i], buf, n, 0);
            }
        }
        if (what.lNetworkEvents & FD_CLOSE) {
            printf("event server: a client closed (error %d)\n", what.iErrorCode[FD_CLOSE_BIT]);
            shutdown(sockets[i], SD_SEND);
            drop(i);
            served++;
        }
    }
    while (count > 0) {
        drop(0);
    }
    WSACleanup();
    return 0;
}
