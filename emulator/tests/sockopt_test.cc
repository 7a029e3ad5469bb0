// setsockopt / getsockopt on every profile: docs/behaviour.md §4 (SO_KEEPALIVE and the other BOOL
// options: DWORD rule on NT 5.x, one-byte BOOLEAN rule on 6.0+), docs/behaviour.md §5
// (TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT per build) and the client patterns P3, P4 and P8 of
// docs/behaviour.md §9. Expectations come from kSpecTable (options_fixture.h), never from the
// profile fields the emulator reads.
#include <string>

#include "options_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

struct NamedOption {
  int level;
  int name;
  const char* label;
};

// The BOOLEAN options: all three follow the version's BOOL length rule.
constexpr NamedOption kBoolOptions[] = {{SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE"},
                                        {SOL_SOCKET, SO_DONTROUTE, "SO_DONTROUTE"},
                                        {IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY"}};

// The 4-byte SOL_SOCKET BOOLs that take 1 to 3 bytes as well, on every version
// (docs/behaviour.md §11).
constexpr NamedOption kShortBoolOptions[] = {
    {SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR"},
    {SOL_SOCKET, SO_EXCLUSIVEADDRUSE, "SO_EXCLUSIVEADDRUSE"},
    {SOL_SOCKET, SO_BROADCAST, "SO_BROADCAST"},
    {SOL_SOCKET, SO_OOBINLINE, "SO_OOBINLINE"},
    {SOL_SOCKET, SO_DONTLINGER, "SO_DONTLINGER"}};

constexpr NamedOption kTcpKeepOptions[] = {{IPPROTO_TCP, TCP_KEEPALIVE, "TCP_KEEPALIVE(3)"},
                                           {IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT"},
                                           {IPPROTO_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL"}};

// Whether the spec row says the build has this IPPROTO_TCP keep-alive option.
bool has_tcp_option(const SpecRow& row, int name) {
  switch (name) {
    case TCP_KEEPALIVE:
      return row.tcp_keepalive_3;
    case TCP_KEEPCNT:
      return row.tcp_keepcnt;
    case TCP_KEEPINTVL:
      return row.tcp_keepintvl;
    default:
      return true;
  }
}

// Client established at 2 ms (SYN out 1 ms, SYN-ACK back 1 ms): its last receipt.
constexpr Duration kEstablished = 2ms;

using Sockopt = ProfileTest;

// ---- docs/behaviour.md §4: the BOOL length rule
// -------------------------------------------------------------

TEST_P(Sockopt, BoolSetAcceptsTheLengthsOfTheVersionsRule) {
  HostScope on(*client);
  for (const NamedOption& o : kBoolOptions) {
    for (const int len : {0, -1, 1, 2, 3, 4, 8}) {
      SCOPED_TRACE(std::string(o.label) + " optlen " + std::to_string(len));
      int expected = 0;
      if (spec().dword_rule) {
        expected = len >= 4 ? 0 : WSAEFAULT;  // documented: at least sizeof(DWORD)
      } else if (len <= 0) {
        expected = len == 0 ? WSAEFAULT : spec().minus_one_error;  // observed on 6.0+
      }
      SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
      EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 1, len)), expected)
          << "docs/behaviour.md §4: setsockopt(BOOL) optlen rule (NT 5.x DWORD, 6.0+ one byte)";
      EXPECT_EQ(read_opt(s, o.level, o.name), expected == 0 ? 1 : 0)
          << "docs/behaviour.md §4: a successful set reads back TRUE; a failed one changes nothing";
      closesocket(s);
    }
  }
}

TEST_P(Sockopt, BoolSetOf0x100IsFalseOnOneByteVersionsAndTrueOnDwordVersions) {
  HostScope on(*client);
  for (const NamedOption& o : kBoolOptions) {
    SCOPED_TRACE(o.label);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(error_of(set_opt(s, o.level, o.name, 1)), 0);
    EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 0x100)), 0);
    EXPECT_EQ(read_opt(s, o.level, o.name), spec().dword_rule ? 1 : 0)
        << "docs/behaviour.md §4: the one-byte rule reads only the first byte of 0x100";
    closesocket(s);
  }
}

TEST_P(Sockopt, BoolGetWritesOneByteOrADword) {
  HostScope on(*client);
  for (const NamedOption& o : kBoolOptions) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(error_of(set_opt(s, o.level, o.name, 1)), 0);
    for (const int len : {1, 2, 3, 4, 8}) {
      SCOPED_TRACE(std::string(o.label) + " *optlen " + std::to_string(len));
      const Got g = get_opt(s, o.level, o.name, len);
      if (spec().dword_rule) {
        if (len < 4) {
          EXPECT_EQ(g.rc, SOCKET_ERROR);
          EXPECT_EQ(g.error, WSAEFAULT)
              << "docs/behaviour.md §4: DWORD rule, *optlen below sizeof(DWORD)";
          EXPECT_EQ(g.len, len);
          EXPECT_EQ(g.value, 0xdeadbeefU) << "nothing written on failure";
        } else {
          EXPECT_EQ(g.rc, 0);
          EXPECT_EQ(g.value, 1U) << "docs/behaviour.md §4: DWORD rule writes a whole BOOL";
          EXPECT_EQ(g.len, 4);
        }
      } else {
        EXPECT_EQ(g.rc, 0);
        EXPECT_EQ(g.value, 0xdeadbe01U)
            << "docs/behaviour.md §4: getsockopt writes one byte on 6.0+";
        EXPECT_EQ(g.len, 1) << "docs/behaviour.md §4: *optlen = 1 on 6.0+";
      }
    }
    closesocket(s);
  }
}

