// ws2sim/cli/load.h — `ws2sim load`: how much keep-alive probe traffic do N connections make?
//
// Runs a ws2sim::Population (model/population.h: the keep-alive engine and scheduler of the TCP
// model, with the peer modelled as a seeded draw) and counts every probe, and every answer a live
// peer sends back, in buckets of virtual time. A million connections take well under a second.
//
//   LoadConfig c;
//   c.population.connections = 1'000'000;
//   c.population.dead_fraction = 1.0;
//   LoadReport r = run_load(c).value();
//   r.peak_probes_per_second();   // the busiest bucket
#pragma once

#include <cstdint>
#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ws2sim/cli/budget.h"
#include "ws2sim/model/population.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"

namespace ws2sim::cli {

struct LoadConfig {
  PopulationConfig population;
  /// How long to run. Unset: to completion when every connection ends (all peers dead, or none
  /// answers), else open spread + 2 x (idle + count x interval), two full keep-alive cycles.
  std::optional<Duration> duration;
  /// Bucket width. Unset: a round width giving at most 300 buckets (at least 1 s).
  std::optional<Duration> bucket;
};

struct LoadReport {
  LoadConfig config;
  PopulationStats stats;
  TimePoint end;
  Duration bucket{0};
  bool completed = false;              ///< Ran until no connection was left.
  std::vector<std::uint64_t> probes;   ///< Per bucket.
  std::vector<std::uint64_t> answers;  ///< Per bucket, by arrival (answer_delay after the probe).

  [[nodiscard]] double bucket_seconds() const;
  /// LoadReport::covered_seconds — the part of bucket `i` the run covered: the bucket's width,
  /// less for the last one when the run ends inside it. Rates divide by it, so that a bucket
  /// wider than the run shows the run's mean, not a fraction of it.
  [[nodiscard]] double covered_seconds(std::size_t i) const;
  [[nodiscard]] double probes_per_second(std::size_t i) const;  ///< In bucket `i`.
  [[nodiscard]] double answers_per_second(std::size_t i) const;
  [[nodiscard]] double bytes_per_second(std::size_t i) const;  ///< Probes and answers.
  [[nodiscard]] double peak_probes_per_second() const;
  [[nodiscard]] std::size_t peak_bucket() const;        ///< The bucket of the highest probe rate.
  [[nodiscard]] double mean_probes_per_second() const;  ///< Over [0, end].
  [[nodiscard]] double mean_answers_per_second() const;
  [[nodiscard]] double peak_bytes_per_second() const;  ///< Probes and answers, probe_bytes each.
  [[nodiscard]] double mean_bytes_per_second() const;
};

class Progress;

/// LoadLimits — what a load run may use and whom it tells how far it got.
struct LoadLimits {
  std::size_t memory_budget = kDefaultMemoryBudget;
  Progress* progress = nullptr;
};

/// load_memory_bytes — what run_load(config) will hold at most: the population (about 40 bytes a
/// connection, measured), the traffic segments of the connections whose windows overlap, and
/// the buckets.
double load_memory_bytes(const LoadConfig& config);

/// Runs the population and counts. Fails with a sentence for an invalid configuration, and for
/// one that needs more memory than the budget (load_memory_bytes).
Result<LoadReport> run_load(const LoadConfig& config, const LoadLimits& limits = {});

/// The buckets as CSV: "t_s,probes_per_s,answers_per_s,bytes_per_s", one row per bucket.
std::string load_csv(const LoadReport& r);

std::string format_load(const LoadReport& r);
nlohmann::ordered_json load_json(const LoadReport& r);
std::string load_svg(const LoadReport& r);

/// `ws2sim load` arguments as typed on the command line (durations as text, e.g. "2h").
struct LoadArgs {
  std::uint64_t connections = 1'000'000;
  std::string spread = "1h";
  std::string idle = "2h";
  std::string interval = "1s";
  std::uint32_t count = 10;
  double dead_fraction = 0.0;
  double answer_probability = 1.0;
  std::string answer_delay = "0s";
  std::uint32_t traffic = 0;
  std::string traffic_window = "10m";
  std::optional<std::string> duration;
  std::optional<std::string> bucket;
  std::uint32_t probe_bytes = 40;
  std::uint64_t seed = 1;
  std::optional<std::string> svg;
  std::optional<std::string> csv;
  std::optional<std::string> html;
  bool json = false;
  std::optional<std::string> memory_budget;  ///< "4G" (budget.h); unset: kDefaultMemoryBudget.
  bool progress = false;                     ///< A progress line even when stderr is no terminal.
  bool quiet = false;                        ///< No progress line.
  /// `--grid NAME=V1,V2,...` as typed, in order: one run per combination (load_grid.cc).
  std::vector<std::string> grid;
  /// The long options given on the command line ("interval", ...): a grid may not vary one.
  std::vector<std::string> given;
  /// `-j N`: runs at once; unset: the number of cores (default_jobs()).
  std::optional<unsigned> jobs;
};
int command_load(const LoadArgs& args, std::ostream& out, std::ostream& err);
/// command_load_grid — `ws2sim load --grid ...` (command_load hands it over).
int command_load_grid(const LoadArgs& args, std::ostream& out, std::ostream& err);

/// load_config — the run `args` describe; false (with one line on `err` naming the option) for
/// a malformed value.
bool load_config(const LoadArgs& args, LoadConfig& config, std::ostream& err);

/// kMaxGridPoints — the most runs one `--grid` may ask for.
inline constexpr std::size_t kMaxGridPoints = 10'000;

/// LoadGridPoint — one combination of a grid: the values of its axes, in axis order, as typed.
struct LoadGridPoint {
  std::vector<std::pair<std::string, std::string>> values;  ///< ("interval", "75s"), ...
  LoadConfig config;
};

/// load_grid_points — the runs `args.grid` asks for: the cartesian product of its axes, the
/// first axis varying slowest. An error names the `--grid` argument and the reason (an unknown
/// parameter, one also given as an option or twice, a malformed value, too many points).
Result<std::vector<LoadGridPoint>> load_grid_points(const LoadArgs& args);

/// LoadGridResult — the reports of a grid's points, in point order.
struct LoadGridResult {
  std::vector<std::string> axes;
  std::vector<LoadGridPoint> points;
  std::vector<LoadReport> reports;
};

/// run_load_grid — runs every point, up to `jobs` at once, each with the memory budget's share
/// (budget / min(jobs, points)); the reports are the serial run's whatever `jobs` is. Refuses
/// before running anything when a point needs more than its share; the first failing point
/// (in point order) fails the whole grid, named. `progress` (may be null) counts points.
Result<LoadGridResult> run_load_grid(std::vector<LoadGridPoint> points,
                                     std::vector<std::string> axes, unsigned jobs,
                                     std::size_t memory_budget, Progress* progress);

/// format_load_grid / load_grid_json / load_grid_csv — one row (object) per point: its values,
/// then the counts and rates of its run.
std::string format_load_grid(const LoadGridResult& g);
nlohmann::ordered_json load_grid_json(const LoadGridResult& g);
std::string load_grid_csv(const LoadGridResult& g);

}  // namespace ws2sim::cli
