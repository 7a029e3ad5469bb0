// The examples in docs/cli.md and docs/scenarios.md must work: every command in a ```sh block is
// run (from a folder where cli/ and docs/ point into the checkout) and must exit as the block
// says (0, or the code in a trailing "# exits N"); every ```json block of scenarios.md must be a
// valid scenario. The JSON Schema must list what the parser accepts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "test_support.h"
#include "ws2sim/cli/scenario.h"
#include "ws2sim/winsock/profile.h"

namespace ws2sim::cli {
namespace {

using testing::kBinary;
using testing::kSourceDir;
using testing::quoted;

struct Block {
  std::string language;
  std::vector<std::string> lines;
};

std::vector<Block> code_blocks(const std::string& markdown) {
  std::vector<Block> blocks;
  std::istringstream in(markdown);
  std::string line;
  std::optional<Block> open;
  while (std::getline(in, line)) {
    if (line.starts_with("```")) {
      if (open) {
        blocks.push_back(std::move(*open));
        open.reset();
      } else {
        open = Block{line.substr(3), {}};
      }
    } else if (open) {
      open->lines.push_back(line);
    }
  }
  return blocks;
}

void run_shell_examples(const std::string& doc) {
  testing::TempDir dir;
  std::filesystem::create_directory_symlink(kSourceDir + "/cli", dir.file("cli"));
  std::filesystem::create_directory_symlink(kSourceDir + "/docs", dir.file("docs"));
  std::size_t commands = 0;
  for (const Block& b : code_blocks(testing::read_file(kSourceDir + "/docs/" + doc))) {
    if (b.language != "sh") continue;
    for (std::string line : b.lines) {
      if (line.empty() || line.starts_with("#")) continue;
      SCOPED_TRACE(doc + ": " + line);
      ASSERT_TRUE(line.starts_with("ws2sim ")) << "examples start with ws2sim";
      int expected = 0;
      if (const std::size_t hash = line.find("  # exits "); hash != std::string::npos) {
        expected = std::stoi(line.substr(hash + 10));
        line.resize(hash);
      }
      const auto r = testing::run_command("cd " + quoted(dir.path()) + " && " + quoted(kBinary) +
                                          line.substr(6));
      EXPECT_EQ(r.exit_code, expected) << r.output.substr(0, 2000);
      ++commands;
    }
  }
  EXPECT_GE(commands, 4U);
}

TEST(Docs, CliExamplesRun) {
  run_shell_examples("cli.md");
}

TEST(Docs, ScenarioExamplesRun) {
  run_shell_examples("scenarios.md");
}

TEST(Docs, ScenarioJsonExamplesAreValid) {
  std::size_t n = 0;
  for (const Block& b : code_blocks(testing::read_file(kSourceDir + "/docs/scenarios.md"))) {
    if (b.language != "json") continue;
    std::string text;
    for (const std::string& l : b.lines)
      text += l + "\n";
    const Result<Scenario> s = parse_scenario(text, "docs/scenarios.md");
    EXPECT_TRUE(s.ok()) << s.error().message;
    ++n;
  }
  EXPECT_GE(n, 1U);
}

TEST(Docs, SchemaListsWhatTheParserAccepts) {
  const auto schema =
      nlohmann::json::parse(testing::read_file(kSourceDir + "/docs/scenario.schema.json"));
  EXPECT_EQ(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
  std::set<std::string> profiles;
  for (const auto& p : schema["$defs"]["host"]["properties"]["profile"]["enum"])
    profiles.insert(p.get<std::string>());
  std::set<std::string> known;
  for (const winsock::Profile& p : winsock::all_profiles())
    known.emplace(p.name);
  EXPECT_EQ(profiles, known);
  std::set<std::string> calls;
  for (const auto& c : schema["$defs"]["call"]["properties"]["call"]["enum"])
    calls.insert(c.get<std::string>());
  EXPECT_EQ(calls, (std::set<std::string>{"SO_KEEPALIVE", "SIO_KEEPALIVE_VALS", "TCP_KEEPIDLE",
                                          "TCP_KEEPALIVE", "TCP_KEEPINTVL", "TCP_KEEPCNT"}));
  for (const auto& c : schema["$defs"]["call"]["properties"]["call"]["enum"]) {
    EXPECT_TRUE(parse_call_name(c.get<std::string>()).has_value()) << c;
  }
  std::set<std::string> faults;
  for (const auto& f : schema["$defs"]["fault"]["properties"]["type"]["enum"])
    faults.insert(f.get<std::string>());
  std::set<std::string> kinds;
  for (auto k :
       {FaultKind::kCrash, FaultKind::kRestart, FaultKind::kReboot, FaultKind::kPartition,
        FaultKind::kHeal, FaultKind::kNat, FaultKind::kNetworkDown, FaultKind::kNetworkUp}) {
    kinds.emplace(to_string(k));
  }
  EXPECT_EQ(faults, kinds);
  // Every top-level property of the schema is accepted by the parser (an empty or neutral value).
  std::set<std::string> top;
  for (const auto& [key, value] : schema["properties"].items())
    top.insert(key);
  EXPECT_EQ(top, (std::set<std::string>{"$schema", "name", "description", "seed", "duration",
                                        "hosts", "links", "connections", "traffic", "faults"}));
}

}  // namespace
}  // namespace ws2sim::cli
