// Live mode's pure translation layer (no sockets, no clock): Windows keep-alive state -> Linux
// socket options plus clamp records, and Linux errno -> the WSA error the profile prescribes.
// The effective Windows values come from rules/keepalive.cc, the same code the simulated backend
// uses; the error rule from rules/connection_errors.cc.
#include <cerrno>

#include "backend/live.h"
#include "rules/connection_errors.h"
#include "rules/keepalive.h"

namespace ws2sim::winsock {
namespace {

// One time option: Windows' duration -> Linux seconds in [1, 32767], with its clamp records.
int translate_seconds(std::string_view option, Duration windows,
                      std::vector<LinuxClampRecord>& clamps) {
  const std::int64_t rounded = linux_keepalive_seconds(windows);
  std::int64_t applied = rounded;
  if (rounded < kLinuxMinKeepAliveSeconds) {
    applied = kLinuxMinKeepAliveSeconds;
    clamps.push_back({option, LinuxClamp::kRaisedToMinimum, windows.count(), applied});
  } else if (rounded > kLinuxMaxKeepAliveSeconds) {
    applied = kLinuxMaxKeepAliveSeconds;
    clamps.push_back({option, LinuxClamp::kLoweredToMaximum, windows.count(), applied});
  } else if (Duration{std::chrono::seconds(rounded)} != windows) {
    clamps.push_back({option, LinuxClamp::kRoundedUp, windows.count(), applied});
  }
  return static_cast<int>(applied);
}

}  // namespace

std::string_view to_string(LinuxClamp c) noexcept {
  switch (c) {
    case LinuxClamp::kRoundedUp:
      return "rounded-up";
    case LinuxClamp::kRaisedToMinimum:
      return "raised-to-minimum";
    case LinuxClamp::kLoweredToMaximum:
      return "lowered-to-maximum";
    case LinuxClamp::kSwitchedOff:
      return "switched-off";
  }
  return "?";
}

std::int64_t linux_keepalive_seconds(Duration d) noexcept {
  if (d <= Duration::zero()) {
    return 0;
  }
  return std::chrono::ceil<std::chrono::seconds>(d).count();
}

LinuxKeepAliveTranslation translate_keepalive(const KeepAliveConfig& effective) {
  LinuxKeepAliveTranslation t;
  t.options.so_keepalive = effective.enabled;
  t.options.keepidle_s = translate_seconds("TCP_KEEPIDLE", effective.idle, t.clamps);
  t.options.keepintvl_s = translate_seconds("TCP_KEEPINTVL", effective.interval, t.clamps);
  const std::uint32_t n = effective.probe_count;
  if (n == 0) {
    // Spec §3: on 2000/XP/2003 a probe count of 0 means keep-alive never sends a probe and never
    // drops the connection. Linux has no zero count, but a socket without SO_KEEPALIVE behaves
    // exactly so; TCP_KEEPCNT gets its minimum for when the program raises the count later.
    t.options.keepcnt = static_cast<int>(kLinuxMinKeepAliveProbes);
    if (effective.enabled) {
      t.options.so_keepalive = false;
      t.clamps.push_back({"TCP_KEEPCNT", LinuxClamp::kSwitchedOff, 0, 0});
    }
  } else if (n > kLinuxMaxKeepAliveProbes) {
    t.options.keepcnt = static_cast<int>(kLinuxMaxKeepAliveProbes);
    t.clamps.push_back({"TCP_KEEPCNT", LinuxClamp::kLoweredToMaximum, n, kLinuxMaxKeepAliveProbes});
  } else {
    t.options.keepcnt = static_cast<int>(n);
  }
  return t;
}

LinuxKeepAliveTranslation translate_keepalive(const Host& host, const WindowsKeepAlive& socket) {
  detail::Socket s;
  s.keepalive = socket.so_keepalive;
  s.keepalive_idle = socket.idle;
  s.keepalive_interval = socket.interval;
  s.keepalive_count = socket.probe_count;
  return translate_keepalive(detail::effective_keepalive(host.state(), s));
}

std::optional<CloseReason> linux_close_reason(int linux_errno, const LinuxErrorContext& ctx) {
  switch (linux_errno) {
    case ETIMEDOUT:
      if (!ctx.connected) {
        return CloseReason::kConnectTimeout;
      }
      // Linux reports both keep-alive and retransmission give-ups as ETIMEDOUT; keep-alive only
      // probes while nothing is unacknowledged (RFC 9293 MUST-26), so that tells them apart.
      return ctx.keepalive_on && !ctx.unacked_data ? CloseReason::kKeepAliveTimeout
                                                   : CloseReason::kRetransmissionTimeout;
    case ECONNRESET:
    case EPIPE:
      return CloseReason::kResetByPeer;
    case ECONNREFUSED:
      return CloseReason::kConnectionRefused;
    default:
      return std::nullopt;
  }
}

int windows_error_for_linux(const Host& host, int linux_errno, const LinuxErrorContext& ctx) {
  return detail::live::windows_error(host.state(), linux_errno, ctx);
}

namespace detail::live {

int windows_error(const Host::State& h, int linux_errno, const LinuxErrorContext& ctx) {
  namespace e = detail::err;
  // Connection-ending errors take the simulated backend's rule (rules/connection_errors.cc), so the
  // profile's choices apply: WSAENETRESET in progress, Profile::after_drop afterwards.
  if (const auto reason = linux_close_reason(linux_errno, ctx)) {
    return connection_error(h, *reason, ctx.in_progress);
  }
  switch (linux_errno) {
    case ECONNABORTED:
      return e::kEconnaborted;
    case ENOTCONN:
      return e::kEnotconn;
    case EINTR:
      return e::kEintr;
    case EINVAL:
      return e::kEinval;
    case EFAULT:
      return e::kEfault;
    case EAGAIN:
      return 10035;  // WSAEWOULDBLOCK
    case EINPROGRESS:
      return 10036;  // WSAEINPROGRESS
    case EALREADY:
      return 10037;  // WSAEALREADY
    case EISCONN:
      return 10056;  // WSAEISCONN
    case EADDRINUSE:
      return 10048;  // WSAEADDRINUSE
    case EADDRNOTAVAIL:
      return 10049;  // WSAEADDRNOTAVAIL
    case ENETDOWN:
      return e::kEnetdown;
    case ENETUNREACH:
      return 10051;  // WSAENETUNREACH
    case EHOSTUNREACH:
      return 10065;  // WSAEHOSTUNREACH
    case ENOBUFS:
    case ENOMEM:
      return 10055;  // WSAENOBUFS
    case EMFILE:
    case ENFILE:
      return 10024;  // WSAEMFILE
    case EAFNOSUPPORT:
      return 10047;  // WSAEAFNOSUPPORT
    case EACCES:
    case EPERM:
      return 10013;  // WSAEACCES (also what a netfilter drop on output gives the sender)
    default:
      return e::kEinval;
  }
}

}  // namespace detail::live
}  // namespace ws2sim::winsock
