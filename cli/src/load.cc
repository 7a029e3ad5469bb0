// `ws2sim load`: probe traffic of a population of keep-alive connections, bucketed in time.
#include "ws2sim/cli/load.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "fixed_text.h"
#include "output_files.h"
#include "ws2sim/cli/commands.h"
#include "ws2sim/cli/html.h"
#include "ws2sim/cli/progress.h"
#include "ws2sim/cli/svg.h"
#include "ws2sim/cli/time_text.h"

namespace ws2sim::cli {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kTargetBuckets = 300;
// Measured with /usr/bin/time: `ws2sim load --connections 10000000` peaks at 404 MB.
constexpr double kBytesPerConnection = 40.0;
constexpr double kBucketBytes = 32.0 * 1'000'000;  // at most kMaxBuckets, probes and answers
constexpr std::int64_t kProgressSlices = 1000;
constexpr std::size_t kMaxBuckets = 1'000'000;
constexpr std::array<Duration, 21> kBucketSteps{
    1s,    2s, 5s, 10s, 15s, 30s, 1min, 2min,    5min,     10min,     15min,
    30min, 1h, 2h, 6h,  12h, 24h, 48h,  24h * 7, 24h * 30, 24h * 365,
};

double secs(Duration d) {
  return static_cast<double>(d.count()) / 1e9;
}

using detail::fixed;

bool runs_to_completion(const PopulationConfig& c) {
  return c.dead_fraction >= 1.0 || c.answer_probability <= 0.0 || !c.keepalive.enabled ||
         c.keepalive.probe_count == 0;
}

Duration cycle(const PopulationConfig& c) {
  return saturating_add(c.keepalive.idle,
                        saturating_mul(c.keepalive.interval, c.keepalive.probe_count));
}

}  // namespace

double LoadReport::bucket_seconds() const {
  return secs(bucket);
}

double LoadReport::covered_seconds(std::size_t i) const {
  const TimePoint start = kEpoch + bucket * static_cast<std::int64_t>(i);
  const TimePoint stop = std::min(start + bucket, end);
  return stop > start ? secs(stop - start) : bucket_seconds();
}

double LoadReport::probes_per_second(std::size_t i) const {
  return static_cast<double>(probes[i]) / covered_seconds(i);
}

double LoadReport::answers_per_second(std::size_t i) const {
  return i < answers.size() ? static_cast<double>(answers[i]) / covered_seconds(i) : 0.0;
}

double LoadReport::bytes_per_second(std::size_t i) const {
  return (probes_per_second(i) + answers_per_second(i)) * config.population.probe_bytes;
}

std::size_t LoadReport::peak_bucket() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < probes.size(); ++i) {
    if (probes_per_second(i) > probes_per_second(best)) best = i;
  }
  return best;
}

double LoadReport::peak_probes_per_second() const {
  return probes.empty() ? 0.0 : probes_per_second(peak_bucket());
}

double LoadReport::mean_probes_per_second() const {
  const double span = secs(end - kEpoch);
  return span > 0 ? static_cast<double>(stats.probes_sent) / span : 0.0;
}

double LoadReport::mean_answers_per_second() const {
  const double span = secs(end - kEpoch);
  std::uint64_t answered = 0;
  for (std::uint64_t a : answers)
    answered += a;
  return span > 0 ? static_cast<double>(answered) / span : 0.0;
}

double LoadReport::peak_bytes_per_second() const {
  double best = 0;
  for (std::size_t i = 0; i < probes.size(); ++i)
    best = std::max(best, bytes_per_second(i));
  return best;
}

double LoadReport::mean_bytes_per_second() const {
  return (mean_probes_per_second() + mean_answers_per_second()) * config.population.probe_bytes;
}

double load_memory_bytes(const LoadConfig& config) {
  const PopulationConfig& p = config.population;
  const auto connections = static_cast<double>(p.connections);
  double bytes = connections * kBytesPerConnection + kBucketBytes;
  if (p.traffic_segments > 0) {
    // The traffic stream holds every segment of the connections that opened within one traffic
    // window (population.h), sorted through a second buffer.
    const double spread = static_cast<double>(std::max<std::int64_t>(p.open_spread.count(), 1));
    const double overlapping = std::min(
        connections, connections * static_cast<double>(p.traffic_window.count()) / spread + 1);
    bytes += overlapping * static_cast<double>(p.traffic_segments) *
             sizeof(PopulationWorkload::Arrival) * 2;
  }
  return bytes;
}