// ---- docs/behaviour.md §11: the 4-byte BOOLs that take short lengths
// -----------------------------------------------

TEST_P(Sockopt, ShortBoolsStoreTheLowBytesOfAnyLength) {
  HostScope on(*client);
  for (const NamedOption& o : kShortBoolOptions) {
    for (const int len : {1, 2, 3, 4, 8}) {
      SCOPED_TRACE(std::string(o.label) + " optlen " + std::to_string(len));
      SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
      ASSERT_EQ(error_of(set_opt(s, o.level, o.name, 0)), 0);
      EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 1, len)), 0);
      EXPECT_EQ(read_opt(s, o.level, o.name), 1) << "the low byte is 1";
      EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 0x100, len)), 0);
      EXPECT_EQ(read_opt(s, o.level, o.name), len == 1 ? 0 : 1)
          << "0x100 is TRUE once its second byte is read";
      closesocket(s);
    }
  }
}

TEST_P(Sockopt, ShortBoolsTakeAnEmptyValueAsFalse) {
  HostScope on(*client);
  for (const NamedOption& o : kShortBoolOptions) {
    SCOPED_TRACE(o.label);
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(error_of(set_opt(s, o.level, o.name, 1)), 0);
    EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 1, 0)), 0) << "optlen 0 succeeds at SOL_SOCKET";
    EXPECT_EQ(read_opt(s, o.level, o.name), 0);
    closesocket(s);
  }
}

TEST_P(Sockopt, ShortBoolGetReportsOneByteUnderFourAndWritesTwoWhenItCan) {
  HostScope on(*client);
  for (const NamedOption& o : kShortBoolOptions) {
    SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_EQ(error_of(set_opt(s, o.level, o.name, 1)), 0);
    const struct {
      int len;
      std::uint32_t value;
      int reported;
    } cases[] = {
        {1, 0xdeadbe01U, 1}, {2, 0xdead0001U, 1}, {3, 0xdead0001U, 1}, {4, 1U, 4}, {8, 1U, 4}};
    for (const auto& c : cases) {
      SCOPED_TRACE(std::string(o.label) + " *optlen " + std::to_string(c.len));
      const Got g = get_opt(s, o.level, o.name, c.len);
      EXPECT_EQ(g.rc, 0);
      EXPECT_EQ(g.value, c.value);
      EXPECT_EQ(g.len, c.reported);
    }
    for (const int len : {0, -1}) {
      const Got g = get_opt(s, o.level, o.name, len);
      EXPECT_EQ(g.error, WSAEFAULT);
      EXPECT_EQ(g.len, len);
      EXPECT_EQ(g.value, 0xdeadbeefU);
    }
    closesocket(s);
  }
}

TEST_P(Sockopt, BoolGetWithZeroOrMinusOneOptlenIsEfaultAndLeavesOptlen) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  for (const NamedOption& o : kBoolOptions) {
    for (const int len : {0, -1}) {
      SCOPED_TRACE(std::string(o.label) + " *optlen " + std::to_string(len));
      const Got g = get_opt(s, o.level, o.name, len);
      EXPECT_EQ(g.rc, SOCKET_ERROR);
      EXPECT_EQ(g.error, WSAEFAULT) << "docs/behaviour.md §4: *optlen 0 or -1 -> WSAEFAULT";
      EXPECT_EQ(g.len, len) << "docs/behaviour.md §4: *optlen left unchanged";
      EXPECT_EQ(g.value, 0xdeadbeefU);
    }
  }
}

