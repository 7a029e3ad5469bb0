// Address text conversion with the C library's parsers. This file includes no Windows header,
// so glibc's <arpa/inet.h> can be used here without clashing with the drop-in declarations.
#include "inet_text.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace ws2sim::winsock::detail {

bool parse_ipv4(const char* text, std::uint8_t out[4]) {
  return ::inet_pton(AF_INET, text, out) == 1;
}

bool parse_ipv6(const char* text, std::uint8_t out[16]) {
  return ::inet_pton(AF_INET6, text, out) == 1;
}

std::optional<std::string> format_ipv4(const std::uint8_t in[4]) {
  char buf[INET_ADDRSTRLEN];
  if (::inet_ntop(AF_INET, in, buf, sizeof buf) == nullptr) {
    return std::nullopt;
  }
  return std::string(buf);
}

std::optional<std::string> format_ipv6(const std::uint8_t in[16]) {
  char buf[INET6_ADDRSTRLEN];
  if (::inet_ntop(AF_INET6, in, buf, sizeof buf) == nullptr) {
    return std::nullopt;
  }
  return std::string(buf);
}

std::optional<std::uint32_t> parse_classic_ipv4(const char* text) {
  in_addr a{};
  if (::inet_aton(text, &a) == 0) {
    return std::nullopt;  // accepts a.b.c.d, a.b.c, a.b, a; hex/octal
  }
  return a.s_addr;  // network byte order
}

std::optional<std::string> narrow_ascii(const wchar_t* text) {
  std::string out;
  for (; *text != 0; ++text) {
    if (*text < 0 || *text > 0x7F) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(*text));
  }
  return out;
}

bool widen_ascii(const char* text, wchar_t* out, std::size_t size) {
  const std::size_t n = std::strlen(text);
  if (n + 1 > size) {
    return false;
  }
  for (std::size_t i = 0; i <= n; ++i) {
    out[i] = static_cast<wchar_t>(static_cast<unsigned char>(text[i]));
  }
  return true;
}

}  // namespace ws2sim::winsock::detail
