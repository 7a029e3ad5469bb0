// The commands of `ws2sim`, minus argument parsing (main.cc).
#include "ws2sim/cli/commands.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "output_files.h"
#include "quoted_text.h"
#include "ws2sim/cli/budget.h"
#include "ws2sim/cli/detect.h"
#include "ws2sim/cli/html.h"
#include "ws2sim/cli/profiles_report.h"
#include "ws2sim/cli/progress.h"
#include "ws2sim/cli/runner.h"
#include "ws2sim/cli/scenario.h"
#include "ws2sim/cli/svg.h"
#include "ws2sim/cli/time_text.h"
#include "ws2sim/cli/timeline.h"
#include "ws2sim/model/parallel.h"
#include "ws2sim/model/trace_writers.h"

namespace ws2sim::cli {
namespace {

constexpr std::string_view kDemoScenario = R"json({
  "$schema": "../../docs/scenario.schema.json",
  "name": "demo",
  "description": "One server dies 60 s in. Three clients keep a connection to it with SO_KEEPALIVE and nothing else: Windows XP with registry defaults, Windows XP with TcpMaxDataRetransmissions = 300, Windows 10 with defaults. A fourth Windows 10 client talks to a live server through a NAT that forgets flows idle for 350 s.",
  "seed": 1,
  "duration": "2h5m",
  "hosts": [
    { "name": "xp", "profile": "windows-xp", "address": "10.0.0.1" },
    { "name": "xp-300", "profile": "windows-xp", "address": "10.0.0.2",
      "registry": { "TcpMaxDataRetransmissions": 300 } },
    { "name": "win10", "profile": "windows-10-22h2", "address": "10.0.0.3" },
    { "name": "win10-nat", "profile": "windows-10-22h2", "address": "10.0.0.4" },
    { "name": "server", "profile": "windows-server-2022", "address": "10.0.1.1" },
    { "name": "api", "profile": "windows-server-2022", "address": "10.0.1.2" }
  ],
  "connections": [
    { "name": "xp-defaults", "from": "xp", "to": "server", "port": 443,
      "calls": [ { "call": "SO_KEEPALIVE", "value": 1 } ] },
    { "name": "xp-retrans-300", "from": "xp-300", "to": "server", "port": 443,
      "calls": [ { "call": "SO_KEEPALIVE", "value": 1 } ] },
    { "name": "win10-defaults", "from": "win10", "to": "server", "port": 443,
      "calls": [ { "call": "SO_KEEPALIVE", "value": 1 } ] },
    { "name": "win10-behind-nat", "from": "win10-nat", "to": "api", "port": 443,
      "calls": [ { "call": "SO_KEEPALIVE", "value": 1 } ] }
  ],
  "traffic": [
    { "at": "1s", "connection": "xp-defaults", "bytes": 64 },
    { "at": "1s", "connection": "xp-retrans-300", "bytes": 64 },
    { "at": "1s", "connection": "win10-defaults", "bytes": 64 },
    { "at": "1s", "connection": "win10-behind-nat", "bytes": 64 }
  ],
  "faults": [
    { "at": "0s", "type": "nat", "between": ["win10-nat", "api"], "idle_timeout": "350s", "on_expiry": "drop" },
    { "at": "60s", "type": "crash", "host": "server" }
  ]
}
)json";

// `text` broken into lines of at most `width` characters at spaces.
std::string wrap(std::string_view text, std::size_t width) {
  std::string out;
  std::size_t line = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    const std::string_view word = text.substr(i, j - i);
    if (line > 0 && line + 1 + word.size() > width) {
      out += '\n';
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out += word;
    line += word.size();
    i = j + 1;
  }
  return out;
}

