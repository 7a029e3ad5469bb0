// The version queries programs branch on (docs/behaviour.md §9 P3/P7): GetVersionEx,
// RtlGetVersion, RtlVerifyVersionInfo, VerifyVersionInfo, VerSetConditionMask, and the module
// lookup libuv and curl use to reach ntdll (GetModuleHandle + GetProcAddress).
//
// Every answer comes from the profile of the calling thread's host. No WSAStartup is needed; a
// thread bound to no host gets ERROR_INVALID_FUNCTION. The emulated program counts as manifested
// for the version it runs on, so GetVersionEx and VerifyVersionInfo report the real version (no
// "Windows 8" answer on 8.1 and later as un-manifested programs get on Windows).
#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/call.h"
#include "core/host_state.h"
// Drop-in headers last: they rename glibc's select/fd_set/timeval if those came first.
#include <windows.h>
#include <winsock2.h>

using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

// Not declared by the drop-in headers (as on Windows, programs declare them themselves): exported
// under their plain names.
extern "C" NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW lpVersionInformation);
extern "C" NTSTATUS NTAPI RtlVerifyVersionInfo(PRTL_OSVERSIONINFOEXW VersionInfo, ULONG TypeMask,
                                               ULONGLONG ConditionMask);

namespace {

// Win32 error codes the drop-in headers do not name.

// The version block of the host's profile, as the EX structures carry it.
struct Version {
  DWORD major;
  DWORD minor;
  DWORD build;
  WORD service_pack;
  BYTE product_type;
};

Version version_of(const Host::State& h) {
  const Profile& p = *h.profile;
  return Version{p.major, p.minor, p.build, p.service_pack, static_cast<BYTE>(p.product)};
}

// "Service Pack N", or empty without a service pack, in the caller's character type.
template <typename Char>
void write_csd_version(Char (&out)[128], WORD service_pack) {
  std::fill(std::begin(out), std::end(out), Char{0});
  if (service_pack == 0) {
    return;
  }
  const std::string text = "Service Pack " + std::to_string(service_pack);
  std::copy(text.begin(), text.end(), out);
}

// Fills the fields every OSVERSIONINFO variant has; `ex` also fills the EX tail.
template <typename Info>
void fill(Info* info, const Version& v, bool ex) {
  info->dwMajorVersion = v.major;
  info->dwMinorVersion = v.minor;
  info->dwBuildNumber = v.build;
  info->dwPlatformId = VER_PLATFORM_WIN32_NT;
  write_csd_version(info->szCSDVersion, v.service_pack);
  if (!ex) {
    return;
  }
  // The EX layouts extend the basic ones; callers only ask for `ex` when the size says so.
  using Ex =
      std::conditional_t<std::is_same_v<Info, OSVERSIONINFOW>, OSVERSIONINFOEXW, OSVERSIONINFOEXA>;
  auto* e = reinterpret_cast<Ex*>(info);
  e->wServicePackMajor = v.service_pack;
  e->wServicePackMinor = 0;
  e->wSuiteMask = 0;  // editions (suites) are not modelled
  e->wProductType = v.product_type;
  e->wReserved = 0;
}

template <typename Info, typename InfoEx>
BOOL get_version_ex(Info* info) {
  auto call = Call::host_only(ERROR_INVALID_FUNCTION);
  if (!call) {
    return FALSE;
  }
  if (info == nullptr) {
    thread_state().last_error = ERROR_INVALID_PARAMETER;
    return FALSE;
  }
  const DWORD size = info->dwOSVersionInfoSize;
  if (size != sizeof(Info) && size != sizeof(InfoEx)) {  // observed (Wine's tests)
    thread_state().last_error = ERROR_INSUFFICIENT_BUFFER;
    return FALSE;
  }
  fill(info, version_of(call->host()), size == sizeof(InfoEx));
  return TRUE;  // the last error is left alone on success (observed)
}

// ---- RtlVerifyVersionInfo ---------------------------------------------------------------------

// The 3-bit condition VerSetConditionMask stored for the type flag `type` (one bit).
BYTE condition_for(ULONGLONG mask, DWORD type) {
  const auto index = static_cast<unsigned>(std::countr_zero(type));
  return static_cast<BYTE>((mask >> (VER_NUM_BITS_PER_CONDITION_MASK * index)) &
                           VER_CONDITION_MASK);
}

// One relational test. A condition outside VER_EQUAL..VER_LESS_EQUAL (0, VER_AND, VER_OR) never
// holds: Windows reports a mismatch for it, not a bad argument (observed, Wine's tests).
bool holds(DWORD current, DWORD wanted, BYTE condition) {
  switch (condition) {
    case VER_EQUAL:
      return current == wanted;
    case VER_GREATER:
      return current > wanted;
    case VER_GREATER_EQUAL:
      return current >= wanted;
    case VER_LESS:
      return current < wanted;
    case VER_LESS_EQUAL:
      return current <= wanted;
    default:
      return false;
  }
}

bool is_relational(BYTE condition) {
  return condition >= VER_EQUAL && condition <= VER_LESS_EQUAL;
}

// The major version, minor version, service pack major and minor compare as one number, most
// significant first (documented: a greater major version skips the minor and service pack
// tests). Which condition each level uses when the caller gave several (observed on Windows by
// Wine's kernel32 tests): the first tested level's condition sets the running condition. At each
// later level, the level's own condition is used if it points the same way as the running one
// (VER_EQUAL counts as both ways); a running VER_EQUAL is replaced by the level's own relational
// condition; anything else keeps the running condition. A level without a condition (0) keeps
// the running condition for itself and every level after it; when the first level has none,
// nothing holds.
class HierarchicalCompare {
 public:
  // Returns the condition to apply at the next level, given that level's own condition.
  BYTE next(BYTE own) {
    if (!started_) {
      started_ = true;
      running_ = own;
      frozen_ = own == 0;
      return own;
    }
    if (frozen_) {
      return running_;
    }
    if (own == 0) {
      frozen_ = true;
      return running_;
    }
    switch (running_) {
      case VER_EQUAL:
        if (is_relational(own)) {
          running_ = own;
        }
        return running_;
      case VER_GREATER:
      case VER_GREATER_EQUAL:
        return own >= VER_EQUAL && own <= VER_GREATER_EQUAL ? own : running_;
      case VER_LESS:
      case VER_LESS_EQUAL:
        return own == VER_EQUAL || own == VER_LESS || own == VER_LESS_EQUAL ? own : running_;
      default:
        return running_;
    }
  }

