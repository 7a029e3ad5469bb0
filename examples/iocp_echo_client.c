/* iocp_echo_client.c - an overlapped client in libuv's shape: ConnectEx loaded through WSAIoctl
 * on a bound socket, completions from a port, keep-alive (10 s idle, then a probe a second),
 * FILE_SKIP_COMPLETION_PORT_ON_SUCCESS, and a read always pending. It sends one line, prints the
 * echo, then either closes (no second argument) or keeps its read pending ("stay") and reports
 * how that read ended - ERROR_SEM_TIMEOUT (121) when keep-alive found the server dead.
 * Usage: iocp_echo_client server-address [stay]. Unmodified Windows code: built with MinGW-w64
 * against the real headers in CI, and run in ws2sim by examples/program_pairs_test.cc (main
 * renamed). */
#define WIN32_LEAN_AND_MEAN

#include <windows.h>
#include <winsock2.h>
#include <mswsock.h>
#include <mstcpip.h>
#include <ws2tcpip.h>
#include <stdio.h>
#include <string.h>

#define ECHO_PORT 27016

/* Waits for the next completion on `port`: its byte count, or -1 with the error printed. */
static long next_completion(HANDLE port, const char *what)
{
    DWORD bytes = 0;
    ULONG_PTR key = 0;
    OVERLAPPED *ov = NULL;
    if (!GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE)) {
        printf("[%6lu ms] client: %s failed: error %lu\n", (unsigned long)GetTickCount(), what,
               (unsigned long)GetLastError());
        return -1;
    }
    return (long)bytes;
}

int main(int argc, char **argv)
{
    WSADATA wsa;
    SOCKET s;
    HANDLE port;
    struct sockaddr_in here, there;
    GUID connect_id = WSAID_CONNECTEX;
    LPFN_CONNECTEX connect_ex = NULL;
    struct tcp_keepalive ka = {1, 10000, 1000};
    OVERLAPPED ov;
    WSABUF buf;
    char line[] = "hello through a completion port";
    char reply[512];
    DWORD bytes = 0, flags = 0;
    long got;
    int stay = argc > 2 && strcmp(argv[2], "stay") == 0;

    if (argc < 2) {
        printf("usage: %s server-address [stay]\n", argv[0]);
        return 1;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        printf("client: WSAStartup failed\n");
        return 1;
    }
    s = WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, NULL, 0, WSA_FLAG_OVERLAPPED);
    ZeroMemory(&here, sizeof(here));
    here.sin_family = AF_INET;
    bind(s, (struct sockaddr *)&here, sizeof(here)); /* ConnectEx needs a bound socket */
    WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, &connect_id, sizeof(connect_id), &connect_ex,
             sizeof(connect_ex), &bytes, NULL, NULL);
    WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof(ka), NULL, 0, &bytes, NULL, NULL);
    port = CreateIoCompletionPort((HANDLE)s, NULL, 1, 0);
    SetFileCompletionNotificationModes((HANDLE)s, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS);

    ZeroMemory(&there, sizeof(there));
    there.sin_family = AF_INET;
    there.sin_port = htons(ECHO_PORT);
    inet_pton(AF_INET, argv[1], &there.sin_addr);
    ZeroMemory(&ov, sizeof(ov));
    if (!connect_ex(s, (struct sockaddr *)&there, sizeof(there), line, (DWORD)strlen(line), NULL,
                    &ov)) {
        if (WSAGetLastError() != ERROR_IO_PENDING) {
            printf("client: ConnectEx failed: %d\n", WSAGetLastError());
            return 1;
        }
        if (next_completion(port, "ConnectEx") < 0) {
            return 1;
        }
    }
    setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, NULL, 0);
    printf("[%6lu ms] client: connected, sent \"%s\"\n", (unsigned long)GetTickCount(), line);

    for (;;) {
        ZeroMemory(&ov, sizeof(ov));
        buf.buf = reply;
        buf.len = sizeof(reply) - 1;
        flags = 0;
        if (WSARecv(s, &buf, 1, &bytes, &flags, &ov, NULL) == 0) {
            got = (long)bytes; /* completed at once: no packet (skip on success) */
        } else if (WSAGetLastError() == WSA_IO_PENDING) {
            got = next_completion(port, "the pending read");
        } else {
            printf("client: WSARecv failed: %d\n", WSAGetLastError());
            break;
        }
        if (got < 0) {
            break;
        }
        if (got == 0) {
            printf("[%6lu ms] client: the server closed the connection\n",
                   (unsigned long)GetTickCount());
            break;
        }
        reply[got] = '\0';
        printf("[%6lu ms] client: echo \"%s\"\n", (unsigned long)GetTickCount(), reply);
        if (!stay) {
            break;
        }
    }
    closesocket(s);
    CloseHandle(port);
    WSACleanup();
    return 0;
}
