// xml_escape: one escaper for every XML the project writes (SVG pictures, JUnit reports). The
// conformance report once had its own copy that left apostrophes alone.
#include "ws2sim/model/xml.h"

#include <gtest/gtest.h>

namespace ws2sim {
namespace {

TEST(XmlEscape, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
}

TEST(XmlEscape, ControlCharactersBecomeSpacesButTabAndNewlineStay) {
  EXPECT_EQ(xml_escape(std::string("x\x01y\x1fz")), "x y z");
  EXPECT_EQ(xml_escape("a\tb\nc"), "a\tb\nc");
}

TEST(XmlEscape, PlainTextAndUtf8PassUnchanged) {
  EXPECT_EQ(xml_escape(""), "");
  EXPECT_EQ(xml_escape("Windows 10 — 1709"), "Windows 10 — 1709");
}

}  // namespace
}  // namespace ws2sim
