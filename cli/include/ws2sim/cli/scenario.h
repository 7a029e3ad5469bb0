// ws2sim/cli/scenario.h — the scenario file format (JSON) of `ws2sim run`.
//
// A scenario names emulated Windows hosts, the TCP connections between them with each client's
// keep-alive calls (an ordered list of Winsock calls), traffic and faults at virtual times, the
// links, a seed and a duration. docs/scenarios.md describes the format; docs/scenario.schema.json
// is its JSON Schema. Parsing validates every field: an error names the file, the JSON pointer of
// the offending value and what was expected, e.g.
//
//   bad.json: /connections/1/calls/0/onoff: expected a whole number from 0 to 4294967295, got "yes"
//
//   Result<Scenario> s = load_scenario("cli/scenarios/nat.json");
//   if (!s.ok()) { std::cerr << s.error().message << '\n'; return 2; }
#pragma once

#include <cstdint>
#include <map>
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
#include "ws2sim/winsock/world.h"

namespace ws2sim::cli {

/// When a connection's keep-alive call is made, relative to connect().
enum class CallPhase : std::uint8_t {
  kBeforeConnect,  ///< On the fresh socket, before connect() ("before-connect", the default).
  kConnecting,     ///< Right after connect() started, while the handshake is in progress.
  kAfterConnect,   ///< As soon as the connection is established.
};
std::string_view to_string(CallPhase p) noexcept;

struct ScenarioCall {
  KeepAliveCall call;
  CallPhase when = CallPhase::kBeforeConnect;
};

struct HostSpec {
  std::string name;
  std::string profile;
  std::string address;
  /// An IPv6 address besides the IPv4 one ("2001:db8::1"): the host's listeners are then
  /// dual-stack (AF_INET6, IPV6_V6ONLY cleared) and connections may use IPv6.
  std::optional<std::string> ipv6;
  /// Other names of the host (Host::add_alias): unique, case-insensitively, among every host's
  /// name and aliases.
  std::vector<std::string> aliases;
  /// The host's lookups (Host::set_resolver): a delay, and an outage's answer.
  std::optional<winsock::Resolver> resolver;
  std::vector<std::pair<winsock::RegistryValue, std::uint32_t>> registry;  ///< In file order.
  winsock::HostSwitches switches;
  /// Ports to listen on. Unset: every port a connection targets on this host.
  std::optional<std::vector<std::uint16_t>> listen;
};

struct LinkSpec {
  std::string a;
  std::string b;
  PathConfig path;
};

struct ConnectionSpec {
  std::string name;
  std::string from;  ///< Client host.
  std::string to;    ///< Server host.
  std::uint16_t port = 0;
  /// The IP version: kIpv6 connects an AF_INET6 socket to the server's "ipv6" address (both
  /// hosts need one).
  IpFamily family = IpFamily::kIpv4;
  /// A name of the server host (its name or an alias) the client resolves with getaddrinfo, in
  /// virtual time through its resolver, before it connects to the address found. Unset: the
  /// client connects to the server's address directly.
  std::optional<std::string> to_name;
  Duration at{0};  ///< When socket() and connect() are called (the lookup, with to_name).
  std::vector<ScenarioCall> calls;
  /// How the client waits for data once connected: a blocking recv(), an overlapped WSARecv
  /// with an event, or one on a completion port (docs/behaviour.md §17).
  ReadMode read = ReadMode::kRecv;
};

struct TrafficSpec {
  Duration at{0};
  std::string connection;
  bool from_server = false;  ///< false: the client sends; true: the server's accepted socket.
  std::uint32_t bytes = 0;
};

enum class FaultKind : std::uint8_t {
  kCrash,        ///< The host stops answering (its connections stay in its memory).
  kRestart,      ///< A crashed host comes back without its connections (answers with RST).
  kReboot,       ///< crash + restart at the same instant.
  kPartition,    ///< Segments between two hosts are lost (one or both ways).
  kHeal,         ///< Ends a partition.
  kNat,          ///< A NAT / load balancer between two hosts forgets flows idle too long.
  kNetworkDown,  ///< The host's network fails: Winsock calls get WSAENETDOWN, nothing passes.
  kNetworkUp,    ///< Ends network-down.
};
std::string_view to_string(FaultKind k) noexcept;

struct FaultSpec {
  Duration at{0};
  FaultKind kind = FaultKind::kCrash;
  std::string host;       ///< crash, restart, reboot, network-down, network-up; first end otherwise
  std::string other;      ///< partition, heal, nat: the second end
  bool both_ways = true;  ///< partition, heal
  NatConfig nat;          ///< nat
};

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  Duration duration{0};
  std::vector<HostSpec> hosts;
  std::vector<LinkSpec> links;
  std::vector<ConnectionSpec> connections;
  std::vector<TrafficSpec> traffic;
  std::vector<FaultSpec> faults;

  /// The host / connection called `name`, or nullptr. By index when parse_scenario built the
  /// scenario (linear in hosts and connections); by a scan for one assembled by hand.
  [[nodiscard]] const HostSpec* host(std::string_view name) const;
  [[nodiscard]] const ConnectionSpec* connection(std::string_view name) const;

  // ---- implementation details ----
  /// Position by name, filled by parse_scenario as it reads (used only while it matches the
  /// vector it indexes).
  std::map<std::string, std::size_t, std::less<>> host_index;
  std::map<std::string, std::size_t, std::less<>> connection_index;
};

/// Parses scenario JSON text. `source` (usually the file name) starts every error message.
Result<Scenario> parse_scenario(std::string_view text, const std::string& source);

/// Reads and parses a scenario file.
Result<Scenario> load_scenario(const std::string& path);

/// kMaxScenarioBytes — the largest scenario file load_scenario reads: 64 MiB.
inline constexpr std::size_t kMaxScenarioBytes = std::size_t{64} << 20;

}  // namespace ws2sim::cli