Result<LoadReport> run_load(const LoadConfig& config, const LoadLimits& limits) {
  const PopulationConfig& pc = config.population;
  if (const double need = load_memory_bytes(config);
      need > static_cast<double>(limits.memory_budget)) {
    std::string what = std::to_string(pc.connections) + " connections";
    if (pc.traffic_segments > 0) {
      what += " with " + std::to_string(pc.traffic_segments) + " traffic segments each";
    }
    return resource_exhausted(over_budget(what, need, limits.memory_budget,
                                          pc.traffic_segments > 0
                                              ? "use fewer connections or traffic segments"
                                              : "use fewer connections"));
  }
  Result<std::unique_ptr<Population>> created = Population::create(pc);
  if (!created.ok()) return created.error();
  Population& pop = **created;

  LoadReport r;
  r.config = config;
  r.completed = !config.duration && runs_to_completion(pc);
  Duration run_for{0};
  Duration estimate{0};
  if (config.duration) {
    run_for = *config.duration;
    estimate = run_for;
  } else if (r.completed) {
    estimate = saturating_add(saturating_add(pc.open_spread, pc.traffic_window), cycle(pc));
  } else {
    run_for = saturating_add(pc.open_spread, saturating_mul(cycle(pc), 2));
    estimate = run_for;
  }
  if (config.bucket) {
    if (*config.bucket < 1ms) return invalid_argument("the bucket must be at least 1 ms");
    r.bucket = *config.bucket;
  } else {
    r.bucket = kBucketSteps.back();
    for (Duration step : kBucketSteps) {
      if (step * static_cast<std::int64_t>(kTargetBuckets) >= estimate) {
        r.bucket = step;
        break;
      }
    }
  }
  if (estimate / r.bucket > static_cast<std::int64_t>(kMaxBuckets)) {
    return invalid_argument("a " + format_compact(r.bucket) + " bucket over " +
                            format_compact(estimate) + " makes more than " +
                            std::to_string(kMaxBuckets) + " buckets; choose a wider one");
  }

  const PopulationWorkload workload(pc);
  const std::int64_t width = r.bucket.count();
  const auto count_into = [&](std::vector<std::uint64_t>& v, TimePoint at) {
    const auto i = static_cast<std::size_t>(at.time_since_epoch().count() / width);
    if (i >= v.size()) v.resize(std::max(i + 1, v.size() * 2), 0);
    ++v[i];
  };
  r.probes.assign(static_cast<std::size_t>(estimate / r.bucket) + 1, 0);
  r.answers.assign(r.probes.size(), 0);
  pop.on_probe([&](std::uint64_t conn, TimePoint at) {
    count_into(r.probes, at);
    if (!workload.peer_dead(conn) && workload.answers(conn, at)) {
      count_into(r.answers, saturating_add(at, pc.answer_delay));
    }
  });
  if (limits.progress != nullptr && limits.progress->active()) {
    // In slices, each reported; drain_until keeps the clock at the last event, as
    // run_to_completion does, so the result is the same as in one go.
    const TimePoint stop = kEpoch + (r.completed ? estimate : run_for);
    limits.progress->set_total(stop - kEpoch);
    for (std::int64_t k = 1; k <= kProgressSlices; ++k) {
      const TimePoint t = kEpoch + (stop - kEpoch) / kProgressSlices * k;
      pop.drain_until(t);
      limits.progress->update(t, pop.stats().events);
    }
  }
  const Status ran = r.completed ? pop.run_to_completion() : pop.run_until(kEpoch + run_for);
  if (!ran.ok()) return ran.error();
  r.stats = pop.stats();
  r.end = pop.now();
  if (!r.completed) r.end = kEpoch + run_for;
  const auto buckets =
      static_cast<std::size_t>((r.end - kEpoch + r.bucket - Duration{1}) / r.bucket);
  r.probes.resize(std::max<std::size_t>(buckets, 1), 0);
  r.answers.resize(r.probes.size(), 0);
  return r;
}

