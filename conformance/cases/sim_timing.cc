// Keep-alive timing in virtual time (ws2sim only): when probes go out, how many, what they look
// like, what the registry and the per-socket settings change, and how a dead or rebooted peer is
// noticed. Which rule a version follows comes from the profile table (the native backend checks
// the table against real Windows); the expected numbers come from the catalog's statements.
#include "ws2sim/conformance/sim.h"

namespace ws2sim::conformance {
namespace {

using winsock::RegistryValue;

// Probes with registry defaults (docs/behaviour.md §3): 5 where the registry gives the count
// (2000/XP/2003), 10 where it is fixed (Vista and later).
std::uint32_t default_probes(const winsock::Profile& p) {
  return p.probe_count.value == winsock::ProbeCountRule::kRegistry ? 5U : 10U;
}

std::string text(Duration d) {
  return format_time(kEpoch + d);
}

// Checks that the time since the epoch is `expected`.
void check_now(SimContext& ctx, const char* id, Duration expected, const std::string& what) {
  ctx.check(id, ctx.elapsed() == expected,
            what + ": expected at " + text(expected) + ", got " + text(ctx.elapsed()));
}

void check_at(SimContext& ctx, const char* id, TimePoint actual, TimePoint expected,
              const std::string& what) {
  ctx.check(id, actual == expected,
            what + ": expected at " + format_time(expected) + ", got " + format_time(actual));
}

void set_keepalive(SimContext& ctx, SOCKET s, DWORD on) {
  ctx.require(error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, on)) == 0,
              "setsockopt(SO_KEEPALIVE) failed");
}

SIM_CASE(SoKeepAliveMakesTheStackProbe, "SO_KEEPALIVE.purpose") {
  const char* id = "SO_KEEPALIVE.purpose";
  ctx.world().set_horizon(at(24h * 30));
  const SOCKET on = ctx.tcp();
  const SOCKET off = ctx.tcp();
  set_keepalive(ctx, on, 1);
  ctx.connect_pair(on);
  ctx.connect_pair(off);
  ctx.check_error(id, ctx.crash_server_and_recv(on), WSAENETRESET,
                  "recv on the keep-alive connection once the peer died");
  const std::size_t probes = ctx.client_probes().size();
  ctx.check(id, probes > 0, "no keep-alive probe was sent");
  char b;
  ctx.check_error(id, error_of(recv(off, &b, 1, 0)), WSAEINTR,
                  "recv on the connection without keep-alive never ends (reported as a deadlock)");
  ctx.check_eq(id, ctx.client_probes().size(), probes,
               "probes sent on the connection without keep-alive");
}

SIM_CASE(DefaultTimeAndInterval, "KEEPALIVE.default.time-2h", "KEEPALIVE.default.interval-1s",
         "KEEPALIVE.defaults-unless-sio") {
  const SOCKET s = ctx.tcp();
  set_keepalive(ctx, s, 1);
  const TimePoint established = ctx.connect_pair(s).established;
  ctx.crash_server_and_recv(s);
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.require(probes.size() >= 2, "fewer than two probes were sent");
  check_at(ctx, "KEEPALIVE.default.time-2h", probes[0], established + 2h, "first probe");
  check_at(ctx, "KEEPALIVE.default.interval-1s", probes[1], probes[0] + 1s, "second probe");
  check_at(ctx, "KEEPALIVE.defaults-unless-sio", probes[1], established + 2h + 1s,
           "SO_KEEPALIVE alone: second probe at the default time + interval");
}