// ---- docs/behaviour.md §4: transitional state, datagram sockets, levels, options
// ---------------------------

TEST_P(Sockopt, KeepAliveWhileConnectingIsRefusedOnVistaAndLater) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  u_long nb = 1;
  ASSERT_EQ(ioctlsocket(s, FIONBIO, &nb), 0);
  ASSERT_EQ(error_of(connect_to_server(s)), WSAEWOULDBLOCK);
  const int expected = spec().refuses_while_connecting ? WSAEINVAL : 0;
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1)), expected)
      << "docs/behaviour.md §4: SO_KEEPALIVE during connect: WSAEINVAL on 6.0+, allowed on NT 5.x";
  EXPECT_EQ(keepalive_on(s), expected == 0)
      << "docs/behaviour.md §4: a refused set changes nothing";
  // Inferred default: getsockopt, SIO_KEEPALIVE_VALS and TCP_KEEP* are not affected.
  EXPECT_EQ(error_of(keepalive_vals(s, 0, 30'000, 3'000)), 0)
      << "docs/behaviour.md §4 (inferred): SIO_KEEPALIVE_VALS allowed while connecting";
  EXPECT_FALSE(keepalive_on(s));
  if (spec().tcp_keepalive_3) {
    EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPIDLE, 40)), 0)
        << "docs/behaviour.md §4 (inferred): TCP_KEEPIDLE allowed while connecting";
  }
  ASSERT_TRUE(world.run_for(1s).ok());
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0)
      << "docs/behaviour.md §4: allowed once the connection completed";
  EXPECT_TRUE(keepalive_on(s));
}

TEST_P(Sockopt, DatagramSocketsHaveNoKeepAliveNorTcpOptions) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_NE(s, INVALID_SOCKET);
  const NamedOption refused[] = {
      {SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE"},    {IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY"},
      {IPPROTO_TCP, TCP_KEEPALIVE, "TCP_KEEPALIVE"}, {IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT"},
      {IPPROTO_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL"}, {IPPROTO_TCP, TCP_MAXRT, "TCP_MAXRT"}};
  for (const NamedOption& o : refused) {
    SCOPED_TRACE(o.label);
    EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 1)), WSAENOPROTOOPT)
        << "docs/behaviour.md §4: datagram socket -> WSAENOPROTOOPT (set)";
    const Got g = get_opt(s, o.level, o.name);
    EXPECT_EQ(g.error, WSAENOPROTOOPT)
        << "docs/behaviour.md §4: datagram socket -> WSAENOPROTOOPT (get)";
  }
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_REUSEADDR, 1)), 0) << "SO_REUSEADDR is not TCP's";
  EXPECT_EQ(read_opt(s, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
}

TEST_P(Sockopt, UnknownLevelIsEinval) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  for (const unsigned level : {0xffffffffU, 0x8000U, 0x800U, 0x1234ffffU}) {
    SCOPED_TRACE("level " + std::to_string(level));
    const int lvl = static_cast<int>(level);
    EXPECT_EQ(error_of(set_opt(s, lvl, SO_KEEPALIVE, 1)), WSAEINVAL)
        << "docs/behaviour.md §4: unknown level -> WSAEINVAL (set)";
    EXPECT_EQ(error_of(set_opt(s, lvl, SO_RCVTIMEO, 1000)), WSAEINVAL);
    EXPECT_EQ(get_opt(s, lvl, SO_KEEPALIVE).error, WSAEINVAL)
        << "docs/behaviour.md §4: unknown level -> WSAEINVAL (get)";
  }
  EXPECT_FALSE(keepalive_on(s)) << "failed calls change nothing";
  EXPECT_EQ(read_opt(s, SOL_SOCKET, SO_RCVTIMEO), 0);
}

TEST_P(Sockopt, UnknownOptionAtAKnownLevelIsEnoprotoopt) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  const NamedOption unknown[] = {{SOL_SOCKET, 0x7777, "SOL_SOCKET 0x7777"},
                                 {IPPROTO_TCP, 99, "IPPROTO_TCP 99"},
                                 {IPPROTO_TCP, TCP_FASTOPEN, "TCP_FASTOPEN"}};
  for (const NamedOption& o : unknown) {
    SCOPED_TRACE(o.label);
    EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 1)), WSAENOPROTOOPT);
    EXPECT_EQ(get_opt(s, o.level, o.name).error, WSAENOPROTOOPT);
  }
  // Inferred: the read-only options cannot be set.
  for (const int name : {SO_TYPE, SO_ACCEPTCONN, SO_CONNECT_TIME}) {
    EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, name, 1)), WSAENOPROTOOPT) << "option " << name;
  }
}

