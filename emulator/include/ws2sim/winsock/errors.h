// ws2sim/winsock/errors.h — the names of Winsock error codes, for messages and test output.
//
// WSAGetLastError() returns a number; people read names. These give the name of every error code
// the drop-in winsock2.h defines (WSAE*, WSA* system errors, WSA_IO_PENDING & co.).
//
//   ws2sim::winsock::wsa_error_name(10052);   // "WSAENETRESET"
//   ws2sim::winsock::describe_wsa_error(10052);  // "WSAENETRESET (10052)"
//   ws2sim::winsock::describe_wsa_error(0);      // "0 (no error)"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ws2sim::winsock {

/// The macro name of a Winsock error code ("WSAENETRESET"), or nullopt for a number that is not
/// one (including 0).
std::optional<std::string_view> wsa_error_name(int code) noexcept;

/// "WSAENETRESET (10052)"; "0 (no error)"; "error 12345" for an unknown number.
std::string describe_wsa_error(int code);

/// The macro name of a Win32 error an emulated call can report through GetLastError() that is
/// not a Winsock code ("ERROR_SEM_TIMEOUT" for 121: what GetQueuedCompletionStatus reports for a
/// read keep-alive ended, docs/behaviour.md §17), or nullopt.
std::optional<std::string_view> win32_error_name(std::uint32_t code) noexcept;

/// The name of an NTSTATUS an overlapped operation ends with (OVERLAPPED.Internal):
/// "STATUS_IO_TIMEOUT" for 0xC00000B5, "STATUS_SUCCESS" for 0, or nullopt.
std::optional<std::string_view> ntstatus_name(std::uint32_t status) noexcept;

}  // namespace ws2sim::winsock