std::string format_load(const LoadReport& r) {
  const PopulationConfig& c = r.config.population;
  std::ostringstream out;
  out << "load: " << c.connections << " connections opened over " << format_compact(c.open_spread)
      << "; keep-alive after " << format_compact(c.keepalive.idle) << " idle, then every "
      << format_compact(c.keepalive.interval) << ", " << c.keepalive.probe_count << " probes\n";
  out << "peers: " << fixed(c.dead_fraction * 100, 1) << "% dead (never answer), live ones answer "
      << fixed(c.answer_probability * 100, 1) << "% of probes "
      << (c.answer_delay == Duration::zero() ? std::string("at once")
                                             : "after " + format_compact(c.answer_delay));
  if (c.traffic_segments > 0) {
    out << "; " << c.traffic_segments << " traffic segments per connection within "
        << format_compact(c.traffic_window);
  }
  out << "; seed " << c.seed << '\n';
  if (!r.completed) {
    out << "ran for " << format_clock(r.end);
  } else if (r.stats.connections_dropped == c.connections) {
    out << "ran to completion (every connection dropped) at " << format_clock(r.end);
  } else {
    // No probes (a count of 0): nothing ends the connections, and nothing is left to run.
    out << "ran until nothing was left to run (" << r.stats.connections_dropped << " of "
        << c.connections << " connections dropped) at " << format_clock(r.end);
  }
  out << " of virtual time, buckets of " << format_compact(r.bucket) << "\n\n";
  out << "probes sent           " << r.stats.probes_sent << '\n';
  out << "probes answered       " << r.stats.probes_answered << '\n';
  out << "connections dropped   " << r.stats.connections_dropped << '\n';
  out << "timer fires           " << r.stats.timer_fires << '\n';
  out << "peak                  " << fixed(r.peak_probes_per_second())
      << " probes/s in the bucket at "
      << format_clock(kEpoch + r.bucket * static_cast<std::int64_t>(r.peak_bucket())) << "; "
      << fixed(r.peak_bytes_per_second(), 0) << " bytes/s on the wire\n";
  out << "mean                  " << fixed(r.mean_probes_per_second()) << " probes/s; "
      << fixed(r.mean_bytes_per_second(), 0) << " bytes/s on the wire (probes and answers, "
      << c.probe_bytes << " bytes each)\n\n";
  // A coarse text histogram: at most 24 rows.
  const std::size_t rows = std::min<std::size_t>(24, r.probes.size());
  const std::size_t per_row = (r.probes.size() + rows - 1) / rows;
  std::vector<double> rate;
  double top = 0;
  for (std::size_t i = 0; i < r.probes.size(); i += per_row) {
    std::uint64_t n = 0;
    double covered = 0;
    for (std::size_t k = 0; k < per_row && i + k < r.probes.size(); ++k) {
      n += r.probes[i + k];
      covered += r.covered_seconds(i + k);
    }
    rate.push_back(static_cast<double>(n) / covered);
    top = std::max(top, rate.back());
  }
  out << "       time     probes/s\n";
  for (std::size_t row = 0; row < rate.size(); ++row) {
    const std::string t =
        format_clock(kEpoch + r.bucket * static_cast<std::int64_t>(row * per_row));
    std::string rs = fixed(rate[row]);
    const auto bar = top > 0 ? static_cast<std::size_t>(rate[row] / top * 50.0 + 0.5) : 0;
    out << std::string(t.size() < 11 ? 11 - t.size() : 0, ' ') << t << "  "
        << std::string(rs.size() < 11 ? 11 - rs.size() : 0, ' ') << rs << "  "
        << std::string(bar, '#') << '\n';
  }
  return out.str();
}

