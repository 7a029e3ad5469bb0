// The IPPROTO_TCP keep-alive options (docs/behaviour.md §5): TCP_KEEPALIVE = TCP_KEEPIDLE (3),
// TCP_KEEPCNT and TCP_KEEPINTVL, which exist only from certain builds. Portable.
#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

struct Option {
  int name;
  const char* label;
};

// The keep-alive options the target's version has (docs/behaviour.md §7: 3 from Vista,
// TCP_KEEPCNT from 10 1703, TCP_KEEPINTVL from 10 1709; the profile table says which). Used by
// statements that hold for every option present.
std::vector<Option> options_of(const winsock::Profile& p) {
  std::vector<Option> v{{TCP_KEEPIDLE, "TCP_KEEPIDLE"}};
  if (p.tcp_keepcnt.value) v.push_back({TCP_KEEPCNT, "TCP_KEEPCNT"});
  if (p.tcp_keepintvl.value) v.push_back({TCP_KEEPINTVL, "TCP_KEEPINTVL"});
  return v;
}

// Set `value`, then read it back.
void check_round_trip(Context& ctx, const char* id, SOCKET s, int name, const char* label,
                      DWORD value) {
  const std::string what = std::string(label) + " = " + std::to_string(value);
  ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, name, value)), 0, "set " + what);
  const Got g = get_dword(s, IPPROTO_TCP, name);
  ctx.check_error(id, g.outcome, 0, "get after " + what);
  ctx.check_eq(id, g.value, value, "read back after " + what);
}

void check_absent(Context& ctx, const char* id, int name, const char* label) {
  const SOCKET s = ctx.tcp();
  for (const DWORD v : {5U, 256U}) {
    ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, name, v)), WSAENOPROTOOPT,
                    std::string("set ") + label + " = " + std::to_string(v));
  }
  ctx.check_error(id, get_dword(s, IPPROTO_TCP, name).outcome, WSAENOPROTOOPT,
                  std::string("get ") + label);
}

CONFORMANCE_CASE(Option3ExistsFromVista, "TCP_KEEPALIVE.available") {
  check_round_trip(ctx, "TCP_KEEPALIVE.available", ctx.tcp(), TCP_KEEPALIVE, "TCP_KEEPALIVE", 5);
}

CONFORMANCE_CASE(Option3IsMissingOnNt5, "TCP_KEEPALIVE.absent") {
  check_absent(ctx, "TCP_KEEPALIVE.absent", TCP_KEEPALIVE, "TCP_KEEPALIVE");
}

CONFORMANCE_CASE(KeepIdleDefaultAnd256, "TCP_KEEPIDLE.default", "TCP_KEEPIDLE.accepts-256") {
  const SOCKET s = ctx.tcp();
  ctx.check_eq("TCP_KEEPIDLE.default", read_option(s, IPPROTO_TCP, TCP_KEEPIDLE), 7200,
               "TCP_KEEPIDLE on a new socket");
  check_round_trip(ctx, "TCP_KEEPIDLE.accepts-256", s, TCP_KEEPIDLE, "TCP_KEEPIDLE", 256);
}

CONFORMANCE_CASE(KeepIntvlFrom1709, "TCP_KEEPINTVL.available", "TCP_KEEPINTVL.default",
                 "TCP_KEEPINTVL.accepts-256") {
  const SOCKET s = ctx.tcp();
  ctx.check_eq("TCP_KEEPINTVL.default", read_option(s, IPPROTO_TCP, TCP_KEEPINTVL), 1,
               "TCP_KEEPINTVL on a new socket");
  check_round_trip(ctx, "TCP_KEEPINTVL.available", s, TCP_KEEPINTVL, "TCP_KEEPINTVL", 5);
  check_round_trip(ctx, "TCP_KEEPINTVL.accepts-256", s, TCP_KEEPINTVL, "TCP_KEEPINTVL", 256);
}

CONFORMANCE_CASE(KeepIntvlMissingBefore1709, "TCP_KEEPINTVL.absent") {
  check_absent(ctx, "TCP_KEEPINTVL.absent", TCP_KEEPINTVL, "TCP_KEEPINTVL");
}

CONFORMANCE_CASE(KeepCntFrom1703, "TCP_KEEPCNT.available", "TCP_KEEPCNT.default",
                 "TCP_KEEPCNT.max-255") {
  const SOCKET s = ctx.tcp();
  ctx.check_eq("TCP_KEEPCNT.default", read_option(s, IPPROTO_TCP, TCP_KEEPCNT), 10,
               "TCP_KEEPCNT on a new socket");
  check_round_trip(ctx, "TCP_KEEPCNT.available", s, TCP_KEEPCNT, "TCP_KEEPCNT", 3);
  ctx.check_error("TCP_KEEPCNT.max-255", error_of(set_dword(s, IPPROTO_TCP, TCP_KEEPCNT, 256)),
                  WSAEINVAL, "TCP_KEEPCNT = 256");
  ctx.check_eq("TCP_KEEPCNT.max-255", read_option(s, IPPROTO_TCP, TCP_KEEPCNT), 3,
               "TCP_KEEPCNT after the refused 256");
  check_round_trip(ctx, "TCP_KEEPCNT.max-255", s, TCP_KEEPCNT, "TCP_KEEPCNT", 255);
}

CONFORMANCE_CASE(KeepCntMissingBefore1703, "TCP_KEEPCNT.absent") {
  check_absent(ctx, "TCP_KEEPCNT.absent", TCP_KEEPCNT, "TCP_KEEPCNT");
}

