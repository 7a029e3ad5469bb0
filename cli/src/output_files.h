// OutputFiles — the files one command writes, all or none (docs/cli.md, "Output files").
//
// A command names its outputs before it does any work: two flags naming one file are a usage
// error, a path that cannot be written a run-time error, both before the work starts. After the
// work every file goes to a temporary file next to it; only when all are written are they
// renamed into place. Not a public header.
//
//   OutputFiles files("ws2sim load");
//   files.want("--svg", args.svg);
//   files.want("--csv", args.csv);
//   if (int code = files.check(err)) return code;   // 2: same file twice, 1: not writable
//   ... the work ...
//   files.add(*args.svg, " (chart)", [&](std::ostream& o) { o << load_svg(r); return Status{}; });
//   return files.commit(out, err) ? kExitOk : kExitFailure;
#pragma once

#include <fstream>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ws2sim/model/status.h"

namespace ws2sim::cli::detail {

class OutputFiles {
 public:
  explicit OutputFiles(std::string command) : command_(std::move(command)) {}
  OutputFiles(const OutputFiles&) = delete;
  OutputFiles& operator=(const OutputFiles&) = delete;
  /// Removes the temporary files of an uncommitted set.
  ~OutputFiles();

  /// OutputFiles::want — the command will write `path` for option `flag` (nothing if unset).
  void want(const char* flag, const std::optional<std::string>& path);
  /// OutputFiles::check — 0 when every wanted path is distinct and writable; else prints one
  /// line and returns the exit code (2: two options name one file; 1: a path cannot be written).
  [[nodiscard]] int check(std::ostream& err) const;

  /// OutputFiles::add — writes `path`'s content into its temporary file; false (with one line
  /// on err) if that fails. `what` follows the path in the "wrote" line.
  bool add(const std::string& path, std::string what,
           const std::function<Status(std::ostream&)>& writer, std::ostream& err);
  /// OutputFiles::add_text — add() of a string.
  bool add_text(const std::string& path, std::string what, std::string_view text,
                std::ostream& err);
  /// OutputFiles::open — a stream into `path`'s temporary file, for content written while the
  /// work goes on (a streamed trace); null (with one line on err) if it cannot be opened. The
  /// stream stays open until commit(), which fails if writing to it failed.
  std::ostream* open(const std::string& path, std::ostream& err);
  /// OutputFiles::describe — what follows `path` in its "wrote" line.
  void describe(const std::string& path, std::string what);
  /// OutputFiles::commit — renames every added file into place and says "wrote PATH WHAT" for
  /// each; on failure removes them all and returns false.
  bool commit(std::ostream& out, std::ostream& err);

 private:
  struct Pending {
    std::string path;
    std::string temporary;
    std::string what;
    std::unique_ptr<std::ofstream> stream;  // open() only
  };
  void discard() noexcept;

  std::string command_;
  std::vector<std::pair<const char*, std::string>> wanted_;
  std::vector<Pending> done_;
};

/// write_text — writes `content` to `path` (created or truncated); the error names the path.
Status write_text(const std::string& path, std::string_view content);

}  // namespace ws2sim::cli::detail
