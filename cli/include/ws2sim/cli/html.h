// ws2sim/cli/html.h — a self-contained HTML report (`run`, `detect` and `load` with --html): one
// file with its pictures as inline SVG and its text, no scripts, nothing fetched from the network,
// readable in any browser and attachable to a CI run.
//
//   HtmlReport page{.title = "ws2sim run: nat", .subtitle = "seed 3"};
//   page.sections.push_back({.heading = "Timeline", .svg = timeline_svg(r), .text = {}, .table =
//   {}}); write(render_html(page));
#pragma once

#include <string>
#include <vector>

namespace ws2sim::cli {

/// HtmlReport — what a report page shows, in order.
struct HtmlReport {
  /// HtmlSection — a heading, then any of: a picture, preformatted text, a table (its first row
  /// is the header).
  struct Section {
    std::string heading;
    std::string svg;   ///< An SVG document (its XML declaration is dropped when inlined).
    std::string text;  ///< Shown preformatted, as the command prints it.
    std::vector<std::vector<std::string>> table;
  };
  std::string title;
  std::string subtitle;
  std::vector<Section> sections;
};

/// render_html — the page: UTF-8, its style inline, every text escaped. The same report gives the
/// same bytes.
std::string render_html(const HtmlReport& report);

}  // namespace ws2sim::cli