// Header, timeline and summary of a run.
void print_run(const RunReport& r, std::string_view source, bool full, std::ostream& out) {
  out << "scenario " << (r.scenario.name.empty() ? std::string("(unnamed)") : r.scenario.name)
      << " (" << source << "), seed " << r.seed << ", " << format_duration(r.end - kEpoch)
      << (r.live ? " of real time (live: Linux sockets in a private network namespace)\n"
                 : " of virtual time\n");
  if (!r.scenario.description.empty()) out << wrap(r.scenario.description, 100) << '\n';
  if (r.trace_kept || r.live) {
    out << '\n' << format_timeline(r, {.full = full}) << '\n';
  } else {
    out << "\n(--summary-only: no timeline; " << r.probes << " keep-alive probes in all)\n\n";
  }
  out << "summary\n" << format_summary(r);
  if (!r.live) return;
  out << "\nlive log (what Linux was given and reported)\n";
  for (const winsock::LiveRecord& l : r.live_log) {
    out << "  " << format_clock(kEpoch + l.at) << "  " << l.host << "  " << l.what << "  "
        << l.detail << '\n';
  }
}

// `run --summary-only`: the trace and the pcap written as the events happen, not kept.
struct TraceStreams {
  std::ostream* jsonl = nullptr;
  std::optional<PcapStream> pcap;
  std::uint64_t events = 0;
  Status failed;  // the first event the pcap could not take

  // Opens the files asked for; false (said on err) if one cannot be opened.
  bool open(const RunArgs& args, detail::OutputFiles& files, std::ostream& err) {
    if (args.trace && (jsonl = files.open(*args.trace, err)) == nullptr) return false;
    if (args.pcap) {
      std::ostream* out = files.open(*args.pcap, err);
      if (out == nullptr) return false;
      pcap.emplace(*out);
    }
    return true;
  }
  void on_event(const TraceEvent& e, const Trace& trace) {
    ++events;
    if (jsonl != nullptr) *jsonl << to_jsonl(e, trace) << '\n';
    if (pcap && failed.ok()) failed = pcap->write(e);
  }
  // Ends the pcap and names what each file holds; false (said on err) if the pcap failed.
  bool close(const RunArgs& args, detail::OutputFiles& files, std::ostream& err) {
    if (pcap && failed.ok()) failed = pcap->finish();
    if (!failed.ok()) {
      err << "ws2sim run: " << *args.pcap << ": " << failed.error().message << '\n';
      return false;
    }
    if (args.trace) {
      files.describe(*args.trace,
                     " (trace, JSON lines, " + std::to_string(events) + " events, streamed)");
    }
    if (args.pcap) {
      files.describe(*args.pcap,
                     " (pcap, " + std::to_string(pcap->packets()) + " packets, streamed)");
    }
    return true;
  }
};

// Adds the files a run was asked for to `files` (written when `files` is committed).
bool add_run_outputs(const RunReport& r, const std::optional<std::string>& trace,
                     const std::optional<std::string>& pcap, const std::optional<std::string>& svg,
                     detail::OutputFiles& files, std::ostream& err) {
  if (trace &&
      !files.add(
          *trace, " (trace, JSON lines, " + std::to_string(r.trace().events().size()) + " events)",
          [&](std::ostream& o) { return write_jsonl(r.trace(), o); }, err)) {
    return false;
  }
  if (pcap && !files.add(
                  *pcap, " (pcap, " + std::to_string(r.probe_count()) + " keep-alive probes)",
                  [&](std::ostream& o) { return write_pcap(r.trace(), o); }, err)) {
    return false;
  }
  return !svg || files.add_text(*svg, " (timeline picture)", timeline_svg(r), err);
}

}  // namespace

std::string_view demo_scenario() {
  return kDemoScenario;
}

Result<std::uint32_t> parse_dword(std::string_view text) {
  std::uint64_t v = 0;
  std::size_t i = 0;
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    i = 2;
  }
  if (i >= text.size()) return invalid_argument(detail::quoted(text) + " is not a whole number");
  for (; i < text.size(); ++i) {
    const char c = text[i];
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (base == 16 && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return invalid_argument(detail::quoted(text) + " is not a whole number");
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(digit);
    if (v > 0xFFFFFFFFULL) {
      return invalid_argument(detail::quoted(text) + " does not fit a DWORD (0 to 4294967295)");
    }
  }
  return static_cast<std::uint32_t>(v);
}