SIM_CASE(IoctlTimesSurviveTogglingSoKeepAlive, "KEEPALIVE.defaults-unless-sio",
         "KEEPALIVE.values-survive-toggle") {
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 15'000, 1'500) == 0, "SIO_KEEPALIVE_VALS failed");
  set_keepalive(ctx, s, 0);
  set_keepalive(ctx, s, 1);
  const Duration established = ctx.connect_pair(s).established - kEpoch;
  ctx.check_error("KEEPALIVE.values-survive-toggle", ctx.crash_server_and_recv(s), WSAENETRESET,
                  "recv once the peer died");
  const Duration expected =
      established + 15s + default_probes(ctx.profile()) * std::chrono::milliseconds(1'500);
  check_now(ctx, "KEEPALIVE.values-survive-toggle", expected,
            "dead peer detected with the ioctl's 15 s / 1.5 s after SO_KEEPALIVE off and on");
  check_now(ctx, "KEEPALIVE.defaults-unless-sio", expected,
            "SO_KEEPALIVE uses the times SIO_KEEPALIVE_VALS set, not the defaults");
}

SIM_CASE(DetectionTimeIsTimePlusProbesTimesInterval, "KEEPALIVE.probe-count.by-version",
         "SIO_KEEPALIVE_VALS.onoff.enables") {
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 10'000, 1'000) == 0, "SIO_KEEPALIVE_VALS failed");
  const Duration established = ctx.connect_pair(s).established - kEpoch;
  const std::uint32_t n = default_probes(ctx.profile());
  ctx.check_error("SIO_KEEPALIVE_VALS.onoff.enables", ctx.crash_server_and_recv(s), WSAENETRESET,
                  "recv once the peer died");
  check_now(ctx, "SIO_KEEPALIVE_VALS.onoff.enables", established + 10s + n * 1s,
            "{1, 10000, 1000}: detection");
  ctx.check_eq("KEEPALIVE.probe-count.by-version", ctx.client_probes().size(), n,
               "probes sent before the drop");
}

SIM_CASE(VistaDefaultsDetectAfterTwoHoursTenSeconds, "KEEPALIVE.detection.vista-defaults") {
  const SOCKET s = ctx.tcp();
  set_keepalive(ctx, s, 1);
  const Duration established = ctx.connect_pair(s).established - kEpoch;
  ctx.check_error("KEEPALIVE.detection.vista-defaults", ctx.crash_server_and_recv(s), WSAENETRESET,
                  "recv once the peer died");
  check_now(ctx, "KEEPALIVE.detection.vista-defaults", established + 2h + 10s, "detection");
}

SIM_CASE(RegistryTimeAndInterval, "KEEPALIVE.registry.keepalivetime",
         "KEEPALIVE.registry.keepaliveinterval") {
  ctx.require(ctx.client().set_registry(RegistryValue::kKeepAliveTime, 300'000).ok() &&
                  ctx.client().set_registry(RegistryValue::kKeepAliveInterval, 2'000).ok(),
              "setting the registry failed");
  const SOCKET s = ctx.tcp();
  set_keepalive(ctx, s, 1);
  const TimePoint established = ctx.connect_pair(s).established;
  ctx.crash_server_and_recv(s);
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.require(probes.size() >= 2, "fewer than two probes were sent");
  check_at(ctx, "KEEPALIVE.registry.keepalivetime", probes[0], established + 300s,
           "KeepAliveTime = 300000 ms: first probe");
  check_at(ctx, "KEEPALIVE.registry.keepaliveinterval", probes[1], probes[0] + 2s,
           "KeepAliveInterval = 2000 ms: second probe");
  // The top of the range: 0xFFFFFFFF ms, 49.7 days, with no overflow.
  ctx.check("KEEPALIVE.registry.keepalivetime",
            ctx.client().set_registry(RegistryValue::kKeepAliveTime, 0xFFFFFFFF).ok(),
            "KeepAliveTime = 0xFFFFFFFF refused");
  ctx.check("KEEPALIVE.registry.keepaliveinterval",
            ctx.client().set_registry(RegistryValue::kKeepAliveInterval, 0xFFFFFFFF).ok(),
            "KeepAliveInterval = 0xFFFFFFFF refused");
}

SIM_CASE(VistaAndLaterSendTenProbesWhateverTheRegistry, "KEEPALIVE.probe-count.nt6-ten") {
  ctx.require(ctx.client().set_registry(RegistryValue::kTcpMaxDataRetransmissions, 3).ok() &&
                  ctx.client().set_registry(RegistryValue::kPPTPTcpMaxDataRetransmissions, 2).ok(),
              "setting the registry failed");
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 10'000, 1'000) == 0, "SIO_KEEPALIVE_VALS failed");
  const Duration established = ctx.connect_pair(s).established - kEpoch;
  ctx.crash_server_and_recv(s);
  ctx.check_eq("KEEPALIVE.probe-count.nt6-ten", ctx.client_probes().size(), 10U,
               "probes with TcpMaxDataRetransmissions = 3");
  check_now(ctx, "KEEPALIVE.probe-count.nt6-ten", established + 10s + 10 * 1s, "detection");
}

