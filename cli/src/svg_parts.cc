// The pieces every picture is drawn with (svg_parts.h).
#include "svg_parts.h"

#include <cmath>
#include <cstdio>

#include "ws2sim/cli/time_text.h"

namespace ws2sim::cli::svg {
namespace {

const char* kStyle =
    "<style>\n"
    "  text { font-family: DejaVu Sans, Arial, sans-serif; font-size: 12px; fill: #222; }\n"
    "  .title { font-size: 16px; font-weight: bold; }\n"
    "  .small { font-size: 10px; fill: #555; }\n"
    "  .lane { fill: #f7f7f7; }\n"
    "  .life { stroke: #9a9a9a; stroke-width: 2; }\n"
    "  .probe { stroke: #1f5fbf; stroke-width: 1.2; }\n"
    "  .probes { fill: #1f5fbf; fill-opacity: 0.6; }\n"
    "  .answer, .answers { fill: #2a9d3a; }\n"
    "  .drop, .drops { stroke: #d62828; stroke-width: 3; fill: none; }\n"
    "  .droplabel { fill: #d62828; font-size: 11px; stroke: white; stroke-width: 3px; paint-order: "
    "stroke; }\n"
    "  .connect { fill: #2a9d3a; }\n"
    "  .data, .datas { fill: #7b3fa0; }\n"
    "  .nat { fill: #f08c00; }\n"
    "  .fault { stroke: #d62828; stroke-width: 1; stroke-dasharray: 4 3; }\n"
    "  .faultlabel { fill: #d62828; font-size: 11px; stroke: white; stroke-width: 3px; "
    "paint-order: stroke; }\n"
    "  .gap { fill: url(#hatch); }\n"
    "  .axis { stroke: #222; stroke-width: 1; fill: none; }\n"
    "  .tick { stroke: #222; stroke-width: 1; }\n"
    "  .eventtick { stroke: #d62828; stroke-width: 2; }\n"
    "  .grid { stroke: #ddd; stroke-width: 1; }\n"
    "  .bar { fill: #1f5fbf; }\n"
    "  .idle { fill: #b8c9e6; }\n"
    "  .never { fill: url(#hatch); stroke: #888; }\n"
    "  .rate { stroke: #1f5fbf; stroke-width: 1.5; fill: none; }\n"
    "  .rate-answers { stroke: #8fd19e; stroke-width: 4; fill: none; }\n"
    "  .rate-bytes { stroke: #7b3fa0; stroke-width: 1.5; fill: none; }\n"
    "  .mean { stroke-width: 1; stroke-dasharray: 6 4; }\n"
    "</style>\n"
    "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/>"
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c8c8c8\" "
    "stroke-width=\"2\"/></pattern></defs>\n";

}  // namespace

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

double seconds(Duration d) {
  return static_cast<double>(d.count()) / 1e9;
}

std::string header(double width, double height) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
         "width=\"" +
         num(width) + "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " +
         num(height) + "\">\n" + kStyle + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
}

std::string text(double x, double y, std::string_view s, std::string_view cls,
                 std::string_view anchor) {
  std::string out = "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\"";
  if (!cls.empty()) {
    out += " class=\"" + std::string(cls) + "\"";
  }
  if (!anchor.empty()) {
    out += " text-anchor=\"" + std::string(anchor) + "\"";
  }
  return out + ">" + xml_escape(s) + "</text>\n";
}

std::string title(std::string_view s) {
  return "<title>" + xml_escape(s) + "</title>";
}

double text_width(std::string_view s, double px) {
  return 0.62 * px * static_cast<double>(s.size());
}

Duration round_step(Duration at_least) {
  for (Duration s : kSteps) {
    if (s >= at_least) {
      return s;
    }
  }
  return kSteps.back();
}

std::string clock_label(TimePoint t, Duration step) {
  const std::int64_t ms = whole_milliseconds(t - kEpoch);
  if (step >= 24h && ms % 86'400'000 == 0) {
    return std::to_string(ms / 86'400'000) + "d";
  }
  std::string s = format_clock(t);
  if (step >= 1s && s.ends_with(".000")) {
    s.resize(s.size() - 4);
  }
  return s;
}

double nice_max(double v) {
  if (v <= 0) {
    return 1;
  }
  const double power = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}) {
    if (m * power >= v * (1 - 1e-12)) {
      return m * power;
    }
  }
  return 10 * power;
}

std::string rate_label(double v) {
  char buf[32];
  if (v >= 1e6) {
    std::snprintf(buf, sizeof buf, "%gM", std::round(v / 1e5) / 10);
  } else if (v >= 1e4) {
    std::snprintf(buf, sizeof buf, "%gk", std::round(v / 1e2) / 10);
  } else {
    std::snprintf(buf, sizeof buf, "%g", std::round(v * 100) / 100);
  }
  return buf;
}

}  // namespace ws2sim::cli::svg