// ---- docs/behaviour.md §5: IPPROTO_TCP keep-alive options
// ---------------------------------------------------

TEST_P(Sockopt, TcpKeepOptionsExistExactlyOnTheirBuilds) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  for (const NamedOption& o : kTcpKeepOptions) {
    SCOPED_TRACE(o.label);
    const int expected = has_tcp_option(spec(), o.name) ? 0 : WSAENOPROTOOPT;
    EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 5)), expected)
        << "docs/behaviour.md §5: option 3 from Vista, TCP_KEEPCNT from 1703, TCP_KEEPINTVL from "
           "1709";
    const Got g = get_opt(s, o.level, o.name);
    EXPECT_EQ(g.rc == 0 ? 0 : g.error, expected);
    if (expected == 0) {
      EXPECT_EQ(g.value, 5U);
    }
  }
}

TEST_P(Sockopt, TcpKeepDefaultsRead7200And1And10) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  if (spec().tcp_keepalive_3) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 7200)
        << "docs/behaviour.md §5: default idle 7200 s";
  }
  if (spec().tcp_keepintvl) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPINTVL), 1)
        << "docs/behaviour.md §5: default interval 1 s";
  }
  if (spec().tcp_keepcnt) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPCNT), 10)
        << "docs/behaviour.md §5: default count 10";
  }
}

TEST_P(Sockopt, TcpKeepCntAbove255IsEinval) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  if (!spec().tcp_keepcnt) {
    // clients.md P7: programs probe with any value and treat exactly WSAENOPROTOOPT as
    // "unsupported", so a missing option must not answer WSAEINVAL first.
    EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPCNT, 256)), WSAENOPROTOOPT)
        << "docs/behaviour.md §5: TCP_KEEPCNT missing before 10 1703";
    return;
  }
  EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPCNT, 256)), WSAEINVAL)
      << "docs/behaviour.md §5: TCP_KEEPCNT above 255 -> WSAEINVAL";
  EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPCNT), 10) << "a failed set changes nothing";
  EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPCNT, 255)), 0)
      << "docs/behaviour.md §5: 255 accepted";
  EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPCNT), 255);
}

TEST_P(Sockopt, TcpKeepIdleAndIntervalRanges) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  for (const int name : {TCP_KEEPIDLE, TCP_KEEPINTVL}) {
    if (!has_tcp_option(spec(), name)) continue;
    SCOPED_TRACE(name == TCP_KEEPIDLE ? "TCP_KEEPIDLE" : "TCP_KEEPINTVL");
    const std::int64_t before = read_opt(s, IPPROTO_TCP, name);
    const int zero = spec().zero_seconds_rejected ? WSAEINVAL : 0;
    EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, name, 0)), zero)
        << "docs/behaviour.md §5: 0 seconds: WSAEINVAL on Server 2019 and later, accepted before";
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, name), zero == 0 ? 0 : before);
    EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, name, 256)), 0)
        << "docs/behaviour.md §5: 256 accepted";
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, name), 256);
    EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, name, 0xFFFFFFFF)), 0)
        << "clients.md: 0xFFFFFFFF s must not overflow";
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, name), 0xFFFFFFFF);
  }
}

