// ws2sim/cli/budget.h — how much memory a command may use, and sizes as the command line reads
// and prints them.
//
// Every command that can grow with its input (`run`, `load`) estimates what it needs before it
// starts and refuses with one sentence when that is above its budget; `run` also stops the world
// when its trace outgrows the budget mid-run (World::set_memory_budget) and says how much the
// whole run would have needed. `--memory-budget` raises or lowers the default.
//
//   Result<std::size_t> b = parse_size("512M");   // 536870912
//   format_size(3.5 * 1024 * 1024 * 1024);        // "3.5 GiB"
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ws2sim/model/status.h"

namespace ws2sim::cli {

/// kDefaultMemoryBudget — what a command may hold when --memory-budget is not given: 4 GiB, a
/// sixth of the CI machines' memory.
inline constexpr std::size_t kDefaultMemoryBudget = std::size_t{4} << 30;

/// parse_size — a whole number of bytes with an optional binary unit: "4096", "64K", "512M",
/// "4G", "1T" (also "KiB", "MiB", "GiB", "TiB"). At least 1 MiB, at most 1 TiB; the error says
/// what was expected.
Result<std::size_t> parse_size(std::string_view text);

/// format_size — bytes in the largest binary unit that keeps a whole part, one decimal where it
/// matters: "512 B", "12 KiB", "3.5 GiB", "220 GiB".
std::string format_size(double bytes);

/// over_budget — the refusal: "this run needs ~9.3 GiB (what) but the memory budget is 4 GiB:
/// remedies, or raise --memory-budget".
std::string over_budget(std::string_view what, double bytes, std::size_t budget,
                        std::string_view remedies);

}  // namespace ws2sim::cli
