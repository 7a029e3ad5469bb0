// The progress line (progress.h).
#include "ws2sim/cli/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ostream>

#include "ws2sim/cli/time_text.h"

namespace ws2sim::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kEvery = std::chrono::seconds(1);

// 12.3M, 950k, 512.
std::string count_text(double n) {
  char buf[32];
  if (n >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.1fG", n / 1e9);
  } else if (n >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.1fM", n / 1e6);
  } else if (n >= 1e3) {
    std::snprintf(buf, sizeof buf, "%.0fk", n / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", n);
  }
  return buf;
}

// Whole seconds of a wall-clock span as "1h 2m 3s".
std::string wall_text(double seconds) {
  const std::int64_t s = std::llround(seconds);
  return format_compact(std::chrono::seconds(s));
}

}  // namespace

Progress::Progress(ProgressOptions options, std::ostream& err, bool terminal, WallClock clock)
    : options_(std::move(options)),
      err_(err),
      terminal_(terminal),
      active_(options_.mode == ProgressMode::kOn ||
              (options_.mode == ProgressMode::kAuto && terminal)),
      clock_(clock ? std::move(clock) : WallClock([] { return Clock::now(); })),
      start_(clock_()),
      last_print_(start_) {}

std::string Progress::line(TimePoint at, std::uint64_t events, Clock::duration elapsed) const {
  const Duration reached = at - kEpoch;
  const double secs = std::chrono::duration<double>(elapsed).count();
  std::string out = options_.command + ": " +
                    format_compact(std::chrono::duration_cast<Duration>(
                        std::chrono::floor<std::chrono::seconds>(reached)));
  if (options_.total > Duration::zero()) {
    const double done = std::min(
        1.0, static_cast<double>(reached.count()) / static_cast<double>(options_.total.count()));
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.1f%%", done * 100.0);
    out += " of " + format_compact(options_.total) + " virtual (" + pct + ")";
    out += ", " + count_text(static_cast<double>(events)) + " events";
    if (secs > 0) {
      out += ", " + count_text(static_cast<double>(events) / secs) + "/s";
    }
    if (done > 0.0 && done < 1.0) {
      out += ", about " + wall_text(secs * (1.0 - done) / done) + " left";
    }
  } else {
    out += " virtual, " + count_text(static_cast<double>(events)) + " events";
    if (secs > 0) {
      out += ", " + count_text(static_cast<double>(events) / secs) + "/s";
    }
  }
  return out;
}

std::optional<Clock::duration> Progress::due() {
  if (!active_) {
    return std::nullopt;
  }
  const Clock::time_point now = clock_();
  if (now - last_print_ < kEvery) {
    return std::nullopt;
  }
  last_print_ = now;
  return now - start_;
}

void Progress::update(TimePoint at, std::uint64_t events) {
  if (const std::optional<Clock::duration> elapsed = due()) {
    print(line(at, events, *elapsed));
  }
}

std::string Progress::steps_line(std::size_t done, std::size_t total, const std::string& what,
                                 Clock::duration elapsed) const {
  const double secs = std::chrono::duration<double>(elapsed).count();
  std::string out = options_.command + ": " + std::to_string(done) + " of " +
                    std::to_string(total) + " " + what + " done";
  if (total > 0) {
    const double part = static_cast<double>(done) / static_cast<double>(total);
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.1f%%", part * 100.0);
    out += std::string(" (") + pct + ")";
    if (part > 0.0 && part < 1.0) {
      out += ", about " + wall_text(secs * (1.0 - part) / part) + " left";
    }
  }
  return out;
}

void Progress::update_steps(std::size_t done, std::size_t total, const std::string& what) {
  if (const std::optional<Clock::duration> elapsed = due()) {
    print(steps_line(done, total, what, *elapsed));
  }
}

void Progress::print(const std::string& text) {
  if (terminal_) {
    err_ << '\r' << text << "\x1b[K" << std::flush;
  } else {
    err_ << text << '\n' << std::flush;
  }
  printed_ = true;
}

void Progress::finish() {
  if (printed_ && terminal_) {
    err_ << "\r\x1b[K" << std::flush;
  }
  printed_ = false;
}

ProgressMode progress_mode(bool progress, bool quiet) {
  if (quiet) {
    return ProgressMode::kOff;
  }
  return progress ? ProgressMode::kOn : ProgressMode::kAuto;
}

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) != 0;
}

}  // namespace ws2sim::cli
