// GetTickCount, GetTickCount64, QueryPerformanceCounter/Frequency on the virtual clock, so a
// program that measures how long a call took measures virtual time.
#include "core/call.h"
#include "core/host_state.h"
// The drop-in Windows header.
#include <windows.h>

using namespace ws2sim;
using namespace ws2sim::winsock::detail;

namespace {

constexpr LONGLONG kPerformanceFrequency = 10'000'000;  // 100 ns ticks, as on Windows 10

// Virtual time since the epoch of the calling thread's world; nullopt without a HostScope.
std::optional<Duration> elapsed() {
  auto call = Call::host_only(err::kInvalidFunction);
  if (!call) {
    return std::nullopt;
  }
  return call->now() - kEpoch;
}

}  // namespace

ULONGLONG WINAPI GetTickCount64(void) {
  const auto d = elapsed();
  return d ? static_cast<ULONGLONG>(whole_milliseconds(*d)) : 0;
}

DWORD WINAPI GetTickCount(void) {
  return static_cast<DWORD>(GetTickCount64());  // wraps after 49.7 days, as on Windows
}

BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER* lpFrequency) {
  if (lpFrequency == nullptr) {
    return FALSE;
  }
  lpFrequency->QuadPart = kPerformanceFrequency;
  return TRUE;
}

BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER* lpPerformanceCount) {
  if (lpPerformanceCount == nullptr) {
    return FALSE;
  }
  const auto d = elapsed();
  if (!d) {
    return FALSE;
  }
  lpPerformanceCount->QuadPart = d->count() / 100;
  return TRUE;
}
