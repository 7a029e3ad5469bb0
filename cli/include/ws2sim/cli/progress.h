// ws2sim/cli/progress.h — a progress line on stderr for work that runs longer than a second.
//
// Long commands (`run` of a long scenario, `load` of many connections) report how far virtual
// time got, how many events ran, their rate and the time left, once a second. On a terminal the
// line rewrites itself and is erased at the end; elsewhere nothing is printed unless asked for
// (`--progress`), and then each report is a line of its own. `--quiet` silences it.
//
//   Progress p({.command = "ws2sim run", .total = 3650 * 24h, .mode = ProgressMode::kAuto},
//              std::cerr, /*terminal=*/isatty(2));
//   p.update(now, events);   // reads the wall clock: call it every few thousand events
//   p.finish();
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>

#include "ws2sim/model/time.h"

namespace ws2sim::cli {

/// ProgressMode — when a Progress prints: on a terminal only (kAuto), always (kOn), never (kOff).
enum class ProgressMode : std::uint8_t { kAuto, kOn, kOff };

/// ProgressOptions — what a Progress reports on.
struct ProgressOptions {
  std::string command;  ///< "ws2sim run": the line starts with it.
  Duration total{0};    ///< Virtual time the work covers; zero: unknown (no ETA).
  ProgressMode mode = ProgressMode::kAuto;
};

/// Progress — the progress line of one command. The wall clock is injected (tests pass their
/// own); it is read only here, never by the model.
class Progress {
 public:
  using WallClock = std::function<std::chrono::steady_clock::time_point()>;

  Progress(ProgressOptions options, std::ostream& err, bool terminal, WallClock clock = {});

  /// Progress::update — the work reached virtual time `at` after `events` events. Prints at most
  /// once a second, and nothing during the first second.
  void update(TimePoint at, std::uint64_t events);
  /// Progress::update_steps — for work counted in steps rather than virtual time (a grid's
  /// runs): `done` of `total` `what` ("points") are done. Prints as update() does.
  void update_steps(std::size_t done, std::size_t total, const std::string& what);
  /// Progress::steps_line — the text of one update_steps report.
  [[nodiscard]] std::string steps_line(std::size_t done, std::size_t total, const std::string& what,
                                       std::chrono::steady_clock::duration elapsed) const;
  /// Progress::set_total — the virtual time the work covers, once the work knows it.
  void set_total(Duration total) noexcept { options_.total = total; }
  /// Progress::finish — erases the line on a terminal; call once, when the work is done.
  void finish();
  /// Progress::active — false when the mode means nothing is ever printed.
  [[nodiscard]] bool active() const noexcept { return active_; }

  /// Progress::line — the text of one report (no line end), for tests and for update().
  [[nodiscard]] std::string line(TimePoint at, std::uint64_t events,
                                 std::chrono::steady_clock::duration elapsed) const;

  // ---- implementation details ----
 private:
  // The time since the start when a report is due now (active, and a second since the last
  // one), which it then counts as made; nullopt otherwise.
  std::optional<std::chrono::steady_clock::duration> due();
  void print(const std::string& text);

  ProgressOptions options_;
  std::ostream& err_;
  bool terminal_;
  bool active_;
  WallClock clock_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
  bool printed_ = false;
};

/// progress_mode — the mode from `--progress` and `--quiet` (both given: an error, said by the
/// caller).
ProgressMode progress_mode(bool progress, bool quiet);

/// stderr_is_terminal — whether standard error is a terminal.
bool stderr_is_terminal();

}  // namespace ws2sim::cli