// Observed (Wine, test_set_getsockopt): on Vista and later a negative optlen is a huge unsigned
// length, which a 4-byte SOL_SOCKET option accepts (reading 4 bytes); the documented rule (NT 5.x)
// refuses anything below sizeof(DWORD). Issue 20 item 4: the emulator refused it everywhere.
TEST_P(Sockopt, FourByteSocketOptionsTakeAMinusOneLength) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  constexpr NamedOption kDwordOptions[] = {{SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF"},
                                           {SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF"},
                                           {SOL_SOCKET, SO_RCVTIMEO, "SO_RCVTIMEO"},
                                           {SOL_SOCKET, SO_SNDTIMEO, "SO_SNDTIMEO"}};
  for (const NamedOption& o : kDwordOptions) {
    SCOPED_TRACE(o.label);
    const std::int64_t before = read_opt(s, o.level, o.name);
    const int e = error_of(set_opt(s, o.level, o.name, 4321, -1));
    if (spec().dword_rule) {
      EXPECT_EQ(e, WSAEFAULT) << "documented: optlen below sizeof(DWORD)";
      EXPECT_EQ(read_opt(s, o.level, o.name), before);
    } else {
      EXPECT_EQ(e, 0) << "observed: -1 is a huge length";
      EXPECT_EQ(read_opt(s, o.level, o.name), 4321);
    }
  }
}

TEST_P(Sockopt, TcpKeepOptionsNeedFourBytes) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  for (const NamedOption& o : kTcpKeepOptions) {
    if (!has_tcp_option(spec(), o.name)) continue;
    const std::int64_t before = read_opt(s, o.level, o.name);
    for (const int len : {0, -1, 1, 2, 3}) {
      SCOPED_TRACE(std::string(o.label) + " optlen " + std::to_string(len));
      // Observed (Wine): -1 is a huge unsigned length, refused by the non-SOL_SOCKET levels with
      // the version's -1 error (WSAENOBUFS, or WSAEFAULT from 7 to 10 21H1).
      EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 7, len)),
                len < 0 ? spec().minus_one_error : WSAEFAULT)
          << "docs/behaviour.md §4, §5: set with optlen < 4 -> WSAEFAULT";
      EXPECT_EQ(read_opt(s, o.level, o.name), before) << "a failed set changes nothing";
      const Got g = get_opt(s, o.level, o.name, len);
      EXPECT_EQ(g.error, WSAEFAULT) << "docs/behaviour.md §5: get with *optlen < 4 -> WSAEFAULT";
      // Observed (Wine): 0..3 become 0; -1 stays -1 as for every option.
      EXPECT_EQ(g.len, len < 0 ? len : 0) << "docs/behaviour.md §5: *optlen set to 0";
    }
    for (const int len : {4, 8}) {
      SCOPED_TRACE(std::string(o.label) + " optlen " + std::to_string(len));
      EXPECT_EQ(error_of(set_opt(s, o.level, o.name, 7, len)), 0)
          << "docs/behaviour.md §5: 4 or 8 works";
      const Got g = get_opt(s, o.level, o.name, len);
      EXPECT_EQ(g.rc, 0);
      EXPECT_EQ(g.value, 7U);
      EXPECT_EQ(g.len, 4) << "docs/behaviour.md §5: get returns *optlen = 4";
    }
  }
}

TEST_P(Sockopt, SettingOneKeepAliveValueLeavesTheOthersAndDoesNotSwitchItOn) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  if (!spec().tcp_keepalive_3) {
    EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPIDLE, 30)), WSAENOPROTOOPT)
        << "docs/behaviour.md §5: no option 3 on NT 5.x";
    EXPECT_FALSE(keepalive_on(s));
    return;
  }
  ASSERT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPIDLE, 30)), 0);
  EXPECT_FALSE(keepalive_on(s))
      << "docs/behaviour.md §3: TCP_KEEPIDLE sets the time, not the switch";
  if (spec().tcp_keepintvl) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPINTVL), 1);
  }
  if (spec().tcp_keepcnt) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPCNT), 10)
        << "docs/behaviour.md §5: setting one leaves others";
    ASSERT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPCNT, 3)), 0);
  }
  EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 30);
  if (spec().tcp_keepintvl) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPINTVL), 1);
  }
}

TEST_P(Sockopt, IoctlTimesReadBackThroughTcpKeepIdleLastWriterWins) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(keepalive_vals(s, 1, 15'000, 1'500)), 0);
  EXPECT_TRUE(keepalive_on(s))
      << "docs/behaviour.md §3: SIO_KEEPALIVE_VALS onoff=1 reads SO_KEEPALIVE TRUE";
  if (spec().tcp_keepalive_3) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 15)
        << "docs/behaviour.md §5: ioctl ms read as ms/1000";
  }
  if (spec().tcp_keepintvl) {
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPINTVL), 1);
  }
  if (spec().tcp_keepalive_3) {
    ASSERT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPIDLE, 40)), 0);
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 40)
        << "docs/behaviour.md §5: last writer wins";
    ASSERT_EQ(error_of(keepalive_vals(s, 1, 20'000, 2'000)), 0);
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 20)
        << "docs/behaviour.md §5: last writer wins";
  }
  ASSERT_EQ(error_of(keepalive_vals(s, 0, 15'000, 1'500)), 0);
  EXPECT_FALSE(keepalive_on(s)) << "docs/behaviour.md §3: onoff=0 reads SO_KEEPALIVE FALSE";
}

// ---- Other options -----------------------------------------------------------------------------

