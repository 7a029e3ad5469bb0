// ws2sim/cli/detect.h — "with these settings on this Windows version, when is a dead peer
// detected?" (`ws2sim detect`).
//
// It really runs it: a fresh emulated socket on a host of the profile (registry values set),
// the keep-alive calls in the order given, connect() to a Windows Server 2022 peer, the peer
// crashes right after the handshake, and a blocking recv() waits in virtual time until keep-alive
// gives up (or the horizon of 200 years passes: never detected).
//
// With a NAT (`nat`) the question is the other one: the peer stays alive behind a middlebox that
// forgets idle flows; does keep-alive keep the flow alive, or does the connection die of the NAT?
// The run stops when the connection ends, when three probes have been answered (from then on
// the schedule repeats), or when nothing more can happen.
//
//   DetectRequest q{.profile = "windows-xp"};
//   q.registry.emplace_back(winsock::RegistryValue::kTcpMaxDataRetransmissions, 300);
//   q.calls.push_back({.kind = CallKind::kSoKeepAlive, .value = 1});
//   DetectResult r = detect(q).value();
//   r.probe_times.size();   // 255
//   *r.detection;           // 7455 s after the last received segment
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ws2sim/cli/read_mode.h"
#include "ws2sim/cli/winsock_calls.h"
#include "ws2sim/model/network.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"
#include "ws2sim/model/trace.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::cli {

struct DetectRequest {
  std::string profile;
  std::vector<std::pair<winsock::RegistryValue, std::uint32_t>> registry;
  std::vector<KeepAliveCall> calls;  ///< Made in this order, before connect().
  std::optional<NatConfig> nat;      ///< A NAT between client and a live peer; none: peer crashes.
  /// The connection's IP version: IPv6 gives both hosts an IPv6 address (2001:db8::1 and ::2)
  /// and uses AF_INET6 sockets (docs/behaviour.md §16).
  IpFamily family = IpFamily::kIpv4;
  /// How the program waits once connected: what the wait returns at the drop differs
  /// (docs/behaviour.md §17: WSAENETRESET, WSAETIMEDOUT, ERROR_SEM_TIMEOUT).
  ReadMode read = ReadMode::kRecv;
};

struct DetectResult {
  std::string profile;
  std::string display;
  std::vector<std::pair<winsock::RegistryValue, std::uint32_t>> registry;
  std::vector<std::pair<KeepAliveCall, CallOutcome>> calls;
  TimePoint last_receive;               ///< The SYN-ACK: the last segment from the peer.
  std::vector<TimePoint> probe_times;   ///< Every probe sent.
  std::size_t probes_answered = 0;      ///< Probes the peer answered.
  std::optional<NatConfig> nat;         ///< As requested.
  IpFamily family = IpFamily::kIpv4;    ///< As requested.
  std::string peer;                     ///< The address connect() went to, "10.0.0.2:443".
  std::optional<TimePoint> nat_forgot;  ///< When the NAT forgot the flow, if it did.
  std::optional<Duration> detection;    ///< From last_receive to the drop; nullopt: never.
  std::optional<CloseReason> reason;    ///< Why the connection ended, if it did.
  ReadMode read = ReadMode::kRecv;      ///< As requested.
  std::string read_call = "recv()";     ///< The call that reported the read's end.
  std::optional<CallOutcome> recv;      ///< What the blocked read returned; none: still blocked.
  TimePoint recv_returned;              ///< When it returned (virtual time).
};

/// Reads `--nat`'s value: "IDLE" or "IDLE,drop" (segments of a forgotten flow are dropped) or
/// "IDLE,rst" (answered with RST), IDLE a duration as parse_duration reads it.
Result<NatConfig> parse_nat(std::string_view text);

/// Runs the experiment. Fails for an unknown profile or a registry value out of range.
Result<DetectResult> detect(const DetectRequest& request);

/// The experiment for every profile in all_profiles(), oldest first; over IPv6, every profile
/// with an IPv6 stack (Profile::ipv6). Up to `jobs` experiments run at once, each in a world of
/// its own: the results, and the error when one fails (the first failing profile's, in table
/// order), are the serial run's whatever `jobs` is.
Result<std::vector<DetectResult>> detect_all_profiles(const DetectRequest& request,
                                                      unsigned jobs = 1);

/// Readable report of one result.
std::string format_detect(const DetectResult& r);
/// One row per result.
std::string format_detect_table(const std::vector<DetectResult>& results);
/// {"profile", "display", "family" ("ipv4"/"ipv6"), "peer", "registry",
///  "calls": [{"call","result","error","error_code"}],
///  "probes", "probe_schedule_ms", "last_receive_ms", "detection_ms" (null: never),
///  "reason", "error", "error_code"}; with a NAT also "nat": {"idle_timeout_ms", "on_expiry"},
///  "nat_forgot_ms" (null: never) and "probes_answered".
nlohmann::ordered_json detect_json(const DetectResult& r);

/// The bar chart of detection time per result.
std::string detect_svg(const std::vector<DetectResult>& results, const std::string& title);

}  // namespace ws2sim::cli
