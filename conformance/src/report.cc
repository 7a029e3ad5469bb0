// The conformance matrix and its three renderings (report.h).
#include "ws2sim/conformance/report.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "ws2sim/model/xml.h"

namespace ws2sim::conformance {
namespace {

// ---- Native results ----------------------------------------------------------------------------

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

// Splits off the first space-separated word of `rest`.
std::string word(std::string& rest) {
  const auto sp = rest.find(' ');
  std::string w = rest.substr(0, sp);
  rest = sp == std::string::npos ? std::string() : rest.substr(sp + 1);
  return w;
}

std::string short_label(std::string_view profile) {
  constexpr std::string_view kPrefix = "windows-";
  if (profile.starts_with(kPrefix)) profile.remove_prefix(kPrefix.size());
  return std::string(profile);
}

Cell outcome_of(const Record* rec) {
  if (rec == nullptr || rec->runs == 0) return Cell{Outcome::kNotRun, {}};
  if (!rec->failures.empty()) return Cell{Outcome::kFail, rec->failures};
  return Cell{Outcome::kPass, {}};
}

// ---- Counting ----------------------------------------------------------------------------------

struct Counts {
  int pass = 0, fail = 0, na = 0, untestable = 0, not_covered = 0, not_run = 0, sim_only = 0;
  void add(Outcome o) {
    switch (o) {
      case Outcome::kPass:
        ++pass;
        break;
      case Outcome::kFail:
        ++fail;
        break;
      case Outcome::kNotApplicable:
        ++na;
        break;
      case Outcome::kUntestable:
        ++untestable;
        break;
      case Outcome::kNotCovered:
        ++not_covered;
        break;
      case Outcome::kNotRun:
        ++not_run;
        break;
      case Outcome::kSimOnly:
        ++sim_only;
        break;
    }
  }
};

Counts count(const Report& r, bool native) {
  Counts c;
  for (const Column& col : r.columns) {
    if (col.native != native) continue;
    for (const Cell& cell : col.cells)
      c.add(cell.outcome);
  }
  return c;
}

Counts count_column(const Column& col) {
  Counts c;
  for (const Cell& cell : col.cells)
    c.add(cell.outcome);
  return c;
}

struct Coverage {
  std::string doc;
  int total = 0, testable = 0, covered = 0;
};

std::vector<Coverage> coverage(const Report& r) {
  std::vector<Coverage> out;
  for (const Document& d : r.catalog->documents) {
    Coverage c{d.key};
    for (std::size_t i = 0; i < r.catalog->statements.size(); ++i) {
      const Statement& s = r.catalog->statements[i];
      if (!s.cites(d.key)) continue;
      ++c.total;
      if (s.testable) ++c.testable;
      if (!r.cases[i].empty()) ++c.covered;
    }
    out.push_back(c);
  }
  return out;
}

std::string percent(int part, int whole) {
  if (whole == 0) return "–";
  return std::to_string((part * 100 + whole / 2) / whole) + " %";
}

std::string symbol(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return "✓";
    case Outcome::kFail:
      return "**✗**";
    case Outcome::kNotApplicable:
      return "·";
    case Outcome::kUntestable:
      return "—";
    case Outcome::kNotCovered:
      return "?";
    case Outcome::kNotRun:
      return "∅";
    case Outcome::kSimOnly:
      return "○";
  }
  return "";
}

// Markdown table cells may not hold '|' or newlines.
std::string md(std::string s) {
  std::string out;
  for (const char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const std::string& s : v)
    out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

}  // namespace

std::string_view to_string(Outcome o) noexcept {
  switch (o) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kFail:
      return "fail";
    case Outcome::kNotApplicable:
      return "not-applicable";
    case Outcome::kUntestable:
      return "untestable";
    case Outcome::kNotCovered:
      return "not-covered";
    case Outcome::kNotRun:
      return "not-run";
    case Outcome::kSimOnly:
      return "ws2sim-only";
  }
  return "?";
}