TEST_P(Sockopt, OtherOptionsRoundTrip) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  for (const int name : {SO_RCVBUF, SO_SNDBUF, SO_RCVTIMEO, SO_SNDTIMEO}) {
    SCOPED_TRACE("SOL_SOCKET option " + std::to_string(name));
    EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, name, 63'000)), 0);
    EXPECT_EQ(read_opt(s, SOL_SOCKET, name), 63'000);
    EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, name, 5, 2)), WSAEFAULT) << "DWORD: optlen < 4";
    EXPECT_EQ(read_opt(s, SOL_SOCKET, name), 63'000);
  }
  EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_MAXRT, 7)), 0);
  EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_MAXRT), 7);
  EXPECT_EQ(read_opt(s, SOL_SOCKET, SO_TYPE), SOCK_STREAM);
  EXPECT_EQ(read_opt(s, SOL_SOCKET, SO_ACCEPTCONN), 0);

  // SO_ERROR: settable, and reading does not clear it (observed in Wine's tests on Windows).
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_ERROR, 1234)), 0);
  EXPECT_EQ(get_opt(s, SOL_SOCKET, SO_ERROR, 1).error, WSAEFAULT) << "SO_ERROR needs 4 bytes";
  EXPECT_EQ(read_opt(s, SOL_SOCKET, SO_ERROR), 1234)
      << "observed: SO_ERROR reads back the value set";
  EXPECT_EQ(read_opt(s, SOL_SOCKET, SO_ERROR), 1234) << "observed: reading does not clear SO_ERROR";

  // SO_LINGER: struct linger.
  linger l{1, 5};
  EXPECT_EQ(setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&l), sizeof l), 0);
  EXPECT_EQ(error_of(setsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&l), 2)),
            WSAEFAULT)
      << "SO_LINGER: optlen < sizeof(linger)";
  linger back{9, 9};
  int len = 3;
  EXPECT_EQ(error_of(getsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&back), &len)),
            WSAEFAULT);
  len = sizeof back;
  ASSERT_EQ(getsockopt(s, SOL_SOCKET, SO_LINGER, reinterpret_cast<char*>(&back), &len), 0);
  EXPECT_EQ(back.l_onoff, 1);
  EXPECT_EQ(back.l_linger, 5);
  EXPECT_EQ(len, static_cast<int>(sizeof back));

  // SO_ACCEPTCONN on a listener.
  SOCKET lst = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = address("0.0.0.0", 9000);
  ASSERT_EQ(bind(lst, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(lst, 5), 0);
  EXPECT_EQ(read_opt(lst, SOL_SOCKET, SO_ACCEPTCONN), 1);
}

TEST_P(Sockopt, ConnectTimeIsWholeSecondsSinceConnected) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(read_opt(s, SOL_SOCKET, SO_CONNECT_TIME), 0xFFFFFFFF)
      << "SO_CONNECT_TIME: 0xFFFFFFFF when not connected";
  ASSERT_EQ(connect_to_server(s), 0);
  EXPECT_EQ(read_opt(s, SOL_SOCKET, SO_CONNECT_TIME), 0);
  ASSERT_TRUE(world.run_for(5s).ok());
  EXPECT_EQ(read_opt(s, SOL_SOCKET, SO_CONNECT_TIME), 5) << "connected at 2 ms, now 5.002 s";
}

// ---- Bad input and generic errors (docs/behaviour.md §4 "Generic errors")
// -----------------------------------

TEST_P(Sockopt, NullPointersAreEfaultAndChangeNothing) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, nullptr, 4)), WSAEFAULT)
      << "docs/behaviour.md §4: optval NULL -> WSAEFAULT";
  EXPECT_EQ(error_of(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, nullptr, 0)), WSAEFAULT);
  EXPECT_FALSE(keepalive_on(s));
  int len = 4;
  EXPECT_EQ(error_of(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, nullptr, &len)), WSAEFAULT);
  DWORD v = 0;
  EXPECT_EQ(error_of(getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&v), nullptr)),
            WSAEFAULT)
      << "getsockopt optlen NULL -> WSAEFAULT";
  if (spec().tcp_keepalive_3) {
    EXPECT_EQ(error_of(setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, nullptr, 4)), WSAEFAULT);
    EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 7200);
  }
}