nlohmann::ordered_json load_json(const LoadReport& r) {
  const PopulationConfig& c = r.config.population;
  nlohmann::ordered_json j;
  j["connections"] = c.connections;
  j["spread_ms"] = to_ms(c.open_spread);
  j["keepalive"] = {{"idle_ms", to_ms(c.keepalive.idle)},
                    {"interval_ms", to_ms(c.keepalive.interval)},
                    {"count", c.keepalive.probe_count}};
  j["dead_fraction"] = c.dead_fraction;
  j["answer_probability"] = c.answer_probability;
  j["answer_delay_ms"] = to_ms(c.answer_delay);
  j["traffic_segments"] = c.traffic_segments;
  j["traffic_window_ms"] = to_ms(c.traffic_window);
  j["probe_bytes"] = c.probe_bytes;
  j["seed"] = c.seed;
  j["completed"] = r.completed;
  j["end_ms"] = to_ms(r.end - kEpoch);
  j["bucket_ms"] = to_ms(r.bucket);
  j["probes_sent"] = r.stats.probes_sent;
  j["probes_answered"] = r.stats.probes_answered;
  j["connections_dropped"] = r.stats.connections_dropped;
  j["timer_fires"] = r.stats.timer_fires;
  j["drop_hash"] = r.stats.drop_hash;
  j["peak_probes_per_second"] = r.peak_probes_per_second();
  j["peak_at_ms"] = to_ms(r.bucket * static_cast<std::int64_t>(r.peak_bucket()));
  j["mean_probes_per_second"] = r.mean_probes_per_second();
  j["peak_bytes_per_second"] = r.peak_bytes_per_second();
  j["mean_bytes_per_second"] = r.mean_bytes_per_second();
  nlohmann::ordered_json buckets = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < r.probes.size(); ++i) {
    buckets.push_back({{"t_ms", to_ms(r.bucket * static_cast<std::int64_t>(i))},
                       {"probes", r.probes[i]},
                       {"answers", r.answers[i]}});
  }
  j["buckets"] = buckets;
  return j;
}

std::string load_csv(const LoadReport& r) {
  std::ostringstream out;
  out << "t_s,probes_per_s,answers_per_s,bytes_per_s\n";
  for (std::size_t i = 0; i < r.probes.size(); ++i) {
    out << fixed(r.bucket_seconds() * static_cast<double>(i), 3) << ','
        << fixed(r.probes_per_second(i), 3) << ',' << fixed(r.answers_per_second(i), 3) << ','
        << fixed(r.bytes_per_second(i), 1) << '\n';
  }
  return out.str();
}

std::string load_svg(const LoadReport& r) {
  const PopulationConfig& c = r.config.population;
  RateChart chart;
  chart.title = "Keep-alive traffic: " + std::to_string(c.connections) + " connections over " +
                format_compact(c.open_spread) + ", idle " + format_compact(c.keepalive.idle) +
                ", every " + format_compact(c.keepalive.interval) + " x " +
                std::to_string(c.keepalive.probe_count) + ", " + fixed(c.dead_fraction * 100, 0) +
                "% dead peers";
  chart.subtitle = "peak " + fixed(r.peak_probes_per_second()) + " probes/s at " +
                   format_clock(kEpoch + r.bucket * static_cast<std::int64_t>(r.peak_bucket())) +
                   ", mean " + fixed(r.mean_probes_per_second()) + " probes/s, " +
                   fixed(r.mean_answers_per_second()) + " answers/s, " +
                   fixed(r.mean_bytes_per_second(), 0) + " bytes/s; " +
                   std::to_string(r.stats.probes_sent) + " probes, " +
                   std::to_string(r.stats.connections_dropped) + " connections dropped; seed " +
                   std::to_string(c.seed);
  chart.bucket_seconds = r.bucket_seconds();
  chart.end_seconds = secs(r.end - kEpoch);
  for (std::size_t i = 0; i < r.probes.size(); ++i) {
    chart.probes.push_back(r.probes_per_second(i));
    chart.answers.push_back(r.answers_per_second(i));
    chart.bytes.push_back(r.bytes_per_second(i));
  }
  chart.mean_probes = r.mean_probes_per_second();
  chart.mean_answers = r.mean_answers_per_second();
  chart.mean_bytes = r.mean_bytes_per_second();
  return rate_chart_svg(chart);
}

