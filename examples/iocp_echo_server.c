/* iocp_echo_server.c - an echo server in the completion-port shape of libuv, Boost.Asio and most
 * Windows servers written since 2000: AcceptEx loaded through WSAIoctl, a pool of worker threads
 * in GetQueuedCompletionStatus, an overlapped WSARecv always pending on each connection, and
 * keep-alive (10 s idle, then a probe a second) on every accepted socket. It reports how each
 * connection ended: the peer closed it, or the pending read failed - with ERROR_SEM_TIMEOUT (121)
 * when keep-alive found the peer dead. Serves CONNECTIONS_TO_SERVE connections, then ends.
 * Unmodified Windows code: built with MinGW-w64 against the real headers in CI, and run in ws2sim
 * by examples/program_pairs_test.cc (main renamed). */
#define WIN32_LEAN_AND_MEAN

#include <windows.h>
#include <winsock2.h>
#include <mswsock.h>
#include <mstcpip.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ECHO_PORT 27016
#define WORKERS 4
#define CONNECTIONS_TO_SERVE 2
#define ADDRESS_ROOM (sizeof(struct sockaddr_in) + 16)
#define LISTENER_KEY 1
#define QUIT_KEY 2

enum op_kind { OP_ACCEPT, OP_READ, OP_WRITE };

struct connection;

struct op {
    OVERLAPPED ov; /* first: the OVERLAPPED* a completion hands back is the op */
    enum op_kind kind;
    struct connection *conn;
    WSABUF buf;
    char data[512];
};

struct connection {
    SOCKET s;
    int id;
    struct op read;
    struct op write;
};

static HANDLE port;
static SOCKET listener;
static LPFN_ACCEPTEX accept_ex;
static LPFN_GETACCEPTEXSOCKADDRS get_sockaddrs;
static struct op accept_op;
static SOCKET accept_socket = INVALID_SOCKET;
static CRITICAL_SECTION lock;
static HANDLE all_done;
static int accepted = 0;
static int ended = 0;

static void say(const char *what)
{
    EnterCriticalSection(&lock);
    printf("[%6lu ms] %s\n", (unsigned long)GetTickCount(), what);
    LeaveCriticalSection(&lock);
}

static BOOL load(GUID id, void *fn, DWORD size)
{
    DWORD bytes = 0;
    return WSAIoctl(listener, SIO_GET_EXTENSION_FUNCTION_POINTER, &id, sizeof(id), fn, size,
                    &bytes, NULL, NULL) == 0;
}

static BOOL post_accept(void)
{
    DWORD bytes = 0;
    accept_socket = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&accept_op.ov, sizeof(accept_op.ov));
    accept_op.kind = OP_ACCEPT;
    if (!accept_ex(listener, accept_socket, accept_op.data, 0, ADDRESS_ROOM, ADDRESS_ROOM, &bytes,
                   &accept_op.ov) &&
        WSAGetLastError() != ERROR_IO_PENDING) {
        printf("server: AcceptEx failed: %d\n", WSAGetLastError());
        return FALSE;
    }
    return TRUE;
}

static BOOL post_read(struct connection *c)
{
    DWORD flags = 0;
    ZeroMemory(&c->read.ov, sizeof(c->read.ov));
    c->read.buf.buf = c->read.data;
    c->read.buf.len = sizeof(c->read.data);
    if (WSARecv(c->s, &c->read.buf, 1, NULL, &flags, &c->read.ov, NULL) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING) {
        return FALSE;
    }
    return TRUE;
}

static void end_connection(struct connection *c, const char *how)
{
    char line[160];
    int last;
    sprintf(line, "connection %d: %s", c->id, how);
    say(line);
    closesocket(c->s);
    free(c);
    EnterCriticalSection(&lock);
    last = ++ended == CONNECTIONS_TO_SERVE;
    LeaveCriticalSection(&lock);
    if (last) {
        SetEvent(all_done);
    }
}

static void on_accept(void)
{
    struct sockaddr *local, *remote;
    int local_len, remote_len;
    struct tcp_keepalive ka = {1, 10000, 1000};
    DWORD bytes = 0;
    char line[160], where[64];
    struct connection *c = (struct connection *)calloc(1, sizeof(*c));
    struct sockaddr_in *peer;

    c->s = accept_socket;
    c->read.kind = OP_READ;
    c->read.conn = c;
    c->write.kind = OP_WRITE;
    c->write.conn = c;
    setsockopt(c->s, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, (char *)&listener, sizeof(listener));
    get_sockaddrs(accept_op.data, 0, ADDRESS_ROOM, ADDRESS_ROOM, &local, &local_len, &remote,
                  &remote_len);
    peer = (struct sockaddr_in *)remote;
    EnterCriticalSection(&lock);
    c->id = ++accepted;
    LeaveCriticalSection(&lock);
    WSAIoctl(c->s, SIO_KEEPALIVE_VALS, &ka, sizeof(ka), NULL, 0, &bytes, NULL, NULL);
    CreateIoCompletionPort((HANDLE)c->s, port, (ULONG_PTR)c, 0);
    strcpy(where, inet_ntoa(peer->sin_addr));
    sprintf(line, "connection %d from %s:%u", c->id, where, ntohs(peer->sin_port));
    say(line);
    if (!post_read(c)) {
        end_connection(c, "WSARecv failed");
    }
    if (c->id < CONNECTIONS_TO_SERVE) {
        post_accept();
    }
}

