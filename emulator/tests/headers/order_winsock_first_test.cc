// Include order 2: the Windows headers come FIRST and the C and C++ library headers (and GTest)
// after them. glibc must not re-declare u_long, fd_set, FD_* or struct timeval over the Windows
// ones, and the C++ library must still compile with the Windows names in place.

// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
#include <versionhelpers.h>

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
#include <sys/select.h>
#include <sys/types.h>

#include <gtest/gtest.h>
// clang-format on

namespace {

#include "order_checks.inc"

TEST(IncludeOrder, WinsockFirstGivesWindowsLayouts) {
  RunOrderChecks();
}

}  // namespace
