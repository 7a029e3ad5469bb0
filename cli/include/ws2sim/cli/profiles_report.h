// ws2sim/cli/profiles_report.h — `ws2sim profiles`: every emulated Windows version and its
// keep-alive facts, each with its evidence grade (documented, observed, rfc, inferred).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>

namespace ws2sim::cli {

/// A table, one row per profile, grades as [D]ocumented/[O]bserved/[R]fc/[I]nferred, and a legend.
std::string format_profiles();

/// {"profiles": [{"name", "display", "version", "build", "product", "service_pack",
///   "facts": {"probe_count": {"value", "evidence"}, ...}}]}
nlohmann::ordered_json profiles_json();

}  // namespace ws2sim::cli