 private:
  bool started_ = false;
  bool frozen_ = false;
  BYTE running_ = 0;
};

NTSTATUS verify(const Version& v, const OSVERSIONINFOEXW* info, DWORD types, ULONGLONG mask) {
  if (info == nullptr || types == 0 || mask == 0) {
    return STATUS_INVALID_PARAMETER;
  }

  if ((types & VER_PRODUCT_TYPE) != 0 &&
      !holds(v.product_type, info->wProductType, condition_for(mask, VER_PRODUCT_TYPE))) {
    return STATUS_REVISION_MISMATCH;
  }
  if ((types & VER_SUITENAME) != 0) {
    constexpr WORD kSuites = 0;  // no suite is present (editions are not modelled)
    const WORD wanted = info->wSuiteMask;
    switch (condition_for(mask, VER_SUITENAME)) {
      case VER_AND:  // every requested suite present
        if ((wanted & kSuites) != wanted) {
          return STATUS_REVISION_MISMATCH;
        }
        break;
      case VER_OR:  // at least one requested suite present (an empty request holds)
        if (wanted != 0 && (wanted & kSuites) == 0) {
          return STATUS_REVISION_MISMATCH;
        }
        break;
      default:
        return STATUS_INVALID_PARAMETER;
    }
  }
  if ((types & VER_PLATFORMID) != 0 &&
      !holds(VER_PLATFORM_WIN32_NT, info->dwPlatformId, condition_for(mask, VER_PLATFORMID))) {
    return STATUS_REVISION_MISMATCH;
  }
  if ((types & VER_BUILDNUMBER) != 0 &&
      !holds(v.build, info->dwBuildNumber, condition_for(mask, VER_BUILDNUMBER))) {
    return STATUS_REVISION_MISMATCH;
  }

  // Major, minor, service pack major, service pack minor: most significant first.
  const std::array<std::pair<DWORD, std::pair<DWORD, DWORD>>, 4> levels{{
      {VER_MAJORVERSION, {v.major, info->dwMajorVersion}},
      {VER_MINORVERSION, {v.minor, info->dwMinorVersion}},
      {VER_SERVICEPACKMAJOR, {v.service_pack, info->wServicePackMajor}},
      {VER_SERVICEPACKMINOR, {0, info->wServicePackMinor}},
  }};
  // The first level whose values differ decides, with the condition it ends up with; equal
  // values pass the decision down (the last level's result stands when all are equal). An equal
  // level whose condition is not relational stops there (observed).
  HierarchicalCompare compare;
  bool satisfied = true;
  for (const auto& [type, values] : levels) {
    if ((types & type) == 0) {
      continue;
    }
    const BYTE condition = compare.next(condition_for(mask, type));
    const auto [current, wanted] = values;
    satisfied = holds(current, wanted, condition);
    if (current != wanted || !is_relational(condition)) {
      break;
    }
  }
  return satisfied ? STATUS_SUCCESS : STATUS_REVISION_MISMATCH;
}

template <typename InfoEx>
BOOL verify_version_info(InfoEx* info, DWORD types, DWORDLONG mask) {
  auto call = Call::host_only(ERROR_INVALID_FUNCTION);
  if (!call) {
    return FALSE;
  }
  // Only the fields VerifyVersionInfo compares matter: the A and W layouts agree on all of them
  // except the string, which it ignores, and dwOSVersionInfoSize is not checked (observed).
  OSVERSIONINFOEXW w{};
  if (info != nullptr) {
    w.dwMajorVersion = info->dwMajorVersion;
    w.dwMinorVersion = info->dwMinorVersion;
    w.dwBuildNumber = info->dwBuildNumber;
    w.dwPlatformId = info->dwPlatformId;
    w.wServicePackMajor = info->wServicePackMajor;
    w.wServicePackMinor = info->wServicePackMinor;
    w.wSuiteMask = info->wSuiteMask;
    w.wProductType = info->wProductType;
  }
  switch (verify(version_of(call->host()), info == nullptr ? nullptr : &w, types, mask)) {
    case STATUS_SUCCESS:
      return TRUE;
    case STATUS_REVISION_MISMATCH:
      thread_state().last_error = ERROR_OLD_WIN_VERSION;
      break;
    default:
      thread_state().last_error = ERROR_BAD_ARGUMENTS;
      break;
  }
  return FALSE;
}

// ---- Modules ---------------------------------------------------------------------------------

// The module handles GetModuleHandle gives out: addresses of these objects.
enum Module : std::size_t { kExecutable, kNtdll, kKernel32, kWs2_32, kModuleCount };
HINSTANCE__ g_modules[kModuleCount]{};

constexpr std::array<std::string_view, kModuleCount> kModuleNames{"", "ntdll", "kernel32",
                                                                  "ws2_32"};

HMODULE handle_of(Module m) {
  return &g_modules[m];
}

// A module name as the loader compares it: case-insensitive, ".dll" optional.
template <typename Char>
HMODULE find_module(const Char* name) {
  std::string lowered;
  for (const Char* c = name; *c != 0; ++c) {
    const auto code = static_cast<std::uint32_t>(*c);
    if (code > 0x7F) {
      return nullptr;  // no module of ours has a non-ASCII name
    }
    lowered += static_cast<char>(std::tolower(static_cast<int>(code)));
  }
  if (lowered.ends_with(".dll")) {
    lowered.resize(lowered.size() - 4);
  }
  for (std::size_t i = kNtdll; i < kModuleCount; ++i) {
    if (lowered == kModuleNames[i]) {
      return handle_of(static_cast<Module>(i));
    }
  }
  return nullptr;
}

template <typename Char>
HMODULE get_module_handle(const Char* name) {
  auto call = Call::host_only(ERROR_INVALID_FUNCTION);
  if (!call) {
    return nullptr;
  }
  if (name == nullptr) {
    return handle_of(kExecutable);
  }
  HMODULE m = find_module(name);
  if (m == nullptr) {
    thread_state().last_error = ERROR_MOD_NOT_FOUND;
  }
  return m;
}

// Function pointers of any type travel as FARPROC; void(*)() is the cast-neutral middle step.
template <typename F>
FARPROC as_farproc(F* f) {
  return reinterpret_cast<FARPROC>(reinterpret_cast<void (*)()>(f));
}

struct Export {
  Module module;
  std::string_view name;
  FARPROC proc;
};

const std::array<Export, 15>& exports() {
  static const std::array<Export, 15> table{{
      {kNtdll, "RtlGetVersion", as_farproc(&RtlGetVersion)},
      {kNtdll, "RtlVerifyVersionInfo", as_farproc(&RtlVerifyVersionInfo)},
      {kKernel32, "GetVersionExW", as_farproc(&GetVersionExW)},
      {kKernel32, "VerifyVersionInfoW", as_farproc(&VerifyVersionInfoW)},
      {kKernel32, "VerSetConditionMask", as_farproc(&VerSetConditionMask)},
      {kKernel32, "SleepEx", as_farproc(&SleepEx)},
      {kKernel32, "Sleep", as_farproc(&Sleep)},
      {kKernel32, "GetLastError", as_farproc(&GetLastError)},
      {kKernel32, "SetLastError", as_farproc(&SetLastError)},
      {kWs2_32, "WSAIoctl", as_farproc(&WSAIoctl)},
      {kWs2_32, "setsockopt", as_farproc(&setsockopt)},
      {kWs2_32, "getsockopt", as_farproc(&getsockopt)},
      {kWs2_32, "WSAGetLastError", as_farproc(&WSAGetLastError)},
      {kKernel32, "GetVersionExA", as_farproc(&GetVersionExA)},
      {kKernel32, "VerifyVersionInfoA", as_farproc(&VerifyVersionInfoA)},
  }};
  return table;
}

}  // namespace

