// The inline helpers of versionhelpers.h, checked against stand-ins for VerSetConditionMask and
// VerifyVersionInfoW. This binary does not link the ws2sim library, so the two stand-ins below
// provide the symbols the helpers call (ws2sim_VerSetConditionMask, ws2sim_VerifyVersionInfoW):
// they record each call and answer for a configurable fake system, which lets the tests check
// that every helper asks exactly the documented question.

#include <gtest/gtest.h>
#include <versionhelpers.h>
#include <windows.h>

#include <vector>

namespace {

struct FakeSystem {
  DWORD major;
  DWORD minor;
  WORD service_pack_major;
  BYTE product_type;
};

struct VerifyCall {
  OSVERSIONINFOEXW info;
  DWORD type_mask;
  DWORDLONG condition_mask;
};

FakeSystem g_system{10, 0, 0, VER_NT_WORKSTATION};
std::vector<VerifyCall> g_calls;

// The condition VerSetConditionMask stored for one VER_* type bit: 3 bits per type bit.
int ConditionFor(DWORDLONG condition_mask, DWORD type_bit) {
  int index = 0;
  while (((type_bit >> index) & 1u) == 0)
    ++index;
  return static_cast<int>((condition_mask >> (VER_NUM_BITS_PER_CONDITION_MASK * index)) &
                          VER_CONDITION_MASK);
}

bool Satisfies(ULONGLONG actual, ULONGLONG wanted, int condition) {
  switch (condition) {
    case VER_EQUAL:
      return actual == wanted;
    case VER_GREATER:
      return actual > wanted;
    case VER_GREATER_EQUAL:
      return actual >= wanted;
    case VER_LESS:
      return actual < wanted;
    case VER_LESS_EQUAL:
      return actual <= wanted;
    default:
      return false;
  }
}

void UseSystem(DWORD major, DWORD minor, WORD service_pack, BYTE product = VER_NT_WORKSTATION) {
  g_system = FakeSystem{major, minor, service_pack, product};
  g_calls.clear();
}

}  // namespace

// ---- Stand-ins for the library functions (same declarations, hence same symbols) --------------

ULONGLONG NTAPI VerSetConditionMask(ULONGLONG ConditionMask, DWORD TypeMask, BYTE Condition) {
  for (int index = 0; index < 8; ++index) {
    if ((TypeMask >> index) & 1u) {
      const int shift = VER_NUM_BITS_PER_CONDITION_MASK * index;
      ConditionMask &= ~(static_cast<ULONGLONG>(VER_CONDITION_MASK) << shift);
      ConditionMask |= static_cast<ULONGLONG>(Condition & VER_CONDITION_MASK) << shift;
    }
  }
  return ConditionMask;
}

BOOL WINAPI VerifyVersionInfoW(LPOSVERSIONINFOEXW lpVersionInformation, DWORD dwTypeMask,
                               DWORDLONG dwlConditionMask) {
  g_calls.push_back(VerifyCall{*lpVersionInformation, dwTypeMask, dwlConditionMask});
  // Major, minor and service pack compare as one version number, with the major's condition.
  ULONGLONG actual = 0;
  ULONGLONG wanted = 0;
  int condition = 0;
  const DWORD version_bits = VER_MAJORVERSION | VER_MINORVERSION | VER_SERVICEPACKMAJOR;
  if (dwTypeMask & version_bits) {
    actual = (static_cast<ULONGLONG>(g_system.major) << 40) |
             (static_cast<ULONGLONG>(g_system.minor) << 16) | g_system.service_pack_major;
    wanted = (static_cast<ULONGLONG>(lpVersionInformation->dwMajorVersion) << 40) |
             (static_cast<ULONGLONG>(lpVersionInformation->dwMinorVersion) << 16) |
             lpVersionInformation->wServicePackMajor;
    condition = ConditionFor(dwlConditionMask, VER_MAJORVERSION);
    if (!Satisfies(actual, wanted, condition)) return FALSE;
  }
  if (dwTypeMask & VER_PRODUCT_TYPE) {
    condition = ConditionFor(dwlConditionMask, VER_PRODUCT_TYPE);
    if (!Satisfies(g_system.product_type, lpVersionInformation->wProductType, condition)) {
      return FALSE;
    }
  }
  return TRUE;
}

