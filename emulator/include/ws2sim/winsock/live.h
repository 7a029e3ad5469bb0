// ws2sim/winsock/live.h — live mode: a host's Winsock calls on real Linux TCP sockets.
//
// A live host (World::add_live_host) keeps the emulated version's Winsock semantics — its
// profile decides which options exist, what they accept and which WSA error a call returns —
// but its sockets are real TCP sockets of this Linux machine (Boost.Asio), and blocking calls
// wait in real time. The keep-alive state a Windows program sets is translated to Linux socket
// options by the pure functions below; what Linux cannot express is clamped, the call still
// succeeds as on Windows, and the live log (World::live_log) records what was set and clamped.
//
//   WindowsKeepAlive w{.so_keepalive = true, .idle = std::chrono::milliseconds(1500),
//                      .interval = std::chrono::milliseconds(1000)};
//   LinuxKeepAliveTranslation t = translate_keepalive(host, w);
//   t.options.keepidle_s;   // 2: 1500 ms rounded up (linux_keepalive_seconds)
//   t.options.keepcnt;      // 10 on Vista and later, the registry rule on 2000/XP/2003
//   t.clamps[0].kind;       // LinuxClamp::kRoundedUp
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ws2sim/model/keepalive.h"
#include "ws2sim/model/time.h"
#include "ws2sim/model/trace.h"

