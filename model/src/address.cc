#include "ws2sim/model/address.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ws2sim {

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  // Strict dotted quad: exactly four non-empty parts of decimal digits, each 0-255. Leading zeros
  // are allowed and decimal ("010" is 10). No signs, spaces, empty parts or trailing characters.
  std::uint32_t value = 0;
  std::size_t pos = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (pos >= text.size() || text[pos] != '.') return std::nullopt;
      ++pos;
    }
    std::uint32_t octet = 0;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      octet = octet * 10 + static_cast<std::uint32_t>(text[pos] - '0');
      if (octet > 255) return std::nullopt;  // also keeps `octet` from overflowing
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    value = (value << 8) | octet;
  }
  if (pos != text.size()) return std::nullopt;
  return Ipv4Address{value};
}

std::optional<Ipv6Address> Ipv6Address::parse(std::string_view text) {
  // Groups of one to four hex digits separated by ':', at most one "::" standing for one or more
  // zero groups, and optionally a dotted quad in place of the last two groups.
  std::array<std::uint16_t, 8> groups{};
  std::size_t count = 0;
  std::optional<std::size_t> gap;  // groups before the "::"
  std::size_t pos = 0;
  if (text.starts_with("::")) {
    gap = 0;
    pos = 2;
  } else if (text.starts_with(':')) {
    return std::nullopt;
  }
  while (pos < text.size()) {
    if (count == 8) return std::nullopt;
    const std::size_t end = text.find(':', pos);
    const std::string_view part = text.substr(pos, end == std::string_view::npos ? end : end - pos);
    if (part.find('.') != std::string_view::npos) {
      // An embedded IPv4 address: last, in the place of two groups.
      const std::optional<Ipv4Address> v4 = Ipv4Address::parse(part);
      if (!v4 || end != std::string_view::npos || count > 6) return std::nullopt;
      groups[count++] = static_cast<std::uint16_t>(v4->value >> 16);
      groups[count++] = static_cast<std::uint16_t>(v4->value & 0xFFFFU);
      pos = text.size();
      break;
    }
    if (part.empty() || part.size() > 4) return std::nullopt;
    std::uint16_t group = 0;
    for (const char c : part) {
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return std::nullopt;
      }
      group = static_cast<std::uint16_t>((group << 4) | digit);
    }
    groups[count++] = group;
    if (end == std::string_view::npos) {
      pos = text.size();
      break;
    }
    pos = end + 1;
    if (pos < text.size() && text[pos] == ':') {
      if (gap) return std::nullopt;  // a second "::"
      gap = count;
      ++pos;
    } else if (pos == text.size()) {
      return std::nullopt;  // a trailing single ':'
    }
  }
  if (gap ? count > 7 : count != 8) return std::nullopt;
  Ipv6Address a;
  const std::size_t zeros = 8 - count;
  for (std::size_t i = 0, out = 0; i < count; ++i, ++out) {
    if (gap && i == *gap) out += zeros;
    a.bytes[2 * out] = static_cast<std::uint8_t>(groups[i] >> 8);
    a.bytes[2 * out + 1] = static_cast<std::uint8_t>(groups[i] & 0xFFU);
  }
  return a;
}

std::optional<Ipv4Address> Ipv6Address::mapped_ipv4() const noexcept {
  for (std::size_t i = 0; i < 10; ++i) {
    if (bytes[i] != 0) return std::nullopt;
  }
  if (bytes[10] != 0xFF || bytes[11] != 0xFF) return std::nullopt;
  return Ipv4Address{(std::uint32_t{bytes[12]} << 24) | (std::uint32_t{bytes[13]} << 16) |
                     (std::uint32_t{bytes[14]} << 8) | std::uint32_t{bytes[15]}};
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  if (const std::optional<Ipv4Address> v4 = Ipv4Address::parse(text)) return IpAddress{*v4};
  if (const std::optional<Ipv6Address> v6 = Ipv6Address::parse(text)) return IpAddress{*v6};
  return std::nullopt;
}

std::string to_string(const Ipv6Address& a) {
  std::array<std::uint16_t, 8> g{};
  for (std::size_t i = 0; i < 8; ++i) {
    g[i] = static_cast<std::uint16_t>((a.bytes[2 * i] << 8) | a.bytes[2 * i + 1]);
  }
  if (const std::optional<Ipv4Address> v4 = a.mapped_ipv4()) {
    return "::ffff:" + to_string(*v4);  // RFC 5952 §5
  }
  // The longest run of two or more zero groups (the first of equal ones) becomes "::".
  std::size_t best = 8;
  std::size_t best_length = 1;
  for (std::size_t i = 0; i < 8;) {
    std::size_t j = i;
    while (j < 8 && g[j] == 0)
      ++j;
    if (j - i > best_length) {
      best = i;
      best_length = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const unsigned digit = (g[i] >> shift) & 0xFU;
      if (digit != 0 || started || shift == 0) {
        out += kHex[digit];
        started = true;
      }
    }
  }
  return out;
}

std::string to_string(const IpAddress& a) {
  return a.is_ipv6() ? to_string(*a.ipv6()) : to_string(*a.ipv4());
}

std::string to_string(Ipv4Address a) {
  std::string out;
  out.reserve(15);
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (shift != 24) out += '.';
    out += std::to_string((a.value >> shift) & 0xFFU);
  }
  return out;
}

std::string to_string(const SocketAddress& a) {
  if (a.address.is_ipv6()) {
    return '[' + to_string(a.address) + "]:" + std::to_string(a.port);
  }
  return to_string(a.address) + ':' + std::to_string(a.port);
}

std::string flags_to_string(std::uint8_t flags) {
  // Connection-lifecycle order first (SYN, FIN, RST), then PSH and ACK, then the bits the model
  // never sets but a flag byte can still carry.
  struct Name {
    std::uint8_t bit;
    std::string_view name;
  };
  static constexpr Name kNames[] = {
      {tcp_flags::kSyn, "SYN"},
      {tcp_flags::kFin, "FIN"},
      {tcp_flags::kRst, "RST"},
      {tcp_flags::kPsh, "PSH"},
      {tcp_flags::kAck, "ACK"},
      {0x20, "URG"},
      {0x40, "ECE"},
      {0x80, "CWR"},
  };
  std::string out;
  for (const Name& n : kNames) {
    if ((flags & n.bit) == 0) continue;
    if (!out.empty()) out += '|';
    out += n.name;
  }
  return out.empty() ? std::string{"none"} : out;
}

}  // namespace ws2sim
