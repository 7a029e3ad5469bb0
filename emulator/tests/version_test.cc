// The version queries real programs branch on (docs/behaviour.md §9 P3/P7), on every profile.
// The expected numbers are written out here from the spec's §7 table and Microsoft's published
// build numbers, not read from the profile table, so a wrong profile row shows up as a failure.
#include <array>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "emulator_fixture.h"
// The version helpers, as a program includes them.
#include <versionhelpers.h>

// Programs declare these themselves (the Windows headers do not); the emulator exports them
// under these plain names.
extern "C" NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW lpVersionInformation);
extern "C" NTSTATUS NTAPI RtlVerifyVersionInfo(PRTL_OSVERSIONINFOEXW VersionInfo, ULONG TypeMask,
                                               ULONGLONG ConditionMask);

namespace ws2sim::winsock::testing {
namespace {

struct Expected {
  std::string_view profile;
  DWORD major;
  DWORD minor;
  DWORD build;
  WORD service_pack;
  bool server;
};

// NT version, build and service pack of each emulated release.
constexpr std::array kExpected{
    Expected{"windows-2000", 5, 0, 2195, 4, false},
    Expected{"windows-xp", 5, 1, 2600, 3, false},
    Expected{"windows-server-2003", 5, 2, 3790, 2, true},
    Expected{"windows-vista", 6, 0, 6002, 2, false},
    Expected{"windows-server-2008", 6, 0, 6003, 2, true},
    Expected{"windows-7", 6, 1, 7601, 1, false},
    Expected{"windows-8", 6, 2, 9200, 0, false},
    Expected{"windows-8.1", 6, 3, 9600, 0, false},
    Expected{"windows-server-2012r2", 6, 3, 9600, 0, true},
    Expected{"windows-10-1507", 10, 0, 10240, 0, false},
    Expected{"windows-10-1607", 10, 0, 14393, 0, false},
    Expected{"windows-server-2016", 10, 0, 14393, 0, true},
    Expected{"windows-10-1703", 10, 0, 15063, 0, false},
    Expected{"windows-10-1709", 10, 0, 16299, 0, false},
    Expected{"windows-10-22h2", 10, 0, 19045, 0, false},
    Expected{"windows-server-2019", 10, 0, 17763, 0, true},
    Expected{"windows-server-2022", 10, 0, 20348, 0, true},
    Expected{"windows-11", 10, 0, 22631, 0, false},
};

std::wstring csd_version(WORD sp) {
  return sp == 0 ? std::wstring() : L"Service Pack " + std::to_wstring(sp);
}

// (major, minor, sp) >= (major2, minor2, sp2), the order version helpers test.
bool at_least(const Expected& e, DWORD major, DWORD minor, WORD sp) {
  if (e.major != major) return e.major > major;
  if (e.minor != minor) return e.minor > minor;
  return e.service_pack >= sp;
}

template <typename F>
FARPROC as_farproc(F* f) {
  return reinterpret_cast<FARPROC>(reinterpret_cast<void (*)()>(f));
}

template <typename F>
F* from_farproc(FARPROC p) {
  return reinterpret_cast<F*>(reinterpret_cast<void (*)()>(p));
}

// A world with one host running the profile under test. No WSAStartup: version queries do not
// need one.
class VersionQuery : public ::testing::TestWithParam<const Profile*> {
 protected:
  void SetUp() override {
    const std::string_view name = GetParam()->name;
    for (const Expected& e : kExpected) {
      if (e.profile == name) expected = e;
    }
    ASSERT_EQ(expected.profile, name) << "no expectation written for profile " << name;
    host = &world.add_host("pc", name, "10.0.0.1").value().get();
  }

  // VerifyVersionInfoW for "build >= n".
  static BOOL build_at_least(DWORD n) {
    OSVERSIONINFOEXW info{};
    info.dwOSVersionInfoSize = sizeof info;
    info.dwBuildNumber = n;
    return VerifyVersionInfoW(&info, VER_BUILDNUMBER,
                              VerSetConditionMask(0, VER_BUILDNUMBER, VER_GREATER_EQUAL));
  }

