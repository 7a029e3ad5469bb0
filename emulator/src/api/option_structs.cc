// The structured socket options: SO_PROTOCOL_INFOA/W (the provider entry a socket was created
// from) and SO_BSP_STATE (its addresses). docs/behaviour.md §11. Their buffer rules differ from
// the 4-byte options: a short buffer fails with WSAEFAULT and *optlen set to the size needed
// (SO_PROTOCOL_INFO) or left alone (SO_BSP_STATE); a large one succeeds with *optlen unchanged.
#include <cstring>
#include <string_view>
#include <type_traits>

#include "api/option_table.h"
#include "backend/backend.h"
#include "core/sockaddr.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <winsock2.h>
#include <ws2tcpip.h>

namespace ws2sim::winsock::detail {
namespace {

// The MSAFD Tcpip provider's id, shared by its TCP and UDP entries.
constexpr GUID kMsafdTcpip = {
    0xe70f1aa0, 0xab8b, 0x11cf, {0x8c, 0xa3, 0x00, 0x80, 0x5f, 0x48, 0xa1, 0x92}};
constexpr DWORD kTcpServices = XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_GRACEFUL_CLOSE |
                               XP1_EXPEDITED_DATA | XP1_IFS_HANDLES;
constexpr DWORD kUdpServices = XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_SUPPORT_BROADCAST |
                               XP1_SUPPORT_MULTIPOINT | XP1_IFS_HANDLES;
constexpr DWORD kUdpMessageSize = 0xFFBB;  // 65467, what the provider reports for UDP

// The catalog entry of the provider a socket of this family and type comes from.
struct Entry {
  std::string_view name;
  DWORD catalog_id;
};
Entry entry_of(const Socket& s) {
  const bool v6 = s.family == AF_INET6;
  if (s.type == SOCK_STREAM) {
    return v6 ? Entry{"MSAFD Tcpip [TCP/IPv6]", 1004} : Entry{"MSAFD Tcpip [TCP/IP]", 1001};
  }
  return v6 ? Entry{"MSAFD Tcpip [UDP/IPv6]", 1005} : Entry{"MSAFD Tcpip [UDP/IP]", 1002};
}

int address_size(const Socket& s) {
  return sockaddr_size(s);
}

// Fills everything but szProtocol, which the A and W forms spell differently.
template <typename Info>
void fill_protocol_info(const Socket& s, Info* info) {
  std::memset(info, 0, sizeof *info);
  const bool stream = s.type == SOCK_STREAM;
  info->dwServiceFlags1 = stream ? kTcpServices : kUdpServices;
  info->dwProviderFlags = PFL_MATCHES_PROTOCOL_ZERO;
  info->ProviderId = kMsafdTcpip;
  info->dwCatalogEntryId = entry_of(s).catalog_id;
  info->ProtocolChain.ChainLen = BASE_PROTOCOL;
  info->iVersion = 2;
  info->iAddressFamily = s.family;
  info->iMaxSockAddr = address_size(s);
  info->iMinSockAddr = address_size(s);
  info->iSocketType = s.type;
  info->iProtocol = s.protocol;
  info->iNetworkByteOrder = BIGENDIAN;
  info->iSecurityScheme = SECURITY_PROTOCOL_NONE;
  info->dwMessageSize = stream ? 0 : kUdpMessageSize;
}

template <typename Info>
int get_protocol_info(OptionTarget& t, char* optval, int* optlen) {
  constexpr int kSize = static_cast<int>(sizeof(Info));
  if (*optlen < kSize) {
    *optlen = kSize;  // the size needed (observed)
    return WSAEFAULT;
  }
  Info info;
  fill_protocol_info(t.sock, &info);
  const std::string_view name = entry_of(t.sock).name;
  for (std::size_t i = 0; i < name.size(); ++i) {
    info.szProtocol[i] =
        static_cast<std::remove_reference_t<decltype(info.szProtocol[0])>>(name[i]);
  }
  std::memcpy(optval, &info, sizeof info);
  return 0;  // *optlen unchanged (observed)
}

// Writes `a` (or nothing) into `slot` of the buffer, pointing `out` at it.
void put_address(const Socket& s, const std::optional<SocketAddress>& a, char* slot,
                 SOCKET_ADDRESS* out) {
  if (!a) {
    out->lpSockaddr = nullptr;
    out->iSockaddrLength = 0;
    return;
  }
  out->lpSockaddr = reinterpret_cast<LPSOCKADDR>(slot);
  out->iSockaddrLength = static_cast<INT>(store_sockaddr(s, *a, slot));
}

}  // namespace

int get_protocol_info_a(OptionTarget& t, char* optval, int* optlen) {
  return get_protocol_info<WSAPROTOCOL_INFOA>(t, optval, optlen);
}

int get_protocol_info_w(OptionTarget& t, char* optval, int* optlen) {
  return get_protocol_info<WSAPROTOCOL_INFOW>(t, optval, optlen);
}

// SO_BSP_STATE: a CSADDR_INFO followed by room for the local and remote addresses, which its
// SOCKET_ADDRESS entries point into; an unbound or unconnected side is NULL / 0 (observed).
int get_bsp_state(OptionTarget& t, char* optval, int* optlen) {
  const int need = static_cast<int>(sizeof(CSADDR_INFO)) + 2 * address_size(t.sock);
  if (*optlen < need) {
    return WSAEFAULT;  // *optlen unchanged (observed)
  }
  Socket& s = t.sock;
  std::optional<SocketAddress> local;
  std::optional<SocketAddress> remote;
  if (s.local) {
    local = t.call.backend().local_address(s).value_or(*s.local);
  }
  if (s.state == SocketState::kConnected && s.peer) {
    remote = t.call.backend().peer_address(s).value_or(*s.peer);
  }
  CSADDR_INFO info{};
  char* const slots = optval + sizeof(CSADDR_INFO);
  put_address(s, local, slots, &info.LocalAddr);
  put_address(s, remote, slots + address_size(s), &info.RemoteAddr);
  info.iSocketType = s.type;
  info.iProtocol = s.protocol;
  std::memcpy(optval, &info, sizeof info);
  return 0;
}

}  // namespace ws2sim::winsock::detail