namespace ws2sim::winsock {

class Host;

/// Linux's limits on the per-socket keep-alive options (tcp(7); net/ipv4/tcp.c: MAX_TCP_KEEPIDLE,
/// MAX_TCP_KEEPINTVL, MAX_TCP_KEEPCNT). Outside them setsockopt fails with EINVAL.
inline constexpr std::int64_t kLinuxMinKeepAliveSeconds = 1;
inline constexpr std::int64_t kLinuxMaxKeepAliveSeconds = 32767;
inline constexpr std::uint32_t kLinuxMinKeepAliveProbes = 1;
inline constexpr std::uint32_t kLinuxMaxKeepAliveProbes = 127;

/// A socket's keep-alive state as a Windows program set it. Unset values fall back to the
/// host's registry and Windows' defaults, exactly as in the emulated backend.
struct WindowsKeepAlive {
  bool so_keepalive = false;                   ///< SO_KEEPALIVE, or SIO_KEEPALIVE_VALS onoff
  std::optional<Duration> idle{};              ///< SIO_KEEPALIVE_VALS (ms) or TCP_KEEPIDLE (s)
  std::optional<Duration> interval{};          ///< SIO_KEEPALIVE_VALS (ms) or TCP_KEEPINTVL (s)
  std::optional<std::uint32_t> probe_count{};  ///< TCP_KEEPCNT (10 1703+)
};

/// The values a Linux TCP socket is given.
struct LinuxKeepAlive {
  bool so_keepalive = false;  ///< SOL_SOCKET SO_KEEPALIVE
  int keepidle_s = 0;         ///< IPPROTO_TCP TCP_KEEPIDLE
  int keepintvl_s = 0;        ///< IPPROTO_TCP TCP_KEEPINTVL
  int keepcnt = 0;            ///< IPPROTO_TCP TCP_KEEPCNT
  friend bool operator==(const LinuxKeepAlive&, const LinuxKeepAlive&) = default;
};

/// How a Windows value was changed to fit Linux.
enum class LinuxClamp : std::uint8_t {
  kRoundedUp,         ///< Milliseconds not a whole number of seconds: rounded up.
  kRaisedToMinimum,   ///< Below Linux's minimum (0 s, 0 probes with keep-alive on): raised.
  kLoweredToMaximum,  ///< Above Linux's maximum (32767 s, 127 probes): lowered.
  kSwitchedOff,       ///< 0 probes (2000/XP/2003 registry): "never probe" is SO_KEEPALIVE off.
};
std::string_view to_string(LinuxClamp c) noexcept;

/// One value Linux could not take as Windows asked.
struct LinuxClampRecord {
  std::string_view option;  ///< "TCP_KEEPIDLE", "TCP_KEEPINTVL" or "TCP_KEEPCNT"
  LinuxClamp kind;
  std::int64_t windows_value;  ///< Nanoseconds for times, a count for TCP_KEEPCNT.
  std::int64_t linux_value;    ///< Seconds for times, a count for TCP_KEEPCNT.
  friend bool operator==(const LinuxClampRecord&, const LinuxClampRecord&) = default;
};

/// The Linux options plus what had to be clamped to get them.
struct LinuxKeepAliveTranslation {
  LinuxKeepAlive options;
  std::vector<LinuxClampRecord> clamps;  ///< Empty when Linux expresses Windows' values exactly.
};

/// THE one rounding rule from Windows keep-alive times (milliseconds) to Linux's whole seconds:
/// round up. Justification: (1) a probe, and so a dead-peer verdict, then never comes earlier
/// than the Windows program asked — the error is one-sided and under one second per timer, so a
/// detection deadline computed from the Windows values is a lower bound of the live one (RFC 1122
/// §4.2.3.6 asks keep-alive to be conservative: a probe too early can drop a good connection);
/// (2) the sub-second values Windows programs commonly pass (e.g. keepaliveinterval 500 ms, or the
/// back-to-back interval 0 = one timer tick) land on Linux's minimum of 1 s instead of on 0,
/// which Linux rejects. Negative durations are treated as 0. Not clamped to Linux's range.
std::int64_t linux_keepalive_seconds(Duration d) noexcept;

/// Translates an effective keep-alive configuration (the emulator's, see
/// detection_delay in ws2sim/model/keepalive.h) into Linux options.
LinuxKeepAliveTranslation translate_keepalive(const KeepAliveConfig& effective);

/// Translates a Windows socket's keep-alive state on `host`: unset values come from the host's
/// registry and Windows' defaults, the probe count from the profile's rule (10 on Vista and
/// later; max(TcpMaxDataRetransmissions, PPTPTcpMaxDataRetransmissions) on 2000/XP/2003).
LinuxKeepAliveTranslation translate_keepalive(const Host& host, const WindowsKeepAlive& socket);

/// What a live socket was doing when Linux reported an error.
struct LinuxErrorContext {
  bool connected = false;     ///< The connection had been established.
  bool keepalive_on = false;  ///< Keep-alive was on (SO_KEEPALIVE on the Linux socket).
  bool unacked_data = false;  ///< Sent data was unacknowledged (SIOCOUTQ > 0).
  bool in_progress = false;   ///< The call was already blocked when the error came.
};

/// The model's reason for a connection that Linux ended with `linux_errno`, or nullopt for an
/// errno that does not end a connection (EAGAIN, EINVAL, ...).
std::optional<CloseReason> linux_close_reason(int linux_errno, const LinuxErrorContext& ctx);

/// The Windows error code (WSAE*) the host's profile prescribes for a Linux errno. ETIMEDOUT on an
/// established connection with keep-alive on and nothing unacknowledged is a keep-alive drop:
/// WSAENETRESET for a call in progress, the profile's after-drop error (WSAENOTCONN or
/// WSAECONNRESET, see Profile::after_drop) for later calls — the emulated backend's rule.
int windows_error_for_linux(const Host& host, int linux_errno, const LinuxErrorContext& ctx);

/// One entry of a world's live log: what a live socket was set to, what was clamped, when an
/// error came. `at` is real time since the world's first live operation.
struct LiveRecord {
  Duration at{};
  std::string host;
  std::uintptr_t socket = 0;  ///< The Winsock handle.
  std::string what;           ///< "keepalive-set", "clamped", "error", "connected", ...
  std::string detail;         ///< Human-readable values, e.g. "TCP_KEEPIDLE=2".
};

}  // namespace ws2sim::winsock