  World world{1};
  Host* host = nullptr;
  Expected expected{};
};

TEST_P(VersionQuery, GetVersionExWReportsTheProfile) {
  HostScope on(*host);
  OSVERSIONINFOW info;
  std::memset(&info, 0xcc, sizeof info);
  info.dwOSVersionInfoSize = sizeof info;
  SetLastError(0xdeadbeef);
  ASSERT_TRUE(GetVersionExW(&info));
  EXPECT_EQ(GetLastError(), 0xdeadbeefU);  // untouched on success
  EXPECT_EQ(info.dwMajorVersion, expected.major);
  EXPECT_EQ(info.dwMinorVersion, expected.minor);
  EXPECT_EQ(info.dwBuildNumber, expected.build);
  EXPECT_EQ(info.dwPlatformId, static_cast<DWORD>(VER_PLATFORM_WIN32_NT));
  EXPECT_EQ(std::wstring(info.szCSDVersion), csd_version(expected.service_pack));
}

TEST_P(VersionQuery, GetVersionExWFillsTheExFields) {
  HostScope on(*host);
  OSVERSIONINFOEXW info;
  std::memset(&info, 0xcc, sizeof info);
  info.dwOSVersionInfoSize = sizeof info;
  ASSERT_TRUE(GetVersionExW(reinterpret_cast<LPOSVERSIONINFOW>(&info)));
  EXPECT_EQ(info.dwMajorVersion, expected.major);
  EXPECT_EQ(info.dwBuildNumber, expected.build);
  EXPECT_EQ(info.wServicePackMajor, expected.service_pack);
  EXPECT_EQ(info.wServicePackMinor, 0);
  EXPECT_EQ(info.wProductType, expected.server ? VER_NT_SERVER : VER_NT_WORKSTATION);
}

TEST_P(VersionQuery, GetVersionExAReportsTheProfile) {
  HostScope on(*host);
  OSVERSIONINFOEXA info{};
  info.dwOSVersionInfoSize = sizeof info;
  ASSERT_TRUE(GetVersionExA(reinterpret_cast<LPOSVERSIONINFOA>(&info)));
  EXPECT_EQ(info.dwMajorVersion, expected.major);
  EXPECT_EQ(info.dwMinorVersion, expected.minor);
  EXPECT_EQ(info.dwBuildNumber, expected.build);
  const std::string csd =
      expected.service_pack == 0 ? "" : "Service Pack " + std::to_string(expected.service_pack);
  EXPECT_EQ(std::string(info.szCSDVersion), csd);
  EXPECT_EQ(info.wServicePackMajor, expected.service_pack);
}

TEST_P(VersionQuery, RtlGetVersionCalledDirectly) {
  HostScope on(*host);
  RTL_OSVERSIONINFOW info{};
  info.dwOSVersionInfoSize = sizeof info;
  EXPECT_EQ(RtlGetVersion(&info), STATUS_SUCCESS);
  EXPECT_EQ(info.dwMajorVersion, expected.major);
  EXPECT_EQ(info.dwMinorVersion, expected.minor);
  EXPECT_EQ(info.dwBuildNumber, expected.build);
  EXPECT_EQ(std::wstring(info.szCSDVersion), csd_version(expected.service_pack));

  RTL_OSVERSIONINFOEXW ex{};
  ex.dwOSVersionInfoSize = sizeof ex;
  EXPECT_EQ(RtlGetVersion(reinterpret_cast<PRTL_OSVERSIONINFOW>(&ex)), STATUS_SUCCESS);
  EXPECT_EQ(ex.wServicePackMajor, expected.service_pack);
  EXPECT_EQ(ex.wProductType, expected.server ? VER_NT_SERVER : VER_NT_WORKSTATION);
}

TEST_P(VersionQuery, RtlGetVersionThroughGetProcAddressLikeLibuv) {
  HostScope on(*host);
  using RtlGetVersionFn = NTSTATUS(NTAPI*)(PRTL_OSVERSIONINFOW);
  const FARPROC proc = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "RtlGetVersion");
  ASSERT_NE(proc, nullptr);
  EXPECT_EQ(proc, as_farproc(&RtlGetVersion));
  auto* fn = from_farproc<NTSTATUS NTAPI(PRTL_OSVERSIONINFOW)>(proc);
  static_assert(std::is_same_v<decltype(fn), RtlGetVersionFn>);
  RTL_OSVERSIONINFOW info{};
  info.dwOSVersionInfoSize = sizeof info;
  EXPECT_EQ(fn(&info), STATUS_SUCCESS);
  EXPECT_EQ(info.dwBuildNumber, expected.build);
  EXPECT_EQ(info.dwMajorVersion, expected.major);
}

TEST_P(VersionQuery, BuildAtLeast16299IsTheP3GateTrueFrom1709) {
  HostScope on(*host);
  const bool expect = expected.build >= 16299;
  SetLastError(0);
  EXPECT_EQ(build_at_least(16299) != FALSE, expect);
  if (!expect) {
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_OLD_WIN_VERSION));
  }
}

