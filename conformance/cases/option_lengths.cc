// How setsockopt reads optlen and getsockopt fills the buffer, option by option, for every
// option Windows-run tests exercise (docs/behaviour.md §11): the short-length BOOLs and values,
// the 4-byte options and what each leaves in a buffer that is too small, and the lengths -1, 0
// and 8. Portable: these run on the emulator and, through the native backend, under Wine or on
// Windows.
#include <cstring>
#include <string>

#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

// How an option takes lengths.
enum class Kind {
  kBoolean,       // one-byte BOOLEAN (on the profiles with the one-byte rule)
  kShortBool,     // 4-byte BOOL that takes 1 to 3 bytes too
  kShortValue,    // 4-byte value 0..255 that takes 1 to 3 bytes too
  kDwordZeroes,   // 4 bytes; a short get zeroes the bytes it has
  kDwordKeeps,    // 4 bytes; a short get leaves the buffer
  kDwordZeroLen,  // 4 bytes; a short get sets *optlen to 0
};

struct Option {
  const char* label;
  int family;
  int type;
  int level;
  int name;
  Kind kind;
  bool boolean;  // 0x100 reads back as 1
};

// The options of Wine's test_set_getsockopt length table, in our words.
const Option kOptions[] = {
    {"SO_BROADCAST", AF_INET, SOCK_DGRAM, SOL_SOCKET, SO_BROADCAST, Kind::kShortBool, true},
    {"SO_DONTLINGER", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_DONTLINGER, Kind::kShortBool, true},
    {"SO_OOBINLINE", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_OOBINLINE, Kind::kShortBool, true},
    {"SO_REUSEADDR", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_REUSEADDR, Kind::kShortBool, true},
    {"SO_EXCLUSIVEADDRUSE", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, Kind::kShortBool,
     true},
    {"SO_KEEPALIVE", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_KEEPALIVE, Kind::kBoolean, false},
    {"SO_DONTROUTE", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_DONTROUTE, Kind::kBoolean, false},
    {"SO_LINGER", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_LINGER, Kind::kDwordZeroes, false},
    {"SO_RCVBUF", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_RCVBUF, Kind::kDwordZeroes, false},
    {"SO_SNDBUF", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_SNDBUF, Kind::kDwordZeroes, false},
    {"SO_RCVTIMEO", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_RCVTIMEO, Kind::kDwordKeeps, false},
    {"SO_SNDTIMEO", AF_INET, SOCK_STREAM, SOL_SOCKET, SO_SNDTIMEO, Kind::kDwordKeeps, false},
    {"TCP_NODELAY", AF_INET, SOCK_STREAM, IPPROTO_TCP, TCP_NODELAY, Kind::kBoolean, false},
    {"IP_MULTICAST_LOOP", AF_INET, SOCK_DGRAM, IPPROTO_IP, IP_MULTICAST_LOOP, Kind::kShortBool,
     true},
    {"IP_MULTICAST_TTL", AF_INET, SOCK_DGRAM, IPPROTO_IP, IP_MULTICAST_TTL, Kind::kShortValue,
     false},
    {"IP_TOS", AF_INET, SOCK_DGRAM, IPPROTO_IP, IP_TOS, Kind::kShortValue, false},
    {"IP_TTL", AF_INET, SOCK_DGRAM, IPPROTO_IP, IP_TTL, Kind::kShortValue, false},
    {"IP_PKTINFO", AF_INET, SOCK_DGRAM, IPPROTO_IP, IP_PKTINFO, Kind::kDwordZeroLen, true},
    {"IP_RECVTOS", AF_INET, SOCK_DGRAM, IPPROTO_IP, IP_RECVTOS, Kind::kDwordZeroLen, true},
    {"IP_RECVTTL", AF_INET, SOCK_DGRAM, IPPROTO_IP, IP_RECVTTL, Kind::kDwordZeroLen, true},
    {"IPV6_DONTFRAG", AF_INET6, SOCK_STREAM, IPPROTO_IPV6, IPV6_DONTFRAG, Kind::kShortBool, true},
    {"IPV6_MULTICAST_LOOP", AF_INET6, SOCK_DGRAM, IPPROTO_IPV6, IPV6_MULTICAST_LOOP,
     Kind::kShortBool, true},
    {"IPV6_MULTICAST_HOPS", AF_INET6, SOCK_DGRAM, IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
     Kind::kShortValue, false},
    {"IPV6_UNICAST_HOPS", AF_INET6, SOCK_DGRAM, IPPROTO_IPV6, IPV6_UNICAST_HOPS, Kind::kShortValue,
     false},
    {"IPV6_HOPLIMIT", AF_INET6, SOCK_DGRAM, IPPROTO_IPV6, IPV6_HOPLIMIT, Kind::kDwordZeroLen, true},
    {"IPV6_PKTINFO", AF_INET6, SOCK_DGRAM, IPPROTO_IPV6, IPV6_PKTINFO, Kind::kDwordZeroLen, true},
    {"IPV6_RECVTCLASS", AF_INET6, SOCK_DGRAM, IPPROTO_IPV6, IPV6_RECVTCLASS, Kind::kDwordZeroLen,
     true},
};

