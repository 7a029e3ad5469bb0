// Where a socket's keep-alive parameters come from (keepalive.h, docs/behaviour.md §3).
#include "rules/keepalive.h"

#include <algorithm>

namespace ws2sim::winsock::detail {
namespace {

constexpr std::uint32_t kDefaultKeepAliveTimeMs = 7'200'000;  // 2 h
constexpr std::uint32_t kDefaultKeepAliveIntervalMs = 1'000;  // 1 s
constexpr std::uint32_t kDefaultMaxDataRetransmissions = 5;
constexpr std::uint32_t kFixedProbeCount = 10;  // Vista and later
constexpr std::uint32_t kMaxRegistryProbeCount = 255;

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

RetransmissionConfig effective_retransmission(const Host::State& host) {
  RetransmissionConfig rc;
  // InitialRto 3 s and TcpMaxConnectRetransmissions 2: a connect to a silent address fails after
  // 3 + 6 + 12 = 21 s, as on Windows.
  rc.initial_rto = std::chrono::seconds(3);
  rc.max_rto = std::chrono::seconds(240);
  rc.max_syn_retransmissions = 2;
  rc.max_retransmissions =
      reg(host, RegistryValue::kTcpMaxDataRetransmissions, kDefaultMaxDataRetransmissions);
  return rc;
}

}  // namespace ws2sim::winsock::detail
