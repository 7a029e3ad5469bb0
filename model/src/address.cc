#include "ws2sim/model/address.h"

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