// The report page: the chart, the text, and the buckets as a table (up to kHtmlRows of them;
// --csv has every one).
std::string load_html(const LoadReport& r, const std::string& text, const std::string& chart) {
  constexpr std::size_t kHtmlRows = 1000;
  HtmlReport page{.title = "ws2sim load", .subtitle = {}, .sections = {}};
  page.sections.push_back({"Probes, answers and bytes per second", chart, {}, {}});
  page.sections.push_back({"Summary", {}, text, {}});
  HtmlReport::Section buckets{"Buckets", {}, {}, {{"from", "probes/s", "answers/s", "bytes/s"}}};
  if (r.probes.size() > kHtmlRows) {
    buckets.text = std::to_string(r.probes.size()) +
                   " buckets: too many for a table; --csv writes "
                   "every one.";
  } else {
    for (std::size_t i = 0; i < r.probes.size(); ++i) {
      buckets.table.push_back({format_clock(kEpoch + r.bucket * static_cast<std::int64_t>(i)),
                               fixed(r.probes_per_second(i), 3), fixed(r.answers_per_second(i), 3),
                               fixed(r.bytes_per_second(i), 1)});
    }
  }
  page.sections.push_back(std::move(buckets));
  return render_html(page);
}

bool load_config(const LoadArgs& a, LoadConfig& c, std::ostream& err) {
  PopulationConfig& p = c.population;
  const auto duration = [&](const std::string& text, const char* option, Duration& into) {
    Result<Duration> d = parse_duration(text);
    if (!d.ok()) {
      err << "ws2sim load: " << option << ": " << d.error().message << '\n';
      return false;
    }
    into = *d;
    return true;
  };
  p.connections = a.connections;
  p.keepalive.enabled = true;
  p.keepalive.probe_count = a.count;
  p.dead_fraction = a.dead_fraction;
  p.answer_probability = a.answer_probability;
  p.traffic_segments = a.traffic;
  p.probe_bytes = a.probe_bytes;
  p.seed = a.seed;
  if (!duration(a.spread, "--spread", p.open_spread) ||
      !duration(a.idle, "--idle", p.keepalive.idle) ||
      !duration(a.interval, "--interval", p.keepalive.interval) ||
      !duration(a.answer_delay, "--answer-delay", p.answer_delay) ||
      !duration(a.traffic_window, "--traffic-window", p.traffic_window)) {
    return false;
  }
  if (a.duration) {
    Duration d{0};
    if (!duration(*a.duration, "--duration", d)) return false;
    c.duration = d;
  }
  if (a.bucket) {
    Duration d{0};
    if (!duration(*a.bucket, "--bucket", d)) return false;
    c.bucket = d;
  }
  return true;
}

int command_load(const LoadArgs& a, std::ostream& out, std::ostream& err) {
  if (!a.grid.empty()) return command_load_grid(a, out, err);
  LoadConfig c;
  if (!load_config(a, c, err)) return kExitUsage;
  const Result<CommandLimits> read = read_limits(a.memory_budget, a.progress, a.quiet);
  if (!read.ok()) {
    err << "ws2sim load: " << read.error().message << '\n';
    return kExitUsage;
  }
  LoadLimits limits;
  limits.memory_budget = read->memory_budget;
  detail::OutputFiles files("ws2sim load");
  files.want("--svg", a.svg);
  files.want("--csv", a.csv);
  files.want("--html", a.html);
  if (const int code = files.check(err)) return code;
  Progress progress({.command = "ws2sim load",
                     .total = c.duration.value_or(Duration::zero()),
                     .mode = read->progress},
                    err, stderr_is_terminal());
  limits.progress = &progress;
  Result<LoadReport> r = run_load(c, limits);
  progress.finish();
  if (!r.ok()) {
    err << "ws2sim load: " << r.error().message << '\n';
    return r.error().code == ErrorCode::kResourceExhausted ? kExitFailure : kExitUsage;
  }
  const std::string text = format_load(*r);
  if (a.json) {
    out << load_json(*r).dump(2) << '\n';
  } else {
    out << text;
  }
  const std::string chart = a.svg || a.html ? load_svg(*r) : std::string();
  if (a.html && !files.add_text(*a.html, " (report, HTML)", load_html(*r, text, chart), err)) {
    return kExitFailure;
  }
  const bool ok = (!a.svg || files.add_text(*a.svg, " (probes, answers and bytes per second)",
                                            load_svg(*r), err)) &&
                  (!a.csv || files.add_text(*a.csv, " (one row per bucket)", load_csv(*r), err));
  if (!ok) return kExitFailure;
  if (!a.json && (a.svg || a.csv || a.html)) out << '\n';
  return files.commit(a.json ? err : out, err) ? kExitOk : kExitFailure;
}

}  // namespace ws2sim::cli
