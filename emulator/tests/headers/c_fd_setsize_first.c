/* C translation unit: the program sets FD_SETSIZE before any header (the usual Windows idiom) and
 * includes the C library after winsock2.h; glibc must not override it. */
#define FD_SETSIZE 1024
/* clang-format off */
#include <winsock2.h>
#include <stdlib.h>
#include <stdio.h>
#include <sys/select.h>
/* clang-format on */

_Static_assert(FD_SETSIZE == 1024, "the program's FD_SETSIZE is kept");
_Static_assert(sizeof(fd_set) == 8 + 1024 * 8, "fd_set sized by the program's FD_SETSIZE");

/* Returns 0 when FD_SET fills exactly FD_SETSIZE entries. */
int ws2sim_header_test_c_fd_setsize_first(void);
int ws2sim_header_test_c_fd_setsize_first(void) {
  static fd_set set;
  SOCKET s;
  FD_ZERO(&set);
  for (s = 1; s <= 2000; ++s)
    FD_SET(s, &set);
  return set.fd_count == 1024 && FD_ISSET(1024, &set) && !FD_ISSET(1025, &set) ? 0 : 1;
}
