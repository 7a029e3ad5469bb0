// A program may use the emulated Winsock functions and the C library's socket functions side by
// side (in different translation units): the drop-in headers link their functions as
// ws2sim_<name>, so nothing collides. This file uses only glibc; it calls into a Winsock
// translation unit (dead_peer_test.cc's fixture is not needed: emulated_socket_roundtrip is
// defined in libc_coexistence_winsock.cc).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

int emulated_socket_roundtrip();  // libc_coexistence_winsock.cc

TEST(LibcCoexistence, RealAndEmulatedSocketsInOneProgram) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);  // glibc's socket functions
  ASSERT_EQ(::send(fds[0], "x", 1, 0), 1);
  char c = 0;
  ASSERT_EQ(::recv(fds[1], &c, 1, 0), 1);
  EXPECT_EQ(c, 'x');
  ::close(fds[0]);
  ::close(fds[1]);
  EXPECT_EQ(emulated_socket_roundtrip(), 4);  // the emulator's send/recv, same names in C
}
