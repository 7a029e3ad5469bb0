// Must NOT compile (run by the ctest headers.NotEmulatedCallsFailToCompileNamingTheFunction):
// a call of a function ws2sim does not emulate yet is a compile-time error naming it.
#include <winsock2.h>

int call_it(SOCKET s) {
  return WSAAsyncSelect(s, NULL, 0, 0);
}
