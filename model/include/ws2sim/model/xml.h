// ws2sim/model/xml.h — text made safe for XML 1.0 (the SVG pictures, the JUnit reports).
//
//   out += "<title>" + xml_escape(name) + "</title>";   // "a<b" -> "a&lt;b"
#pragma once

#include <string>
#include <string_view>

namespace ws2sim {

/// xml_escape — `text` with the five XML special characters as entities (&amp; &lt; &gt; &quot;
/// &apos;), usable in element text and in attribute values of either quote style. Control
/// characters other than tab and newline, which XML 1.0 does not allow, become spaces.
std::string xml_escape(std::string_view text);

}  // namespace ws2sim
