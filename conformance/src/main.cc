// ws2sim_conformance: runs every case of the catalog on every emulated profile its statements
// apply to (GoogleTest, one test per case and profile), then writes the report.
//
//   ws2sim_conformance [GoogleTest flags] [--catalog FILE] [-j N]
//                      [--report-md FILE] [--report-json FILE] [--report-junit FILE]
//                      [--report-html FILE]
//                      [--native-results FILE [--native-name NAME] [--native-profile PROFILE]]...
//
// Every case runs in a world of its own, so with -j N (default: the number of cores) the cases
// GoogleTest is about to run are run first on N threads, and each test then reports its case's
// stored outcome: the output and the reports are the serial run's, byte for byte.
//
// Exit status: 0 all cases passed, 1 a case failed (the reports are still written), 2 bad usage,
// a malformed catalog, or cases that do not match it.
#include <gtest/gtest.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "ws2sim/conformance/catalog.h"
#include "ws2sim/conformance/report.h"
#include "ws2sim/conformance/sim.h"
#include "ws2sim/model/parallel.h"

namespace ws2sim::conformance {
namespace {

#ifndef WS2SIM_CONFORMANCE_CATALOG
#define WS2SIM_CONFORMANCE_CATALOG "conformance/catalog.json"
#endif

struct NativeArg {
  std::string file;
  std::string name;
  std::string profile;
};

struct Options {
  std::string catalog = WS2SIM_CONFORMANCE_CATALOG;
  std::string report_md, report_json, report_junit, report_html;
  std::vector<NativeArg> native;
  unsigned jobs = default_jobs();
};

SimResults g_results;

// What one case did on one profile: its failures (statements it never checked included), or the
// exception that escaped it, which its test rethrows so that GoogleTest reports it as it would
// have reported it thrown there.
struct Outcome {
  std::vector<Failure> failures;
  std::exception_ptr escaped;
};

Outcome run_case(const CaseInfo& c, const winsock::Profile& profile, bool strict) {
  Outcome o;
  try {
    std::vector<std::string> unchecked;
    try {
      SimContext ctx(profile, strict, c.ids);
      try {
        c.run(ctx);
        unchecked = ctx.unchecked();
      } catch (const Aborted& a) {
        ctx.fail_all("the case stopped: " + a.message);
      }
      o.failures = ctx.failures();
    } catch (const Aborted& a) {  // the world could not be built
      for (const std::string& id : c.ids)
        o.failures.push_back(Failure{id, "setup failed: " + a.message});
    }
    for (const std::string& id : unchecked)
      o.failures.push_back(Failure{id, "the case never checked this statement on this profile"});
  } catch (...) {
    o.escaped = std::current_exception();
  }
  return o;
}

// One registered test: a case on a profile, and its outcome when it was run ahead (PreRun).
struct Planned {
  const CaseInfo* c;
  const winsock::Profile* profile;
  bool strict;
  std::optional<Outcome> outcome;
};
std::vector<Planned> g_planned;  // filled by register_tests(), never resized after
std::map<std::pair<std::string, std::string>, std::size_t> g_planned_by_name;

// The statements of `c`, checked against the catalog: each exists and is testable, and all of
// them run on the same profiles in the same mode. Returns the first problem, or "".
std::string validate_case(const Catalog& catalog, const CaseInfo& c) {
  if (c.ids.empty()) return std::string("case ") + c.name + " names no statement";
  const Statement* first = nullptr;
  for (const std::string& id : c.ids) {
    const Statement* s = catalog.find(id);
    if (s == nullptr) return std::string("case ") + c.name + ": unknown statement " + id;
    if (!s->testable)
      return std::string("case ") + c.name + ": statement " + id + " is marked untestable";
    if (first == nullptr) {
      first = s;
      continue;
    }
    if (s->mode != first->mode)
      return std::string("case ") + c.name + ": " + id + " and " + first->id +
             " are checked in different modes; split the case";
    for (const winsock::Profile& p : winsock::all_profiles()) {
      if (s->applies_to(p) != first->applies_to(p))
        return std::string("case ") + c.name + ": " + id + " (" + s->profiles.text() + ") and " +
               first->id + " (" + first->profiles.text() +
               ") apply to different profiles; split the case";
    }
  }
  return {};
}

std::string test_name(std::string_view profile) {
  std::string n(profile);
  for (char& ch : n)
    ch = (ch == '-' || ch == '.') ? '_' : ch;
  return n;
}

// One case on one profile: reports the outcome run ahead, or runs the case now.
class CaseTest : public ::testing::Test {
 public:
  CaseTest(const Catalog& catalog, std::size_t planned) : catalog_(catalog), planned_(planned) {}