Result<KeepAliveCall> parse_keepalive_vals(std::string_view text) {
  KeepAliveCall c{.kind = CallKind::kKeepAliveVals};
  std::uint32_t* fields[] = {&c.onoff, &c.keepalivetime, &c.keepaliveinterval};
  std::size_t start = 0;
  for (std::size_t k = 0; k < 3; ++k) {
    const std::size_t comma = text.find(',', start);
    if ((k < 2) != (comma != std::string_view::npos)) {
      return invalid_argument(detail::quoted(text) +
                              ": expected ONOFF,TIME_MS,INTERVAL_MS, e.g. 1,60000,1000");
    }
    const std::string_view part =
        text.substr(start, k < 2 ? comma - start : std::string_view::npos);
    Result<std::uint32_t> v = parse_dword(part);
    if (!v.ok()) {
      return invalid_argument(detail::quoted(text) + ": " + v.error().message +
                              "; expected ONOFF,TIME_MS,INTERVAL_MS, e.g. 1,60000,1000");
    }
    *fields[k] = *v;
    start = comma + 1;
  }
  return c;
}

Result<std::pair<winsock::RegistryValue, std::uint32_t>> parse_registry_assignment(
    std::string_view text) {
  const std::size_t eq = text.find('=');
  const char* expected =
      "expected NAME=VALUE with NAME one of KeepAliveTime, KeepAliveInterval, "
      "TcpMaxDataRetransmissions, "
      "PPTPTcpMaxDataRetransmissions";
  if (eq == std::string_view::npos) return invalid_argument(detail::quoted(text) + ": " + expected);
  const auto name = winsock::parse_registry_value(text.substr(0, eq));
  if (!name) return invalid_argument(detail::quoted(text) + ": unknown value name; " + expected);
  Result<std::uint32_t> v = parse_dword(text.substr(eq + 1));
  if (!v.ok()) {
    return invalid_argument(detail::quoted(text) + ": " + v.error().message);
  }
  return std::make_pair(*name, *v);
}

Result<CommandLimits> read_limits(const std::optional<std::string>& memory_budget, bool progress,
                                  bool quiet) {
  if (progress && quiet) return invalid_argument("--progress and --quiet exclude each other");
  CommandLimits limits;
  limits.progress = progress_mode(progress, quiet);
  if (memory_budget) {
    const Result<std::size_t> budget = parse_size(*memory_budget);
    if (!budget.ok()) return invalid_argument("--memory-budget " + budget.error().message);
    limits.memory_budget = *budget;
  }
  return limits;
}

int command_run(const RunArgs& args, std::ostream& out, std::ostream& err) {
  Result<Scenario> sc = load_scenario(args.scenario);
  if (!sc.ok()) {
    err << "ws2sim run: " << sc.error().message << '\n';
    return kExitUsage;
  }
  const Result<CommandLimits> limits = read_limits(args.memory_budget, args.progress, args.quiet);
  if (!limits.ok()) {
    err << "ws2sim run: " << limits.error().message << '\n';
    return kExitUsage;
  }
  if (args.live && (args.trace || args.pcap || args.svg || args.seed)) {
    err << "ws2sim run: --live cannot take --trace, --pcap, --svg or --seed: they describe the "
           "model's run (live mode prints what Linux was given and reported instead)\n";
    return kExitUsage;
  }
  if (const auto why = args.live ? live_unsupported(*sc) : std::nullopt) {
    err << "ws2sim run: " << args.scenario << ": --live cannot run this scenario: " << *why << '\n';
    return kExitUsage;
  }
  if (args.live && args.html) {
    err << "ws2sim run: --live cannot take --html: it describes the model's run\n";
    return kExitUsage;
  }
  if (args.summary_only && (args.svg || args.full || args.live)) {
    err << "ws2sim run: --summary-only keeps no timeline: it cannot take "
        << (args.svg    ? "--svg"
            : args.full ? "--full"
                        : "--live")
        << '\n';
    return kExitUsage;
  }
  detail::OutputFiles files("ws2sim run");
  files.want("--trace", args.trace);
  files.want("--pcap", args.pcap);
  files.want("--svg", args.svg);
  files.want("--html", args.html);
  if (const int code = files.check(err)) return code;
  RunOptions options;
  options.memory_budget = limits->memory_budget;
  Progress progress({.command = "ws2sim run", .total = sc->duration, .mode = limits->progress}, err,
                    stderr_is_terminal());
  options.progress = &progress;
  TraceStreams streams;
  if (args.summary_only) {
    if (!streams.open(args, files, err)) return kExitFailure;
    options.keep_trace = false;
    options.on_event = [&streams](const TraceEvent& e, const Trace& t) { streams.on_event(e, t); };
  }
  Result<RunReport> r = args.live ? run_scenario_live(*sc) : run_scenario(*sc, args.seed, options);
  progress.finish();
  if (!r.ok()) {
    err << "ws2sim run: " << args.scenario << ": " << r.error().message << '\n';
    return kExitFailure;
  }
  if (args.summary_only ? !streams.close(args, files, err)
                        : !add_run_outputs(*r, args.trace, args.pcap, args.svg, files, err)) {
    return kExitFailure;
  }
  std::ostringstream printed;
  print_run(*r, args.scenario, args.full, printed);
  if (args.html) {
    HtmlReport page{
        .title = "ws2sim run: " + (r->scenario.name.empty() ? args.scenario : r->scenario.name),
        .subtitle = args.scenario + ", seed " + std::to_string(r->seed),
        .sections = {}};
    if (r->trace_kept) page.sections.push_back({"Timeline picture", timeline_svg(*r), {}, {}});
    page.sections.push_back({"Timeline and summary", {}, printed.str(), {}});
    if (!files.add_text(*args.html, " (report, HTML)", render_html(page), err)) return kExitFailure;
  }
  out << printed.str();
  const bool any_file = args.trace || args.pcap || args.svg || args.html;
  if (any_file) out << '\n';
  return files.commit(out, err) ? kExitOk : kExitFailure;
}

