// The files one command writes, all or none (output_files.h).
#include "output_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <ostream>

#include "ws2sim/cli/commands.h"

namespace ws2sim::cli::detail {
namespace {

namespace fs = std::filesystem;

// Whether `path` can be written: its folder exists and takes files, and the file, if there, is a
// regular file that may be replaced.
Status check_writable(const std::string& path) {
  std::error_code ec;
  const fs::path p(path);
  const fs::path dir = p.has_parent_path() ? p.parent_path() : fs::path(".");
  if (!fs::is_directory(dir, ec)) {
    return invalid_state(path + ": no such folder");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return invalid_state(path + ": the folder is not writable");
  }
  if (fs::exists(p, ec) && !fs::is_regular_file(p, ec)) {
    return invalid_state(path + ": exists and is not a regular file");
  }
  return {};
}

}  // namespace

OutputFiles::~OutputFiles() {
  discard();
}

void OutputFiles::want(const char* flag, const std::optional<std::string>& path) {
  if (path) {
    wanted_.emplace_back(flag, *path);
  }
}

int OutputFiles::check(std::ostream& err) const {
  // Two options naming one file would have one silently overwrite the other.
  for (std::size_t i = 0; i < wanted_.size(); ++i) {
    for (std::size_t j = i + 1; j < wanted_.size(); ++j) {
      std::error_code e1;
      std::error_code e2;
      if (fs::weakly_canonical(wanted_[i].second, e1) ==
          fs::weakly_canonical(wanted_[j].second, e2)) {
        err << command_ << ": " << wanted_[i].first << " and " << wanted_[j].first
            << " name the same file (" << wanted_[j].second << ")\n";
        return kExitUsage;
      }
    }
  }
  for (const auto& [flag, path] : wanted_) {
    if (const Status s = check_writable(path); !s.ok()) {
      err << command_ << ": " << flag << ' ' << s.error().message << '\n';
      return kExitFailure;
    }
  }
  return 0;
}

bool OutputFiles::add(const std::string& path, std::string what,
                      const std::function<Status(std::ostream&)>& writer, std::ostream& err) {
  const std::string temporary = path + ".ws2sim-partial";
  Status s;
  {
    std::ofstream f(temporary, std::ios::binary | std::ios::trunc);
    if (!f) {
      s = invalid_state("cannot open " + temporary + " for writing");
    } else {
      s = writer(f);
      f.flush();
      if (s.ok() && !f) {
        s = invalid_state("write failed (disk full?)");
      }
    }
  }
  if (!s.ok()) {
    std::error_code ec;
    fs::remove(temporary, ec);
    err << command_ << ": " << path << ": " << s.error().message << '\n';
    return false;
  }
  done_.push_back(Pending{path, temporary, std::move(what), nullptr});
  return true;
}

std::ostream* OutputFiles::open(const std::string& path, std::ostream& err) {
  const std::string temporary = path + ".ws2sim-partial";
  auto f = std::make_unique<std::ofstream>(temporary, std::ios::binary | std::ios::trunc);
  if (!*f) {
    err << command_ << ": " << path << ": cannot open " << temporary << " for writing\n";
    return nullptr;
  }
  std::ostream* stream = f.get();
  done_.push_back(Pending{path, temporary, {}, std::move(f)});
  return stream;
}

void OutputFiles::describe(const std::string& path, std::string what) {
  for (Pending& p : done_) {
    if (p.path == path) {
      p.what = std::move(what);
      return;
    }
  }
}

bool OutputFiles::add_text(const std::string& path, std::string what, std::string_view text,
                           std::ostream& err) {
  return add(
      path, std::move(what),
      [text](std::ostream& o) {
        o << text;
        return Status{};
      },
      err);
}

bool OutputFiles::commit(std::ostream& out, std::ostream& err) {
  for (Pending& p : done_) {
    if (!p.stream) {
      continue;
    }
    p.stream->close();
    if (p.stream->fail()) {
      err << command_ << ": " << p.path << ": write failed (disk full?)\n";
      discard();
      return false;
    }
    p.stream.reset();
  }
  for (const Pending& p : done_) {
    std::error_code ec;
    fs::rename(p.temporary, p.path, ec);
    if (ec) {
      err << command_ << ": " << p.path
          << ": cannot move the finished file into place: " << ec.message() << '\n';
      discard();
      return false;
    }
  }
  for (const Pending& p : done_) {
    out << "wrote " << p.path << p.what << '\n';
  }
  done_.clear();
  return true;
}

void OutputFiles::discard() noexcept {
  for (Pending& p : done_) {
    p.stream.reset();  // closed before it is removed
    std::error_code ec;
    fs::remove(p.temporary, ec);
  }
  done_.clear();
}

Status write_text(const std::string& path, std::string_view content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) {
    return invalid_state(path + ": cannot open for writing");
  }
  f << content;
  f.flush();
  if (!f) {
    return invalid_state(path + ": write failed");
  }
  return {};
}

}  // namespace ws2sim::cli::detail
