// Runs the functions of the C translation units (c_stdlib_first.c, c_winsock_first.c: the two
// include orders; c_fd_setsize_first.c, c_fd_setsize_override.c: a program-chosen FD_SETSIZE),
// which check the layouts at compile time (calling them also keeps the linker from dropping them).
// The FD_SETSIZE variants are C so that differently sized fd_set types never meet in one C++
// program.

#include <gtest/gtest.h>

extern "C" int ws2sim_header_test_c_stdlib_first(void);
extern "C" int ws2sim_header_test_c_winsock_first(void);
extern "C" int ws2sim_header_test_c_fd_setsize_first(void);
extern "C" int ws2sim_header_test_c_fd_setsize_override(void);

namespace {

TEST(CIncludeOrder, StdlibFirstUnitCompiledAndWorks) {
  EXPECT_EQ(ws2sim_header_test_c_stdlib_first(), 0);
}

TEST(CIncludeOrder, WinsockFirstUnitCompiledAndWorks) {
  EXPECT_EQ(ws2sim_header_test_c_winsock_first(), 0);
}

TEST(CIncludeOrder, ProgramFdSetsizeBeforeAnyHeaderIsKept) {
  EXPECT_EQ(ws2sim_header_test_c_fd_setsize_first(), 0);
}

TEST(CIncludeOrder, Ws2simFdSetsizeOverridesAfterTheCLibrary) {
  EXPECT_EQ(ws2sim_header_test_c_fd_setsize_override(), 0);
}

}  // namespace