int command_detect(const DetectArgs& args, std::ostream& out, std::ostream& err) {
  DetectRequest q;
  q.profile = args.profile;
  q.calls = args.calls;
  q.family = args.ipv6 ? IpFamily::kIpv6 : IpFamily::kIpv4;
  if (const std::optional<ReadMode> mode = parse_read_mode(args.read)) {
    q.read = *mode;
  } else {
    err << "ws2sim detect: --read: expected recv, overlapped or completion-port, got \""
        << args.read << "\"\n";
    return kExitUsage;
  }
  if (args.all_profiles && !args.profile.empty()) {
    err << "ws2sim detect: --profile and --all-profiles exclude each other (one version, or "
           "every one)\n";
    return kExitUsage;
  }
  if (args.jobs && !args.all_profiles) {
    err << "ws2sim detect: -j: runs the experiments of --all-profiles at once; one --profile is "
           "one experiment\n";
    return kExitUsage;
  }
  if (args.jobs && *args.jobs == 0) {
    err << "ws2sim detect: -j: at least 1 experiment at a time\n";
    return kExitUsage;
  }
  for (const std::string& item : args.registry) {
    auto a = parse_registry_assignment(item);
    if (!a.ok()) {
      err << "ws2sim detect: --registry " << a.error().message << '\n';
      return kExitUsage;
    }
    // A repeated name would silently keep the last value: say so instead.
    for (const auto& [name, value] : q.registry) {
      if (name == a->first) {
        err << "ws2sim detect: --registry " << item << ": " << item.substr(0, item.find('='))
            << " is already set (to " << value << ")\n";
        return kExitUsage;
      }
    }
    q.registry.push_back(*a);
  }
  if (args.nat) {
    auto nat = parse_nat(*args.nat);
    if (!nat.ok()) {
      err << "ws2sim detect: --nat " << nat.error().message << '\n';
      return kExitUsage;
    }
    q.nat = *nat;
  }
  detail::OutputFiles files("ws2sim detect");
  files.want("--svg", args.svg);
  files.want("--html", args.html);
  if (const int code = files.check(err)) return code;
  std::vector<DetectResult> results;
  if (args.all_profiles) {
    auto all = detect_all_profiles(q, args.jobs.value_or(default_jobs()));
    if (!all.ok()) {
      err << "ws2sim detect: " << all.error().message << '\n';
      return kExitUsage;
    }
    results = std::move(all).value();
  } else {
    if (args.profile.empty()) {
      err << "ws2sim detect: --profile NAME or --all-profiles is required (names: ws2sim "
             "profiles)\n";
      return kExitUsage;
    }
    auto one = detect(q);
    if (!one.ok()) {
      err << "ws2sim detect: " << one.error().message << '\n';
      return kExitUsage;
    }
    results.push_back(std::move(one).value());
  }
  const std::string text =
      args.all_profiles ? format_detect_table(results) : format_detect(results.front());
  if (args.json) {
    if (args.all_profiles) {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const DetectResult& r : results)
        list.push_back(detect_json(r));
      out << nlohmann::ordered_json{{"results", list}}.dump(2) << '\n';
    } else {
      out << detect_json(results.front()).dump(2) << '\n';
    }
  } else {
    out << text;
  }
  std::string title = "Dead-peer detection time";
  if (!args.calls.empty()) {
    title += ":";
    for (std::size_t i = 0; i < args.calls.size(); ++i)
      title += (i ? ", " : " ") + describe(args.calls[i]);
  }
  const std::string chart = args.svg || args.html ? detect_svg(results, title) : std::string();
  if (args.svg && !files.add_text(*args.svg, " (chart)", chart, err)) return kExitFailure;
  if (args.html) {
    HtmlReport page{.title = "ws2sim detect", .subtitle = title, .sections = {}};
    page.sections.push_back({"Detection time", chart, {}, {}});
    page.sections.push_back({args.all_profiles ? "Every profile" : "The experiment", {}, text, {}});
    if (!files.add_text(*args.html, " (report, HTML)", render_html(page), err)) return kExitFailure;
  }
  // With --json, standard output is the JSON alone.
  return files.commit(args.json ? err : out, err) ? kExitOk : kExitFailure;
}

