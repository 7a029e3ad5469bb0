// Helpers for the CLI tests: running commands, temporary folders, finding tools.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

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