NativeRun parse_native_results(const std::string& text, const std::string& name,
                               const std::string& profile_override) {
  NativeRun run;
  run.name = name;
  const std::vector<std::string> lines = lines_of(text);
  if (lines.empty() || !lines[0].starts_with("ws2sim-conformance-native 1"))
    throw CatalogError("native results for " + name +
                       ": not the native runner's output (first line must be "
                       "\"ws2sim-conformance-native 1\")");
  unsigned major = 0, minor = 0, build = 0;
  bool server = false, have_os = false;
  std::vector<std::string> gaps;
  std::string implementation;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string rest = lines[i];
    const std::string kind = word(rest);
    if (kind == "not-run") {
      run.ran = false;
      run.note = "Not run: " + rest;
      return run;
    }
    if (kind == "os") {
      const std::string version = word(rest);
      have_os = std::sscanf(version.c_str(), "%u.%u.%u", &major, &minor, &build) == 3;
      server = rest == "server";
      run.os = version + " " + rest;
    } else if (kind == "implementation") {
      implementation = rest;
    } else if (kind == "headers") {
      run.headers = rest;
    } else if (kind == "gap") {
      gaps.push_back(rest);
    } else if (kind == "result") {
      const std::string case_name = word(rest);
      const std::string id = word(rest);
      const std::string verdict = word(rest);
      Record& rec = run.results[id];
      ++rec.runs;
      if (verdict != "pass") rec.failures.push_back(case_name + ": " + rest);
    } else if (kind == "end") {
      run.complete = true;
    }
  }
  run.ran = true;
  const winsock::Profile* p = nullptr;
  if (!profile_override.empty()) {
    p = winsock::find_profile(profile_override);
    if (p == nullptr) throw CatalogError("--native-profile: unknown profile " + profile_override);
  } else if (have_os) {
    p = winsock::closest_profile(major, minor, build, server);
  }
  if (p == nullptr) {
    run.ran = false;
    run.note = "Not run: the results name no Windows version a profile matches (" + run.os + ")";
    return run;
  }
  run.profile = std::string(p->name);
  run.note = "Reports Windows " + run.os +
             (implementation.empty() ? "" : " (" + implementation + ")") + ", graded as profile `" +
             run.profile + "`" + (profile_override.empty() ? "" : " (forced)") + "; built with " +
             (run.headers.empty() ? "unknown headers" : run.headers) +
             (gaps.empty() ? "" : ", whose headers lack " + join(gaps, ", ")) +
             (run.complete ? "" : "; the run stopped early (no end line)");
  return run;
}

Report build_report(const Catalog& catalog, const std::vector<CaseInfo>& cases,
                    const SimResults& sim, const std::vector<NativeRun>& native) {
  Report r;
  r.catalog = &catalog;
  const std::size_t n = catalog.statements.size();
  r.cases.resize(n);
  r.portable.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (const CaseInfo& c : cases) {
      if (std::find(c.ids.begin(), c.ids.end(), catalog.statements[i].id) == c.ids.end()) continue;
      r.cases[i].emplace_back(c.name);
      if (c.portable) r.portable[i].emplace_back(c.name);
    }
  }
  // Outcome shared by every column before results are looked at.
  auto static_outcome = [&](std::size_t i, const winsock::Profile& p) -> std::optional<Outcome> {
    const Statement& s = catalog.statements[i];
    if (!s.applies_to(p)) return Outcome::kNotApplicable;
    if (!s.testable) return Outcome::kUntestable;
    if (r.cases[i].empty()) return Outcome::kNotCovered;
    return std::nullopt;
  };
  for (const winsock::Profile& p : winsock::all_profiles()) {
    Column col{std::string(p.name), short_label(p.name), false, std::string(p.display), {}};
    for (std::size_t i = 0; i < n; ++i) {
      if (const auto o = static_outcome(i, p)) {
        col.cells.push_back(Cell{*o, {}});
        continue;
      }
      const auto it = sim.find({catalog.statements[i].id, std::string(p.name)});
      col.cells.push_back(outcome_of(it == sim.end() ? nullptr : &it->second));
    }
    r.columns.push_back(std::move(col));
  }
  for (const NativeRun& run : native) {
    Column col{run.name, run.name, true, run.note, {}};
    const winsock::Profile* p = run.ran ? winsock::find_profile(run.profile) : nullptr;
    for (std::size_t i = 0; i < n; ++i) {
      if (p == nullptr) {
        col.cells.push_back(Cell{Outcome::kNotRun, {}});
        continue;
      }
      if (const auto o = static_outcome(i, *p)) {
        col.cells.push_back(Cell{*o, {}});
        continue;
      }
      if (r.portable[i].empty()) {
        col.cells.push_back(Cell{Outcome::kSimOnly, {}});
        continue;
      }
      const auto it = run.results.find(catalog.statements[i].id);
      col.cells.push_back(outcome_of(it == run.results.end() ? nullptr : &it->second));
    }
    r.columns.push_back(std::move(col));
  }
  return r;
}

