// The commands of `ws2sim`, minus argument parsing (main.cc).
#include "ws2sim/cli/commands.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "ws2sim/cli/detect.h"
#include "ws2sim/cli/profiles_report.h"
#include "ws2sim/cli/runner.h"
#include "ws2sim/cli/scenario.h"
#include "ws2sim/cli/svg.h"
#include "ws2sim/cli/time_text.h"
#include "ws2sim/cli/timeline.h"
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

Status write_text(const std::string& path, std::string_view content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) return invalid_state(path + ": cannot open for writing");
  f << content;
  f.flush();
  if (!f) return invalid_state(path + ": write failed");
  return {};
}

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
  out << '\n' << format_timeline(r, {.full = full}) << '\n';
  out << "summary\n" << format_summary(r);
  if (!r.live) return;
  out << "\nlive log (what Linux was given and reported)\n";
  for (const winsock::LiveRecord& l : r.live_log) {
    out << "  " << format_clock(kEpoch + l.at) << "  " << l.host << "  " << l.what << "  "
        << l.detail << '\n';
  }
}

// Whether `path` can be written: its folder exists and takes files, and the file, if there, is a
// regular file that may be replaced. Checked before a run so that a bad path costs no run.
Status check_writable(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path p(path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) return invalid_state(path + ": no such folder");
  if (::access(dir.c_str(), W_OK) != 0) return invalid_state(path + ": the folder is not writable");
  if (fs::exists(p, ec) && !fs::is_regular_file(p, ec)) {
    return invalid_state(path + ": exists and is not a regular file");
  }
  return {};
}

// The outputs a run was asked for, each at most once: two flags naming one file would have one
// silently overwrite the other.
Status check_outputs(const std::vector<std::pair<const char*, std::string>>& outputs) {
  namespace fs = std::filesystem;
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    for (std::size_t j = i + 1; j < outputs.size(); ++j) {
      std::error_code e1;
      std::error_code e2;
      if (fs::weakly_canonical(outputs[i].second, e1) ==
          fs::weakly_canonical(outputs[j].second, e2)) {
        return invalid_argument(std::string(outputs[i].first) + " and " + outputs[j].first +
                                " name the same file (" + outputs[j].second + ")");
      }
    }
  }
  return {};
}

