// The NTSTATUS an overlapped operation ends with (OVERLAPPED.Internal) and the Winsock error it
// means to WSAGetOverlappedResult and to a completion routine (docs/behaviour.md §12). Not a
// public header.
//
//   ov->Internal = status_of_wsa_error(WSAEOPNOTSUPP);        // STATUS_NOT_SUPPORTED
//   fail(wsa_error_of_status(ov->Internal));                   // WSAEOPNOTSUPP again
#pragma once

#include <cstdint>

#include "ws2sim/model/trace.h"

namespace ws2sim::winsock::detail {

inline constexpr std::uint32_t kStatusSuccess = 0x00000000;
inline constexpr std::uint32_t kStatusNotSupported = 0xC00000BB;
inline constexpr std::uint32_t kStatusIoTimeout = 0xC00000B5;
inline constexpr std::uint32_t kStatusConnectionReset = 0xC000020D;
inline constexpr std::uint32_t kStatusCancelled = 0xC0000120;
inline constexpr std::uint32_t kStatusInvalidParameter = 0xC000000D;
inline constexpr std::uint32_t kStatusConnectionRefused = 0xC0000236;
inline constexpr std::uint32_t kStatusHostUnreachable = 0xC000023D;

/// wsa_error_of_status — the Winsock error an operation's final status means: 0 for success.
int wsa_error_of_status(std::uint64_t status) noexcept;

/// win32_error_of_status — the Win32 error a completion port reports for a failed packet's
/// status (GetQueuedCompletionStatus's GetLastError): ERROR_SEM_TIMEOUT for STATUS_IO_TIMEOUT,
/// ERROR_NETNAME_DELETED for STATUS_CONNECTION_RESET, ERROR_OPERATION_ABORTED for
/// STATUS_CANCELLED (docs/behaviour.md §17). 0 for success.
std::uint32_t win32_error_of_status(std::uint64_t status) noexcept;

/// status_of_close_reason — the status a pending receive ends with when its connection ends
/// with `reason` other than an orderly close (docs/behaviour.md §17): STATUS_IO_TIMEOUT when
/// keep-alive or retransmissions gave up, STATUS_CONNECTION_RESET otherwise.
std::uint32_t status_of_close_reason(CloseReason reason) noexcept;

/// status_of_wsa_error — the status an operation that fails with `wsa_error` ends with.
std::uint32_t status_of_wsa_error(int wsa_error) noexcept;

}  // namespace ws2sim::winsock::detail