  void TestBody() override {
    Planned& p = g_planned[planned_];
    const Outcome o =
        p.outcome ? *std::exchange(p.outcome, std::nullopt) : run_case(*p.c, *p.profile, p.strict);
    if (o.escaped) std::rethrow_exception(o.escaped);
    for (const std::string& id : p.c->ids) {
      Record& rec = g_results[{id, std::string(p.profile->name)}];
      ++rec.runs;
      for (const Failure& f : o.failures) {
        if (f.id == id) rec.failures.push_back(std::string(p.c->name) + ": " + f.message);
      }
    }
    for (const Failure& f : o.failures) {
      const Statement& s = *catalog_.find(f.id);
      ADD_FAILURE_AT(p.c->file, p.c->line)
          << "[" << s.id << "] " << s.text << "\n  source: " << describe_source(catalog_, s) << " ("
          << s.evidence << ")\n  profile: " << p.profile->name
          << (p.strict ? " (strict-documentation mode)" : "") << "\n  " << f.message;
    }
  }

 private:
  const Catalog& catalog_;
  std::size_t planned_;
};

// Runs, before the tests, the cases of the tests GoogleTest selected (--gtest_filter, sharding)
// on `jobs` threads: each case builds and tears down its own world, and each writes only its own
// Planned::outcome. With one job, or one test, the tests run their cases themselves.
class PreRun : public ::testing::Environment {
 public:
  explicit PreRun(unsigned jobs) : jobs_(jobs) {}
  void SetUp() override {
    std::vector<std::size_t> todo;
    const ::testing::UnitTest& unit = *::testing::UnitTest::GetInstance();
    for (int i = 0; i < unit.total_test_suite_count(); ++i) {
      const ::testing::TestSuite& suite = *unit.GetTestSuite(i);
      for (int j = 0; j < suite.total_test_count(); ++j) {
        const ::testing::TestInfo& info = *suite.GetTestInfo(j);
        if (!info.should_run()) continue;
        const auto found = g_planned_by_name.find({info.test_suite_name(), info.name()});
        if (found != g_planned_by_name.end()) todo.push_back(found->second);
      }
    }
    if (jobs_ <= 1 || todo.size() <= 1) return;
    for_each_index(todo.size(), jobs_, [&todo](std::size_t k) {
      Planned& p = g_planned[todo[k]];
      p.outcome = run_case(*p.c, *p.profile, p.strict);
    });
  }