bool short_kind(Kind k) {
  return k == Kind::kShortBool || k == Kind::kShortValue;
}
bool dword_kind(Kind k) {
  return k == Kind::kDwordZeroes || k == Kind::kDwordKeeps || k == Kind::kDwordZeroLen;
}

// A fresh socket of the option's family and type, closed with the case.
SOCKET socket_for(Context& ctx, const Option& o) {
  const SOCKET s = socket(o.family, o.type, 0);
  ctx.require(s != INVALID_SOCKET, std::string("socket for ") + o.label);
  return ctx.keep(s);
}

// The size getsockopt reports for a full buffer: 1 for a one-byte BOOLEAN, else 4.
int natural_size(const Context& ctx, const Option& o) {
  const bool one_byte =
      ctx.profile().bool_options.value == winsock::BoolOptionRule::kOneByteBoolean;
  return o.kind == Kind::kBoolean && one_byte ? 1 : 4;
}

CONFORMANCE_CASE(ShortLengthOptions, "OPTLEN.short-bool.sol-socket", "OPTLEN.short-bool.empty",
                 "OPTLEN.short-value.ip", "OPTLEN.short.ip-empty", "OPTLEN.short.large-value") {
  for (const Option& o : kOptions) {
    if (!short_kind(o.kind)) {
      continue;
    }
    const SOCKET s = socket_for(ctx, o);
    const bool sol = o.level == SOL_SOCKET;
    const char* id = sol ? "OPTLEN.short-bool.sol-socket" : "OPTLEN.short-value.ip";
    const std::string what = o.label;
    // A 1-, 2- or 4-byte set of 1; a get into a 1-, 2- or 4-byte buffer.
    const struct {
      int len;
      DWORD sol_value;
      DWORD ip_value;
      int reported;
    } steps[] = {{1, 0xdeadbe01, 0xdeadbe01, 1}, {2, 0xdead0001, 0xdeadbe01, 1}, {4, 1, 1, 4}};
    for (const auto& step : steps) {
      const std::string at = what + ", optlen " + std::to_string(step.len);
      ctx.check_error(id, error_of(set_dword(s, o.level, o.name, 1, step.len)), 0, at + ": set 1");
      const Got g = get_dword(s, o.level, o.name, step.len);
      ctx.check_error(id, g.outcome, 0, at + ": get");
      ctx.check_eq(id, g.value, sol ? step.sol_value : step.ip_value, at + ": buffer after get");
      ctx.check_eq(id, g.len, step.reported, at + ": *optlen after get");
    }
    // An empty value.
    if (sol) {
      ctx.check_error("OPTLEN.short-bool.empty", error_of(set_dword(s, o.level, o.name, 1, 0)), 0,
                      what + ": set with optlen 0");
    } else {
      ctx.check_error("OPTLEN.short.ip-empty", error_of(set_dword(s, o.level, o.name, 1, 0)),
                      WSAEFAULT, what + ": set with optlen 0");
    }
    // 0x100 in 4 bytes: TRUE for a BOOL, out of range for a byte-sized value.
    const int rc = error_of(set_dword(s, o.level, o.name, 0x100));
    if (o.boolean) {
      ctx.check_error("OPTLEN.short.large-value", rc, 0, what + ": set 0x100");
      const Got g = get_dword(s, o.level, o.name);
      ctx.check_eq("OPTLEN.short.large-value", g.value, 1, what + ": 0x100 reads back as 1");
      ctx.check_eq("OPTLEN.short.large-value", g.len, 4, what + ": *optlen");
    } else {
      ctx.check_error("OPTLEN.short.large-value", rc, WSAEINVAL, what + ": set 0x100");
    }
  }
}

