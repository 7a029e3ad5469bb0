// `ws2sim load --grid`: one load run per combination of parameter values, run on several cores
// (load.h; docs/cli.md "Grids"). Each run is its own world: for_each_index (model/parallel.h)
// runs them and each writes only its own report, so the output is the serial run's whatever -j.
#include <algorithm>
#include <atomic>
#include <charconv>
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>
#include <string_view>

#include "fixed_text.h"
#include "output_files.h"
#include "ws2sim/cli/commands.h"
#include "ws2sim/cli/load.h"
#include "ws2sim/cli/progress.h"
#include "ws2sim/cli/time_text.h"
#include "ws2sim/model/parallel.h"

namespace ws2sim::cli {
namespace {

// Axis — a parameter a grid may vary: its name (the option's, without "--") and how a value
// is checked and applied to the arguments.
enum class Kind : std::uint8_t { kDuration, kWhole, kFraction };
struct Axis {
  const char* name;
  Kind kind;
  std::uint64_t max = 0;  // kWhole: the largest value
  void (*apply)(LoadArgs&, const std::string&);
};

std::uint64_t whole(const std::string& v) {
  std::uint64_t n = 0;
  (void)std::from_chars(v.data(), v.data() + v.size(), n);
  return n;
}

constexpr std::uint64_t k64 = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t k32 = std::numeric_limits<std::uint32_t>::max();

constexpr Axis kAxes[] = {
    {"connections", Kind::kWhole, k64,
     [](LoadArgs& a, const std::string& v) { a.connections = whole(v); }},
    {"spread", Kind::kDuration, 0, [](LoadArgs& a, const std::string& v) { a.spread = v; }},
    {"idle", Kind::kDuration, 0, [](LoadArgs& a, const std::string& v) { a.idle = v; }},
    {"interval", Kind::kDuration, 0, [](LoadArgs& a, const std::string& v) { a.interval = v; }},
    {"count", Kind::kWhole, k32,
     [](LoadArgs& a, const std::string& v) { a.count = static_cast<std::uint32_t>(whole(v)); }},
    {"dead-fraction", Kind::kFraction, 0,
     [](LoadArgs& a, const std::string& v) { a.dead_fraction = std::stod(v); }},
    {"answer-probability", Kind::kFraction, 0,
     [](LoadArgs& a, const std::string& v) { a.answer_probability = std::stod(v); }},
    {"answer-delay", Kind::kDuration, 0,
     [](LoadArgs& a, const std::string& v) { a.answer_delay = v; }},
    {"traffic", Kind::kWhole, k32,
     [](LoadArgs& a, const std::string& v) { a.traffic = static_cast<std::uint32_t>(whole(v)); }},
    {"traffic-window", Kind::kDuration, 0,
     [](LoadArgs& a, const std::string& v) { a.traffic_window = v; }},
    {"probe-bytes", Kind::kWhole, k32,
     [](LoadArgs& a, const std::string& v) {
       a.probe_bytes = static_cast<std::uint32_t>(whole(v));
     }},
    {"seed", Kind::kWhole, k64, [](LoadArgs& a, const std::string& v) { a.seed = whole(v); }},
};

std::string axis_names() {
  std::string out;
  for (const Axis& x : kAxes) {
    out += (out.empty() ? "" : ", ") + std::string(x.name);
  }
  return out;
}

// Why `v` is no value for `axis`, or "".
std::string check_value(const Axis& axis, const std::string& v) {
  switch (axis.kind) {
    case Kind::kDuration: {
      Result<Duration> d = parse_duration(v);
      return d.ok() ? "" : d.error().message;
    }
    case Kind::kWhole: {
      std::uint64_t n = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (ec != std::errc{} || end != v.data() + v.size() || n > axis.max) {
        return "'" + v + "' is not a whole number from 0 to " + std::to_string(axis.max);
      }
      return "";
    }
    case Kind::kFraction: {
      double d = 0;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
      if (ec != std::errc{} || end != v.data() + v.size() || !std::isfinite(d)) {
        return "'" + v + "' is not a number";
      }
      return "";
    }
  }
  return "";
}

// The pieces, one after the other.
std::string cat(std::initializer_list<std::string_view> pieces) {
  std::string out;
  for (const std::string_view p : pieces) {
    out.append(p);
  }
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) {
      return out;
    }
    start = comma + 1;
  }
}

using detail::fixed;

// The columns every format shows after the point's values.
struct Column {
  const char* text;  // header of the text table and of the CSV
  std::string (*value)(const LoadReport&);
};
constexpr Column kColumns[] = {
    {"probes_sent", [](const LoadReport& r) { return std::to_string(r.stats.probes_sent); }},
    {"probes_answered",
     [](const LoadReport& r) { return std::to_string(r.stats.probes_answered); }},
    {"connections_dropped",
     [](const LoadReport& r) { return std::to_string(r.stats.connections_dropped); }},
    {"peak_probes_per_s", [](const LoadReport& r) { return fixed(r.peak_probes_per_second(), 1); }},
    {"mean_probes_per_s", [](const LoadReport& r) { return fixed(r.mean_probes_per_second(), 1); }},
    {"peak_bytes_per_s", [](const LoadReport& r) { return fixed(r.peak_bytes_per_second(), 0); }},
    {"mean_bytes_per_s", [](const LoadReport& r) { return fixed(r.mean_bytes_per_second(), 0); }},
};