TEST_P(VersionQuery, BuildAtLeast15063) {
  HostScope on(*host);
  EXPECT_EQ(build_at_least(15063) != FALSE, expected.build >= 15063);
}

TEST_P(VersionQuery, RtlVerifyVersionInfoThroughGetProcAddressLikeCurl) {
  HostScope on(*host);
  const FARPROC proc = GetProcAddress(GetModuleHandleA("NTDLL"), "RtlVerifyVersionInfo");
  ASSERT_NE(proc, nullptr);
  auto* fn = from_farproc<NTSTATUS NTAPI(PRTL_OSVERSIONINFOEXW, ULONG, ULONGLONG)>(proc);
  RTL_OSVERSIONINFOEXW info{};
  info.dwOSVersionInfoSize = sizeof info;
  info.dwMajorVersion = 10;
  info.dwMinorVersion = 0;
  info.dwBuildNumber = 16299;
  ULONGLONG mask = 0;
  VER_SET_CONDITION(mask, VER_MAJORVERSION, VER_GREATER_EQUAL);
  VER_SET_CONDITION(mask, VER_MINORVERSION, VER_GREATER_EQUAL);
  VER_SET_CONDITION(mask, VER_BUILDNUMBER, VER_GREATER_EQUAL);
  const NTSTATUS status = fn(&info, VER_MAJORVERSION | VER_MINORVERSION | VER_BUILDNUMBER, mask);
  EXPECT_EQ(status, expected.build >= 16299 ? STATUS_SUCCESS : STATUS_REVISION_MISMATCH);
}

TEST_P(VersionQuery, MajorMinorAtLeastSixZero) {
  HostScope on(*host);
  OSVERSIONINFOEXW info{};
  info.dwOSVersionInfoSize = sizeof info;
  info.dwMajorVersion = 6;
  info.dwMinorVersion = 0;
  DWORDLONG mask = VerSetConditionMask(0, VER_MAJORVERSION, VER_GREATER_EQUAL);
  mask = VerSetConditionMask(mask, VER_MINORVERSION, VER_GREATER_EQUAL);
  EXPECT_EQ(VerifyVersionInfoW(&info, VER_MAJORVERSION | VER_MINORVERSION, mask) != FALSE,
            expected.major >= 6);
}

TEST_P(VersionQuery, MajorMinorBelowSixTwoUsesTheLessCondition) {
  HostScope on(*host);
  OSVERSIONINFOEXW info{};
  info.dwOSVersionInfoSize = sizeof info;
  info.dwMajorVersion = 6;
  info.dwMinorVersion = 2;
  DWORDLONG mask = VerSetConditionMask(0, VER_MAJORVERSION, VER_LESS);
  mask = VerSetConditionMask(mask, VER_MINORVERSION, VER_LESS);
  const bool below = expected.major < 6 || (expected.major == 6 && expected.minor < 2);
  EXPECT_EQ(VerifyVersionInfoW(&info, VER_MAJORVERSION | VER_MINORVERSION, mask) != FALSE, below);
}

