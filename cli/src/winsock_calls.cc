// Keep-alive calls as data, executed through the emulator's real Winsock functions.
#include "ws2sim/cli/winsock_calls.h"

#include <array>
#include <utility>

#include "ws2sim/winsock/errors.h"

// The drop-in Windows headers last, after every ws2sim and standard header.
#include <mstcpip.h>
#include <winsock2.h>
#include <ws2tcpip.h>

namespace ws2sim::cli {
namespace {

constexpr std::array<std::pair<CallKind, std::string_view>, 6> kNames{{
    {CallKind::kSoKeepAlive, "SO_KEEPALIVE"},
    {CallKind::kKeepAliveVals, "SIO_KEEPALIVE_VALS"},
    {CallKind::kTcpKeepIdle, "TCP_KEEPIDLE"},
    {CallKind::kTcpKeepAlive, "TCP_KEEPALIVE"},
    {CallKind::kTcpKeepIntvl, "TCP_KEEPINTVL"},
    {CallKind::kTcpKeepCnt, "TCP_KEEPCNT"},
}};

CallOutcome setsockopt_u32(SOCKET s, int level, int name, std::uint32_t value) {
  const DWORD v = value;
  const int r = setsockopt(s, level, name, reinterpret_cast<const char*>(&v), sizeof v);
  return {r, r == SOCKET_ERROR ? WSAGetLastError() : 0};
}

}  // namespace

std::string_view call_name(CallKind kind) noexcept {
  for (const auto& [k, name] : kNames) {
    if (k == kind) return name;
  }
  return "?";
}

std::optional<CallKind> parse_call_name(std::string_view name) noexcept {
  for (const auto& [k, n] : kNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string call_names() {
  std::string out;
  for (const auto& entry : kNames) {
    if (!out.empty()) out += ", ";
    out += entry.second;
  }
  return out;
}

std::string describe(const KeepAliveCall& call) {
  const std::string name(call_name(call.kind));
  switch (call.kind) {
    case CallKind::kSoKeepAlive:
      return "setsockopt(SOL_SOCKET, SO_KEEPALIVE, " + std::to_string(call.value) + ")";
    case CallKind::kKeepAliveVals:
      return "WSAIoctl(SIO_KEEPALIVE_VALS, {" + std::to_string(call.onoff) + ", " +
             std::to_string(call.keepalivetime) + ", " + std::to_string(call.keepaliveinterval) +
             "})";
    case CallKind::kTcpKeepIdle:
    case CallKind::kTcpKeepAlive:
    case CallKind::kTcpKeepIntvl:
    case CallKind::kTcpKeepCnt:
      return "setsockopt(IPPROTO_TCP, " + name + ", " + std::to_string(call.value) + ")";
  }
  return name;
}

std::string wsa_error_name(int code) {
  const std::optional<std::string_view> name = winsock::wsa_error_name(code);
  return name ? std::string(*name) : "error " + std::to_string(code);
}

std::string wsa_error_text(int code) {
  return wsa_error_name(code) + " (" + std::to_string(code) + ")";
}

std::string error_name(const CallOutcome& outcome) {
  if (!outcome.win32) return wsa_error_name(outcome.error);
  const auto name = winsock::win32_error_name(static_cast<std::uint32_t>(outcome.error));
  return name ? std::string(*name) : "error " + std::to_string(outcome.error);
}

std::string error_text(const CallOutcome& outcome) {
  std::string text = error_name(outcome) + " (" + std::to_string(outcome.error) + ")";
  if (outcome.status) {
    const auto name = winsock::ntstatus_name(*outcome.status);
    text += ", " + (name ? std::string(*name) : "status " + std::to_string(*outcome.status));
  }
  return text;
}

std::string describe(const CallOutcome& outcome) {
  return outcome.failed() ? error_text(outcome) : std::string("OK");
}

CallOutcome execute(const KeepAliveCall& call, std::uintptr_t socket) {
  const auto s = static_cast<SOCKET>(socket);
  switch (call.kind) {
    case CallKind::kSoKeepAlive:
      return setsockopt_u32(s, SOL_SOCKET, SO_KEEPALIVE, call.value);
    case CallKind::kKeepAliveVals: {
      tcp_keepalive ka{call.onoff, call.keepalivetime, call.keepaliveinterval};
      DWORD returned = 0;
      const int r =
          WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr);
      return {r, r == SOCKET_ERROR ? WSAGetLastError() : 0};
    }
    case CallKind::kTcpKeepIdle:
      return setsockopt_u32(s, IPPROTO_TCP, TCP_KEEPIDLE, call.value);
    case CallKind::kTcpKeepAlive:
      return setsockopt_u32(s, IPPROTO_TCP, TCP_KEEPALIVE, call.value);
    case CallKind::kTcpKeepIntvl:
      return setsockopt_u32(s, IPPROTO_TCP, TCP_KEEPINTVL, call.value);
    case CallKind::kTcpKeepCnt:
      return setsockopt_u32(s, IPPROTO_TCP, TCP_KEEPCNT, call.value);
  }
  return {SOCKET_ERROR, WSAEINVAL};
}

}  // namespace ws2sim::cli
