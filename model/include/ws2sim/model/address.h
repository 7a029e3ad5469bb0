// ws2sim/model/address.h — IPv4 addresses, ports and TCP segments as the model sees them.
//
//   auto a = Ipv4Address::parse("10.0.0.2");        // std::optional<Ipv4Address>
//   SocketAddress server{*a, 443};
//   std::string s = to_string(server);              // "10.0.0.2:443"
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ws2sim {

/// An IPv4 address in host byte order.
struct Ipv4Address {
  std::uint32_t value = 0;
  /// Parses dotted-quad notation ("192.0.2.1"); nullopt for anything else.
  static std::optional<Ipv4Address> parse(std::string_view text);
  /// Ipv4Address::loopback — 127.0.0.1, the address a host's loopback connections come from.
  static constexpr Ipv4Address loopback() noexcept { return Ipv4Address{0x7F000001U}; }
  /// Ipv4Address::is_loopback — in 127.0.0.0/8: every address there is the host itself.
  [[nodiscard]] constexpr bool is_loopback() const noexcept { return (value >> 24U) == 127U; }
  friend auto operator<=>(Ipv4Address, Ipv4Address) = default;
};

/// An address and a port.
struct SocketAddress {
  Ipv4Address address;
  std::uint16_t port = 0;
  friend auto operator<=>(const SocketAddress&, const SocketAddress&) = default;
};

std::string to_string(Ipv4Address a);
std::string to_string(const SocketAddress& a);

/// TCP header flag bits, as on the wire.
namespace tcp_flags {
inline constexpr std::uint8_t kFin = 0x01;
inline constexpr std::uint8_t kSyn = 0x02;
inline constexpr std::uint8_t kRst = 0x04;
inline constexpr std::uint8_t kPsh = 0x08;
inline constexpr std::uint8_t kAck = 0x10;
}  // namespace tcp_flags

/// "SYN|ACK" style text for a flag byte.
std::string flags_to_string(std::uint8_t flags);

/// One TCP segment in flight. Sequence numbers are absolute 32-bit values and wrap.
struct Segment {
  SocketAddress source;
  SocketAddress destination;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;
  std::uint16_t window = 0;
  std::vector<std::uint8_t> payload;

  [[nodiscard]] bool has(std::uint8_t flag) const noexcept { return (flags & flag) != 0; }
  /// Sequence space the segment occupies: payload bytes, plus one each for SYN and FIN.
  [[nodiscard]] std::uint32_t sequence_length() const noexcept {
    return static_cast<std::uint32_t>(payload.size()) + (has(tcp_flags::kSyn) ? 1U : 0U) +
           (has(tcp_flags::kFin) ? 1U : 0U);
  }
  friend bool operator==(const Segment&, const Segment&) = default;
};

/// Sequence-number comparison modulo 2^32 (RFC 9293 §3.4).
constexpr bool seq_lt(std::uint32_t a, std::uint32_t b) noexcept {
  return static_cast<std::int32_t>(a - b) < 0;
}
constexpr bool seq_le(std::uint32_t a, std::uint32_t b) noexcept {
  return static_cast<std::int32_t>(a - b) <= 0;
}

}  // namespace ws2sim
