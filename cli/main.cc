// ws2sim: the command-line tool. Only argument parsing lives here (CLI11); every command is a
// function of the ws2sim::cli library (commands.h). Exit codes: 0 ok, 1 run-time failure,
// 2 usage or bad input (docs/cli.md).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <iostream>
#include <limits>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "ws2sim/cli/commands.h"
#include "ws2sim/cli/load.h"

namespace {

using namespace ws2sim::cli;

// The keep-alive call options of `detect`, in the order the user gave them (CLI11 records every
// occurrence of every option in App::parse_order()).
struct CallOptions {
  CLI::Option* so_keepalive = nullptr;
  CLI::Option* keepalive_vals = nullptr;
  CLI::Option* keepidle = nullptr;
  CLI::Option* keepalive = nullptr;
  CLI::Option* keepintvl = nullptr;
  CLI::Option* keepcnt = nullptr;
};

// Builds the ordered call list; an error message for a bad value.
ws2sim::Result<std::vector<KeepAliveCall>> ordered_calls(const CLI::App& app,
                                                         const CallOptions& o) {
  std::map<const CLI::Option*, std::size_t> next;  // occurrences consumed per option
  std::vector<KeepAliveCall> calls;
  for (const CLI::Option* opt : app.parse_order()) {
    const auto kind = [&]() -> std::optional<CallKind> {
      if (opt == o.so_keepalive) return CallKind::kSoKeepAlive;
      if (opt == o.keepalive_vals) return CallKind::kKeepAliveVals;
      if (opt == o.keepidle) return CallKind::kTcpKeepIdle;
      if (opt == o.keepalive) return CallKind::kTcpKeepAlive;
      if (opt == o.keepintvl) return CallKind::kTcpKeepIntvl;
      if (opt == o.keepcnt) return CallKind::kTcpKeepCnt;
      return std::nullopt;
    }();
    if (!kind) continue;
    const std::string& raw = opt->results().at(next[opt]++);
    if (*kind == CallKind::kKeepAliveVals) {
      auto c = parse_keepalive_vals(raw);
      if (!c.ok()) return ws2sim::invalid_argument(opt->get_name() + " " + c.error().message);
      calls.push_back(*c);
      continue;
    }
    auto v = parse_dword(raw);
    if (!v.ok()) return ws2sim::invalid_argument(opt->get_name() + " " + v.error().message);
    calls.push_back(KeepAliveCall{.kind = *kind, .value = *v});
  }
  return calls;
}

}  // namespace

// A whole decimal number from 0 to `max`, nothing else: CLI11 alone reads "-1" as 2^64 - 1,
// "99999999999999999999" as 2^64 - 1 and "" as 0 (issue 21).
CLI::Validator whole_number(std::uint64_t max) {
  return CLI::Validator(
      [max](std::string& text) -> std::string {
        const std::string range = "expected a whole number from 0 to " + std::to_string(max);
        if (text.empty()) return range + ", got an empty value";
        std::uint64_t v = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, v);
        if (ec != std::errc() || ptr != end || v > max) {
          return range + ", got \"" + text + "\"";
        }
        return {};
      },
      "N");
}

// The command a parse error belongs to ("ws2sim run"), for one-line messages.
std::string command_of(const CLI::App* app) {
  for (const CLI::App* sub : app->get_subcommands()) {
    return "ws2sim " + sub->get_name();
  }
  return "ws2sim";
}

// One line per usage error, naming the command: "ws2sim load: --seed: expected ...".
std::string one_line(const CLI::App* app, const CLI::Error& e) {
  std::string what = e.what();
  if (app->get_subcommands().empty() &&
      (e.get_name() == "RequiredError" || e.get_name() == "ExtrasError")) {
    const std::vector<std::string> rest = app->remaining();
    const auto word = std::find_if(rest.begin(), rest.end(),
                                   [](const std::string& a) { return !a.starts_with('-'); });
    what = word == rest.end() ? "a command is required" : "unknown command \"" + *word + "\"";
    what += ": run, detect, load, profiles or demo (ws2sim --help)";
  }
  return command_of(app) + ": " + what + "\n";
}