TEST_P(Sockopt, GenericErrorsAreExactAndChangeNothing) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(set_opt(INVALID_SOCKET, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENOTSOCK)
      << "docs/behaviour.md §4: INVALID_SOCKET -> WSAENOTSOCK";
  EXPECT_EQ(get_opt(INVALID_SOCKET, SOL_SOCKET, SO_KEEPALIVE).error, WSAENOTSOCK);

  SOCKET closed = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(closesocket(closed), 0);
  EXPECT_EQ(error_of(set_opt(closed, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENOTSOCK)
      << "docs/behaviour.md §4: closed socket -> WSAENOTSOCK";

  SOCKET theirs = INVALID_SOCKET;
  {
    HostScope srv(*server);
    theirs = socket(AF_INET, SOCK_STREAM, 0);
  }
  EXPECT_EQ(error_of(set_opt(theirs, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENOTSOCK)
      << "docs/behaviour.md §4: another host's socket -> WSAENOTSOCK";
  {
    HostScope srv(*server);
    EXPECT_FALSE(keepalive_on(theirs)) << "the other host's socket is unchanged";
  }

  HostSwitches sw = client->switches();
  sw.network_down = true;
  client->set_switches(sw);
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENETDOWN)
      << "docs/behaviour.md §4: network subsystem failed -> WSAENETDOWN";
  EXPECT_EQ(get_opt(s, SOL_SOCKET, SO_KEEPALIVE).error, WSAENETDOWN);
  sw.network_down = false;
  client->set_switches(sw);
  EXPECT_FALSE(keepalive_on(s)) << "a failed call changes nothing";

  WSADATA d;
  ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &d), 0);
  ASSERT_EQ(WSACleanup(), 0);  // not the last one
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0);
  ASSERT_EQ(WSACleanup(), 0);  // the last one
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 0)), WSANOTINITIALISED)
      << "docs/behaviour.md §4: after the last WSACleanup -> WSANOTINITIALISED";
  EXPECT_EQ(get_opt(s, SOL_SOCKET, SO_KEEPALIVE).error, WSANOTINITIALISED);

  Host& fresh = world.add_host("fresh", GetParam()->name, "10.0.0.3").value().get();
  HostScope f(fresh);
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1)), WSANOTINITIALISED)
      << "docs/behaviour.md §4: before WSAStartup -> WSANOTINITIALISED";
  EXPECT_EQ(fresh.socket_count(), 0U);
}

// ---- A connection keep-alive dropped or a peer reset (docs/behaviour.md §4)
// ---------------------------------

TEST_P(Sockopt, KeepAliveSetAfterKeepAliveDroppedTheConnectionIsEnetreset) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(keepalive_vals(s, 1, 1'000, 100)), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.crash(*server).ok());
  char b;
  ASSERT_EQ(error_of(recv(s, &b, 1, 0)), WSAENETRESET);
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENETRESET)
      << "docs/behaviour.md §4: setsockopt(SO_KEEPALIVE) on a connection keep-alive dropped";
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 0)), WSAENETRESET);
  EXPECT_TRUE(keepalive_on(s)) << "getsockopt still works and nothing changed";
}

TEST_P(Sockopt, KeepAliveSetAfterAResetIsEnotconn) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(keepalive_vals(s, 1, 1'000, 100)), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.reboot(*server).ok());  // the first probe meets RST
  char b;
  ASSERT_EQ(error_of(recv(s, &b, 1, 0)), WSAECONNRESET);
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 0)), WSAENOTCONN)
      << "docs/behaviour.md §4: setsockopt(SO_KEEPALIVE) on a reset connection";
  EXPECT_TRUE(keepalive_on(s));
}

// ---- Client patterns
// -----------------------------------------------------------------------------

// P8 (Cygwin): ioctl with onoff=1, then SO_KEEPALIVE back to 0 and on again: the ioctl's times
// survive (docs/behaviour.md §3, inferred).
TEST_P(Sockopt, P8IoctlTimesSurviveTogglingSoKeepAlive) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(keepalive_vals(s, 1, 15'000, 1'500)), 0);
  ASSERT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 0)), 0);
  EXPECT_FALSE(keepalive_on(s));
  ASSERT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.crash(*server).ok());
  char b;
  EXPECT_EQ(error_of(recv(s, &b, 1, 0)), WSAENETRESET);
  EXPECT_EQ(world.now(), at(15s + spec().default_probes * 1500ms + kEstablished))
      << "clients.md P8: dead-peer time = ioctl time + N x ioctl interval";
}

INSTANTIATE_TEST_SUITE_P(SockoptEveryProfile, Sockopt, ::testing::ValuesIn(every_profile()),
                         profile_test_name);

// ---- Single-version scenarios
// --------------------------------------------------------------------

class SockoptOn : public EmulatorTest {};