TEST_P(VersionQuery, VersionHelpers) {
  HostScope on(*host);
  EXPECT_EQ(IsWindowsXPOrGreater() != FALSE, at_least(expected, 5, 1, 0));
  EXPECT_EQ(IsWindowsXPSP3OrGreater() != FALSE, at_least(expected, 5, 1, 3));
  EXPECT_EQ(IsWindowsVistaOrGreater() != FALSE, at_least(expected, 6, 0, 0));
  EXPECT_EQ(IsWindowsVistaSP2OrGreater() != FALSE, at_least(expected, 6, 0, 2));
  EXPECT_EQ(IsWindows7OrGreater() != FALSE, at_least(expected, 6, 1, 0));
  EXPECT_EQ(IsWindows7SP1OrGreater() != FALSE, at_least(expected, 6, 1, 1));
  EXPECT_EQ(IsWindows8Point1OrGreater() != FALSE, at_least(expected, 6, 3, 0));
  EXPECT_EQ(IsWindows10OrGreater() != FALSE, at_least(expected, 10, 0, 0));
  EXPECT_EQ(IsWindowsServer() != FALSE, expected.server);
}

TEST_P(VersionQuery, ProductTypeAndPlatformCompareExactly) {
  HostScope on(*host);
  OSVERSIONINFOEXW info{};
  info.dwOSVersionInfoSize = sizeof info;
  info.wProductType = VER_NT_SERVER;
  info.dwPlatformId = VER_PLATFORM_WIN32_NT;
  DWORDLONG mask = VerSetConditionMask(0, VER_PRODUCT_TYPE, VER_EQUAL);
  mask = VerSetConditionMask(mask, VER_PLATFORMID, VER_EQUAL);
  EXPECT_EQ(VerifyVersionInfoW(&info, VER_PRODUCT_TYPE | VER_PLATFORMID, mask) != FALSE,
            expected.server);
}

INSTANTIATE_TEST_SUITE_P(Version, VersionQuery, ::testing::ValuesIn([] {
                           std::vector<const Profile*> v;
                           for (const Profile& p : all_profiles())
                             v.push_back(&p);
                           return v;
                         }()),
                         [](const auto& test_info) {
                           std::string n(test_info.param->name);
                           for (char& c : n)
                             c = (c == '-' || c == '.') ? '_' : c;
                           return n;
                         });

TEST(VersionTable, EveryExpectationHasAProfile) {
  for (const Expected& e : kExpected)
    EXPECT_NE(find_profile(e.profile), nullptr) << e.profile;
  EXPECT_EQ(all_profiles().size(), kExpected.size());
}

// ---- Rules that do not depend on the profile ---------------------------------------------------

class VersionApi : public ::testing::Test {
 protected:
  // Windows 7 SP1: 6.1.7601, service pack 1 (gives the service-pack rules something to test).
  void SetUp() override { host = &world.add_host("pc", "windows-7", "10.0.0.1").value().get(); }

  // VerifyVersionInfoW against Windows 7 SP1 with up to three (type, condition) pairs.
  static BOOL verify(DWORD types, const OSVERSIONINFOEXW& info,
                     std::initializer_list<std::pair<DWORD, BYTE>> conditions) {
    DWORDLONG mask = 0;
    for (const auto& [type, condition] : conditions)
      mask = VerSetConditionMask(mask, type, condition);
    OSVERSIONINFOEXW copy = info;
    return VerifyVersionInfoW(&copy, types, mask);
  }

  static OSVERSIONINFOEXW seven_sp1() {
    OSVERSIONINFOEXW info{};
    info.dwOSVersionInfoSize = sizeof info;
    info.dwMajorVersion = 6;
    info.dwMinorVersion = 1;
    info.dwBuildNumber = 7601;
    info.dwPlatformId = VER_PLATFORM_WIN32_NT;
    info.wServicePackMajor = 1;
    return info;
  }

