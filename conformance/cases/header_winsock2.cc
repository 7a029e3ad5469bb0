// SO_KEEPALIVE.header: winsock2.h alone declares SO_KEEPALIVE and SOL_SOCKET (from ws2def.h).
// This file includes winsock2.h before anything else, so the checks below would not compile if a
// program needed another header for them.
// clang-format off
#include <winsock2.h>
// clang-format on

static_assert(SO_KEEPALIVE == 0x0008, "winsock2.h defines SO_KEEPALIVE");
static_assert(SOL_SOCKET == 0xffff, "winsock2.h defines SOL_SOCKET");
constexpr int kKeepAliveFromWinsock2 = SO_KEEPALIVE;
constexpr int kSolSocketFromWinsock2 = SOL_SOCKET;

#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

CONFORMANCE_CASE(Winsock2AloneDeclaresSoKeepAlive, "SO_KEEPALIVE.header") {
  // Checked at compile time above; a setsockopt through those constants proves they are usable.
  const SOCKET s = ctx.tcp();
  ctx.check_eq("SO_KEEPALIVE.header",
               error_of(set_dword(s, kSolSocketFromWinsock2, kKeepAliveFromWinsock2, 1)), 0,
               "setsockopt with SOL_SOCKET/SO_KEEPALIVE as winsock2.h alone defines them");
}

}  // namespace
}  // namespace ws2sim::conformance
