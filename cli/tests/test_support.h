// Helpers for the CLI tests: running commands, temporary folders, finding tools.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace ws2sim::cli::testing {

inline const std::string kBinary = WS2SIM_CLI_BINARY;
inline const std::string kSourceDir = WS2SIM_SOURCE_DIR;

inline std::optional<std::string> find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout (and stderr when asked)
};

/// Runs `command` with /bin/sh; stderr joins stdout unless `with_stderr` is false (then dropped).
inline CommandResult run_command(const std::string& command, bool with_stderr = true) {
  CommandResult r;
  FILE* pipe = ::popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
    r.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return r;
}

inline std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s)
    out += (c == '\'') ? std::string{"'\\''"} : std::string(1, c);
  return out + "'";
}

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

inline void write_file(const std::string& path, const std::string& content) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << content;
}

inline std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

/// Marks of class `cls` in an SVG drawn alone, plus those in bins of class `cls`+"s"
/// (data-count="N"): every probe counted once however it is drawn (svg.h).
inline std::size_t marks(const std::string& svg, const std::string& cls) {
  std::size_t n = count(svg, "class=\"" + cls + "\"");
  const std::string bin = "class=\"" + cls + "s\" data-count=\"";
  for (std::size_t at = svg.find(bin); at != std::string::npos; at = svg.find(bin, at + 1))
    n += std::stoul(svg.substr(at + bin.size()));
  return n;
}

/// A scenario of one Windows 10 connection probing every second (SIO_KEEPALIVE_VALS 1 s / 1 s)
/// to a live server for `duration`: its trace grows with virtual time.
inline std::string probe_a_second_json(const std::string& duration) {
  return R"({"name": "dense", "seed": 1, "duration": ")" + duration + R"(",
    "hosts": [{"name": "a", "profile": "windows-10-22h2", "address": "10.0.0.1"},
              {"name": "b", "profile": "windows-server-2022", "address": "10.0.0.2"}],
    "connections": [{"name": "k", "from": "a", "to": "b", "port": 443, "calls": [
      {"call": "SIO_KEEPALIVE_VALS", "onoff": 1, "keepalivetime": 1000,
       "keepaliveinterval": 1000}]}]})";
}

/// A fresh folder under the test temp dir, removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string name = ::testing::TempDir() + "ws2sim_cli_XXXXXX";
    if (::mkdtemp(name.data()) != nullptr) path_ = name;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// What a measured run of the ws2sim binary did.
struct Measured {
  std::optional<int> exit_code;  ///< Unset: killed by a signal, or by the timeout.
  std::optional<int> signal;     ///< The signal that ended it, if one did.
  bool timed_out = false;
  long peak_rss_kb = 0;  ///< Its own peak resident set (wait4's rusage), in KiB.
  std::string out;       ///< Standard output.
  std::string err;       ///< Standard error.
};

/// Runs the ws2sim binary with `args` (no shell: every argument is passed as it is), stdin
/// /dev/null, and measures its peak memory. Killed after `timeout`.
inline Measured run_measured(const std::vector<std::string>& args,
                             std::chrono::seconds timeout = std::chrono::seconds(60)) {
  Measured m;
  TempDir dir;
  const std::string out_file = dir.file("out");
  const std::string err_file = dir.file("err");
  // Everything the child needs is made before fork(): after it only async-signal-safe calls.
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(kBinary.c_str()));
  for (const std::string& a : args)
    argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int in = ::open("/dev/null", O_RDONLY);
    const int out = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execv(kBinary.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (::wait4(pid, &status, WNOHANG, &usage) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      m.timed_out = true;
      break;
    }
    ::usleep(2000);
  }
  if (!m.timed_out && WIFEXITED(status)) m.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) m.signal = WTERMSIG(status);
  m.peak_rss_kb = usage.ru_maxrss;
  m.out = read_file(out_file);
  m.err = read_file(err_file);
  return m;
}

/// xmllint must be installed (scripts/setup.sh: libxml2-utils); the test fails otherwise.
inline void expect_well_formed_xml(const std::string& file) {
  const std::optional<std::string> xmllint = find_on_path("xmllint");
  ASSERT_TRUE(xmllint.has_value())
      << "xmllint is not on PATH: run scripts/setup.sh (libxml2-utils)";
  const CommandResult r = run_command(quoted(*xmllint) + " --noout " + quoted(file));
  EXPECT_EQ(r.exit_code, 0) << file << " is not well-formed XML:\n" << r.output;
  EXPECT_EQ(r.output, "") << r.output;
}

}  // namespace ws2sim::cli::testing