  World world{1};
  Host* host = nullptr;
};

constexpr DWORD kAllLevels =
    VER_MAJORVERSION | VER_MINORVERSION | VER_SERVICEPACKMAJOR | VER_SERVICEPACKMINOR;

TEST(VersionConditionMask, ThreeBitsPerTypeAtTheTypeFlagsBitPosition) {
  // Pure: no host needed.
  EXPECT_EQ(VerSetConditionMask(0, VER_MINORVERSION, VER_EQUAL), 1ULL);
  EXPECT_EQ(VerSetConditionMask(0, VER_MAJORVERSION, VER_GREATER_EQUAL), 3ULL << 3);
  EXPECT_EQ(VerSetConditionMask(0, VER_BUILDNUMBER, VER_GREATER_EQUAL), 3ULL << 6);
  EXPECT_EQ(VerSetConditionMask(0, VER_PLATFORMID, VER_EQUAL), 1ULL << 9);
  EXPECT_EQ(VerSetConditionMask(0, VER_SERVICEPACKMINOR, VER_LESS), 4ULL << 12);
  EXPECT_EQ(VerSetConditionMask(0, VER_SERVICEPACKMAJOR, VER_GREATER), 2ULL << 15);
  EXPECT_EQ(VerSetConditionMask(0, VER_SUITENAME, VER_OR), 7ULL << 18);
  EXPECT_EQ(VerSetConditionMask(0, VER_PRODUCT_TYPE, VER_LESS_EQUAL), 5ULL << 21);
  // Chained as versionhelpers.h does.
  DWORDLONG m = VerSetConditionMask(0, VER_MAJORVERSION, VER_GREATER_EQUAL);
  m = VerSetConditionMask(m, VER_MINORVERSION, VER_GREATER_EQUAL);
  m = VerSetConditionMask(m, VER_SERVICEPACKMAJOR, VER_GREATER_EQUAL);
  EXPECT_EQ(m, (3ULL << 3) | 3ULL | (3ULL << 15));
}

TEST(VersionConditionMask, ConditionZeroOrNoTypeLeavesTheMaskUnchanged) {
  EXPECT_EQ(VerSetConditionMask(0x1234, VER_MAJORVERSION, 0), 0x1234ULL);
  EXPECT_EQ(VerSetConditionMask(0x1234, 0, VER_EQUAL), 0x1234ULL);
  EXPECT_EQ(VerSetConditionMask(0, VER_MAJORVERSION, 8), 0ULL);  // only the low 3 bits count
  EXPECT_EQ(VerSetConditionMask(0, VER_MAJORVERSION, 0x0B), 3ULL << 3);
}

TEST_F(VersionApi, ZeroTypeMaskOrConditionMaskIsErrorBadArguments) {
  HostScope on(*host);
  OSVERSIONINFOEXW info = seven_sp1();
  EXPECT_FALSE(VerifyVersionInfoW(&info, 0, VerSetConditionMask(0, VER_MAJORVERSION, VER_EQUAL)));
  EXPECT_EQ(GetLastError(), ERROR_BAD_ARGUMENTS);
  EXPECT_FALSE(VerifyVersionInfoW(&info, VER_MAJORVERSION, 0));
  EXPECT_EQ(GetLastError(), ERROR_BAD_ARGUMENTS);
  EXPECT_EQ(RtlVerifyVersionInfo(&info, 0, 1), STATUS_INVALID_PARAMETER);
  EXPECT_FALSE(VerifyVersionInfoW(nullptr, VER_MAJORVERSION, 1ULL << 3));
  EXPECT_EQ(GetLastError(), ERROR_BAD_ARGUMENTS);
}

TEST_F(VersionApi, SuiteNeedsAndOrOr) {
  HostScope on(*host);
  OSVERSIONINFOEXW info = seven_sp1();
  info.wSuiteMask = 0;
  EXPECT_TRUE(verify(VER_SUITENAME, info, {{VER_SUITENAME, VER_AND}}));  // observed
  EXPECT_TRUE(verify(VER_SUITENAME, info, {{VER_SUITENAME, VER_OR}}));   // observed
  EXPECT_FALSE(verify(VER_SUITENAME, info, {{VER_SUITENAME, VER_EQUAL}}));
  EXPECT_EQ(GetLastError(), ERROR_BAD_ARGUMENTS);
}