static void on_read(struct connection *c, DWORD bytes)
{
    char line[600];
    if (bytes == 0) {
        end_connection(c, "the peer closed it");
        return;
    }
    sprintf(line, "connection %d: echo %lu bytes \"%.*s\"", c->id, (unsigned long)bytes,
            (int)bytes, c->read.data);
    say(line);
    memcpy(c->write.data, c->read.data, bytes);
    ZeroMemory(&c->write.ov, sizeof(c->write.ov));
    c->write.buf.buf = c->write.data;
    c->write.buf.len = bytes;
    if (WSASend(c->s, &c->write.buf, 1, NULL, 0, &c->write.ov, NULL) == SOCKET_ERROR &&
        WSAGetLastError() != WSA_IO_PENDING) {
        end_connection(c, "WSASend failed");
        return;
    }
    if (!post_read(c)) {
        end_connection(c, "WSARecv failed");
    }
}

static DWORD WINAPI worker(LPVOID unused)
{
    DWORD bytes;
    ULONG_PTR key;
    OVERLAPPED *ov;
    struct op *o;
    char line[160];
    (void)unused;
    for (;;) {
        BOOL ok = GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE);
        if (ov == NULL) {
            return key == QUIT_KEY ? 0 : GetLastError();
        }
        o = (struct op *)ov;
        if (!ok) {
            /* A failed operation: the Win32 error says why (121 = the semaphore timeout period
             * has expired, what a pending read gets when keep-alive gives up). */
            if (o->kind == OP_READ) {
                sprintf(line, "pending read failed: error %lu", (unsigned long)GetLastError());
                end_connection(o->conn, line);
            }
            continue;
        }
        switch (o->kind) {
        case OP_ACCEPT:
            on_accept();
            break;
        case OP_READ:
            on_read(o->conn, bytes);
            break;
        case OP_WRITE:
            break;
        }
    }
}

int main(void)
{
    WSADATA wsa;
    struct sockaddr_in here;
    GUID accept_id = WSAID_ACCEPTEX, sockaddrs_id = WSAID_GETACCEPTEXSOCKADDRS;
    HANDLE threads[WORKERS];
    int i;

    if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
        printf("server: WSAStartup failed\n");
        return 1;
    }
    accepted = 0;
    ended = 0;
    InitializeCriticalSection(&lock);
    all_done = CreateEvent(NULL, TRUE, FALSE, NULL);
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ZeroMemory(&here, sizeof(here));
    here.sin_family = AF_INET;
    here.sin_port = htons(ECHO_PORT);
    here.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(listener, (struct sockaddr *)&here, sizeof(here)) == SOCKET_ERROR ||
        listen(listener, SOMAXCONN) == SOCKET_ERROR) {
        printf("server: cannot listen: %d\n", WSAGetLastError());
        return 1;
    }
    CreateIoCompletionPort((HANDLE)listener, port, LISTENER_KEY, 0);
    if (!load(accept_id, &accept_ex, sizeof(accept_ex)) ||
        !load(sockaddrs_id, &get_sockaddrs, sizeof(get_sockaddrs))) {
        printf("server: no AcceptEx: %d\n", WSAGetLastError());
        return 1;
    }
    for (i = 0; i < WORKERS; i++) {
        threads[i] = CreateThread(NULL, 0, worker, NULL, 0, NULL);
    }
    say("listening on port 27016");
    if (!post_accept()) {
        return 1;
    }
    WaitForSingleObject(all_done, INFINITE);
    for (i = 0; i < WORKERS; i++) {
        PostQueuedCompletionStatus(port, 0, QUIT_KEY, NULL);
    }
    WaitForMultipleObjects(WORKERS, threads, TRUE, INFINITE);
    for (i = 0; i < WORKERS; i++) {
        CloseHandle(threads[i]);
    }
    say("served every connection");
    closesocket(listener);
    CloseHandle(port);
    WSACleanup();
    return 0;
}