CONFORMANCE_CASE(FourByteOptionsAndShortBuffers, "OPTLEN.dword.short-set",
                 "OPTLEN.dword.short-get-zeroes", "OPTLEN.dword.short-get-untouched",
                 "OPTLEN.dword.short-get-zero-length") {
  for (const Option& o : kOptions) {
    if (!dword_kind(o.kind)) {
      continue;
    }
    const SOCKET s = socket_for(ctx, o);
    for (const int len : {1, 2}) {
      const std::string at = std::string(o.label) + ", optlen " + std::to_string(len);
      ctx.check_error("OPTLEN.dword.short-set", error_of(set_dword(s, o.level, o.name, 1, len)),
                      WSAEFAULT, at + ": set");
      const Got g = get_dword(s, o.level, o.name, len);
      if (o.kind == Kind::kDwordZeroes) {
        const char* id = "OPTLEN.dword.short-get-zeroes";
        ctx.check_error(id, g.outcome, WSAEFAULT, at + ": get");
        ctx.check_eq(id, g.value, len == 1 ? 0xdeadbe00U : 0xdead0000U, at + ": bytes zeroed");
        ctx.check_eq(id, g.len, len, at + ": *optlen unchanged");
      } else if (o.kind == Kind::kDwordKeeps) {
        const char* id = "OPTLEN.dword.short-get-untouched";
        ctx.check_error(id, g.outcome, WSAEFAULT, at + ": get");
        ctx.check_eq(id, g.value, 0xdeadbeefU, at + ": buffer untouched");
        ctx.check_eq(id, g.len, len, at + ": *optlen unchanged");
      } else {
        const char* id = "OPTLEN.dword.short-get-zero-length";
        ctx.check_error(id, g.outcome, WSAEFAULT, at + ": get");
        ctx.check_eq(id, g.value, 0xdeadbeefU, at + ": buffer untouched");
        ctx.check_eq(id, g.len, 0, at + ": *optlen set to 0");
      }
    }
    if (o.boolean) {
      ctx.check_error("OPTLEN.dword.short-get-zero-length",
                      error_of(set_dword(s, o.level, o.name, 0x100)), 0,
                      std::string(o.label) + ": set 0x100");
      ctx.check_eq("OPTLEN.dword.short-get-zero-length", get_dword(s, o.level, o.name).value, 1,
                   std::string(o.label) + ": 0x100 reads back as 1");
    }
  }
}

CONFORMANCE_CASE(GetLengthsEveryOptionRefusesOrRounds, "OPTLEN.get.oversize", "OPTLEN.get.zero",
                 "OPTLEN.get.minus-one", "OPTLEN.set.oversize") {
  for (const Option& o : kOptions) {
    const SOCKET s = socket_for(ctx, o);
    const std::string what = o.label;
    // 8 bytes holding 0xffffffff00000001: the option takes the low byte(s), 1.
    const unsigned char wide[8] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff};
    ctx.check_error("OPTLEN.set.oversize",
                    error_of(setsockopt(s, o.level, o.name, reinterpret_cast<const char*>(wide),
                                        static_cast<int>(sizeof wide))),
                    0, what + ": set with optlen 8");
    const Got big = get_dword(s, o.level, o.name, 8);
    ctx.check_error("OPTLEN.get.oversize", big.outcome, 0, what + ": get into 8 bytes");
    ctx.check_eq("OPTLEN.get.oversize", big.len, natural_size(ctx, o),
                 what + ": *optlen is the value's size");
    const Got zero = get_dword(s, o.level, o.name, 0);
    ctx.check_error("OPTLEN.get.zero", zero.outcome, WSAEFAULT, what + ": get with *optlen 0");
    const Got minus = get_dword(s, o.level, o.name, -1);
    ctx.check_error("OPTLEN.get.minus-one", minus.outcome, WSAEFAULT,
                    what + ": get with *optlen -1");
    ctx.check_eq("OPTLEN.get.minus-one", minus.len, -1, what + ": *optlen left at -1");
  }
}

CONFORMANCE_CASE(MinusOneLengthByLevel, "OPTLEN.set.minus-one.levels") {
  const char* id = "OPTLEN.set.minus-one.levels";
  for (const Option& o : kOptions) {
    const SOCKET s = socket_for(ctx, o);
    const int rc = error_of(set_dword(s, o.level, o.name, 1, -1));
    const std::string what = std::string(o.label) + ": set with optlen -1";
    if (o.level == SOL_SOCKET && o.kind != Kind::kBoolean) {
      ctx.check_error(id, rc, 0, what);
    } else {
      ctx.check_error(id, rc, ctx.profile().optlen_minus_one_error.value, what);
    }
  }
}

}  // namespace
}  // namespace ws2sim::conformance