TEST_F(VersionApi, GetVersionExRejectsOtherSizesAndNull) {
  HostScope on(*host);
  for (DWORD size : {DWORD{0}, DWORD{sizeof(OSVERSIONINFOW) / 2}, DWORD{sizeof(OSVERSIONINFOW) * 2},
                     DWORD{sizeof(OSVERSIONINFOW) + 1}}) {
    OSVERSIONINFOW info{};
    info.dwOSVersionInfoSize = size;
    SetLastError(0);
    EXPECT_FALSE(GetVersionExW(&info)) << size;
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));  // observed
  }
  OSVERSIONINFOA a{};
  a.dwOSVersionInfoSize = sizeof(OSVERSIONINFOW);  // the W size is wrong for the A call
  EXPECT_FALSE(GetVersionExA(&a));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INSUFFICIENT_BUFFER));
  EXPECT_FALSE(GetVersionExW(nullptr));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_PARAMETER));
  EXPECT_EQ(RtlGetVersion(nullptr), STATUS_INVALID_PARAMETER);
}

TEST_F(VersionApi, VerifyVersionInfoIgnoresTheStructureSize) {  // observed
  HostScope on(*host);
  OSVERSIONINFOEXW info = seven_sp1();
  info.dwOSVersionInfoSize = 0;
  EXPECT_TRUE(verify(kAllLevels, info, {{VER_MAJORVERSION, VER_GREATER_EQUAL}}));
}

// The hierarchical comparison of major, minor and service pack, against Windows 7 SP1. Each row
// is one Windows observed in Wine's kernel32 version tests.
TEST_F(VersionApi, HigherLevelDecidesWhenItDiffers) {
  HostScope on(*host);
  OSVERSIONINFOEXW v = seven_sp1();
  v.dwMajorVersion = 5;  // 5.1 SP3: a greater major version skips the lower tests (documented)
  v.wServicePackMajor = 3;
  EXPECT_TRUE(verify(kAllLevels, v,
                     {{VER_MAJORVERSION, VER_GREATER_EQUAL},
                      {VER_MINORVERSION, VER_GREATER_EQUAL},
                      {VER_SERVICEPACKMAJOR, VER_GREATER_EQUAL}}));
  v = seven_sp1();
  v.dwMinorVersion = 0;  // 6.0 SP3
  v.wServicePackMajor = 3;
  EXPECT_TRUE(verify(kAllLevels, v,
                     {{VER_MAJORVERSION, VER_GREATER_EQUAL},
                      {VER_MINORVERSION, VER_GREATER_EQUAL},
                      {VER_SERVICEPACKMAJOR, VER_GREATER_EQUAL}}));
  v = seven_sp1();
  v.wServicePackMajor = 2;  // 6.1 SP2: decided by the service pack
  EXPECT_FALSE(verify(kAllLevels, v,
                      {{VER_MAJORVERSION, VER_GREATER_EQUAL},
                       {VER_MINORVERSION, VER_GREATER_EQUAL},
                       {VER_SERVICEPACKMAJOR, VER_GREATER_EQUAL}}));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_OLD_WIN_VERSION));
}

