// The baseline harness: S1–S5 on ws2sim::ReferencePopulation, a plain std::priority_queue of
// (time, sequence) events with Linux-style lazy re-check, i.e. the textbook design, with no
// per-delay FIFOs and no intrusive nodes. Same generator (ws2sim::PopulationWorkload), same
// keep-alive decisions, and the same scheduling order as ws2sim::Population, so the cross-check
// matches exactly (model/tests/population_reference_test.cc checks that on many configurations).
//
//   workload_pq S1 [--connections=N]
#include <cstdio>

#include "harness.h"
#include "ws2sim/model/population_reference.h"

int main(int argc, char** argv) {
  using namespace ws2sim;
  const bench::Workload w = bench::parse_workload(argc, argv);
  bench::Report r;
  r.harness = "priority_queue";
  r.workload = &w;
  r.start_rss_kib = bench::current_rss_kib();
  const double cpu0 = bench::cpu_seconds();
  const bench::Stopwatch setup;
  auto created = ReferencePopulation::create(w.config);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.error().message.c_str());
    return 1;
  }
  std::unique_ptr<ReferencePopulation> b = std::move(created).value();
  r.setup_s = setup.seconds();
  const bench::Stopwatch run;
  b->run_until(w.horizon.value_or(kEndOfTime));
  r.run_s = run.seconds();
  r.cpu_s = bench::cpu_seconds() - cpu0;
  r.stats = b->stats();
  r.model_bytes = b->memory_bytes();
  bench::print_crosscheck(r);
  bench::print_timing(r);
  return 0;
}