// ---- Markdown ----------------------------------------------------------------------------------

std::string render_markdown(const Report& r) {
  const Catalog& cat = *r.catalog;
  std::ostringstream o;
  const std::size_t n = cat.statements.size();
  int testable = 0, covered = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (cat.statements[i].testable) ++testable;
    if (!r.cases[i].empty()) ++covered;
  }
  const Counts sim = count(r, false);
  o << "# Conformance report\n\n"
    << "Generated by `ws2sim_conformance` from `conformance/catalog.json`: do not edit by hand "
       "(regenerate with `cmake --build --preset default --target conformance_docs`; see "
       "`conformance/README.md`).\n\n"
    << "Each row is one behaviour statement of Winsock (keep-alive and the calls around it); each "
    << "column one emulated "
       "Windows version (ws2sim profile) or one run of the portable cases against a real "
       "Winsock implementation.\n\n";

  o << "## Summary\n\n"
    << "- Statements: " << n << " (" << testable << " testable, "
    << (n - static_cast<std::size_t>(testable))
    << " untestable); covered by at least one case: " << covered << " of " << n << " ("
    << percent(covered, static_cast<int>(n)) << "), " << covered << " of " << testable
    << " testable.\n"
    << "- ws2sim ("
    << (r.columns.size() -
        static_cast<std::size_t>(std::count_if(r.columns.begin(), r.columns.end(),
                                               [](const Column& c) { return c.native; })))
    << " profiles): " << sim.pass << " pass, " << sim.fail << " fail, " << sim.na
    << " not applicable, " << sim.untestable << " untestable, " << sim.not_covered
    << " not covered, " << sim.not_run << " not run.\n";
  for (const Column& c : r.columns) {
    if (!c.native) continue;
    const Counts k = count_column(c);
    std::string grades;
    for (const std::string_view g : {"documented", "observed", "rfc", "inferred"}) {
      int n_grade = 0;
      for (std::size_t i = 0; i < n; ++i) {
        if (c.cells[i].outcome == Outcome::kFail && cat.statements[i].evidence == g) ++n_grade;
      }
      if (n_grade > 0)
        grades += (grades.empty() ? "" : ", ") + std::to_string(n_grade) + " " + std::string(g);
    }
    o << "- " << c.label << ": " << k.pass << " pass, " << k.fail << " fail"
      << (grades.empty() ? "" : " (disagreements with " + grades + " statements)") << ", " << k.na
      << " not applicable, " << k.untestable << " untestable, " << k.sim_only << " ws2sim-only, "
      << k.not_run << " not run. " << c.note << ".\n";
  }

  o << "\n## Coverage by source\n\n"
    << "A statement counts for every document it cites; covered = at least one case checks it.\n\n"
    << "| source | statements | testable | covered | coverage |\n|---|---:|---:|---:|---:|\n";
  for (const Coverage& c : coverage(r)) {
    const Document* d = cat.document(c.doc);
    o << "| " << md(d->title) << " (`" << c.doc << "`) | " << c.total << " | " << c.testable
      << " | " << c.covered << " | " << percent(c.covered, c.total) << " |\n";
  }
  o << "| **all statements** | " << n << " | " << testable << " | " << covered << " | "
    << percent(covered, static_cast<int>(n)) << " |\n";

  o << "\n## Matrix\n\n"
    << "✓ pass · **✗** fail · `·` not applicable to that version · — untestable (reason below) · "
       "? no case yet · ∅ not run · ○ checked by ws2sim-only cases (virtual time, faults, host "
       "switches), so not by a native run. Grade: documented / observed / rfc / inferred; "
       "**strict** marks statements checked in strict-documentation mode.\n";
  for (const Document& d : cat.documents) {
    bool any = false;
    for (const Statement& s : cat.statements)
      any = any || s.source.doc == d.key;
    if (!any) continue;
    o << "\n### " << d.title << " (`" << d.key << "`)\n\n| statement | grade |";
    for (const Column& c : r.columns)
      o << ' ' << md(c.label) << " |";
    o << "\n|---|---|";
    for (std::size_t k = 0; k < r.columns.size(); ++k)
      o << ":-:|";
    o << '\n';
    for (std::size_t i = 0; i < n; ++i) {
      const Statement& s = cat.statements[i];
      if (s.source.doc != d.key) continue;
      o << "| `" << s.id << "` | " << s.evidence << (s.mode == Mode::kStrict ? " **strict**" : "")
        << " |";
      for (const Column& c : r.columns)
        o << ' ' << symbol(c.cells[i].outcome) << " |";
      o << '\n';
    }
  }

  o << "\n## Failures on the emulator\n\n";
  bool any_fail = false;
  for (std::size_t i = 0; i < n; ++i) {
    // Group the profiles by identical messages.
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const Column& c : r.columns) {
      if (c.native || c.cells[i].outcome != Outcome::kFail) continue;
      const std::string msg = join(c.cells[i].messages, "; ");
      auto it =
          std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == msg; });
      if (it == groups.end()) {
        groups.push_back({msg, {c.label}});
      } else {
        it->second.push_back(c.label);
      }
    }
    if (groups.empty()) continue;
    any_fail = true;
    const Statement& s = cat.statements[i];
    o << "- `" << s.id << "` — " << s.text << " *Source: " << describe_source(cat, s) << ".*\n";
    for (const auto& [msg, labels] : groups)
      o << "  - on " << join(labels, ", ") << ": " << msg << '\n';
  }
  if (!any_fail) o << "None: the emulator passes every case on every profile it applies to.\n";

  for (const Column& c : r.columns) {
    if (!c.native) continue;
    o << "\n## Native run: " << c.label << "\n\n" << c.note << ".\n\n";
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (c.cells[i].outcome != Outcome::kFail) continue;
      if (!any) {
        o << "Disagreements with the catalog's Windows behaviour:\n\n"
          << "| statement | grade | what happened | source |\n|---|---|---|---|\n";
      }
      any = true;
      const Statement& s = cat.statements[i];
      o << "| `" << s.id << "` | " << s.evidence << " | " << md(join(c.cells[i].messages, "; "))
        << " | " << md(describe_source(cat, s)) << " |\n";
    }
    if (!any && count_column(c).not_run == static_cast<int>(n)) {
      o << "No results: the column shows every statement as not run.\n";
    } else if (!any) {
      o << "No disagreements.\n";
    }
  }

  o << "\n## Untestable statements\n\n| statement | why it cannot be tested |\n|---|---|\n";
  for (const Statement& s : cat.statements) {
    if (!s.testable) o << "| `" << s.id << "` — " << md(s.text) << " | " << md(s.reason) << " |\n";
  }

  o << "\n## Statements\n";
  for (const Document& d : cat.documents) {
    o << "\n### " << d.title << "\n\n" << d.where << ".\n\n";
    for (std::size_t i = 0; i < n; ++i) {
      const Statement& s = cat.statements[i];
      if (s.source.doc != d.key) continue;
      o << "- **`" << s.id << "`** (" << s.evidence
        << (s.mode == Mode::kStrict ? ", strict-documentation mode" : "")
        << "; profiles: " << s.profiles.text() << ") " << s.text << " *" << s.source.section;
      if (!s.source.origin.empty()) o << "; " << s.source.origin;
      for (const SourceRef& a : s.also)
        o << "; also " << cat.document(a.doc)->title << ": " << a.section;
      o << ".*";
      if (!r.cases[i].empty()) {
        o << " Cases: " << join(r.cases[i], ", ") << '.';
      } else if (s.testable) {
        o << " No case yet.";
      }
      o << '\n';
    }
  }
  return o.str();
}