// Detection on NT 5.x after the registry values in `values` were set.
void nt5_probes(SimContext& ctx, const char* id,
                std::initializer_list<std::pair<RegistryValue, std::uint32_t>> values,
                std::uint32_t expected, const std::string& what) {
  for (const auto& [value, data] : values)
    ctx.require(ctx.client().set_registry(value, data).ok(), "setting the registry failed");
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 1'000, 10) == 0, "SIO_KEEPALIVE_VALS failed");
  const Duration established = ctx.connect_pair(s).established - kEpoch;
  ctx.check_error(id, ctx.crash_server_and_recv(s), WSAENETRESET, what + ": recv");
  ctx.check_eq(id, ctx.client_probes().size(), expected, what + ": probes sent");
  check_now(ctx, id, established + 1s + expected * std::chrono::milliseconds(10),
            what + ": detection");
}

SIM_CASE(Nt5DefaultIsFiveProbes, "KEEPALIVE.probe-count.nt5-default-five") {
  nt5_probes(ctx, "KEEPALIVE.probe-count.nt5-default-five", {}, 5, "registry values absent");
}

SIM_CASE(Nt5UsesTheLargerRegistryValue, "KEEPALIVE.probe-count.nt5-registry-max") {
  nt5_probes(ctx, "KEEPALIVE.probe-count.nt5-registry-max",
             {{RegistryValue::kTcpMaxDataRetransmissions, 3},
              {RegistryValue::kPPTPTcpMaxDataRetransmissions, 7}},
             7, "TcpMaxDataRetransmissions 3, PPTPTcpMaxDataRetransmissions 7");
}

SIM_CASE(Nt5ClampsTheCountTo255, "KEEPALIVE.probe-count.nt5-clamp") {
  nt5_probes(ctx, "KEEPALIVE.probe-count.nt5-clamp",
             {{RegistryValue::kTcpMaxDataRetransmissions, 300}}, 255,
             "TcpMaxDataRetransmissions 300");
}

SIM_CASE(Nt5ZeroMeansNoProbes, "KEEPALIVE.probe-count.nt5-zero") {
  const char* id = "KEEPALIVE.probe-count.nt5-zero";
  ctx.require(ctx.client().set_registry(RegistryValue::kTcpMaxDataRetransmissions, 0).ok() &&
                  ctx.client().set_registry(RegistryValue::kPPTPTcpMaxDataRetransmissions, 0).ok(),
              "setting the registry failed");
  ctx.world().set_horizon(at(24h * 30));
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 1'000, 10) == 0, "SIO_KEEPALIVE_VALS failed");
  ctx.connect_pair(s);
  ctx.check_error(id, ctx.crash_server_and_recv(s), WSAEINTR,
                  "recv never ends (reported as a deadlock)");
  ctx.check_eq(id, ctx.client_probes().size(), 0U, "probes sent");
}

