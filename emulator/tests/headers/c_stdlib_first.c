/* C translation unit, include order 1: the C library headers before the Windows headers. */
/* clang-format off */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
/* (the Windows headers must come after the C library here; keep this order) */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <versionhelpers.h>
/* clang-format on */

#define NAME ws2sim_header_test_c_stdlib_first
int NAME(void);
#include "c_layout_checks.inc"
