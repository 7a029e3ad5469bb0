// Tests for ws2sim/model/address.h: dotted-quad parsing, formatting and TCP flag names.
#include "ws2sim/model/address.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ws2sim {
namespace {

using namespace std::string_view_literals;

TEST(AddressParse, AcceptsDottedQuads) {
  struct Case {
    std::string_view text;
    std::uint32_t value;
  };
  const Case cases[] = {
      {"0.0.0.0", 0x00000000U},         {"255.255.255.255", 0xFFFFFFFFU}, {"10.0.0.2", 0x0A000002U},
      {"192.0.2.1", 0xC0000201U},       {"127.0.0.1", 0x7F000001U},       {"1.2.3.4", 0x01020304U},
      {"010.001.000.009", 0x0A010009U},  // leading zeros are decimal, not octal
      {"1.2.3.0004", 0x01020304U},      {"000.0.00.255", 0x000000FFU},
  };
  for (const Case& c : cases) {
    const std::optional<Ipv4Address> a = Ipv4Address::parse(c.text);
    ASSERT_TRUE(a.has_value()) << c.text;
    EXPECT_EQ(a->value, c.value) << c.text;
  }
}

TEST(AddressParse, RejectsEverythingElse) {
  const std::string_view bad[] = {
      "256.0.0.1",   "1.2.3",     "1.2.3.4.5",
      "a.b.c.d",     "",          "1..2.3",
      " 1.2.3.4",    "1.2.3.4 ",  "+1.2.3.4",
      "1.+2.3.4",    "-1.2.3.4",  "1.2.3.-4",
      "1.2.3.4.",    ".1.2.3.4",  "1.2.3.",
      "...",         "1.2.3.256", "1.2.3.4/24",
      "0x1.2.3.4",   "1.2.3.4\n", "1,2,3,4",
      "4294967296",  "16909060",  "1.2.3.99999999999999999999",
      "1.2.3.4\0"sv,
  };
  for (std::string_view text : bad) {
    EXPECT_FALSE(Ipv4Address::parse(text).has_value()) << '"' << text << '"';
  }
}

TEST(AddressFormat, DottedQuadAndPort) {
  EXPECT_EQ(to_string(Ipv4Address{0xC0000201U}), "192.0.2.1");
  EXPECT_EQ(to_string(Ipv4Address{0}), "0.0.0.0");
  EXPECT_EQ(to_string(Ipv4Address{0xFFFFFFFFU}), "255.255.255.255");
  EXPECT_EQ(to_string(SocketAddress{Ipv4Address{0x0A000002U}, 443}), "10.0.0.2:443");
  EXPECT_EQ(to_string(SocketAddress{Ipv4Address{0x0A000001U}, 0}), "10.0.0.1:0");
  EXPECT_EQ(to_string(SocketAddress{Ipv4Address{0x0A000001U}, 65535}), "10.0.0.1:65535");
}

TEST(AddressFormat, RoundTrips) {
  for (std::uint32_t v : {0x00000000U, 0x01020304U, 0x7F000001U, 0xC0A80101U, 0xFFFFFFFFU,
                          0x80000000U, 0x000000FFU}) {
    const std::optional<Ipv4Address> a = Ipv4Address::parse(to_string(Ipv4Address{v}));
    ASSERT_TRUE(a.has_value()) << v;
    EXPECT_EQ(a->value, v);
  }
}

TEST(AddressFlags, NamesInFixedOrder) {
  using namespace tcp_flags;
  EXPECT_EQ(flags_to_string(0), "none");
  EXPECT_EQ(flags_to_string(kSyn), "SYN");
  EXPECT_EQ(flags_to_string(kAck), "ACK");
  EXPECT_EQ(flags_to_string(kRst), "RST");
  EXPECT_EQ(flags_to_string(kSyn | kAck), "SYN|ACK");
  EXPECT_EQ(flags_to_string(kFin | kAck), "FIN|ACK");
  EXPECT_EQ(flags_to_string(kPsh | kAck), "PSH|ACK");
  EXPECT_EQ(flags_to_string(kRst | kAck), "RST|ACK");
  EXPECT_EQ(flags_to_string(kFin | kSyn | kRst | kPsh | kAck), "SYN|FIN|RST|PSH|ACK");
}

TEST(AddressSegment, SequenceLengthCountsSynAndFin) {
  Segment s;
  s.payload = {1, 2, 3};
  EXPECT_EQ(s.sequence_length(), 3U);
  s.flags = tcp_flags::kSyn | tcp_flags::kFin;
  EXPECT_EQ(s.sequence_length(), 5U);
  EXPECT_TRUE(seq_lt(0xFFFFFFFFU, 0U));  // wraps
  EXPECT_TRUE(seq_le(5U, 5U));
}

}  // namespace
}  // namespace ws2sim
