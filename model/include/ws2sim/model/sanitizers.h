// ws2sim/model/sanitizers.h — which sanitizer this translation unit is built with.
//
// GCC says so with a macro (__SANITIZE_ADDRESS__), clang with __has_feature; code that must
// tell the sanitizer about something (a fiber switch) or that sizes a test to what the
// sanitizer's memory overhead allows asks here, once.
//
//   #if defined(WS2SIM_ASAN)
//   #include <sanitizer/common_interface_defs.h>
//   #endif
//   constexpr std::size_t kSockets = ws2sim::kAddressSanitizer ? 100'000 : 1'000'000;
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define WS2SIM_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define WS2SIM_TSAN 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer) && !defined(WS2SIM_ASAN)
#define WS2SIM_ASAN 1
#endif
#if __has_feature(thread_sanitizer) && !defined(WS2SIM_TSAN)
#define WS2SIM_TSAN 1
#endif
#endif

namespace ws2sim {

/// kAddressSanitizer — built with AddressSanitizer.
#if defined(WS2SIM_ASAN)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif

/// kThreadSanitizer — built with ThreadSanitizer.
#if defined(WS2SIM_TSAN)
inline constexpr bool kThreadSanitizer = true;
#else
inline constexpr bool kThreadSanitizer = false;
#endif

}  // namespace ws2sim