CONFORMANCE_CASE(ShortSetIsEfault, "TCP_KEEP.optlen.set-short") {
  const char* id = "TCP_KEEP.optlen.set-short";
  const SOCKET s = ctx.tcp();
  for (const Option& o : options_of(ctx.profile())) {
    const long long before = read_option(s, IPPROTO_TCP, o.name);
    for (const int len : {0, 1, 2, 3}) {
      const std::string what = std::string(o.label) + " optlen " + std::to_string(len);
      ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, o.name, 7, len)), WSAEFAULT, what);
      ctx.check_eq(id, read_option(s, IPPROTO_TCP, o.name), before, what + ": value unchanged");
    }
  }
}

CONFORMANCE_CASE(MinusOneLengthIsRefused, "TCP_KEEP.optlen.minus-one") {
  const char* id = "TCP_KEEP.optlen.minus-one";
  const SOCKET s = ctx.tcp();
  for (const Option& o : options_of(ctx.profile())) {
    const long long before = read_option(s, IPPROTO_TCP, o.name);
    const std::string what = std::string(o.label) + " optlen -1";
    ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, o.name, 7, -1)),
                    ctx.profile().optlen_minus_one_error.value, what);
    ctx.check_eq(id, read_option(s, IPPROTO_TCP, o.name), before, what + ": value unchanged");
  }
}

CONFORMANCE_CASE(ShortGetIsEfaultWithZeroLength, "TCP_KEEP.optlen.get-short") {
  const char* id = "TCP_KEEP.optlen.get-short";
  const SOCKET s = ctx.tcp();
  for (const Option& o : options_of(ctx.profile())) {
    for (const int len : {0, 1, 2, 3}) {
      const std::string what = std::string(o.label) + " *optlen " + std::to_string(len);
      const Got g = get_dword(s, IPPROTO_TCP, o.name, len);
      ctx.check_error(id, g.outcome, WSAEFAULT, what);
      ctx.check_eq(id, g.len, 0, what + ": *optlen after the call");
    }
  }
}

CONFORMANCE_CASE(FourOrEightBytesWork, "TCP_KEEP.optlen.four-or-eight") {
  const char* id = "TCP_KEEP.optlen.four-or-eight";
  const SOCKET s = ctx.tcp();
  for (const Option& o : options_of(ctx.profile())) {
    for (const int len : {4, 8}) {
      const std::string what = std::string(o.label) + " optlen " + std::to_string(len);
      ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, o.name, 7, len)), 0, "set " + what);
      const Got g = get_dword(s, IPPROTO_TCP, o.name, len);
      ctx.check_error(id, g.outcome, 0, "get " + what);
      ctx.check_eq(id, g.value, 7U, "get " + what + ": value");
      ctx.check_eq(id, g.len, 4, "get " + what + ": *optlen");
    }
  }
}

CONFORMANCE_CASE(SettingOneLeavesTheOthers, "TCP_KEEP.independent") {
  const char* id = "TCP_KEEP.independent";
  const SOCKET s = ctx.tcp();
  const std::vector<Option> options = options_of(ctx.profile());
  std::vector<long long> values;
  for (const Option& o : options)
    values.push_back(read_option(s, IPPROTO_TCP, o.name));
  for (std::size_t i = 0; i < options.size(); ++i) {
    const DWORD v = 40 + static_cast<DWORD>(i);
    ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, options[i].name, v)), 0,
                    std::string("set ") + options[i].label);
    values[i] = v;
    for (std::size_t k = 0; k < options.size(); ++k) {
      ctx.check_eq(id, read_option(s, IPPROTO_TCP, options[k].name), values[k],
                   std::string(options[k].label) + " after setting " + options[i].label);
    }
  }
}

void check_zero(Context& ctx, const char* id, int expected) {
  const SOCKET s = ctx.tcp();
  std::vector<Option> options{{TCP_KEEPIDLE, "TCP_KEEPIDLE"}};
  if (ctx.profile().tcp_keepintvl.value) options.push_back({TCP_KEEPINTVL, "TCP_KEEPINTVL"});
  for (const Option& o : options) {
    const long long before = read_option(s, IPPROTO_TCP, o.name);
    ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, o.name, 0)), expected,
                    std::string(o.label) + " = 0");
    ctx.check_eq(id, read_option(s, IPPROTO_TCP, o.name), expected == 0 ? 0 : before,
                 std::string(o.label) + " read back");
  }
}

CONFORMANCE_CASE(ZeroSecondsAcceptedBeforeServer2019, "TCP_KEEP.zero.accepted") {
  check_zero(ctx, "TCP_KEEP.zero.accepted", 0);
}

CONFORMANCE_CASE(ZeroSecondsRejectedFromServer2019, "TCP_KEEP.zero.rejected") {
  check_zero(ctx, "TCP_KEEP.zero.rejected", WSAEINVAL);
}

CONFORMANCE_CASE(KeepIdleReadsTheIoctlTime, "TCP_KEEPIDLE.reads-sio") {
  const char* id = "TCP_KEEPIDLE.reads-sio";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 15'000, 1'500) == 0, "SIO_KEEPALIVE_VALS failed");
  ctx.check_eq(id, read_option(s, IPPROTO_TCP, TCP_KEEPIDLE), 15, "after {1, 15000 ms, 1500 ms}");
  ctx.require(error_of(set_dword(s, IPPROTO_TCP, TCP_KEEPIDLE, 40)) == 0, "TCP_KEEPIDLE failed");
  ctx.check_eq(id, read_option(s, IPPROTO_TCP, TCP_KEEPIDLE), 40, "after TCP_KEEPIDLE = 40");
  ctx.require(keepalive_vals(s, 1, 20'000, 2'000) == 0, "SIO_KEEPALIVE_VALS failed");
  ctx.check_eq(id, read_option(s, IPPROTO_TCP, TCP_KEEPIDLE), 20, "after {1, 20000 ms, 2000 ms}");
}

}  // namespace
}  // namespace ws2sim::conformance