// ---- JSON --------------------------------------------------------------------------------------

std::string render_json(const Report& r) {
  using nlohmann::ordered_json;
  const Catalog& cat = *r.catalog;
  ordered_json j;
  j["generator"] = "ws2sim_conformance";
  ordered_json cols = ordered_json::array();
  for (const Column& c : r.columns) {
    ordered_json col{{"key", c.key}, {"label", c.label}, {"native", c.native}, {"note", c.note}};
    cols.push_back(col);
  }
  j["columns"] = cols;
  ordered_json cov = ordered_json::array();
  for (const Coverage& c : coverage(r)) {
    cov.push_back({{"doc", c.doc},
                   {"title", cat.document(c.doc)->title},
                   {"statements", c.total},
                   {"testable", c.testable},
                   {"covered", c.covered}});
  }
  j["coverage"] = cov;
  ordered_json rows = ordered_json::array();
  for (std::size_t i = 0; i < cat.statements.size(); ++i) {
    const Statement& s = cat.statements[i];
    ordered_json row{{"id", s.id},
                     {"statement", s.text},
                     {"source", describe_source(cat, s)},
                     {"doc", s.source.doc},
                     {"evidence", s.evidence},
                     {"profiles", s.profiles.text()},
                     {"mode", s.mode == Mode::kStrict ? "strict" : "default"},
                     {"testable", s.testable}};
    if (!s.testable) row["reason"] = s.reason;
    row["cases"] = r.cases[i];
    ordered_json results = ordered_json::object();
    for (const Column& c : r.columns) {
      const Cell& cell = c.cells[i];
      if (cell.messages.empty()) {
        results[c.key] = std::string(to_string(cell.outcome));
      } else {
        results[c.key] = {{"outcome", std::string(to_string(cell.outcome))},
                          {"messages", cell.messages}};
      }
    }
    row["results"] = results;
    rows.push_back(row);
  }
  j["statements"] = rows;
  return j.dump(2) + "\n";
}