// P4 on 10 1703: ioctl times and TCP_KEEPCNT succeed, TCP_KEEPINTVL fails with exactly
// WSAENOPROTOOPT, and the earlier settings stay in effect.
TEST_F(SockoptOn, P4Windows1703KeepsIoctlTimesAndCountWhenKeepIntvlFails) {
  make_hosts("windows-10-1703");
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(keepalive_vals(s, 1, 10'000, 1'000)), 0);
  EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPCNT, 3)), 0)
      << "docs/behaviour.md §5: KEEPCNT on 1703";
  EXPECT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPINTVL, 1)), WSAENOPROTOOPT)
      << "clients.md P4: exactly WSAENOPROTOOPT for an option the build lacks";
  EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 10);
  EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPCNT), 3);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.crash(*server).ok());
  char b;
  EXPECT_EQ(error_of(recv(s, &b, 1, 0)), WSAENETRESET);
  EXPECT_EQ(world.now(), at(10s + 3 * 1s + kEstablished))
      << "clients.md P4: idle + 3 x interval after the last receipt";
}

// P3 on 10 1709: SO_KEEPALIVE, then the three options in seconds.
TEST_F(SockoptOn, P3Windows1709SecondsOptionsSetTheDeadPeerTime) {
  make_hosts("windows-10-1709");
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0);
  ASSERT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPIDLE, 20)), 0);
  ASSERT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPINTVL, 2)), 0);
  ASSERT_EQ(error_of(set_opt(s, IPPROTO_TCP, TCP_KEEPCNT, 4)), 0);
  ASSERT_EQ(connect_to_server(s), 0);
  ASSERT_NE(accept_on_server(), INVALID_SOCKET);
  ASSERT_TRUE(world.crash(*server).ok());
  char b;
  EXPECT_EQ(error_of(recv(s, &b, 1, 0)), WSAENETRESET);
  EXPECT_EQ(world.now(), at(20s + 4 * 2s + kEstablished)) << "clients.md P3: seconds options";
}

// Options set on a listening socket reach the sockets it accepts (docs/behaviour.md §2, observed).
TEST_F(SockoptOn, ListenerOptionsAreInheritedByAcceptedSockets) {
  make_hosts("windows-10-22h2");
  HostScope on(*client);
  SOCKET lst = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = address("0.0.0.0", 8080);
  ASSERT_EQ(bind(lst, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(lst, 5), 0);
  ASSERT_EQ(error_of(keepalive_vals(lst, 1, 20'000, 2'000)), 0);
  ASSERT_EQ(error_of(set_opt(lst, IPPROTO_TCP, TCP_KEEPCNT, 2)), 0);
  {
    HostScope srv(*server);
    SOCKET c = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to = address("10.0.0.1", 8080);
    ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  }
  SOCKET s = accept(lst, nullptr, nullptr);
  ASSERT_NE(s, INVALID_SOCKET);
  EXPECT_TRUE(keepalive_on(s)) << "accepted socket inherits keep-alive";
  EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPIDLE), 20);
  EXPECT_EQ(read_opt(s, IPPROTO_TCP, TCP_KEEPCNT), 2);
  const TimePoint accepted = world.now();
  ASSERT_TRUE(world.crash(*server).ok());
  char b;
  EXPECT_EQ(error_of(recv(s, &b, 1, 0)), WSAENETRESET);
  // The passive side's last receipt is the handshake's final ACK, at 3 ms.
  EXPECT_EQ(world.now(), at(3ms + 20s + 2 * 2s)) << "accepted at " << format_time(accepted);
}

// Strict-documentation mode: the documented DWORD rule on a one-byte version.
TEST_F(SockoptOn, StrictDocumentationModeUsesTheDwordRule) {
  make_hosts("windows-10-22h2");
  HostSwitches sw = client->switches();
  sw.strict_documentation = true;
  client->set_switches(sw);
  HostScope on(*client);
  SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1, 1)), WSAEFAULT)
      << "strict mode: optlen must be at least sizeof(DWORD)";
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 1, -1)), WSAEFAULT)
      << "strict mode: -1 is below sizeof(DWORD), not WSAENOBUFS";
  EXPECT_EQ(error_of(set_opt(s, SOL_SOCKET, SO_KEEPALIVE, 0x100)), 0);
  const Got g = get_opt(s, SOL_SOCKET, SO_KEEPALIVE, 8);
  EXPECT_EQ(g.rc, 0);
  EXPECT_EQ(g.value, 1U) << "strict mode: 0x100 is TRUE and the whole BOOL is written";
  EXPECT_EQ(g.len, 4);
  EXPECT_EQ(get_opt(s, SOL_SOCKET, SO_KEEPALIVE, 2).error, WSAEFAULT);
}

}  // namespace
}  // namespace ws2sim::winsock::testing
