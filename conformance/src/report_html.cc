// The conformance matrix as one self-contained HTML page (report.h, render_html): a row per
// statement grouped by source document, a column per profile and per native run, each cell
// coloured by its outcome with the failure messages as its tooltip. No scripts, nothing fetched.
#include <string>

#include "ws2sim/conformance/report.h"
#include "ws2sim/model/xml.h"

namespace ws2sim::conformance {
namespace {

struct Look {
  const char* glyph;
  const char* css;
};

Look look(Outcome o) {
  switch (o) {
    case Outcome::kPass:
      return {"&#x2713;", "ws-pass"};
    case Outcome::kFail:
      return {"&#x2717;", "ws-fail"};
    case Outcome::kNotApplicable:
      return {"&#xB7;", "ws-na"};
    case Outcome::kUntestable:
      return {"&#x2014;", "ws-untestable"};
    case Outcome::kNotCovered:
      return {"?", "ws-nocase"};
    case Outcome::kNotRun:
      return {"&#x2205;", "ws-notrun"};
    case Outcome::kSimOnly:
      return {"&#x25CB;", "ws-simonly"};
  }
  return {"", ""};
}

constexpr const char* kStyle = R"(
body { font-family: DejaVu Sans, Arial, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 16px; margin-top: 24px; }
table { border-collapse: collapse; font-size: 11px; }
th, td { border: 1px solid #ddd; padding: 2px 5px; }
thead th { position: sticky; top: 0; background: #f0f0f0; }
td.ws-id { font-family: monospace; white-space: nowrap; }
td.ws-pass { background: #dff3e3; color: #1e7b34; text-align: center; }
td.ws-fail { background: #fbd5d5; color: #b01515; font-weight: bold; text-align: center; }
td.ws-na, td.ws-untestable, td.ws-notrun { color: #888; text-align: center; }
td.ws-nocase { background: #fff3cd; text-align: center; }
td.ws-simonly { color: #555; text-align: center; }
p.ws-legend span { margin-right: 14px; }
)";

}  // namespace

std::string render_html(const Report& r) {
  const Catalog& cat = *r.catalog;
  int pass = 0;
  int fail = 0;
  int native_fail = 0;
  for (const Column& c : r.columns) {
    for (const Cell& cell : c.cells) {
      if (cell.outcome == Outcome::kPass && !c.native) {
        ++pass;
      }
      if (cell.outcome == Outcome::kFail) {
        ++(c.native ? native_fail : fail);
      }
    }
  }
  std::string o =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>ws2sim "
      "conformance matrix</title>\n<style>" +
      std::string(kStyle) + "</style>\n</head>\n<body>\n<h1>ws2sim conformance matrix</h1>\n";
  o += "<p>" + std::to_string(cat.statements.size()) + " statements; on the emulator " +
       std::to_string(pass) + " pass and " + std::to_string(fail) + " fail; " +
       std::to_string(native_fail) +
       " disagreements in native runs. Hover over a statement for its text, over a cell for what "
       "happened.</p>\n";
  o += "<p class=\"ws-legend\"><span>&#x2713; pass</span><span>&#x2717; fail</span><span>&#xB7; "
       "not applicable</span><span>&#x2014; untestable</span><span>? no case yet</span>"
       "<span>&#x2205; not run</span><span>&#x25CB; ws2sim-only cases</span></p>\n";
  for (const Document& d : cat.documents) {
    bool any = false;
    for (const Statement& s : cat.statements) {
      any = any || s.source.doc == d.key;
    }
    if (!any) {
      continue;
    }
    o += "<h2>" + xml_escape(d.title) +
         "</h2>\n<table>\n<thead><tr><th>statement</th><th>grade</th>";
    for (const Column& c : r.columns) {
      o += "<th title=\"" + xml_escape(c.note) + "\">" + xml_escape(c.label) + "</th>";
    }
    o += "</tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < cat.statements.size(); ++i) {
      const Statement& s = cat.statements[i];
      if (s.source.doc != d.key) {
        continue;
      }
      o += "<tr><td class=\"ws-id\" title=\"" + xml_escape(s.text) + "\">" + xml_escape(s.id) +
           "</td><td>" + xml_escape(s.evidence) + "</td>";
      for (const Column& c : r.columns) {
        const Look l = look(c.cells[i].outcome);
        std::string tip;
        for (const std::string& m : c.cells[i].messages) {
          tip += (tip.empty() ? "" : "; ") + m;
        }
        if (tip.empty()) {
          tip = std::string(to_string(c.cells[i].outcome));
        }
        o += "<td class=\"" + std::string(l.css) + "\" title=\"" + xml_escape(tip) + "\">" +
             l.glyph + "</td>";
      }
      o += "</tr>\n";
    }
    o += "</tbody>\n</table>\n";
  }
  o += "</body>\n</html>\n";
  return o;
}

}  // namespace ws2sim::conformance
