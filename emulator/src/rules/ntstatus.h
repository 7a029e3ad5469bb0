// The NTSTATUS an overlapped operation ends with (OVERLAPPED.Internal) and the Winsock error it
// means to WSAGetOverlappedResult and to a completion routine (docs/behaviour.md §12). Not a
// public header.
//
//   ov->Internal = status_of_wsa_error(WSAEOPNOTSUPP);        // STATUS_NOT_SUPPORTED
//   fail(wsa_error_of_status(ov->Internal));                   // WSAEOPNOTSUPP again
#pragma once

#include <cstdint>

namespace ws2sim::winsock::detail {

inline constexpr std::uint32_t kStatusSuccess = 0x00000000;
inline constexpr std::uint32_t kStatusNotSupported = 0xC00000BB;
inline constexpr std::uint32_t kStatusIoTimeout = 0xC00000B5;
inline constexpr std::uint32_t kStatusConnectionReset = 0xC000020D;
inline constexpr std::uint32_t kStatusCancelled = 0xC0000120;
inline constexpr std::uint32_t kStatusInvalidParameter = 0xC000000D;

/// wsa_error_of_status — the Winsock error an operation's final status means: 0 for success.
int wsa_error_of_status(std::uint64_t status) noexcept;

/// status_of_wsa_error — the status an operation that fails with `wsa_error` ends with.
std::uint32_t status_of_wsa_error(int wsa_error) noexcept;

}  // namespace ws2sim::winsock::detail
