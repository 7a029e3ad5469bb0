// ws2sim/cli/commands.h — the `ws2sim` commands behind their argument parsing.
//
// main.cc turns the command line into these structs with CLI11 and calls one function; each
// writes its report to `out`, its complaints to `err`, and returns the process exit code:
//   0  success
//   1  the run itself failed (a file could not be written, the emulator refused the set-up)
//   2  bad usage or bad input (unknown option, invalid scenario file, unknown profile, ...)
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ws2sim/cli/budget.h"
#include "ws2sim/cli/progress.h"
#include "ws2sim/cli/winsock_calls.h"
#include "ws2sim/model/status.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// `ws2sim run SCENARIO.json [--trace F] [--pcap F] [--svg F] [--seed N] [--full]`
struct RunArgs {
  std::string scenario;
  std::optional<std::string> trace;
  std::optional<std::string> pcap;
  std::optional<std::string> svg;
  std::optional<std::string> html;  ///< A self-contained report page (html.h).
  std::optional<std::uint64_t> seed;
  bool full = false;  ///< Print every probe instead of folding long runs.
  bool live = false;  ///< Real sockets in a private network namespace, real time (runner.h).
  /// No timeline, no trace in memory: --trace and --pcap are written as the events happen.
  bool summary_only = false;
  std::optional<std::string> memory_budget;  ///< "4G" (budget.h); unset: kDefaultMemoryBudget.
  bool progress = false;                     ///< A progress line even when stderr is no terminal.
  bool quiet = false;                        ///< No progress line.
};
int command_run(const RunArgs& args, std::ostream& out, std::ostream& err);

/// `ws2sim detect --profile NAME [--registry N=V]... [calls in order] [--all-profiles [-j N]]
/// [--svg F] [--json]`
struct DetectArgs {
  std::string profile;
  std::vector<std::string> registry;  ///< "NAME=VALUE"
  std::vector<KeepAliveCall> calls;   ///< In command-line order.
  std::optional<std::string> nat;     ///< "IDLE[,drop|rst]"
  bool ipv6 = false;                  ///< over IPv6 (AF_INET6 sockets)
  std::string read = "recv";          ///< "recv", "overlapped" or "completion-port"
  bool all_profiles = false;
  std::optional<unsigned> jobs;  ///< `-j N` with --all-profiles; unset: the number of cores
  std::optional<std::string> svg;
  std::optional<std::string> html;
  bool json = false;
};
int command_detect(const DetectArgs& args, std::ostream& out, std::ostream& err);

/// `ws2sim profiles [--json]`
int command_profiles(bool json, std::ostream& out, std::ostream& err);

/// `ws2sim demo [--out DIR]`
struct DemoArgs {
  std::string out_dir = "ws2sim-out";
};
int command_demo(const DemoArgs& args, std::ostream& out, std::ostream& err);

/// CommandLimits — `--memory-budget`, `--progress` and `--quiet` as `run` and `load` read them.
struct CommandLimits {
  std::size_t memory_budget = kDefaultMemoryBudget;
  ProgressMode progress = ProgressMode::kAuto;
};
/// Reads the three options; the error names the option and says why.
Result<CommandLimits> read_limits(const std::optional<std::string>& memory_budget, bool progress,
                                  bool quiet);

/// "1,60000,1000" -> SIO_KEEPALIVE_VALS {1, 60000, 1000}.
Result<KeepAliveCall> parse_keepalive_vals(std::string_view text);
/// "TcpMaxDataRetransmissions=300" (decimal or 0x hex).
Result<std::pair<winsock::RegistryValue, std::uint32_t>> parse_registry_assignment(
    std::string_view text);
/// A DWORD in decimal or 0x hex.
Result<std::uint32_t> parse_dword(std::string_view text);

/// The built-in scenario of `ws2sim demo` (also cli/scenarios/demo.json).
std::string_view demo_scenario();

}  // namespace ws2sim::cli
