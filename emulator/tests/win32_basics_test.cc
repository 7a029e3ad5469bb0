// The Win32 basics network programs use besides Winsock (docs/windows-code.md): heap and
// Local/Global memory, strsafe.h, tchar.h, the mstcpip.h address helpers, lstr*, and console
// control handlers with World::send_console_ctrl.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "emulator_fixture.h"
// The extra headers plain network programs include.
#include <strsafe.h>
#include <tchar.h>
#include <wspiapi.h>

namespace ws2sim::winsock::testing {
namespace {

TEST(Win32Basics, TheProcessHeapZeroesGrowsAndFrees) {
  HANDLE heap = GetProcessHeap();
  ASSERT_NE(heap, nullptr);
  auto* p = static_cast<unsigned char*>(HeapAlloc(heap, HEAP_ZERO_MEMORY, 64));
  ASSERT_NE(p, nullptr);
  for (int i = 0; i < 64; ++i)
    ASSERT_EQ(p[i], 0);
  p[0] = 7;
  p = static_cast<unsigned char*>(HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, 4096));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p[0], 7);
  EXPECT_EQ(p[4095], 0) << "grown bytes are zeroed with HEAP_ZERO_MEMORY";
  EXPECT_GE(HeapSize(heap, 0, p), 4096U);
  EXPECT_TRUE(HeapFree(heap, 0, p));
  EXPECT_EQ(HeapAlloc(reinterpret_cast<HANDLE>(0x1234), 0, 8), nullptr);
}

TEST(Win32Basics, LocalAndGlobalMemoryAreFixedOnly) {
  auto* p = static_cast<char*>(LocalAlloc(LPTR, 16));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p[15], 0);
  EXPECT_EQ(LocalFree(p), nullptr);
  EXPECT_EQ(LocalAlloc(LHND, 16), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_CALL_NOT_IMPLEMENTED));
  void* g = GlobalAlloc(GPTR, 8);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(GlobalFree(g), nullptr);
}

TEST(Win32Basics, StrsafeCutsAndSaysSo) {
  char small[8];
  EXPECT_EQ(StringCchCopyA(small, ARRAYSIZE(small), "1234567"), S_OK);
  EXPECT_STREQ(small, "1234567");
  EXPECT_EQ(StringCchCopyA(small, ARRAYSIZE(small), "123456789"), STRSAFE_E_INSUFFICIENT_BUFFER);
  EXPECT_STREQ(small, "1234567") << "cut, and NUL-terminated";
  EXPECT_EQ(StringCchPrintfA(small, ARRAYSIZE(small), "%d-%s", 42, "ab"), S_OK);
  EXPECT_STREQ(small, "42-ab");
  EXPECT_EQ(StringCchPrintfA(small, ARRAYSIZE(small), "%d", 123456789),
            STRSAFE_E_INSUFFICIENT_BUFFER);
  EXPECT_STREQ(small, "1234567");
  EXPECT_EQ(StringCchCopyA(small, 0, "x"), STRSAFE_E_INVALID_PARAMETER);
  char joined[10] = "ab";
  EXPECT_EQ(StringCchCatA(joined, ARRAYSIZE(joined), "cd"), S_OK);
  EXPECT_STREQ(joined, "abcd");
  EXPECT_EQ(StringCchCatA(joined, ARRAYSIZE(joined), "efghijk"), STRSAFE_E_INSUFFICIENT_BUFFER);
  EXPECT_STREQ(joined, "abcdefghi");
  size_t n = 99;
  EXPECT_EQ(StringCchLengthA("hello", 10, &n), S_OK);
  EXPECT_EQ(n, 5U);
  EXPECT_EQ(StringCchLengthA("hello", 5, &n), STRSAFE_E_INVALID_PARAMETER);
  EXPECT_TRUE(FAILED(STRSAFE_E_INSUFFICIENT_BUFFER));
  EXPECT_TRUE(SUCCEEDED(S_OK));
  wchar_t wide[4];
  EXPECT_EQ(StringCchPrintfW(wide, ARRAYSIZE(wide), L"%d", 12), S_OK);
  EXPECT_EQ(std::wstring(wide), L"12");
  EXPECT_EQ(StringCchCopyW(wide, ARRAYSIZE(wide), L"abcdef"), STRSAFE_E_INSUFFICIENT_BUFFER);
  EXPECT_EQ(std::wstring(wide), L"abc");
}