// The rows of a grid: header, then one per point (values, then columns).
std::vector<std::vector<std::string>> rows(const LoadGridResult& g) {
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> header = g.axes;
  for (const Column& c : kColumns) {
    header.emplace_back(c.text);
  }
  out.push_back(std::move(header));
  for (std::size_t i = 0; i < g.points.size(); ++i) {
    std::vector<std::string> row;
    for (const auto& [name, value] : g.points[i].values) {
      row.push_back(value);
    }
    for (const Column& c : kColumns) {
      row.push_back(c.value(g.reports[i]));
    }
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace

Result<std::vector<LoadGridPoint>> load_grid_points(const LoadArgs& args) {
  // The axes, checked: known, not also an option, not twice, values well-formed.
  std::vector<std::pair<const Axis*, std::vector<std::string>>> axes;
  std::size_t points = 1;
  for (const std::string& g : args.grid) {
    const std::string label = "--grid " + g;
    const std::size_t eq = g.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == g.size()) {
      return invalid_argument(label + ": expected NAME=VALUE,VALUE,... (names: " + axis_names() +
                              ")");
    }
    const std::string name = g.substr(0, eq);
    const auto* axis = std::find_if(std::begin(kAxes), std::end(kAxes),
                                    [&](const Axis& x) { return name == x.name; });
    if (axis == std::end(kAxes)) {
      return invalid_argument(
          cat({label, ": no parameter '", name, "' (names: ", axis_names(), ")"}));
    }
    if (std::find(args.given.begin(), args.given.end(), name) != args.given.end()) {
      return invalid_argument(
          cat({label, ": --", name,
               " is also given: a parameter is an option or a grid axis, not both"}));
    }
    if (std::any_of(axes.begin(), axes.end(), [&](const auto& a) { return a.first == axis; })) {
      return invalid_argument(
          cat({label, ": '", name, "' is a grid axis twice; list its values once"}));
    }
    std::vector<std::string> values = split(g.substr(eq + 1));
    for (const std::string& v : values) {
      if (const std::string why = check_value(*axis, v); !why.empty()) {
        return invalid_argument(label + ": " + (v.empty() ? "an empty value" : why));
      }
    }
    points *= values.size();
    if (points > kMaxGridPoints) {
      return invalid_argument(label + ": the grid would have more than " +
                              std::to_string(kMaxGridPoints) + " points; split it");
    }
    axes.emplace_back(axis, std::move(values));
  }
  // The product, the first axis slowest.
  std::vector<LoadGridPoint> out;
  out.reserve(points);
  for (std::size_t i = 0; i < points; ++i) {
    LoadArgs a = args;
    LoadGridPoint p;
    std::size_t rest = i;
    std::size_t stride = points;
    for (const auto& [axis, values] : axes) {
      stride /= values.size();
      const std::string& v = values[rest / stride];
      rest %= stride;
      axis->apply(a, v);
      p.values.emplace_back(axis->name, v);
    }
    std::ostringstream why;
    if (!load_config(a, p.config, why)) {
      std::string message = why.str();
      if (!message.empty() && message.back() == '\n') {
        message.pop_back();
      }
      return invalid_argument(message.substr(message.find(": ") + 2));
    }
    // A value each axis accepts may still make no run (a fraction above 1): said before any runs.
    if (Status valid = p.config.population.validate(); !valid.ok()) {
      std::string where = "grid point";
      for (const auto& [name, value] : p.values) {
        where.append(" ").append(name).append("=").append(value);
      }
      return invalid_argument(where + ": " + valid.error().message);
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<LoadGridResult> run_load_grid(std::vector<LoadGridPoint> points,
                                     std::vector<std::string> axes, unsigned jobs,
                                     std::size_t memory_budget, Progress* progress) {
  const auto point_text = [&](std::size_t i) {
    std::string out = "grid point";
    for (const auto& [name, value] : points[i].values) {
      out.append(" ").append(name).append("=").append(value);
    }
    return out;
  };
  const std::size_t at_once =
      std::clamp<std::size_t>(jobs, 1, std::max<std::size_t>(points.size(), 1));
  const std::size_t share = memory_budget / at_once;
  // Every point fits its share, or nothing runs.
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (const double need = load_memory_bytes(points[i].config);
        need > static_cast<double>(share)) {
      return resource_exhausted(
          point_text(i) + ": " +
          over_budget(std::to_string(points[i].config.population.connections) + " connections",
                      need, share,
                      at_once > 1 ? "the budget is shared by " + std::to_string(at_once) +
                                        " runs at once; use fewer -j or fewer connections"
                                  : std::string("use fewer connections")));
    }
  }
  std::vector<std::optional<Result<LoadReport>>> reports(points.size());
  std::mutex progress_mu;
  std::size_t done = 0;
  for_each_index(points.size(), static_cast<unsigned>(at_once), [&](std::size_t i) {
    LoadLimits limits;
    limits.memory_budget = share;
    reports[i] = run_load(points[i].config, limits);
    if (progress != nullptr) {
      const std::lock_guard<std::mutex> lock(progress_mu);
      progress->update_steps(++done, points.size(), "points");
    }
  });
  LoadGridResult g;
  g.axes = std::move(axes);
  for (std::size_t i = 0; i < points.size(); ++i) {
    Result<LoadReport>& r = *reports[i];
    if (!r.ok()) {
      Error e = r.error();
      e.message = point_text(i) + ": " + e.message;
      return e;
    }
    g.reports.push_back(std::move(r).value());
  }
  g.points = std::move(points);
  return g;
}

std::string format_load_grid(const LoadGridResult& g) {
  const auto table = rows(g);
  std::vector<std::size_t> width(table.front().size(), 0);
  for (const auto& row : table) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      width[c] = std::max(width[c], row[c].size());
    }
  }
  std::ostringstream out;
  const PopulationConfig& first = g.points.front().config.population;
  out << "load grid: " << g.points.size() << " runs over " << g.axes.size()
      << (g.axes.size() == 1 ? " parameter" : " parameters")
      << "; the others as set (first run: " << first.connections << " connections, idle "
      << format_compact(first.keepalive.idle) << ", interval "
      << format_compact(first.keepalive.interval) << ", " << first.keepalive.probe_count
      << " probes)\n\n";
  for (const auto& row : table) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::size_t pad = width[c] - row[c].size();
      // Values left-aligned, counts and rates right-aligned.
      line += c < g.axes.size() ? row[c] + std::string(pad, ' ') : std::string(pad, ' ') + row[c];
      if (c + 1 < row.size()) {
        line += "  ";
      }
    }
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    out << line << '\n';
  }
  return out.str();
}