namespace {

TEST(VersionHelpers, AskTheDocumentedQuestion) {
  UseSystem(10, 0, 0);
  EXPECT_TRUE(IsWindows7SP1OrGreater());
  ASSERT_EQ(g_calls.size(), 1u);
  const VerifyCall& call = g_calls.front();
  EXPECT_EQ(call.info.dwOSVersionInfoSize, sizeof(OSVERSIONINFOEXW));
  EXPECT_EQ(call.info.dwMajorVersion, 6u);
  EXPECT_EQ(call.info.dwMinorVersion, 1u);
  EXPECT_EQ(call.info.wServicePackMajor, 1u);
  EXPECT_EQ(call.info.dwBuildNumber, 0u);
  EXPECT_EQ(call.type_mask,
            static_cast<DWORD>(VER_MAJORVERSION | VER_MINORVERSION | VER_SERVICEPACKMAJOR));
  EXPECT_EQ(ConditionFor(call.condition_mask, VER_MAJORVERSION), VER_GREATER_EQUAL);
  EXPECT_EQ(ConditionFor(call.condition_mask, VER_MINORVERSION), VER_GREATER_EQUAL);
  EXPECT_EQ(ConditionFor(call.condition_mask, VER_SERVICEPACKMAJOR), VER_GREATER_EQUAL);
}

TEST(VersionHelpers, WindowsXpSp3) {
  UseSystem(5, 1, 3);
  EXPECT_TRUE(IsWindowsXPOrGreater());
  EXPECT_TRUE(IsWindowsXPSP1OrGreater());
  EXPECT_TRUE(IsWindowsXPSP2OrGreater());
  EXPECT_TRUE(IsWindowsXPSP3OrGreater());
  EXPECT_FALSE(IsWindowsVistaOrGreater());
  EXPECT_FALSE(IsWindows10OrGreater());
}

TEST(VersionHelpers, WindowsVistaSp2AndSeven) {
  UseSystem(6, 0, 2);
  EXPECT_TRUE(IsWindowsVistaOrGreater());
  EXPECT_TRUE(IsWindowsVistaSP1OrGreater());
  EXPECT_TRUE(IsWindowsVistaSP2OrGreater());
  EXPECT_FALSE(IsWindows7OrGreater());
  UseSystem(6, 1, 0);
  EXPECT_TRUE(IsWindows7OrGreater());
  EXPECT_FALSE(IsWindows7SP1OrGreater());
  EXPECT_FALSE(IsWindows8OrGreater());
}

TEST(VersionHelpers, WindowsEightPointOneAndTen) {
  UseSystem(6, 3, 0);
  EXPECT_TRUE(IsWindows8OrGreater());
  EXPECT_TRUE(IsWindows8Point1OrGreater());
  EXPECT_FALSE(IsWindows10OrGreater());
  UseSystem(10, 0, 0);
  EXPECT_TRUE(IsWindowsXPSP3OrGreater());
  EXPECT_TRUE(IsWindows8Point1OrGreater());
  EXPECT_TRUE(IsWindowsThresholdOrGreater());
  EXPECT_TRUE(IsWindows10OrGreater());
  EXPECT_TRUE(IsWindowsVersionOrGreater(10, 0, 0));
  EXPECT_FALSE(IsWindowsVersionOrGreater(10, 1, 0));
}

TEST(VersionHelpers, ServerMeansNotWorkstation) {
  UseSystem(10, 0, 0, VER_NT_WORKSTATION);
  EXPECT_FALSE(IsWindowsServer());
  ASSERT_EQ(g_calls.size(), 1u);
  EXPECT_EQ(g_calls.front().type_mask, static_cast<DWORD>(VER_PRODUCT_TYPE));
  EXPECT_EQ(g_calls.front().info.wProductType, VER_NT_WORKSTATION);
  EXPECT_EQ(ConditionFor(g_calls.front().condition_mask, VER_PRODUCT_TYPE), VER_EQUAL);
  UseSystem(10, 0, 0, VER_NT_SERVER);
  EXPECT_TRUE(IsWindowsServer());
  UseSystem(6, 1, 1, VER_NT_DOMAIN_CONTROLLER);
  EXPECT_TRUE(IsWindowsServer());
}

TEST(VersionHelpers, VerSetConditionMacro) {
  DWORDLONG mask = 0;
  VER_SET_CONDITION(mask, VER_BUILDNUMBER, VER_GREATER_EQUAL);
  EXPECT_EQ(ConditionFor(mask, VER_BUILDNUMBER), VER_GREATER_EQUAL);
  EXPECT_EQ(ConditionFor(mask, VER_MAJORVERSION), 0);
}

}  // namespace