// ---- JUnit XML ---------------------------------------------------------------------------------

std::string render_junit(const Report& r) {
  const Catalog& cat = *r.catalog;
  std::ostringstream o;
  const Counts all_sim = count(r, false);
  const Counts all_native = count(r, true);
  const std::size_t tests = r.columns.size() * cat.statements.size();
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites name=\"ws2sim conformance\" tests=\"" << tests << "\" failures=\""
    << all_sim.fail + all_native.fail << "\">\n";
  for (const Column& c : r.columns) {
    const Counts k = count_column(c);
    o << "  <testsuite name=\"" << xml_escape(c.native ? "native " + c.key : c.key) << "\" tests=\""
      << c.cells.size() << "\" failures=\"" << k.fail << "\" skipped=\""
      << c.cells.size() - static_cast<std::size_t>(k.pass + k.fail) << "\">\n";
    for (std::size_t i = 0; i < cat.statements.size(); ++i) {
      const Statement& s = cat.statements[i];
      const Cell& cell = c.cells[i];
      o << "    <testcase classname=\"conformance." << xml_escape(c.key) << "\" name=\""
        << xml_escape(s.id) << "\"";
      if (cell.outcome == Outcome::kPass) {
        o << "/>\n";
        continue;
      }
      o << ">\n";
      if (cell.outcome == Outcome::kFail) {
        const std::string msgs = join(cell.messages, "\n");
        o << "      <failure message=\"" << xml_escape(cell.messages.front()) << "\">"
          << xml_escape(s.id) << ": " << xml_escape(s.text)
          << "\nSource: " << xml_escape(describe_source(cat, s)) << "\n"
          << xml_escape(msgs) << "</failure>\n";
      } else {
        std::string why(to_string(cell.outcome));
        if (cell.outcome == Outcome::kUntestable) why += ": " + s.reason;
        o << "      <skipped message=\"" << xml_escape(why) << "\"/>\n";
      }
      o << "    </testcase>\n";
    }
    o << "  </testsuite>\n";
  }
  o << "</testsuites>\n";
  return o.str();
}

}  // namespace ws2sim::conformance