nlohmann::ordered_json load_grid_json(const LoadGridResult& g) {
  nlohmann::ordered_json j;
  j["grid"] = g.axes;
  nlohmann::ordered_json points = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < g.points.size(); ++i) {
    nlohmann::ordered_json p;
    nlohmann::ordered_json values;
    for (const auto& [name, value] : g.points[i].values) {
      values[name] = value;
    }
    p["point"] = values;
    p["run"] = load_json(g.reports[i]);
    points.push_back(std::move(p));
  }
  j["points"] = std::move(points);
  return j;
}

std::string load_grid_csv(const LoadGridResult& g) {
  std::ostringstream out;
  for (const auto& row : rows(g)) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      out << (c ? "," : "") << row[c];
    }
    out << '\n';
  }
  return out.str();
}

int command_load_grid(const LoadArgs& a, std::ostream& out, std::ostream& err) {
  for (const auto& [flag, path] : {std::pair{"--svg", a.svg}, std::pair{"--html", a.html}}) {
    if (path) {
      err << "ws2sim load: " << flag
          << ": draws one run; with --grid write the table with --csv or --json\n";
      return kExitUsage;
    }
  }
  if (a.jobs && *a.jobs == 0) {
    err << "ws2sim load: -j: at least 1 run at a time\n";
    return kExitUsage;
  }
  Result<std::vector<LoadGridPoint>> points = load_grid_points(a);
  if (!points.ok()) {
    err << "ws2sim load: " << points.error().message << '\n';
    return kExitUsage;
  }
  const Result<CommandLimits> read = read_limits(a.memory_budget, a.progress, a.quiet);
  if (!read.ok()) {
    err << "ws2sim load: " << read.error().message << '\n';
    return kExitUsage;
  }
  detail::OutputFiles files("ws2sim load");
  files.want("--csv", a.csv);
  if (const int code = files.check(err)) {
    return code;
  }
  std::vector<std::string> axes;
  for (const auto& [name, value] : points->front().values) {
    axes.push_back(name);
  }
  Progress progress({.command = "ws2sim load", .total = Duration::zero(), .mode = read->progress},
                    err, stderr_is_terminal());
  Result<LoadGridResult> g =
      run_load_grid(std::move(points).value(), std::move(axes), a.jobs.value_or(default_jobs()),
                    read->memory_budget, &progress);
  progress.finish();
  if (!g.ok()) {
    err << "ws2sim load: " << g.error().message << '\n';
    return g.error().code == ErrorCode::kResourceExhausted ? kExitFailure : kExitUsage;
  }
  if (a.json) {
    out << load_grid_json(*g).dump(2) << '\n';
  } else {
    out << format_load_grid(*g);
  }
  if (a.csv && !files.add_text(*a.csv, " (one row per grid point)", load_grid_csv(*g), err)) {
    return kExitFailure;
  }
  if (!a.json && a.csv) {
    out << '\n';
  }
  return files.commit(a.json ? err : out, err) ? kExitOk : kExitFailure;
}

}  // namespace ws2sim::cli