SIM_CASE(TcpKeepCntSetsTheProbeCount, "KEEPALIVE.probe-count.tcp-keepcnt") {
  const char* id = "KEEPALIVE.probe-count.tcp-keepcnt";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 10'000, 1'000) == 0, "SIO_KEEPALIVE_VALS failed");
  ctx.require(error_of(set_dword(s, IPPROTO_TCP, TCP_KEEPCNT, 3)) == 0, "TCP_KEEPCNT failed");
  const Duration established = ctx.connect_pair(s).established - kEpoch;
  ctx.check_error(id, ctx.crash_server_and_recv(s), WSAENETRESET, "recv");
  ctx.check_eq(id, ctx.client_probes().size(), 3U, "probes with TCP_KEEPCNT = 3");
  check_now(ctx, id, established + 10s + 3 * 1s, "detection");
}

SIM_CASE(TcpKeepIdleIsInSeconds, "TCP_KEEPIDLE.seconds") {
  const SOCKET s = ctx.tcp();
  set_keepalive(ctx, s, 1);
  ctx.require(error_of(set_dword(s, IPPROTO_TCP, TCP_KEEPIDLE, 20)) == 0, "TCP_KEEPIDLE failed");
  const TimePoint established = ctx.connect_pair(s).established;
  ctx.crash_server_and_recv(s);
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.require(!probes.empty(), "no probe was sent");
  check_at(ctx, "TCP_KEEPIDLE.seconds", probes[0], established + 20s,
           "TCP_KEEPIDLE = 20: first probe");
}

SIM_CASE(TcpKeepIntvlIsInSeconds, "TCP_KEEPINTVL.seconds") {
  const SOCKET s = ctx.tcp();
  set_keepalive(ctx, s, 1);
  ctx.require(error_of(set_dword(s, IPPROTO_TCP, TCP_KEEPIDLE, 20)) == 0 &&
                  error_of(set_dword(s, IPPROTO_TCP, TCP_KEEPINTVL, 2)) == 0,
              "TCP_KEEPIDLE/TCP_KEEPINTVL failed");
  ctx.connect_pair(s);
  ctx.crash_server_and_recv(s);
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.require(probes.size() >= 2, "fewer than two probes were sent");
  check_at(ctx, "TCP_KEEPINTVL.seconds", probes[1], probes[0] + 2s,
           "TCP_KEEPINTVL = 2: second probe");
}

SIM_CASE(IoctlTimesAreMilliseconds, "SIO_KEEPALIVE_VALS.keepalivetime.ms",
         "SIO_KEEPALIVE_VALS.keepaliveinterval.ms") {
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 1'500, 250) == 0, "SIO_KEEPALIVE_VALS failed");
  const TimePoint established = ctx.connect_pair(s).established;
  ctx.crash_server_and_recv(s);
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.require(probes.size() >= 3, "fewer than three probes were sent");
  check_at(ctx, "SIO_KEEPALIVE_VALS.keepalivetime.ms", probes[0], established + 1500ms,
           "keepalivetime 1500: first probe");
  check_at(ctx, "SIO_KEEPALIVE_VALS.keepaliveinterval.ms", probes[1], probes[0] + 250ms,
           "keepaliveinterval 250: second probe");
  check_at(ctx, "SIO_KEEPALIVE_VALS.keepaliveinterval.ms", probes[2], probes[1] + 250ms,
           "keepaliveinterval 250: third probe");
}

