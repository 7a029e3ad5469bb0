// ws2sim/conformance/report.h — the conformance matrix (statement x profile, plus one column per
// native run) and its Markdown, JSON, JUnit XML and HTML renderings. Same inputs, same bytes:
// nothing here depends on time, paths or the order cases were linked in.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ws2sim/conformance/case.h"
#include "ws2sim/conformance/catalog.h"

namespace ws2sim::conformance {

enum class Outcome : std::uint8_t {
  kPass,
  kFail,
  kNotApplicable,  ///< The statement's profile rule excludes this column's version.
  kUntestable,     ///< The catalog says the statement cannot be tested.
  kNotCovered,     ///< Testable, but no case checks it yet.
  kNotRun,         ///< A case covers it but did not run here (filtered, or the run failed).
  kSimOnly,        ///< Native column: only ws2sim cases (virtual time, host switches) check it.
};
std::string_view to_string(Outcome o) noexcept;

/// What the ws2sim backend saw for one statement on one profile.
struct Record {
  int runs = 0;
  std::vector<std::string> failures;  ///< "CaseName: message"
};
/// Keyed by (statement id, profile name).
using SimResults = std::map<std::pair<std::string, std::string>, Record>;

/// One native run (Windows, Wine, ...) as read from the native runner's output.
struct NativeRun {
  std::string name;                       ///< Column name, e.g. "Wine 8".
  bool ran = false;                       ///< False: "not run", see `note`.
  std::string note;                       ///< Why it did not run, or what it reported about itself.
  std::string os;                         ///< "10.0.19045 workstation"
  std::string profile;                    ///< The profile its version is graded as.
  std::string headers;                    ///< The headers the runner was built with.
  bool complete = false;                  ///< The runner reached its end line.
  std::map<std::string, Record> results;  ///< Keyed by statement id.
};

/// Parses the native runner's output. `profile_override` (may be empty) forces the profile the
/// run is graded as; otherwise the reported version picks it (winsock::closest_profile). Throws
/// CatalogError for a file that is not native-runner output.
NativeRun parse_native_results(const std::string& text, const std::string& name,
                               const std::string& profile_override);

struct Cell {
  Outcome outcome = Outcome::kNotRun;
  std::vector<std::string> messages;
};

struct Column {
  std::string key;    ///< Profile name, or native run name.
  std::string label;  ///< Short header: "xp", "10-1709", "Wine 8".
  bool native = false;
  std::string note;         ///< Native: what ran and how it was graded.
  std::vector<Cell> cells;  ///< One per catalog statement, in catalog order.
};

struct Report {
  const Catalog* catalog = nullptr;
  std::vector<Column> columns;                     ///< Profiles, then native runs.
  std::vector<std::vector<std::string>> cases;     ///< Per statement: covering case names.
  std::vector<std::vector<std::string>> portable;  ///< Per statement: portable covering cases.
};

Report build_report(const Catalog& catalog, const std::vector<CaseInfo>& cases,
                    const SimResults& sim, const std::vector<NativeRun>& native);

std::string render_markdown(const Report& r);
std::string render_json(const Report& r);
std::string render_junit(const Report& r);
/// render_html — the matrix as one self-contained page (no scripts, nothing fetched).
std::string render_html(const Report& r);

}  // namespace ws2sim::conformance