int command_profiles(bool json, std::ostream& out, std::ostream& /*err*/) {
  if (json) {
    out << profiles_json().dump(2) << '\n';
  } else {
    out << format_profiles();
  }
  return kExitOk;
}

int command_demo(const DemoArgs& args, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  std::filesystem::create_directories(args.out_dir, ec);
  if (ec) {
    err << "ws2sim demo: cannot create " << args.out_dir << ": " << ec.message() << '\n';
    return kExitFailure;
  }
  Result<Scenario> sc = parse_scenario(kDemoScenario, "built-in demo scenario");
  if (!sc.ok()) {
    err << "ws2sim demo: " << sc.error().message << '\n';
    return kExitFailure;
  }
  Result<RunReport> r = run_scenario(*sc);
  if (!r.ok()) {
    err << "ws2sim demo: " << r.error().message << '\n';
    return kExitFailure;
  }
  print_run(*r,
            "built-in; a copy is written to " +
                (std::filesystem::path(args.out_dir) / "demo.json").string(),
            false, out);
  out << '\n';
  const auto path = [&](const char* name) {
    return (std::filesystem::path(args.out_dir) / name).string();
  };
  detail::OutputFiles files("ws2sim demo");
  DetectRequest q;
  q.calls.push_back({.kind = CallKind::kSoKeepAlive, .value = 1});
  auto all = detect_all_profiles(q, default_jobs());
  if (!all.ok()) {
    err << "ws2sim demo: " << all.error().message << '\n';
    return kExitFailure;
  }
  const std::string scenario_copy = path("demo.json");
  const bool ok =
      add_run_outputs(*r, path("demo.jsonl"), path("demo.pcap"), path("demo-timeline.svg"), files,
                      err) &&
      files.add_text(scenario_copy,
                     " (the scenario: edit it and run `ws2sim run " + scenario_copy + "`)",
                     kDemoScenario, err) &&
      files.add_text(path("detect-all-profiles.svg"),
                     " (detection time per Windows version, SO_KEEPALIVE only)",
                     detect_svg(*all,
                                "Dead-peer detection time with SO_KEEPALIVE = 1 and registry "
                                "defaults, per Windows version"),
                     err);
  return ok && files.commit(out, err) ? kExitOk : kExitFailure;
}

}  // namespace ws2sim::cli
