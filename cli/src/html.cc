// Self-contained HTML reports (html.h).
#include "ws2sim/cli/html.h"

#include "ws2sim/model/xml.h"

namespace ws2sim::cli {
namespace {

// Element selectors and ws-prefixed classes only: the inline SVGs' own classes (.title, .small,
// ...) must not restyle the page, nor the page's the pictures.
constexpr const char* kStyle = R"(
body { font-family: DejaVu Sans, Arial, sans-serif; margin: 24px; color: #222; max-width: 1400px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.ws-sub { color: #555; margin-top: 0; }
pre { background: #f7f7f7; padding: 10px; overflow-x: auto; font-size: 12px; line-height: 1.35; }
table { border-collapse: collapse; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; }
th { background: #f0f0f0; }
div.ws-picture { overflow-x: auto; }
footer { margin-top: 32px; color: #777; font-size: 11px; }
)";

std::string strip_declaration(const std::string& svg) {
  if (!svg.starts_with("<?xml")) {
    return svg;
  }
  const std::size_t end = svg.find("?>");
  return end == std::string::npos ? svg : svg.substr(svg.find('<', end));
}

}  // namespace

std::string render_html(const HtmlReport& r) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      xml_escape(r.title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<h1>" + xml_escape(r.title) + "</h1>\n";
  if (!r.subtitle.empty()) {
    out += "<p class=\"ws-sub\">" + xml_escape(r.subtitle) + "</p>\n";
  }
  for (const HtmlReport::Section& s : r.sections) {
    out += "<section>\n<h2>" + xml_escape(s.heading) + "</h2>\n";
    if (!s.svg.empty()) {
      out += "<div class=\"ws-picture\">\n" + strip_declaration(s.svg) + "</div>\n";
    }
    if (!s.text.empty()) {
      out += "<pre>" + xml_escape(s.text) + "</pre>\n";
    }
    if (!s.table.empty()) {
      out += "<table>\n";
      for (std::size_t i = 0; i < s.table.size(); ++i) {
        out += "<tr>";
        for (const std::string& cell : s.table[i]) {
          out += (i == 0 ? "<th>" : "<td>") + xml_escape(cell) + (i == 0 ? "</th>" : "</td>");
        }
        out += "</tr>\n";
      }
      out += "</table>\n";
    }
    out += "</section>\n";
  }
  out +=
      "<footer>Made by ws2sim: Winsock emulated on a deterministic, virtual-clock TCP model. "
      "The same command and seed give the same page.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace ws2sim::cli
