// SOL_SOCKET options other than SO_KEEPALIVE: lengths and values as Windows reads them
// (docs/behaviour.md §4). Portable: these run on the emulator and, through the native backend,
// under Wine or on Windows.
#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

struct Option {
  int name;
  const char* label;
};

constexpr Option kFourByteOptions[] = {{SO_RCVBUF, "SO_RCVBUF"},
                                       {SO_SNDBUF, "SO_SNDBUF"},
                                       {SO_RCVTIMEO, "SO_RCVTIMEO"},
                                       {SO_SNDTIMEO, "SO_SNDTIMEO"}};

CONFORMANCE_CASE(FourByteOptionsTakeAMinusOneLength, "SOL_SOCKET.optlen.minus-one.dword") {
  const char* id = "SOL_SOCKET.optlen.minus-one.dword";
  const SOCKET s = ctx.tcp();
  for (const Option& o : kFourByteOptions) {
    const std::string what = std::string(o.label) + " = 4321, optlen -1";
    ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, o.name, 4321, -1)), 0, what);
    ctx.check_eq(id, read_option(s, SOL_SOCKET, o.name), 4321, what + ": read back");
  }
}

}  // namespace
}  // namespace ws2sim::conformance