TEST_F(VersionApi, LaterLevelConditionsFollowTheFirstLevelsDirection) {  // observed
  HostScope on(*host);
  OSVERSIONINFOEXW v = seven_sp1();
  v.dwMinorVersion = 2;
  // Major EQUAL, minor LESS: the minor's own condition applies (6.1 < 6.2).
  EXPECT_TRUE(verify(kAllLevels, v, {{VER_MAJORVERSION, VER_EQUAL}, {VER_MINORVERSION, VER_LESS}}));
  // Major GREATER_EQUAL, minor LESS: the opposite direction is ignored; 1 >= 2 fails.
  EXPECT_FALSE(
      verify(kAllLevels, v, {{VER_MAJORVERSION, VER_GREATER_EQUAL}, {VER_MINORVERSION, VER_LESS}}));
  // Major LESS_EQUAL, minor LESS: same direction, minor's own condition.
  EXPECT_TRUE(
      verify(kAllLevels, v, {{VER_MAJORVERSION, VER_LESS_EQUAL}, {VER_MINORVERSION, VER_LESS}}));
  // A non-relational first condition never holds.
  EXPECT_FALSE(verify(kAllLevels, v, {{VER_MAJORVERSION, VER_AND}, {VER_MINORVERSION, VER_LESS}}));
}

TEST_F(VersionApi, EqualLevelsPassTheDecisionDown) {  // observed
  HostScope on(*host);
  OSVERSIONINFOEXW v = seven_sp1();
  v.wServicePackMajor = 2;
  // Minor LESS on equal minors fails on its own, but the service pack (1 < 2) decides.
  EXPECT_TRUE(verify(VER_MINORVERSION | VER_SERVICEPACKMAJOR | VER_SERVICEPACKMINOR, v,
                     {{VER_MINORVERSION, VER_LESS}}));
  EXPECT_FALSE(verify(VER_MINORVERSION | VER_SERVICEPACKMAJOR | VER_SERVICEPACKMINOR, v,
                      {{VER_MINORVERSION, VER_EQUAL}}));
  // A level without a condition continues the running one: major EQUAL on every level.
  EXPECT_FALSE(
      verify(kAllLevels, v, {{VER_MAJORVERSION, VER_EQUAL}, {VER_SERVICEPACKMAJOR, VER_LESS}}));
  // ...unless it is the first level, then nothing holds.
  EXPECT_FALSE(
      verify(kAllLevels, v, {{VER_MINORVERSION, VER_EQUAL}, {VER_SERVICEPACKMAJOR, VER_LESS}}));
}

TEST_F(VersionApi, ATypeWithoutAConditionFails) {  // observed
  HostScope on(*host);
  OSVERSIONINFOEXW zero{};
  EXPECT_TRUE(
      verify(VER_MAJORVERSION | VER_MINORVERSION, zero, {{VER_MAJORVERSION, VER_GREATER_EQUAL}}));
  EXPECT_FALSE(verify(VER_MAJORVERSION | VER_MINORVERSION | VER_BUILDNUMBER, zero,
                      {{VER_MAJORVERSION, VER_GREATER_EQUAL}}));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_OLD_WIN_VERSION));
}

TEST_F(VersionApi, GetModuleHandleKnowsNtdllKernel32AndWs2_32) {
  HostScope on(*host);
  HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  HMODULE kernel32 = GetModuleHandleW(L"kernel32.dll");
  HMODULE ws2_32 = GetModuleHandleW(L"ws2_32.dll");
  ASSERT_NE(ntdll, nullptr);
  ASSERT_NE(kernel32, nullptr);
  ASSERT_NE(ws2_32, nullptr);
  EXPECT_NE(ntdll, kernel32);
  EXPECT_NE(kernel32, ws2_32);
  EXPECT_EQ(GetModuleHandleW(L"NTDLL.DLL"), ntdll);
  EXPECT_EQ(GetModuleHandleW(L"ntdll"), ntdll);
  EXPECT_EQ(GetModuleHandleA("Kernel32.Dll"), kernel32);
  EXPECT_EQ(GetModuleHandleA("WS2_32"), ws2_32);
  HMODULE exe = GetModuleHandleW(nullptr);
  EXPECT_NE(exe, nullptr);
  EXPECT_NE(exe, ntdll);
  SetLastError(0);
  EXPECT_EQ(GetModuleHandleW(L"user32.dll"), nullptr);
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_MOD_NOT_FOUND));
  EXPECT_EQ(GetModuleHandleA("ntdll.dll.dll"), nullptr);
}

