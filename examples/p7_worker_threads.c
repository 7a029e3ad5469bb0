/* P7: a multi-threaded client in the classic Win32 style: the main thread starts four worker
 * threads with CreateThread; each connects to 10.0.0.2:5432 with its own keep-alive time
 * (SIO_KEEPALIVE_VALS), tells the main thread it is connected (a counter and an auto-reset
 * event), then waits in recv(). Results go into a table guarded by a critical section; the
 * main thread joins the workers with WaitForMultipleObjects and prints the table. Genuine Win32
 * code: it also builds with x86_64-w64-mingw32-gcc against the real Windows headers.
 *
 * Under ws2sim (WS2SIM_CRASH_PEER_AT=...) the peer dies and worker i's recv() fails with
 * WSAENETRESET after (60 + i) s + 10 probes x 1 s, all in virtual time. */
/* Windows headers go in this order: winsock2.h before windows.h. */
/* clang-format off */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <windows.h>
/* clang-format on */
#include <stdio.h>
#include <string.h>

#define WORKERS 4

struct result {
  int error;           /* recv's error, or 0 */
  ULONGLONG waited_ms; /* how long recv blocked */
};

static CRITICAL_SECTION table_lock;
static struct result table[WORKERS];
static volatile LONG connected = 0;
static HANDLE all_connected; /* auto-reset: set by the last worker to connect */

static DWORD WINAPI worker(LPVOID param) {
  const int index = (int)(INT_PTR)param;
  struct tcp_keepalive ka;
  DWORD returned = 0;
  struct sockaddr_in addr;
  char buf[64];
  ULONGLONG start;
  int n;
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) return 1;
  ka.onoff = 1;
  ka.keepalivetime = 60000 + 1000 * (ULONG)index;
  ka.keepaliveinterval = 1000;
  if (WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, NULL, 0, &returned, NULL, NULL) ==
      SOCKET_ERROR) {
    return 2;
  }
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(5432);
  inet_pton(AF_INET, "10.0.0.2", &addr.sin_addr);
  if (connect(s, (struct sockaddr*)&addr, sizeof addr) == SOCKET_ERROR) return 3;
  if (InterlockedIncrement(&connected) == WORKERS) SetEvent(all_connected);
  start = GetTickCount64();
  n = recv(s, buf, sizeof buf, 0);
  EnterCriticalSection(&table_lock);
  table[index].error = n == SOCKET_ERROR ? WSAGetLastError() : 0;
  table[index].waited_ms = GetTickCount64() - start;
  LeaveCriticalSection(&table_lock);
  closesocket(s);
  return 0;
}

int main(void) {
  WSADATA wsa;
  HANDLE threads[WORKERS];
  DWORD code;
  int i;

  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) {
    printf("WSAStartup failed\n");
    return 1;
  }
  InitializeCriticalSection(&table_lock);
  all_connected = CreateEvent(NULL, FALSE, FALSE, NULL);
  for (i = 0; i < WORKERS; ++i) {
    threads[i] = CreateThread(NULL, 0, worker, (LPVOID)(INT_PTR)i, 0, NULL);
    if (threads[i] == NULL) {
      printf("CreateThread failed: %lu\n", (unsigned long)GetLastError());
      return 1;
    }
  }
  if (WaitForSingleObject(all_connected, 10000) == WAIT_OBJECT_0) {
    printf("all %d workers connected at %llu ms\n", WORKERS, (unsigned long long)GetTickCount64());
  } else {
    printf("the workers did not all connect\n");
  }
  if (WaitForMultipleObjects(WORKERS, threads, TRUE, INFINITE) != WAIT_OBJECT_0) {
    printf("WaitForMultipleObjects failed: %lu\n", (unsigned long)GetLastError());
    return 1;
  }
  for (i = 0; i < WORKERS; ++i) {
    GetExitCodeThread(threads[i], &code);
    EnterCriticalSection(&table_lock);
    printf("worker %d: exit code %lu, recv error %d after %llu ms\n", i, (unsigned long)code,
           table[i].error, (unsigned long long)table[i].waited_ms);
    LeaveCriticalSection(&table_lock);
    CloseHandle(threads[i]);
  }
  CloseHandle(all_connected);
  DeleteCriticalSection(&table_lock);
  WSACleanup();
  return 0;
}