SIM_CASE(IoctlOnOffZeroDisables, "SIO_KEEPALIVE_VALS.onoff.disables") {
  const char* id = "SIO_KEEPALIVE_VALS.onoff.disables";
  ctx.world().set_horizon(at(24h * 30));
  const SOCKET s = ctx.tcp();
  set_keepalive(ctx, s, 1);
  ctx.require(keepalive_vals(s, 0, 1'000, 100) == 0, "SIO_KEEPALIVE_VALS {0, ...} failed");
  ctx.connect_pair(s);
  ctx.check_error(id, ctx.crash_server_and_recv(s), WSAEINTR,
                  "recv never ends (reported as a deadlock)");
  ctx.check_eq(id, ctx.client_probes().size(), 0U, "probes sent");
}

SIM_CASE(IoctlSettingsBelongToOneConnection, "SIO_KEEPALIVE_VALS.per-connection") {
  const char* id = "SIO_KEEPALIVE_VALS.per-connection";
  const SOCKET tuned = ctx.tcp();
  const SOCKET plain = ctx.tcp();
  set_keepalive(ctx, tuned, 1);
  set_keepalive(ctx, plain, 1);
  ctx.require(keepalive_vals(tuned, 1, 5'000, 500) == 0, "SIO_KEEPALIVE_VALS failed");
  const Duration tuned_established = ctx.connect_pair(tuned).established - kEpoch;
  const Duration plain_established = ctx.connect_pair(plain).established - kEpoch;
  const std::uint32_t n = default_probes(ctx.profile());
  ctx.check_error(id, ctx.crash_server_and_recv(tuned), WSAENETRESET, "recv on the tuned socket");
  check_now(ctx, id, tuned_established + 5s + n * 500ms, "tuned connection: detection");
  char b;
  ctx.check_error(id, error_of(recv(plain, &b, 1, 0)), WSAENETRESET, "recv on the other socket");
  check_now(ctx, id, plain_established + 2h + n * 1s,
            "the other connection keeps the defaults: detection");
}

SIM_CASE(AcceptedSocketsInheritTheListenersSettings, "KEEPALIVE.accept-inherits") {
  const char* id = "KEEPALIVE.accept-inherits";
  const SOCKET listener = ctx.listening_tcp();
  ctx.require(keepalive_vals(listener, 1, 20'000, 2'000) == 0, "SIO_KEEPALIVE_VALS failed");
  const bool keepcnt = ctx.profile().tcp_keepcnt.value;
  if (keepcnt) {
    ctx.require(error_of(set_dword(listener, IPPROTO_TCP, TCP_KEEPCNT, 2)) == 0,
                "TCP_KEEPCNT failed");
  }
  sockaddr_in me{};
  int len = sizeof me;
  ctx.require(getsockname(listener, reinterpret_cast<sockaddr*>(&me), &len) == 0,
              "getsockname failed");
  {
    winsock::HostScope on(ctx.server());
    const SOCKET c = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockaddr_in to = me;
    inet_pton(AF_INET, "10.0.0.1", &to.sin_addr);
    ctx.require(::connect(c, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0,
                "the server could not connect to the client's listener");
  }
  const SOCKET s = ctx.keep(accept(listener, nullptr, nullptr));
  ctx.require(s != INVALID_SOCKET, "accept failed");
  ctx.check(id, keepalive_on(s), "the accepted socket has SO_KEEPALIVE on");
  if (keepcnt) {
    ctx.check_eq(id, read_option(s, IPPROTO_TCP, TCP_KEEPCNT), 2,
                 "the accepted socket's TCP_KEEPCNT");
  }
  const std::uint32_t n = keepcnt ? 2U : default_probes(ctx.profile());
  ctx.require(ctx.world().crash(ctx.server()).ok(), "crashing the server failed");
  char b;
  ctx.check_error(id, error_of(recv(s, &b, 1, 0)), WSAENETRESET, "recv on the accepted socket");
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.require(!probes.empty(), "no probe was sent");
  const std::optional<TimePoint> last = ctx.last_client_receipt(probes[0]);
  ctx.require(last.has_value(), "the client never received a segment");
  check_at(ctx, id, probes[0], *last + 20s, "first probe: the listener's 20 s");
  check_at(ctx, id, ctx.world().now(), *last + 20s + n * 2s,
           "detection: the listener's time, interval and count");
}

}  // namespace
}  // namespace ws2sim::conformance