int main(int argc, char** argv) {
  CLI::App app{
      "ws2sim: Winsock TCP keep-alive on emulated Windows versions, in virtual time.\n"
      "Every command really makes the Winsock calls on emulated hosts; hours of idleness take "
      "microseconds, and the same seed gives the same bytes."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "ws2sim " WS2SIM_VERSION);
  app.failure_message(one_line);
  app.footer("Exit codes: 0 ok, 1 run-time failure, 2 usage or bad input. See docs/cli.md.");

  // run --------------------------------------------------------------------------------------
  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run",
                                         "Play a scenario file: hosts, connections with their "
                                         "keep-alive calls, traffic, faults. Prints a timeline and "
                                         "a summary per connection.");
  run_cmd->add_option("scenario", run.scenario, "Scenario file (JSON, docs/scenarios.md)")
      ->required();
  run_cmd->add_option("--trace", run.trace, "Write the model trace as JSON lines to this file");
  run_cmd->add_option("--pcap", run.pcap, "Write every segment as a pcap file (Wireshark, tshark)");
  run_cmd->add_option("--svg", run.svg, "Write the timeline picture (SVG) to this file");
  run_cmd->add_option("--html", run.html,
                      "Write a self-contained HTML report (picture, timeline, summary)");
  run_cmd->add_option("--seed", run.seed, "Seed for the run (default: the scenario's \"seed\")")
      ->check(whole_number(std::numeric_limits<std::uint64_t>::max()));
  run_cmd->add_flag("--full", run.full, "Print every probe instead of folding long runs of probes");
  run_cmd->add_flag("--summary-only", run.summary_only,
                    "No timeline and no trace in memory: memory stays bounded however long the "
                    "run; --trace and --pcap are written as the events happen");
  const auto limits = [](CLI::App* cmd, std::optional<std::string>& budget, bool& progress,
                         bool& quiet) {
    cmd->add_option("--memory-budget", budget,
                    "Memory the command may use, e.g. 512M, 8G (default 4G; docs/cli.md)")
        ->type_name("SIZE");
    cmd->add_flag("--progress", progress,
                  "A progress line on stderr even when it is not a terminal");
    cmd->add_flag("--quiet", quiet, "No progress line (default: on a terminal, for work > 1 s)");
  };
  limits(run_cmd, run.memory_budget, run.progress, run.quiet);
  run_cmd->add_flag("--live", run.live,
                    "Real Linux sockets in a private network namespace, in real time (root; "
                    "docs/cli.md)");

  // detect -----------------------------------------------------------------------------------
  DetectArgs detect;
  CallOptions calls;
  CLI::App* detect_cmd =
      app.add_subcommand("detect",
                         "When is a dead peer detected? Makes the keep-alive calls, in the order "
                         "given, on an emulated "
                         "socket of the profile, connects, crashes the peer and blocks in recv().");
  detect_cmd->add_option("--profile", detect.profile, "Windows version (see `ws2sim profiles`)");
  detect_cmd
      ->add_option(
          "--registry", detect.registry,
          "Tcpip\\Parameters value NAME=VALUE (repeatable): KeepAliveTime, KeepAliveInterval, "
          "TcpMaxDataRetransmissions, PPTPTcpMaxDataRetransmissions")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->type_name("NAME=VALUE");
  std::vector<std::string> sink;  // values are read back in order from parse_order()
  calls.so_keepalive = detect_cmd->add_option("--so-keepalive", sink,
                                              "setsockopt(SOL_SOCKET, SO_KEEPALIVE, VALUE): 0 or 1 "
                                              "(any DWORD is passed through)");
  calls.keepalive_vals = detect_cmd->add_option(
      "--keepalive-vals", sink,
      "WSAIoctl(SIO_KEEPALIVE_VALS, {ONOFF, TIME_MS, INTERVAL_MS}), e.g. 1,60000,1000");
  calls.keepidle = detect_cmd->add_option("--tcp-keepidle", sink,
                                          "setsockopt(IPPROTO_TCP, TCP_KEEPIDLE, SECONDS)");
  calls.keepalive = detect_cmd->add_option(
      "--tcp-keepalive", sink,
      "setsockopt(IPPROTO_TCP, TCP_KEEPALIVE, SECONDS): option 3 by its older name");
  calls.keepintvl = detect_cmd->add_option("--tcp-keepintvl", sink,
                                           "setsockopt(IPPROTO_TCP, TCP_KEEPINTVL, SECONDS)");
  calls.keepcnt =
      detect_cmd->add_option("--tcp-keepcnt", sink, "setsockopt(IPPROTO_TCP, TCP_KEEPCNT, PROBES)");
  for (CLI::Option* o : {calls.so_keepalive, calls.keepalive_vals, calls.keepidle, calls.keepalive,
                         calls.keepintvl, calls.keepcnt}) {
    // One value per occurrence, every occurrence kept: "--tcp-keepcnt 3 4" is an error, not two
    // calls.
    o->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
        ->type_name("VALUE");
  }
  detect_cmd
      ->add_option("--nat", detect.nat,
                   "Instead of a crashed peer, a live one behind a NAT that forgets flows idle for "
                   "IDLE, then drops their segments (or answers with RST: IDLE,rst)")
      ->type_name("IDLE[,rst]");
  detect_cmd->add_flag("--ipv6", detect.ipv6,
                       "Over IPv6: AF_INET6 sockets between 2001:db8::1 and 2001:db8::2");
  detect_cmd
      ->add_option("--read", detect.read,
                   "How the program waits for data: a blocking recv (default), an overlapped "
                   "WSARecv with an event (WSAGetOverlappedResult), or one on a completion port "
                   "(GetQueuedCompletionStatus)")
      ->check(CLI::IsMember({"recv", "overlapped", "completion-port"}))
      ->type_name("recv|overlapped|completion-port");
  detect_cmd->add_flag("--all-profiles", detect.all_profiles, "One row per Windows version");
  detect_cmd->add_option("-j,--jobs", detect.jobs,
                         "Experiments of --all-profiles at once (default: the number of cores)");
  detect_cmd->add_option("--svg", detect.svg,
                         "Write a bar chart of the detection time(s) to this file");
  detect_cmd->add_option("--html", detect.html, "Write a self-contained HTML report");
  detect_cmd->add_flag("--json", detect.json, "Print JSON instead of text");
  detect_cmd->footer(
      "The calls are made in command-line order, all before connect(). Example:\n"
      "  ws2sim detect --profile windows-xp --registry TcpMaxDataRetransmissions=300 "
      "--so-keepalive 1");

  // load ---------------------------------------------------------------------------------------
  LoadArgs load;
  CLI::App* load_cmd = app.add_subcommand(
      "load",
      "Size keep-alive probe traffic: N connections opened over a spread, keep-alive settings, a "
      "fraction of dead peers. Reports probes per second over time (peak, mean, bytes on the "
      "wire).");
  load_cmd->add_option("--connections", load.connections, "Number of connections")
      ->check(whole_number(std::numeric_limits<std::uint64_t>::max()))
      ->capture_default_str();
  load_cmd->add_option("--spread", load.spread, "Open times are spread uniformly over this")
      ->capture_default_str();
  load_cmd->add_option("--idle", load.idle, "Keep-alive time: idle before the first probe")
      ->capture_default_str();
  load_cmd->add_option("--interval", load.interval, "Time between unanswered probes")
      ->capture_default_str();
  load_cmd->add_option("--count", load.count, "Unanswered probes before the drop")
      ->check(whole_number(std::numeric_limits<std::uint32_t>::max()))
      ->capture_default_str();
  load_cmd
      ->add_option("--dead-fraction", load.dead_fraction,
                   "Fraction of peers that never answer (0 to 1)")
      ->capture_default_str();
  load_cmd
      ->add_option("--answer-probability", load.answer_probability,
                   "A live peer answers each probe with this probability")
      ->capture_default_str();
  load_cmd->add_option("--answer-delay", load.answer_delay, "Round trip of an answer")
      ->capture_default_str();
  load_cmd
      ->add_option("--traffic", load.traffic,
                   "Received segments per connection after it opens (each resets "
                   "the idle clock)")
      ->check(whole_number(std::numeric_limits<std::uint32_t>::max()))
      ->capture_default_str();
  load_cmd->add_option("--traffic-window", load.traffic_window, "...within this time after opening")
      ->capture_default_str();
  load_cmd->add_option(
      "--duration", load.duration,
      "Virtual time to run (default: to completion when no peer answers, else the spread "
      "plus two keep-alive cycles)");
  load_cmd->add_option("--bucket", load.bucket,
                       "Bucket width for the rates (default: at most 300 buckets)");
  load_cmd
      ->add_option("--probe-bytes", load.probe_bytes, "Bytes of one probe or answer on the wire")
      ->check(whole_number(std::numeric_limits<std::uint32_t>::max()))
      ->capture_default_str();
  load_cmd->add_option("--seed", load.seed, "Seed of the workload")
      ->check(whole_number(std::numeric_limits<std::uint64_t>::max()))
      ->capture_default_str();
  load_cmd->add_option("--svg", load.svg,
                       "Write the chart of probes, answers and bytes per second (SVG)");
  load_cmd->add_option("--csv", load.csv, "Write the buckets as CSV to this file");
  load_cmd->add_option("--html", load.html, "Write a self-contained HTML report");
  load_cmd->add_flag("--json", load.json, "Print JSON instead of text");
  load_cmd->add_option(
      "--grid", load.grid,
      "Vary a parameter: NAME=V1,V2,... (repeatable; one run per combination, the first --grid "
      "varying slowest). NAME: connections, spread, idle, interval, count, dead-fraction, "
      "answer-probability, answer-delay, traffic, traffic-window, probe-bytes, seed");
  load_cmd->add_option("-j,--jobs", load.jobs,
                       "Runs of a grid at once (default: the number of cores)");
  limits(load_cmd, load.memory_budget, load.progress, load.quiet);

  // profiles -----------------------------------------------------------------------------------
  bool profiles_json = false;
  CLI::App* profiles_cmd =
      app.add_subcommand("profiles",
                         "List the emulated Windows versions and their keep-alive facts, "
                         "each with its evidence grade.");
  profiles_cmd->add_flag("--json", profiles_json, "Print JSON instead of text");

  // demo ---------------------------------------------------------------------------------------
  DemoArgs demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo",
      "Run the built-in scenario: one dead peer seen from Windows XP (registry defaults, and "
      "TcpMaxDataRetransmissions = 300) and Windows 10, plus Windows 10 behind a 350 s NAT. Writes "
      "the trace, a pcap and pictures.");
  demo_cmd->add_option("--out", demo.out_dir, "Folder for the files (created if missing)")
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, std::cout, std::cerr);
    return code == 0 ? kExitOk : kExitUsage;
  }

  // Every command estimates its memory and refuses above its budget (budget.h); should an
  // allocation still fail, the command says so in one line instead of aborting.
  try {
    if (run_cmd->parsed()) return command_run(run, std::cout, std::cerr);
    if (detect_cmd->parsed()) {
      auto ordered = ordered_calls(*detect_cmd, calls);
      if (!ordered.ok()) {
        std::cerr << "ws2sim detect: " << ordered.error().message << '\n';
        return kExitUsage;
      }
      detect.calls = std::move(ordered).value();
      return command_detect(detect, std::cout, std::cerr);
    }
    if (load_cmd->parsed()) {
      // Which parameters the command line set: a grid may not vary one of them too.
      for (const CLI::Option* o : load_cmd->get_options()) {
        if (o->count() > 0 && !o->get_lnames().empty()) load.given.push_back(o->get_lnames()[0]);
      }
      return command_load(load, std::cout, std::cerr);
    }
    if (profiles_cmd->parsed()) return command_profiles(profiles_json, std::cout, std::cerr);
    if (demo_cmd->parsed()) return command_demo(demo, std::cout, std::cerr);
  } catch (const std::bad_alloc&) {
    std::cerr << command_of(&app)
              << ": out of memory: the machine could not give what this run needs; lower "
                 "--memory-budget or ask for less\n";
    return kExitFailure;
  }
  return kExitUsage;
}