TEST_F(VersionApi, GetProcAddressFindsTheListedExports) {
  HostScope on(*host);
  HMODULE kernel32 = GetModuleHandleA("kernel32.dll");
  HMODULE ws2_32 = GetModuleHandleA("ws2_32.dll");
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  EXPECT_EQ(GetProcAddress(ntdll, "RtlVerifyVersionInfo"), as_farproc(&RtlVerifyVersionInfo));
  EXPECT_EQ(GetProcAddress(kernel32, "GetVersionExW"), as_farproc(&GetVersionExW));
  EXPECT_EQ(GetProcAddress(kernel32, "VerifyVersionInfoW"), as_farproc(&VerifyVersionInfoW));
  EXPECT_EQ(GetProcAddress(kernel32, "VerSetConditionMask"), as_farproc(&VerSetConditionMask));
  EXPECT_EQ(GetProcAddress(kernel32, "SleepEx"), as_farproc(&SleepEx));
  EXPECT_EQ(GetProcAddress(kernel32, "Sleep"), as_farproc(&Sleep));
  EXPECT_EQ(GetProcAddress(kernel32, "GetLastError"), as_farproc(&GetLastError));
  EXPECT_EQ(GetProcAddress(kernel32, "SetLastError"), as_farproc(&SetLastError));
  EXPECT_EQ(GetProcAddress(ws2_32, "WSAIoctl"), as_farproc(&WSAIoctl));
  EXPECT_EQ(GetProcAddress(ws2_32, "setsockopt"), as_farproc(&setsockopt));
  EXPECT_EQ(GetProcAddress(ws2_32, "getsockopt"), as_farproc(&getsockopt));
  EXPECT_EQ(GetProcAddress(ws2_32, "WSAGetLastError"), as_farproc(&WSAGetLastError));
}

TEST_F(VersionApi, GetProcAddressFailures) {
  HostScope on(*host);
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  const auto expect_not_found = [](FARPROC p, DWORD error) {
    EXPECT_EQ(p, nullptr);
    EXPECT_EQ(GetLastError(), error);
  };
  SetLastError(0);
  expect_not_found(GetProcAddress(ntdll, "rtlgetversion"), ERROR_PROC_NOT_FOUND);  // exact case
  expect_not_found(GetProcAddress(ntdll, "GetVersionExW"), ERROR_PROC_NOT_FOUND);  // kernel32's
  expect_not_found(GetProcAddress(ntdll, "NtNoSuchThing"), ERROR_PROC_NOT_FOUND);
  expect_not_found(GetProcAddress(ntdll, reinterpret_cast<LPCSTR>(1)), ERROR_PROC_NOT_FOUND);
  expect_not_found(GetProcAddress(GetModuleHandleW(nullptr), "RtlGetVersion"),
                   ERROR_PROC_NOT_FOUND);
  expect_not_found(GetProcAddress(nullptr, "RtlGetVersion"), ERROR_PROC_NOT_FOUND);
  HINSTANCE__ not_a_module{};
  expect_not_found(GetProcAddress(&not_a_module, "RtlGetVersion"), ERROR_MOD_NOT_FOUND);
}

TEST_F(VersionApi, WithoutAHostEveryQueryFailsWithErrorInvalidFunction) {
  OSVERSIONINFOW info{};
  info.dwOSVersionInfoSize = sizeof info;
  SetLastError(0);
  EXPECT_FALSE(GetVersionExW(&info));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_FUNCTION));
  EXPECT_EQ(RtlGetVersion(&info), STATUS_INVALID_PARAMETER);
  OSVERSIONINFOEXW ex{};
  EXPECT_FALSE(VerifyVersionInfoW(&ex, VER_MAJORVERSION, 3ULL << 3));
  EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_INVALID_FUNCTION));
  EXPECT_EQ(GetModuleHandleW(L"ntdll.dll"), nullptr);
  EXPECT_EQ(GetProcAddress(nullptr, "RtlGetVersion"), nullptr);
}

}  // namespace
}  // namespace ws2sim::winsock::testing
