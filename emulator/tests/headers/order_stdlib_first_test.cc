// Include order 1: the C and C++ library headers come BEFORE the Windows headers, so glibc has
// already declared its u_long, fd_set, FD_* macros, struct timeval and select() (g++ defines
// _GNU_SOURCE). The Windows layouts must still be the ones the program sees.

// clang-format off
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <string>
#include <vector>
#include <iostream>
#include <sstream>
#include <thread>
#include <chrono>
#include <functional>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <sys/time.h>

#include <gtest/gtest.h>

#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <versionhelpers.h>
// clang-format on

namespace {

#include "order_checks.inc"

TEST(IncludeOrder, StdlibFirstGivesWindowsLayouts) {
  RunOrderChecks();
}

}  // namespace