// ---- Exported functions -----------------------------------------------------------------------

BOOL WINAPI GetVersionExW(LPOSVERSIONINFOW lpVersionInformation) {
  return get_version_ex<OSVERSIONINFOW, OSVERSIONINFOEXW>(lpVersionInformation);
}

BOOL WINAPI GetVersionExA(LPOSVERSIONINFOA lpVersionInformation) {
  return get_version_ex<OSVERSIONINFOA, OSVERSIONINFOEXA>(lpVersionInformation);
}

extern "C" NTSTATUS NTAPI RtlGetVersion(PRTL_OSVERSIONINFOW lpVersionInformation) {
  auto call = Call::host_only(ERROR_INVALID_FUNCTION);
  if (!call || lpVersionInformation == nullptr) {
    return STATUS_INVALID_PARAMETER;
  }
  // Any size fills the basic fields; the EX size also fills the EX tail (documented).
  fill(lpVersionInformation, version_of(call->host()),
       lpVersionInformation->dwOSVersionInfoSize == sizeof(RTL_OSVERSIONINFOEXW));
  return STATUS_SUCCESS;
}

extern "C" NTSTATUS NTAPI RtlVerifyVersionInfo(PRTL_OSVERSIONINFOEXW VersionInfo, ULONG TypeMask,
                                               ULONGLONG ConditionMask) {
  auto call = Call::host_only(ERROR_INVALID_FUNCTION);
  if (!call) {
    return STATUS_INVALID_PARAMETER;
  }
  return verify(version_of(call->host()), VersionInfo, TypeMask, ConditionMask);
}

