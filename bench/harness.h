// bench/harness.h — what the three workload harnesses share (ws2sim, std::priority_queue, ns-3):
// the S1–S5 definitions, the command line, wall-clock timing, peak RSS and the two report lines.
//
// Every harness draws its workload from `ws2sim::PopulationWorkload` (one seeded generator),
// runs the same keep-alive logic (Linux-style lazy re-check), and prints
//   crosscheck harness=... workload=S1 ... probes_sent=... drop_hash=0x...
// before
//   timing harness=... workload=S1 ... total_s=... ns_per_event=...
// bench/run.sh refuses to compare harnesses whose crosscheck lines differ.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>

#include "ws2sim/model/population.h"

namespace ws2sim::bench {

using namespace std::chrono_literals;

/// One workload of bench/README.md.
struct Workload {
  std::string name;
  PopulationConfig config;
  std::optional<TimePoint> horizon;  ///< run until this instant (inclusive); nullopt: to the end
};

/// S1: 1 M dead peers opened over 1 h, 7200 s idle, 10 probes 75 s apart.
/// S2: S1 plus 4 traffic segments per connection in its first 10 minutes.
/// S3: S1 with 10 M connections.
/// S4: S1 with live peers answering each probe with probability 0.5, for 6 h of virtual time.
/// S5: a healthy fleet — S1 with every peer answering every probe, for 7 days of virtual time
///     (84 probes per connection; the cost must follow the probes, not the simulated seconds).
/// `connections` (when not 0) overrides the size.
inline std::optional<Workload> make_workload(std::string_view name, std::uint64_t connections = 0) {
  Workload w{std::string(name), PopulationConfig{}, std::nullopt};
  if (name == "S1") {
  } else if (name == "S2") {
    w.config.traffic_segments = 4;
  } else if (name == "S3") {
    w.config.connections = 10'000'000;
  } else if (name == "S4") {
    w.config.dead_fraction = 0.0;
    w.config.answer_probability = 0.5;
    w.horizon = kEpoch + std::chrono::hours(6);
  } else if (name == "S5") {
    w.config.dead_fraction = 0.0;
    w.config.answer_probability = 1.0;
    w.horizon = kEpoch + std::chrono::hours(24 * 7);
  } else {
    return std::nullopt;
  }
  if (connections != 0) w.config.connections = connections;
  return w;
}

/// `<harness> S1|S2|S3|S4|S5 [--connections=N] [extra...]`; exits with a usage line on bad input,
/// and with the configuration's own error when it does not validate (so every harness refuses
/// the same inputs before any timing).
inline Workload parse_workload(int argc, char** argv) {
  std::uint64_t connections = 0;
  for (int i = 2; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a.starts_with("--connections=")) {
      connections = std::strtoull(argv[i] + 14, nullptr, 10);
      if (connections == 0) {
        std::fprintf(stderr, "--connections needs a positive number\n");
        std::exit(2);
      }
    }
  }
  std::optional<Workload> w = argc >= 2 ? make_workload(argv[1], connections) : std::nullopt;
  if (!w) {
    std::fprintf(stderr, "usage: %s S1|S2|S3|S4|S5 [--connections=N]\n", argv[0]);
    std::exit(2);
  }
  if (const Status s = w->config.validate(); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    std::exit(2);
  }
  return *w;
}

/// Seconds of wall-clock time since construction.
class Stopwatch {
 public:
  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

/// Resident set size now, in KiB.
inline long current_rss_kib() {
  std::ifstream statm("/proc/self/statm");
  long size = 0;
  long resident = 0;
  statm >> size >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/// Peak resident set size of this process, in KiB.
inline long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

/// User + system CPU time of this process, in seconds (a cross-check on a busy machine).
inline double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

/// What one harness measured on one workload.
struct Report {
  const char* harness = "";
  const Workload* workload = nullptr;
  PopulationStats stats;
  double setup_s = 0;
  double run_s = 0;
  double cpu_s = 0;             ///< CPU time of setup + run
  long start_rss_kib = 0;       ///< before setup
  std::size_t model_bytes = 0;  ///< model state the harness can account for exactly (0: unknown)
};

inline void print_crosscheck(const Report& r) {
  std::printf("crosscheck harness=%s workload=%s connections=%" PRIu64 " probes_sent=%" PRIu64
              " probes_answered=%" PRIu64 " dropped=%" PRIu64 " timer_fires=%" PRIu64
              " events=%" PRIu64 " drop_hash=0x%016" PRIx64 "\n",
              r.harness, r.workload->name.c_str(), r.workload->config.connections,
              r.stats.probes_sent, r.stats.probes_answered, r.stats.connections_dropped,
              r.stats.timer_fires, r.stats.events, r.stats.drop_hash);
}

inline void print_timing(const Report& r) {
  const double n = static_cast<double>(r.workload->config.connections);
  const double events = static_cast<double>(r.stats.events);
  const long peak = peak_rss_kib();
  std::printf(
      "timing harness=%s workload=%s setup_s=%.4f run_s=%.4f total_s=%.4f cpu_s=%.4f "
      "ns_per_event=%.2f "
      "events_per_s=%.0f peak_rss_kib=%ld rss_growth_bytes_per_conn=%.1f "
      "model_bytes_per_conn=%.1f\n",
      r.harness, r.workload->name.c_str(), r.setup_s, r.run_s, r.setup_s + r.run_s, r.cpu_s,
      events > 0 ? r.run_s * 1e9 / events : 0.0, r.run_s > 0 ? events / r.run_s : 0.0, peak,
      static_cast<double>(peak - r.start_rss_kib) * 1024.0 / n,
      static_cast<double>(r.model_bytes) / n);
  std::fflush(stdout);
}

}  // namespace ws2sim::bench
