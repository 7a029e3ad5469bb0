// The ws2sim harness: S1–S5 on ws2sim::Population, i.e. on the model's own Scheduler and
// KeepAliveEngine (the ones the TCP model and the Winsock emulator use).
//
//   workload_ws2sim S1 [--connections=N]
#include <cstdio>

#include "harness.h"

int main(int argc, char** argv) {
  using namespace ws2sim;
  const bench::Workload w = bench::parse_workload(argc, argv);
  bench::Report r;
  r.harness = "ws2sim";
  r.workload = &w;
  r.start_rss_kib = bench::current_rss_kib();

  const double cpu0 = bench::cpu_seconds();
  const bench::Stopwatch setup;
  auto created = Population::create(w.config);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.error().message.c_str());
    return 1;
  }
  std::unique_ptr<Population> pop = std::move(created).value();
  r.setup_s = setup.seconds();

  const bench::Stopwatch run;
  const Status s = w.horizon ? pop->run_until(*w.horizon) : pop->run_to_completion();
  r.run_s = run.seconds();
  r.cpu_s = bench::cpu_seconds() - cpu0;
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.error().message.c_str());
    return 1;
  }
  r.stats = pop->stats();
  r.model_bytes = pop->memory_bytes();
  bench::print_crosscheck(r);
  bench::print_timing(r);
  return 0;
}
