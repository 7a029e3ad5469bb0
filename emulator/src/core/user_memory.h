// bad_user_pointer — whether a pointer a program passed can never be valid memory. Not a public
// header.
//
//   if (bad_user_pointer(optval)) return fail(WSAEFAULT);
#pragma once

#include <cstdint>

namespace ws2sim::winsock::detail {

/// The first address Windows ever maps: it keeps the lowest 64 KiB of every address space
/// unmapped, so a pointer below it (NULL, or a value passed where a pointer belongs, as in
/// `ioctlsocket(s, FIONBIO, (u_long*)1)`) always faults and the call fails with WSAEFAULT
/// (observed in Windows-run tests; docs/behaviour.md §11).
inline constexpr std::uintptr_t kFirstMappableAddress = 0x10000;

/// bad_user_pointer — true for NULL and for any pointer below kFirstMappableAddress.
inline bool bad_user_pointer(const void* p) noexcept {
  return reinterpret_cast<std::uintptr_t>(p) < kFirstMappableAddress;
}

}  // namespace ws2sim::winsock::detail
