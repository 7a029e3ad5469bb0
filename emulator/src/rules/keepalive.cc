// Where a socket's keep-alive parameters come from (keepalive.h, docs/behaviour.md §3).
#include "rules/keepalive.h"

#include <algorithm>
#include <limits>

namespace ws2sim::winsock::detail {
namespace {

constexpr std::uint32_t kDefaultKeepAliveTimeMs = 7'200'000;  // 2 h
constexpr std::uint32_t kDefaultKeepAliveIntervalMs = 1'000;  // 1 s
constexpr std::uint32_t kDefaultMaxDataRetransmissions = 5;
constexpr std::uint32_t kFixedProbeCount = 10;  // Vista and later
constexpr std::uint32_t kMaxRegistryProbeCount = 255;
constexpr std::uint32_t kMaxRtForever = 0xFFFFFFFF;  // TCP_MAXRT -1: re-send for ever

std::uint32_t reg(const Host::State& h, RegistryValue v, std::uint32_t fallback) {
  return h.registry[static_cast<std::size_t>(v)].value_or(fallback);
}

}  // namespace

std::uint32_t registry_probe_count(const Host::State& host) {
  switch (host.profile->probe_count.value) {
    case ProbeCountRule::kFixedTen:
      return kFixedProbeCount;
    case ProbeCountRule::kRegistry: {
      // 2000/XP/2003: the larger of the two values (each 5 when absent); 0 = no probes;
      // above 255 Windows itself clamps to 255.
      const std::uint32_t n = std::max(reg(host, RegistryValue::kTcpMaxDataRetransmissions, 5),
                                       reg(host, RegistryValue::kPPTPTcpMaxDataRetransmissions, 5));
      return std::min(n, kMaxRegistryProbeCount);
    }
  }
  return kFixedProbeCount;
}

KeepAliveConfig effective_keepalive(const Host::State& host, const Socket& s) {
  KeepAliveConfig cfg;
  cfg.enabled = s.keepalive;
  cfg.idle = s.keepalive_idle.value_or(
      milliseconds_u32(reg(host, RegistryValue::kKeepAliveTime, kDefaultKeepAliveTimeMs)));
  cfg.interval = s.keepalive_interval.value_or(
      milliseconds_u32(reg(host, RegistryValue::kKeepAliveInterval, kDefaultKeepAliveIntervalMs)));
  // docs/behaviour.md §2: with an interval of 0 the probes go back to back, one timer tick apart
  // (the first still goes as soon as the connection is idle, so an idle time of 0 stays 0).
  if (cfg.interval == Duration::zero()) {
    cfg.interval = host.profile->keepalive_timer_tick.value;
  }
  cfg.probe_count = s.keepalive_count.value_or(registry_probe_count(host));
  cfg.shape = ProbeShape::kNoData;
  return cfg;
}

RetransmissionConfig effective_retransmission(const Host::State& host, const Socket& s) {
  RetransmissionConfig rc;
  // InitialRto 3 s and TcpMaxConnectRetransmissions 2: a connect to a silent address fails after
  // 3 + 6 + 12 = 21 s, as on Windows.
  rc.initial_rto = std::chrono::seconds(3);
  rc.max_rto = std::chrono::seconds(240);
  rc.max_syn_retransmissions = 2;
  rc.max_retransmissions =
      reg(host, RegistryValue::kTcpMaxDataRetransmissions, kDefaultMaxDataRetransmissions);
  // docs/behaviour.md §12: an RST-answered SYN is sent again, so a refused connect takes ~2 s.
  rc.syn_retries_after_reset = host.profile->refused_syn_retries.value;
  rc.reset_retry_interval = host.profile->refused_retry_interval.value;
  // TCP_MAXRT (seconds): a connect still not established then fails with WSAETIMEDOUT.
  // 0 is the system default; 0xFFFFFFFF means re-send for ever (docs/behaviour.md §12).
  // The time limit replaces the SYN timeout count; re-sends after RST keep theirs (a connect
  // whose every SYN met an RST is still refused).
  if (s.maxrt_seconds && *s.maxrt_seconds != 0) {
    rc.max_syn_retransmissions = std::numeric_limits<std::uint32_t>::max();
    if (*s.maxrt_seconds != kMaxRtForever) {
      rc.connect_deadline = std::chrono::seconds(*s.maxrt_seconds);
    }
  }
  // SIO_TCP_INITIAL_RTO's MaxSynRetransmissions bounds both kinds of re-send.
  if (s.syn_retransmissions) {
    rc.max_syn_retransmissions = *s.syn_retransmissions;
    rc.syn_retries_after_reset = *s.syn_retransmissions;
  }
  return rc;
}

}  // namespace ws2sim::winsock::detail
