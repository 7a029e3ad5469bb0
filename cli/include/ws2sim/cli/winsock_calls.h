// ws2sim/cli/winsock_calls.h — the keep-alive calls a program makes, as data, and their results.
//
// Scenarios and `ws2sim detect` describe a program's keep-alive set-up as an ordered list of
// Winsock calls. `execute` really makes one of them (setsockopt or WSAIoctl) on an emulated
// socket of the host the calling thread is bound to (winsock::HostScope), and returns what
// Windows would have returned.
//
//   KeepAliveCall c{.kind = CallKind::kTcpKeepIntvl, .value = 5};
//   describe(c);                        // "setsockopt(IPPROTO_TCP, TCP_KEEPINTVL, 5)"
//   CallOutcome r = execute(c, s);      // on windows-10-1703: {-1, 10042}
//   describe(r);                        // "WSAENOPROTOOPT (10042)"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ws2sim::cli {

/// Which call.
enum class CallKind : std::uint8_t {
  kSoKeepAlive,    ///< setsockopt(SOL_SOCKET, SO_KEEPALIVE, BOOL)
  kKeepAliveVals,  ///< WSAIoctl(SIO_KEEPALIVE_VALS, struct tcp_keepalive) — milliseconds
  kTcpKeepIdle,    ///< setsockopt(IPPROTO_TCP, TCP_KEEPIDLE, seconds) — option 3
  kTcpKeepAlive,   ///< the same option 3 under its older name TCP_KEEPALIVE
  kTcpKeepIntvl,   ///< setsockopt(IPPROTO_TCP, TCP_KEEPINTVL, seconds) — option 17
  kTcpKeepCnt,     ///< setsockopt(IPPROTO_TCP, TCP_KEEPCNT, probes) — option 16
};

/// The name used in scenarios and output: "SO_KEEPALIVE", "SIO_KEEPALIVE_VALS", "TCP_KEEPIDLE",
/// "TCP_KEEPALIVE", "TCP_KEEPINTVL", "TCP_KEEPCNT".
std::string_view call_name(CallKind kind) noexcept;
/// The inverse of call_name (exact spelling).
std::optional<CallKind> parse_call_name(std::string_view name) noexcept;
/// Every call name, comma-separated, for error messages.
std::string call_names();

/// One keep-alive call with its argument(s).
struct KeepAliveCall {
  CallKind kind = CallKind::kSoKeepAlive;
  std::uint32_t value = 0;              ///< SO_KEEPALIVE's BOOL, TCP_KEEP* seconds or count
  std::uint32_t onoff = 0;              ///< SIO_KEEPALIVE_VALS only
  std::uint32_t keepalivetime = 0;      ///< SIO_KEEPALIVE_VALS only, ms
  std::uint32_t keepaliveinterval = 0;  ///< SIO_KEEPALIVE_VALS only, ms
  friend bool operator==(const KeepAliveCall&, const KeepAliveCall&) = default;
};

/// The call as C-like text: "setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1)",
/// "WSAIoctl(SIO_KEEPALIVE_VALS, {1, 60000, 1000})".
std::string describe(const KeepAliveCall& call);

/// What a Winsock call returned.
struct CallOutcome {
  CallOutcome() = default;
  /// A Winsock call's result and its WSAGetLastError().
  CallOutcome(int r, int e) noexcept : result(r), error(e) {}
  /// An overlapped wait's: `win32` says which kind of error `e` is; `st` the NTSTATUS.
  CallOutcome(int r, int e, bool w, std::optional<std::uint32_t> st) noexcept
      : result(r), error(e), win32(w), status(st) {}

  int result = 0;  ///< The return value: 0, a byte count, or SOCKET_ERROR (-1).
  int error = 0;   ///< WSAGetLastError() when the call failed, else 0.
  /// `error` is a Win32 error (GetQueuedCompletionStatus's GetLastError), not a Winsock one.
  bool win32 = false;
  /// An overlapped operation's final NTSTATUS (OVERLAPPED.Internal), when it has one.
  std::optional<std::uint32_t> status;
  [[nodiscard]] bool failed() const noexcept { return error != 0; }
  friend bool operator==(const CallOutcome&, const CallOutcome&) = default;
};

/// "WSAENOPROTOOPT" for 10042; "error 12345" for a code without a name.
std::string wsa_error_name(int code);
/// "WSAENOPROTOOPT (10042)".
std::string wsa_error_text(int code);
/// The name of the outcome's error: a Winsock name, or a Win32 one ("ERROR_SEM_TIMEOUT").
std::string error_name(const CallOutcome& outcome);
/// "ERROR_SEM_TIMEOUT (121)", with the status when there is one: "ERROR_SEM_TIMEOUT (121),
/// STATUS_IO_TIMEOUT".
std::string error_text(const CallOutcome& outcome);
/// "OK" for success, else error_text(outcome).
std::string describe(const CallOutcome& outcome);

/// Makes `call` on `socket` (a SOCKET of the host this thread is bound to with HostScope).
CallOutcome execute(const KeepAliveCall& call, std::uintptr_t socket);

}  // namespace ws2sim::cli
