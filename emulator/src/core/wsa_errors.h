// The WSA and Win32 error codes the emulator's internals use, for files that do not include the
// drop-in Windows headers (which define the same values for programs). Not a public header.
#pragma once

namespace ws2sim::winsock::detail {

/// kSocketError — SOCKET_ERROR, the usual failure return of a Winsock call.
inline constexpr int kSocketError = -1;

namespace err {
inline constexpr int kEintr = 10004;
inline constexpr int kEacces = 10013;
inline constexpr int kEfault = 10014;
inline constexpr int kEinval = 10022;
inline constexpr int kEmfile = 10024;
inline constexpr int kEwouldblock = 10035;
inline constexpr int kEinprogress = 10036;
inline constexpr int kEnotsock = 10038;
inline constexpr int kEsocktnosupport = 10044;
inline constexpr int kEopnotsupp = 10045;
inline constexpr int kEafnosupport = 10047;
inline constexpr int kEaddrinuse = 10048;
inline constexpr int kEaddrnotavail = 10049;
inline constexpr int kEnetdown = 10050;
inline constexpr int kEnetreset = 10052;
inline constexpr int kEnetunreach = 10051;
inline constexpr int kEconnaborted = 10053;
inline constexpr int kEconnreset = 10054;
inline constexpr int kEnobufs = 10055;
inline constexpr int kEisconn = 10056;
inline constexpr int kEnotconn = 10057;
inline constexpr int kEtimedout = 10060;
inline constexpr int kEconnrefused = 10061;
inline constexpr int kEhostunreach = 10065;
inline constexpr int kNotInitialised = 10093;
inline constexpr int kInvalidFunction = 1;  // ERROR_INVALID_FUNCTION
}  // namespace err

}  // namespace ws2sim::winsock::detail
