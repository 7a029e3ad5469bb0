// The names of Winsock error codes (errors.h), from the drop-in winsock2.h's own macros so the
// numbers cannot drift from the header.
#include <array>
#include <cstdint>
#include <utility>

#include "ws2sim/winsock/errors.h"

// The drop-in headers last, after every ws2sim and standard header.
#include <winsock2.h>

namespace ws2sim::winsock {
namespace {

struct ErrorName {
  int code;
  std::string_view name;
};

#define WS2SIM_ERROR_NAME(code) \
  ErrorName {                   \
    code, #code                 \
  }

// Every error code winsock2.h defines, in numeric order within each group.
constexpr std::array kErrors{
    WS2SIM_ERROR_NAME(WSA_INVALID_HANDLE),
    WS2SIM_ERROR_NAME(WSA_NOT_ENOUGH_MEMORY),
    WS2SIM_ERROR_NAME(WSA_INVALID_PARAMETER),
    WS2SIM_ERROR_NAME(WSA_OPERATION_ABORTED),
    WS2SIM_ERROR_NAME(WSA_IO_INCOMPLETE),
    WS2SIM_ERROR_NAME(WSA_IO_PENDING),
    WS2SIM_ERROR_NAME(WSAEINTR),
    WS2SIM_ERROR_NAME(WSAEBADF),
    WS2SIM_ERROR_NAME(WSAEACCES),
    WS2SIM_ERROR_NAME(WSAEFAULT),
    WS2SIM_ERROR_NAME(WSAEINVAL),
    WS2SIM_ERROR_NAME(WSAEMFILE),
    WS2SIM_ERROR_NAME(WSAEWOULDBLOCK),
    WS2SIM_ERROR_NAME(WSAEINPROGRESS),
    WS2SIM_ERROR_NAME(WSAEALREADY),
    WS2SIM_ERROR_NAME(WSAENOTSOCK),
    WS2SIM_ERROR_NAME(WSAEDESTADDRREQ),
    WS2SIM_ERROR_NAME(WSAEMSGSIZE),
    WS2SIM_ERROR_NAME(WSAEPROTOTYPE),
    WS2SIM_ERROR_NAME(WSAENOPROTOOPT),
    WS2SIM_ERROR_NAME(WSAEPROTONOSUPPORT),
    WS2SIM_ERROR_NAME(WSAESOCKTNOSUPPORT),
    WS2SIM_ERROR_NAME(WSAEOPNOTSUPP),
    WS2SIM_ERROR_NAME(WSAEPFNOSUPPORT),
    WS2SIM_ERROR_NAME(WSAEAFNOSUPPORT),
    WS2SIM_ERROR_NAME(WSAEADDRINUSE),
    WS2SIM_ERROR_NAME(WSAEADDRNOTAVAIL),
    WS2SIM_ERROR_NAME(WSAENETDOWN),
    WS2SIM_ERROR_NAME(WSAENETUNREACH),
    WS2SIM_ERROR_NAME(WSAENETRESET),
    WS2SIM_ERROR_NAME(WSAECONNABORTED),
    WS2SIM_ERROR_NAME(WSAECONNRESET),
    WS2SIM_ERROR_NAME(WSAENOBUFS),
    WS2SIM_ERROR_NAME(WSAEISCONN),
    WS2SIM_ERROR_NAME(WSAENOTCONN),
    WS2SIM_ERROR_NAME(WSAESHUTDOWN),
    WS2SIM_ERROR_NAME(WSAETOOMANYREFS),
    WS2SIM_ERROR_NAME(WSAETIMEDOUT),
    WS2SIM_ERROR_NAME(WSAECONNREFUSED),
    WS2SIM_ERROR_NAME(WSAELOOP),
    WS2SIM_ERROR_NAME(WSAENAMETOOLONG),
    WS2SIM_ERROR_NAME(WSAEHOSTDOWN),
    WS2SIM_ERROR_NAME(WSAEHOSTUNREACH),
    WS2SIM_ERROR_NAME(WSAENOTEMPTY),
    WS2SIM_ERROR_NAME(WSAEPROCLIM),
    WS2SIM_ERROR_NAME(WSAEUSERS),
    WS2SIM_ERROR_NAME(WSAEDQUOT),
    WS2SIM_ERROR_NAME(WSAESTALE),
    WS2SIM_ERROR_NAME(WSAEREMOTE),
    WS2SIM_ERROR_NAME(WSASYSNOTREADY),
    WS2SIM_ERROR_NAME(WSAVERNOTSUPPORTED),
    WS2SIM_ERROR_NAME(WSANOTINITIALISED),
    WS2SIM_ERROR_NAME(WSAEDISCON),
    WS2SIM_ERROR_NAME(WSAENOMORE),
    WS2SIM_ERROR_NAME(WSAECANCELLED),
    WS2SIM_ERROR_NAME(WSAEINVALIDPROCTABLE),
    WS2SIM_ERROR_NAME(WSAEINVALIDPROVIDER),
    WS2SIM_ERROR_NAME(WSAEPROVIDERFAILEDINIT),
    WS2SIM_ERROR_NAME(WSASYSCALLFAILURE),
    WS2SIM_ERROR_NAME(WSASERVICE_NOT_FOUND),
    WS2SIM_ERROR_NAME(WSATYPE_NOT_FOUND),
    WS2SIM_ERROR_NAME(WSA_E_NO_MORE),
    WS2SIM_ERROR_NAME(WSA_E_CANCELLED),
    WS2SIM_ERROR_NAME(WSAEREFUSED),
    WS2SIM_ERROR_NAME(WSAHOST_NOT_FOUND),
    WS2SIM_ERROR_NAME(WSATRY_AGAIN),
    WS2SIM_ERROR_NAME(WSANO_RECOVERY),
    WS2SIM_ERROR_NAME(WSANO_DATA),
};

#undef WS2SIM_ERROR_NAME

}  // namespace

std::optional<std::string_view> wsa_error_name(int code) noexcept {
  for (const ErrorName& e : kErrors) {
    if (e.code == code) {
      return e.name;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> win32_error_name(std::uint32_t code) noexcept {
  // The Win32 codes of docs/behaviour.md §17 (completion ports, GetOverlappedResult) and the
  // waits' own (docs/threads.md).
  static constexpr std::array<std::pair<std::uint32_t, std::string_view>, 12> kWin32{{
      {6, "ERROR_INVALID_HANDLE"},
      {50, "ERROR_NOT_SUPPORTED"},
      {64, "ERROR_NETNAME_DELETED"},
      {87, "ERROR_INVALID_PARAMETER"},
      {121, "ERROR_SEM_TIMEOUT"},
      {258, "WAIT_TIMEOUT"},
      {735, "ERROR_ABANDONED_WAIT_0"},
      {995, "ERROR_OPERATION_ABORTED"},
      {1131, "ERROR_POSSIBLE_DEADLOCK"},
      {1225, "ERROR_CONNECTION_REFUSED"},
      {1232, "ERROR_HOST_UNREACHABLE"},
      {1460, "ERROR_TIMEOUT"},
  }};
  for (const auto& [number, name] : kWin32) {
    if (number == code) {
      return name;
    }
  }
  return std::nullopt;
}

std::optional<std::string_view> ntstatus_name(std::uint32_t status) noexcept {
  static constexpr std::array<std::pair<std::uint32_t, std::string_view>, 9> kStatuses{{
      {0x00000000, "STATUS_SUCCESS"},
      {0x00000103, "STATUS_PENDING"},
      {0xC000000D, "STATUS_INVALID_PARAMETER"},
      {0xC00000B5, "STATUS_IO_TIMEOUT"},
      {0xC00000BB, "STATUS_NOT_SUPPORTED"},
      {0xC0000120, "STATUS_CANCELLED"},
      {0xC000020D, "STATUS_CONNECTION_RESET"},
      {0xC0000236, "STATUS_CONNECTION_REFUSED"},
      {0xC000023D, "STATUS_HOST_UNREACHABLE"},
  }};
  for (const auto& [number, name] : kStatuses) {
    if (number == status) {
      return name;
    }
  }
  return std::nullopt;
}

std::string describe_wsa_error(int code) {
  if (code == 0) {
    return "0 (no error)";
  }
  const std::optional<std::string_view> name = wsa_error_name(code);
  if (!name) {
    return "error " + std::to_string(code);
  }
  return std::string(*name) + " (" + std::to_string(code) + ")";
}

}  // namespace ws2sim::winsock