TEST(Win32Basics, TcharMapsToNarrowWithoutUnicode) {
  const _TCHAR* text = _T("port");
  EXPECT_EQ(_tcslen(text), 4U);
  EXPECT_EQ(_tcsicmp(_T("PORT"), text), 0);
  EXPECT_EQ(_ttoi(_T("27015")), 27015);
  EXPECT_EQ(lstrlen("four"), 4);
  EXPECT_EQ(lstrcmpi("ABC", "abc"), 0);
  EXPECT_EQ(_strnicmp("HostA", "hostB", 4), 0);
}

TEST(Win32Basics, TheMstcpipAddressHelpersFollowTheFamily) {
  SOCKADDR_STORAGE ss{};
  ss.ss_family = AF_INET;
  INETADDR_SETLOOPBACK(reinterpret_cast<PSOCKADDR>(&ss));
  EXPECT_TRUE(INETADDR_ISLOOPBACK(reinterpret_cast<PSOCKADDR>(&ss)));
  SS_PORT(&ss) = htons(8080);
  EXPECT_EQ(ntohs(INETADDR_PORT(reinterpret_cast<PSOCKADDR>(&ss))), 8080);
  INETADDR_SETANY(reinterpret_cast<PSOCKADDR>(&ss));
  EXPECT_TRUE(INETADDR_ISANY(reinterpret_cast<PSOCKADDR>(&ss)));
  EXPECT_EQ(SS_PORT(&ss), 0) << "SETANY clears the port";
  ss.ss_family = AF_INET6;
  INETADDR_SETLOOPBACK(reinterpret_cast<PSOCKADDR>(&ss));
  EXPECT_EQ(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr.s6_addr[15], 1);
  EXPECT_TRUE(INETADDR_ISLOOPBACK(reinterpret_cast<PSOCKADDR>(&ss)));
  EXPECT_FALSE(INETADDR_ISANY(reinterpret_cast<PSOCKADDR>(&ss)));
}

// Console control: the handlers run on a thread of their own, last added first.
std::string ctrl_log;
BOOL WINAPI first_handler(DWORD type) {
  ctrl_log += "first(" + std::to_string(type) + ")";
  return TRUE;
}
BOOL WINAPI passing_handler(DWORD type) {
  ctrl_log += "passing(" + std::to_string(type) + ")";
  return FALSE;
}

class ConsoleCtrl : public EmulatorTest {
 protected:
  void SetUp() override {
    make_hosts("windows-10-22h2");
    ctrl_log.clear();
  }
};

TEST_F(ConsoleCtrl, HandlersRunLastAddedFirstUntilOneHandlesIt) {
  {
    HostScope on(*server);
    ASSERT_TRUE(SetConsoleCtrlHandler(first_handler, TRUE));
    ASSERT_TRUE(SetConsoleCtrlHandler(passing_handler, TRUE));
  }
  ASSERT_TRUE(world.send_console_ctrl(*server, CTRL_C_EVENT).ok());
  ASSERT_TRUE(world.run_threads().ok());
  EXPECT_EQ(ctrl_log, "passing(0)first(0)");
  {
    HostScope on(*server);
    ASSERT_TRUE(SetConsoleCtrlHandler(passing_handler, FALSE));
    EXPECT_FALSE(SetConsoleCtrlHandler(passing_handler, FALSE)) << "not registered any more";
    ASSERT_TRUE(SetConsoleCtrlHandler(nullptr, TRUE));  // ignore CTRL+C
  }
  ctrl_log.clear();
  ASSERT_TRUE(world.send_console_ctrl(*server, CTRL_C_EVENT).ok());
  ASSERT_TRUE(world.send_console_ctrl(*server, CTRL_BREAK_EVENT).ok());
  ASSERT_TRUE(world.run_threads().ok());
  EXPECT_EQ(ctrl_log, "first(1)") << "CTRL+C ignored, CTRL+BREAK still handled";
  const auto bad = world.send_console_ctrl(*server, 3);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not a console control event"), std::string::npos);
}

TEST_F(ConsoleCtrl, GetLastErrorAndWsaGetLastErrorAreOneValue) {
  HostScope on(*client);
  WSASetLastError(WSAECONNRESET);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(WSAECONNRESET));
  SetLastError(ERROR_INVALID_HANDLE);
  EXPECT_EQ(WSAGetLastError(), ERROR_INVALID_HANDLE);
  EXPECT_NE(GetCurrentProcessId(), 0U);
}

}  // namespace
}  // namespace ws2sim::winsock::testing
