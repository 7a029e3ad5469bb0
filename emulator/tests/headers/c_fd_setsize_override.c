/* C translation unit: the C library comes first (glibc's FD_SETSIZE 1024 is already defined) and
 * the program chooses the Windows set size with WS2SIM_FD_SETSIZE. */
/* clang-format off */
#include <stdlib.h>
#include <string.h>
#define WS2SIM_FD_SETSIZE 300
#include <winsock2.h>
/* clang-format on */

_Static_assert(FD_SETSIZE == 300, "WS2SIM_FD_SETSIZE wins");
_Static_assert(sizeof(fd_set) == 8 + 300 * 8, "fd_set sized by WS2SIM_FD_SETSIZE");

/* Returns 0 when FD_SET fills exactly FD_SETSIZE entries. */
int ws2sim_header_test_c_fd_setsize_override(void);
int ws2sim_header_test_c_fd_setsize_override(void) {
  static fd_set set;
  SOCKET s;
  memset(&set, 0xff, sizeof(set));
  FD_ZERO(&set);
  for (s = 1; s <= 400; ++s)
    FD_SET(s, &set);
  return set.fd_count == 300 ? 0 : 1;
}
