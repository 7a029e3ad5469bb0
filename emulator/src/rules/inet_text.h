// Address text conversion shared by inet_pton/inet_ntop/inet_addr (see inet_text.cc).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace ws2sim::winsock::detail {

bool parse_ipv4(const char* text, std::uint8_t out[4]);
bool parse_ipv6(const char* text, std::uint8_t out[16]);
std::optional<std::string> format_ipv4(const std::uint8_t in[4]);
std::optional<std::string> format_ipv6(const std::uint8_t in[16]);
/// inet_addr's grammar (a.b.c.d, a.b.c, a.b, a; decimal, octal or hex parts); network order.
std::optional<std::uint32_t> parse_classic_ipv4(const char* text);

}  // namespace ws2sim::winsock::detail