BOOL WINAPI VerifyVersionInfoW(LPOSVERSIONINFOEXW lpVersionInformation, DWORD dwTypeMask,
                               DWORDLONG dwlConditionMask) {
  return verify_version_info(lpVersionInformation, dwTypeMask, dwlConditionMask);
}

BOOL WINAPI VerifyVersionInfoA(LPOSVERSIONINFOEXA lpVersionInformation, DWORD dwTypeMask,
                               DWORDLONG dwlConditionMask) {
  return verify_version_info(lpVersionInformation, dwTypeMask, dwlConditionMask);
}

ULONGLONG NTAPI VerSetConditionMask(ULONGLONG ConditionMask, DWORD TypeMask, BYTE Condition) {
  const auto condition = static_cast<ULONGLONG>(Condition & VER_CONDITION_MASK);
  if (TypeMask == 0 || condition == 0) {
    return ConditionMask;
  }
  // One type is expected; given several, the most significant flag takes the condition.
  const auto width = static_cast<unsigned>(std::bit_width(TypeMask & 0xFFu));
  if (width == 0) {
    return ConditionMask;
  }
  return ConditionMask | (condition << (VER_NUM_BITS_PER_CONDITION_MASK * (width - 1)));
}

HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName) {
  return get_module_handle(lpModuleName);
}

HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName) {
  return get_module_handle(lpModuleName);
}

FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName) {
  auto call = Call::host_only(ERROR_INVALID_FUNCTION);
  if (!call) {
    return nullptr;
  }
  if (hModule == nullptr) {
    hModule = handle_of(kExecutable);
  }
  std::size_t module = 0;
  while (module < kModuleCount && handle_of(static_cast<Module>(module)) != hModule) {
    ++module;
  }
  if (module == kModuleCount) {
    thread_state().last_error = ERROR_MOD_NOT_FOUND;
    return nullptr;
  }
  // Names below 0x10000 are ordinals; none of our exports is reached by ordinal.
  if (reinterpret_cast<std::uintptr_t>(lpProcName) >= 0x10000) {
    for (const Export& e : exports()) {
      if (e.module == module && e.name == lpProcName) {
        return e.proc;  // case-sensitive
      }
    }
  }
  thread_state().last_error = ERROR_PROC_NOT_FOUND;
  return nullptr;
}
