/* C translation unit, include order 2: the Windows headers before the C library headers. */
/* clang-format off */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <versionhelpers.h>
/* (the C library must come after the Windows headers here; keep this order) */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>
#include <sys/types.h>
/* clang-format on */

#define NAME ws2sim_header_test_c_winsock_first
int NAME(void);
#include "c_layout_checks.inc"
