// The memory budget and the progress line of `ws2sim run` (runner.h, RunOptions): refused before
// the run when the set-up alone is too big, stopped mid-run when the trace outgrows the rest.
// Not a public header.
#pragma once

#include "ws2sim/cli/runner.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::cli::detail {

/// Before the set-up: refuses a run whose set-up needs more than the budget; else gives the
/// world the rest of the budget and, with options.progress, a trace observer that reports.
Status start_run_budget(winsock::World& world, const Scenario& scenario, const RunOptions& options);

/// After the run: the error to report if the world ran out of its budget.
Status check_run_budget(const winsock::World& world, const Scenario& scenario,
                        const RunOptions& options);

}  // namespace ws2sim::cli::detail
