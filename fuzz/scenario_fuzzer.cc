// fuzz/scenario_fuzzer.cc — the scenario parser on arbitrary text (docs/reliability.md).
//
// Invariants: parse_scenario never crashes, hangs or leaks on any input; a rejected file gets a
// message that starts with its source name; an accepted scenario is one the runner can play
// (runner.h: run_scenario "fails only when the emulator rejects the set-up, which a validated
// scenario never makes it do"). Small accepted scenarios are played, twice, and must give the
// same trace byte for byte.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>

#include "ws2sim/cli/runner.h"
#include "ws2sim/cli/scenario.h"
#include "ws2sim/model/trace_writers.h"

namespace {

[[noreturn]] void violation(const std::string& what) {
  std::fprintf(stderr, "INVARIANT VIOLATED: %s\n", what.c_str());
  std::abort();
}

// Small enough to play within a fuzzing run: one virtual hour, a few connections.
bool small(const ws2sim::cli::Scenario& s) {
  return s.duration <= std::chrono::hours(1) && s.connections.size() <= 3 && s.hosts.size() <= 4 &&
         s.traffic.size() <= 8;
}

std::string jsonl(const ws2sim::cli::RunReport& r) {
  std::ostringstream out;
  if (!ws2sim::write_jsonl(r.trace(), out).ok()) violation("write_jsonl failed on a run's trace");
  return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = ws2sim::cli::parse_scenario(text, "fuzz.json");
  if (!parsed.ok()) {
    if (parsed.error().message.rfind("fuzz.json", 0) != 0) {
      violation("error message does not start with the source: " + parsed.error().message);
    }
    return 0;
  }
  if (!small(*parsed)) return 0;
  auto first = ws2sim::cli::run_scenario(*parsed);
  if (!first.ok()) violation("an accepted scenario failed to run: " + first.error().message);
  auto second = ws2sim::cli::run_scenario(*parsed);
  if (!second.ok() || jsonl(*first) != jsonl(*second)) violation("two runs of one scenario differ");
  return 0;
}
