// ws2sim/winsock/errors.h — the names of Winsock error codes, for messages and test output.
//
// WSAGetLastError() returns a number; people read names. These give the name of every error code
// the drop-in winsock2.h defines (WSAE*, WSA* system errors, WSA_IO_PENDING & co.).
//
//   ws2sim::winsock::wsa_error_name(10052);   // "WSAENETRESET"
//   ws2sim::winsock::describe_wsa_error(10052);  // "WSAENETRESET (10052)"
//   ws2sim::winsock::describe_wsa_error(0);      // "0 (no error)"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ws2sim::winsock {

/// The macro name of a Winsock error code ("WSAENETRESET"), or nullopt for a number that is not
/// one (including 0).
std::optional<std::string_view> wsa_error_name(int code) noexcept;

/// "WSAENETRESET (10052)"; "0 (no error)"; "error 12345" for an unknown number.
std::string describe_wsa_error(int code);

}  // namespace ws2sim::winsock