// Writes the files a run was asked for, all or none: each goes to a temporary file next to it,
// and only when every one is written are they renamed into place. Reports each.
bool write_outputs(const RunReport& r, const std::optional<std::string>& trace,
                   const std::optional<std::string>& pcap, const std::optional<std::string>& svg,
                   std::ostream& out, std::ostream& err) {
  struct Pending {
    std::string path;
    std::string temporary;
    std::string what;
  };
  std::vector<Pending> done;
  const auto discard = [&done] {
    for (const Pending& p : done)
      std::filesystem::remove(p.temporary);
  };
  const auto write = [&](const std::string& path, const std::string& what, auto&& writer) {
    const std::string temporary = path + ".ws2sim-partial";
    if (const Status s = writer(temporary); !s.ok()) {
      std::filesystem::remove(temporary);
      err << "ws2sim: " << path << ": " << s.error().message << '\n';
      return false;
    }
    done.push_back(Pending{path, temporary, what});
    return true;
  };
  bool ok = true;
  if (trace) {
    ok = write(*trace,
               " (trace, JSON lines, " + std::to_string(r.trace().events().size()) + " events)",
               [&](const std::string& t) { return write_jsonl_file(r.trace(), t); });
  }
  if (ok && pcap) {
    ok = write(*pcap, " (pcap, " + std::to_string(r.probe_count()) + " keep-alive probes)",
               [&](const std::string& t) { return write_pcap_file(r.trace(), t); });
  }
  if (ok && svg) {
    ok = write(*svg, " (timeline picture)",
               [&](const std::string& t) { return write_text(t, timeline_svg(r)); });
  }
  if (!ok) {
    discard();
    return false;
  }
  for (const Pending& p : done) {
    std::error_code ec;
    std::filesystem::rename(p.temporary, p.path, ec);
    if (ec) {
      err << "ws2sim: " << p.path << ": cannot move the finished file into place: " << ec.message()
          << '\n';
      discard();
      return false;
    }
    out << "wrote " << p.path << p.what << '\n';
  }
  return true;
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
  if (i >= text.size())
    return invalid_argument("\"" + std::string(text) + "\" is not a whole number");
  for (; i < text.size(); ++i) {
    const char c = text[i];
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (base == 16 && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return invalid_argument("\"" + std::string(text) + "\" is not a whole number");
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(digit);
    if (v > 0xFFFFFFFFULL) {
      return invalid_argument("\"" + std::string(text) +
                              "\" does not fit a DWORD (0 to 4294967295)");
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
      return invalid_argument("\"" + std::string(text) +
                              "\": expected ONOFF,TIME_MS,INTERVAL_MS, e.g. 1,60000,1000");
    }
    const std::string_view part =
        text.substr(start, k < 2 ? comma - start : std::string_view::npos);
    Result<std::uint32_t> v = parse_dword(part);
    if (!v.ok()) {
      return invalid_argument("\"" + std::string(text) + "\": " + v.error().message +
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
  if (eq == std::string_view::npos)
    return invalid_argument("\"" + std::string(text) + "\": " + expected);
  const auto name = winsock::parse_registry_value(text.substr(0, eq));
  if (!name)
    return invalid_argument("\"" + std::string(text) + "\": unknown value name; " + expected);
  Result<std::uint32_t> v = parse_dword(text.substr(eq + 1));
  if (!v.ok()) return invalid_argument("\"" + std::string(text) + "\": " + v.error().message);
  return std::make_pair(*name, *v);
}

int command_run(const RunArgs& args, std::ostream& out, std::ostream& err) {
  Result<Scenario> sc = load_scenario(args.scenario);
  if (!sc.ok()) {
    err << "ws2sim run: " << sc.error().message << '\n';
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
  std::vector<std::pair<const char*, std::string>> outputs;
  if (args.trace) outputs.emplace_back("--trace", *args.trace);
  if (args.pcap) outputs.emplace_back("--pcap", *args.pcap);
  if (args.svg) outputs.emplace_back("--svg", *args.svg);
  if (const Status s = check_outputs(outputs); !s.ok()) {
    err << "ws2sim run: " << s.error().message << '\n';
    return kExitUsage;
  }
  for (const auto& [flag, path] : outputs) {
    if (const Status s = check_writable(path); !s.ok()) {
      err << "ws2sim run: " << flag << ' ' << s.error().message << '\n';
      return kExitFailure;
    }
  }
  Result<RunReport> r = args.live ? run_scenario_live(*sc) : run_scenario(*sc, args.seed);
  if (!r.ok()) {
    err << "ws2sim run: " << args.scenario << ": " << r.error().message << '\n';
    return kExitFailure;
  }
  print_run(*r, args.scenario, args.full, out);
  const bool any_file = args.trace || args.pcap || args.svg;
  if (any_file) out << '\n';
  return write_outputs(*r, args.trace, args.pcap, args.svg, out, err) ? kExitOk : kExitFailure;
}

int command_detect(const DetectArgs& args, std::ostream& out, std::ostream& err) {
  DetectRequest q;
  q.profile = args.profile;
  q.calls = args.calls;
  if (args.all_profiles && !args.profile.empty()) {
    err << "ws2sim detect: --profile and --all-profiles exclude each other (one version, or "
           "every one)\n";
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
  std::vector<DetectResult> results;
  if (args.all_profiles) {
    auto all = detect_all_profiles(q);
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
  if (args.json) {
    if (args.all_profiles) {
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      for (const DetectResult& r : results)
        list.push_back(detect_json(r));
      out << nlohmann::ordered_json{{"results", list}}.dump(2) << '\n';
    } else {
      out << detect_json(results.front()).dump(2) << '\n';
    }
  } else if (args.all_profiles) {
    out << format_detect_table(results);
  } else {
    out << format_detect(results.front());
  }
  if (args.svg) {
    std::string title = "Dead-peer detection time";
    if (!args.calls.empty()) {
      title += ":";
      for (std::size_t i = 0; i < args.calls.size(); ++i)
        title += (i ? ", " : " ") + describe(args.calls[i]);
    }
    if (Status s = write_text(*args.svg, detect_svg(results, title)); !s.ok()) {
      err << "ws2sim detect: " << s.error().message << '\n';
      return kExitFailure;
    }
    if (!args.json) out << "wrote " << *args.svg << " (bar chart)\n";
  }
  return kExitOk;
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
  bool ok =
      write_outputs(*r, path("demo.jsonl"), path("demo.pcap"), path("demo-timeline.svg"), out, err);
  const std::string scenario_copy = path("demo.json");
  if (Status s = write_text(scenario_copy, kDemoScenario); s.ok()) {
    out << "wrote " << scenario_copy << " (the scenario: edit it and run `ws2sim run "
        << scenario_copy << "`)\n";
  } else {
    err << "ws2sim demo: " << s.error().message << '\n';
    ok = false;
  }
  DetectRequest q;
  q.calls.push_back({.kind = CallKind::kSoKeepAlive, .value = 1});
  auto all = detect_all_profiles(q);
  if (all.ok()) {
    const std::string chart = path("detect-all-profiles.svg");
    if (Status s =
            write_text(chart, detect_svg(*all,
                                         "Dead-peer detection time with SO_KEEPALIVE = 1 and "
                                         "registry defaults, per Windows version"));
        s.ok()) {
      out << "wrote " << chart << " (detection time per Windows version, SO_KEEPALIVE only)\n";
    } else {
      err << "ws2sim demo: " << s.error().message << '\n';
      ok = false;
    }
  }
  return ok ? kExitOk : kExitFailure;
}

}  // namespace ws2sim::cli