 private:
  unsigned jobs_;
};

void register_tests(const Catalog& catalog) {
  for (const CaseInfo& c : all_cases()) {
    const Statement& s = *catalog.find(c.ids.front());
    const bool strict = s.mode == Mode::kStrict;
    for (const winsock::Profile& p : winsock::all_profiles()) {
      if (!s.applies_to(p)) continue;
      const std::size_t planned = g_planned.size();
      g_planned.push_back(Planned{&c, &p, strict, std::nullopt});
      const std::string name = test_name(p.name);
      g_planned_by_name[{c.name, name}] = planned;
      const std::string param = std::string(p.name) + (strict ? " strict" : "");
      ::testing::RegisterTest(
          c.name, name.c_str(), nullptr, param.c_str(), c.file, c.line,
          [&catalog, planned]() -> ::testing::Test* { return new CaseTest(catalog, planned); });
    }
  }
}

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) {
    std::cerr << "ws2sim_conformance: cannot write " << path << '\n';
    return false;
  }
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CatalogError("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Takes our flags out of argv (GoogleTest's stay). False on a usage error.
bool parse_options(int& argc, char** argv, Options& o) {
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string& dest) {
      if (i + 1 >= argc) {
        std::cerr << "ws2sim_conformance: " << a << " needs a value\n";
        return false;
      }
      dest = argv[++i];
      return true;
    };
    bool ok = true;
    if (a == "-j" || a == "--jobs") {
      std::string text;
      if (!value(text)) return false;
      std::size_t used = 0;
      unsigned long jobs = 0;
      try {
        jobs = std::stoul(text, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (used == 0 || used != text.size() || jobs == 0 || jobs > 1024) {
        std::cerr << "ws2sim_conformance: " << a << ": \"" << text
                  << "\" is not a number of jobs from 1 to 1024\n";
        return false;
      }
      o.jobs = static_cast<unsigned>(jobs);
    } else if (a == "--catalog") {
      ok = value(o.catalog);
    } else if (a == "--report-md") {
      ok = value(o.report_md);
    } else if (a == "--report-json") {
      ok = value(o.report_json);
    } else if (a == "--report-html") {
      ok = value(o.report_html);
    } else if (a == "--report-junit") {
      ok = value(o.report_junit);
    } else if (a == "--native-results") {
      o.native.emplace_back();
      ok = value(o.native.back().file);
    } else if (a == "--native-name" || a == "--native-profile") {
      if (o.native.empty()) {
        std::cerr << "ws2sim_conformance: " << a << " must follow --native-results\n";
        return false;
      }
      ok = value(a == "--native-name" ? o.native.back().name : o.native.back().profile);
    } else if (a == "--help" || a == "-h") {
      std::cout << "usage: ws2sim_conformance [GoogleTest flags] [--catalog FILE] [-j N] "
                   "[--report-md F] [--report-json F] [--report-junit F] [--report-html F]\n"
                   "       [--native-results F [--native-name NAME] [--native-profile P]]...\n"
                   "See conformance/README.md.\n";
      ::testing::InitGoogleTest(&argc, argv);  // prints GoogleTest's own flags too
      return false;
    } else {
      argv[out++] = argv[i];
      continue;
    }
    if (!ok) return false;
  }
  argc = out;
  argv[argc] = nullptr;
  return true;
}

}  // namespace
}  // namespace ws2sim::conformance

int main(int argc, char** argv) {
  using namespace ws2sim::conformance;
  Options options;
  if (!parse_options(argc, argv, options)) return 2;
  ::testing::InitGoogleTest(&argc, argv);
  if (argc > 1) {
    std::cerr << "ws2sim_conformance: unknown argument " << argv[1] << " (see --help)\n";
    return 2;
  }
  Catalog catalog;
  std::vector<NativeRun> native;
  try {
    catalog = load_catalog(options.catalog);
    for (const NativeArg& n : options.native) {
      std::string name = n.name;
      if (name.empty()) name = n.file.substr(n.file.find_last_of('/') + 1);
      native.push_back(parse_native_results(read_file(n.file), name, n.profile));
    }
  } catch (const CatalogError& e) {
    std::cerr << "ws2sim_conformance: " << e.what() << '\n';
    return 2;
  }
  std::set<std::string> names;
  for (const CaseInfo& c : all_cases()) {
    std::string problem = validate_case(catalog, c);
    if (problem.empty() && !names.insert(c.name).second)
      problem = std::string("two cases are called ") + c.name;
    if (!problem.empty()) {
      std::cerr << "ws2sim_conformance: " << problem << '\n';
      return 2;
    }
  }
  register_tests(catalog);
  ::testing::AddGlobalTestEnvironment(new PreRun(options.jobs));  // GoogleTest owns it
  const int rc = RUN_ALL_TESTS();
  if (GTEST_FLAG_GET(list_tests)) return rc;

  const Report report = build_report(catalog, all_cases(), g_results, native);
  bool written = true;
  if (!options.report_md.empty()) written &= write_file(options.report_md, render_markdown(report));
  if (!options.report_json.empty()) written &= write_file(options.report_json, render_json(report));
  if (!options.report_html.empty()) written &= write_file(options.report_html, render_html(report));
  if (!options.report_junit.empty())
    written &= write_file(options.report_junit, render_junit(report));
  if (!written) return 2;
  return rc == 0 ? 0 : 1;
}
