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

/// narrow_ascii — a wide name or address as narrow text; nullopt if a character is not ASCII
/// (the W functions' names and addresses are: nothing else can match).
std::optional<std::string> narrow_ascii(const wchar_t* text);
/// widen_ascii — copies `text` and its NUL into `out` (room for `size` characters); false,
/// writing nothing, when it does not fit.
bool widen_ascii(const char* text, wchar_t* out, std::size_t size);

}  // namespace ws2sim::winsock::detail
