// ws2sim/model/address.h — IPv4 and IPv6 addresses, ports and TCP segments as the model sees
// them.
//
//   auto a = Ipv4Address::parse("10.0.0.2");        // std::optional<Ipv4Address>
//   SocketAddress server{*a, 443};
//   std::string s = to_string(server);              // "10.0.0.2:443"
//   auto b = IpAddress::parse("2001:db8::2");       // either family
//   std::string t = to_string(SocketAddress{*b, 443});  // "[2001:db8::2]:443"
#pragma once

#include <array>
#include <compare>
#include <cstddef>
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

/// Ipv6Address — an IPv6 address: 16 bytes in network order.
struct Ipv6Address {
  std::array<std::uint8_t, 16> bytes{};
  /// Ipv6Address::parse — RFC 4291 text ("2001:db8::1", "::ffff:10.0.0.1"); no zone, no
  /// brackets, no prefix length. nullopt for anything else.
  static std::optional<Ipv6Address> parse(std::string_view text);
  /// Ipv6Address::loopback — ::1, the host itself.
  static constexpr Ipv6Address loopback() noexcept {
    Ipv6Address a;
    a.bytes[15] = 1;
    return a;
  }
  /// Ipv6Address::mapped — ::ffff:a.b.c.d, how a dual-stack socket names IPv4 address `v4`.
  static constexpr Ipv6Address mapped(Ipv4Address v4) noexcept {
    Ipv6Address a;
    a.bytes[10] = 0xFF;
    a.bytes[11] = 0xFF;
    for (std::size_t i = 0; i < 4; ++i) {
      a.bytes[12 + i] = static_cast<std::uint8_t>(v4.value >> (24 - 8 * i));
    }
    return a;
  }
  /// Ipv6Address::is_loopback — whether it is ::1.
  [[nodiscard]] constexpr bool is_loopback() const noexcept { return *this == loopback(); }
  /// Ipv6Address::is_unspecified — whether it is :: (in6addr_any).
  [[nodiscard]] constexpr bool is_unspecified() const noexcept { return *this == Ipv6Address{}; }
  /// Ipv6Address::mapped_ipv4 — the IPv4 address of an IPv4-mapped address (::ffff:0:0/96).
  [[nodiscard]] std::optional<Ipv4Address> mapped_ipv4() const noexcept;
  friend auto operator<=>(const Ipv6Address&, const Ipv6Address&) = default;
};

/// IpFamily — which IP version an address belongs to.
enum class IpFamily : std::uint8_t { kIpv4, kIpv6 };

/// IpAddress — an IPv4 or an IPv6 address. Every Ipv4Address and Ipv6Address converts to one.
/// The default is 0.0.0.0. An IPv4-mapped IPv6 address stays an IPv6 address here: turning it
/// into IPv4 is the socket layer's business (a dual-stack socket), not the network's.
class IpAddress {
 public:
  constexpr IpAddress() noexcept = default;
  // NOLINTNEXTLINE(google-explicit-constructor): every IPv4 address is an IP address.
  constexpr IpAddress(Ipv4Address a) noexcept {
    for (std::size_t i = 0; i < 4; ++i) {
      bytes_[i] = static_cast<std::uint8_t>(a.value >> (24 - 8 * i));
    }
  }
  // NOLINTNEXTLINE(google-explicit-constructor): every IPv6 address is an IP address.
  constexpr IpAddress(const Ipv6Address& a) noexcept : family_(IpFamily::kIpv6), bytes_(a.bytes) {}
  /// IpAddress::parse — dotted-quad IPv4 or RFC 4291 IPv6 text.
  static std::optional<IpAddress> parse(std::string_view text);

  [[nodiscard]] constexpr IpFamily family() const noexcept { return family_; }
  [[nodiscard]] constexpr bool is_ipv6() const noexcept { return family_ == IpFamily::kIpv6; }
  /// IpAddress::ipv4 — the IPv4 address; nullopt for an IPv6 one.
  [[nodiscard]] constexpr std::optional<Ipv4Address> ipv4() const noexcept {
    if (is_ipv6()) {
      return std::nullopt;
    }
    return Ipv4Address{(std::uint32_t{bytes_[0]} << 24) | (std::uint32_t{bytes_[1]} << 16) |
                       (std::uint32_t{bytes_[2]} << 8) | std::uint32_t{bytes_[3]}};
  }
  /// IpAddress::ipv6 — the IPv6 address; nullopt for an IPv4 one.
  [[nodiscard]] constexpr std::optional<Ipv6Address> ipv6() const noexcept {
    if (!is_ipv6()) {
      return std::nullopt;
    }
    return Ipv6Address{bytes_};
  }
  /// IpAddress::bytes — the address in network order: 4 bytes for IPv4, 16 for IPv6.
  [[nodiscard]] const std::uint8_t* bytes() const noexcept { return bytes_.data(); }
  [[nodiscard]] constexpr std::size_t size() const noexcept { return is_ipv6() ? 16 : 4; }
  /// IpAddress::is_loopback — 127.0.0.0/8 or ::1: the host itself.
  [[nodiscard]] constexpr bool is_loopback() const noexcept {
    return is_ipv6() ? Ipv6Address{bytes_}.is_loopback() : bytes_[0] == 127;
  }
  /// IpAddress::is_unspecified — 0.0.0.0 or ::, "any address".
  [[nodiscard]] constexpr bool is_unspecified() const noexcept {
    return is_ipv6() ? Ipv6Address{bytes_}.is_unspecified() : *ipv4() == Ipv4Address{};
  }
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;

 private:
  IpFamily family_ = IpFamily::kIpv4;
  std::array<std::uint8_t, 16> bytes_{};  // network order; IPv4 in the first four
};

/// AddressScope — the local addresses a bound endpoint answers for: one address, or (none
/// given) every address of one family or of both. Two bindings of one port may coexist only
/// when their scopes do not overlap.
struct AddressScope {
  std::optional<IpAddress> address;  ///< One address; nullopt: any of `family`.
  std::optional<IpFamily> family;    ///< For any address: only this family; nullopt: both.
  /// AddressScope::covers — whether a segment to `a` belongs to this scope.
  [[nodiscard]] bool covers(const IpAddress& a) const noexcept {
    return address ? *address == a : !family || *family == a.family();
  }
  /// AddressScope::overlaps — whether some address is in both scopes.
  [[nodiscard]] bool overlaps(const AddressScope& o) const noexcept {
    if (address) {
      return o.covers(*address);
    }
    if (o.address) {
      return covers(*o.address);
    }
    return !family || !o.family || *family == *o.family;
  }
};

/// An address and a port.
struct SocketAddress {
  IpAddress address;
  std::uint16_t port = 0;
  friend auto operator<=>(const SocketAddress&, const SocketAddress&) = default;
};

std::string to_string(Ipv4Address a);
/// to_string — RFC 5952 text: lower case, the longest run of zero groups as "::".
std::string to_string(const Ipv6Address& a);
std::string to_string(const IpAddress& a);
/// to_string — "10.0.0.2:443" or "[2001:db8::2]:443".
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
