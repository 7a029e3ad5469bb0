// IPv6 through Winsock (docs/behaviour.md §16): AF_INET6 sockets with 28-byte sockaddr_in6,
// IPV6_V6ONLY TRUE by default, dual-stack listeners that see IPv4 clients as ::ffff:a.b.c.d,
// an IPv4 and an IPv6 listener sharing a port, keep-alive over IPv6, ::1 on every host, and
// names resolving to IPv6 addresses.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

sockaddr_in6 ipv6_address(const char* ip, u_short port) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(port);
  EXPECT_EQ(inet_pton(AF_INET6, ip, &a.sin6_addr), 1) << ip;
  return a;
}

std::string text(const sockaddr_in6& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, &a.sin6_addr, buf, sizeof buf);
  return "[" + std::string(buf) + "]:" + std::to_string(ntohs(a.sin6_port));
}

class WinsockIpv6 : public EmulatorTest {
 protected:
  void SetUp() override {
    make_hosts("windows-10-22h2");
    ASSERT_TRUE(client->set_ipv6_address("2001:db8::1").ok());
    ASSERT_TRUE(server->set_ipv6_address("2001:db8::2").ok());
  }

  // On the server: an AF_INET6 listener on [::]:port, IPV6_V6ONLY left as it is or cleared.
  SOCKET listen6(u_short port, bool dual_stack) {
    HostScope on(*server);
    SOCKET l = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    if (dual_stack) {
      DWORD off = 0;
      EXPECT_EQ(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<char*>(&off), sizeof off),
                0);
    }
    sockaddr_in6 any = ipv6_address("::", port);
    EXPECT_EQ(bind(l, reinterpret_cast<sockaddr*>(&any), sizeof any), 0) << WSAGetLastError();
    EXPECT_EQ(listen(l, SOMAXCONN), 0);
    return l;
  }

  // On the client: connects a new socket of `family` to `ip`:`port`; 0 or the error.
  static int connect_from_client(int family, const char* ip, u_short port, SOCKET* out) {
    *out = socket(family, SOCK_STREAM, IPPROTO_TCP);
    int rc;
    if (family == AF_INET6) {
      sockaddr_in6 a = ipv6_address(ip, port);
      rc = connect(*out, reinterpret_cast<sockaddr*>(&a), sizeof a);
    } else {
      sockaddr_in a = address(ip, port);
      rc = connect(*out, reinterpret_cast<sockaddr*>(&a), sizeof a);
    }
    return rc == 0 ? 0 : WSAGetLastError();
  }

  // On the server: accepts on `l`, returning the peer as the program saw it.
  std::string accept6(SOCKET l, SOCKET* accepted = nullptr) {
    HostScope on(*server);
    sockaddr_in6 peer{};
    int len = sizeof peer;
    SOCKET a = accept(l, reinterpret_cast<sockaddr*>(&peer), &len);
    EXPECT_NE(a, INVALID_SOCKET) << WSAGetLastError();
    EXPECT_EQ(len, 28);
    EXPECT_EQ(peer.sin6_family, AF_INET6);
    if (accepted != nullptr) {
      *accepted = a;
    }
    return text(peer);
  }
};

TEST_F(WinsockIpv6, TheLayoutsAndTheDefaultAreWindows) {
  EXPECT_EQ(AF_INET6, 23);
  EXPECT_EQ(sizeof(sockaddr_in6), 28U);
  EXPECT_EQ(IPV6_V6ONLY, 27);
  HostScope on(*client);
  SOCKET s = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  DWORD v6only = 7;
  int len = sizeof v6only;
  ASSERT_EQ(getsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<char*>(&v6only), &len), 0);
  EXPECT_EQ(v6only, 1U) << "IPV6_V6ONLY is TRUE by default on Windows";
}

TEST_F(WinsockIpv6, AClientReachesAnIpv6ServerAndBothSeeIpv6Addresses) {
  const SOCKET l = listen6(8443, false);
  SOCKET c;
  {
    HostScope on(*client);
    ASSERT_EQ(connect_from_client(AF_INET6, "2001:db8::2", 8443, &c), 0);
  }
  SOCKET a;
  const std::string peer = accept6(l, &a);
  HostScope on(*client);
  sockaddr_in6 local{};
  int len = sizeof local;
  ASSERT_EQ(getsockname(c, reinterpret_cast<sockaddr*>(&local), &len), 0);
  EXPECT_EQ(len, 28);
  EXPECT_EQ(text(local), peer);
  EXPECT_EQ(peer.rfind("[2001:db8::1]:", 0), 0U) << peer;
  sockaddr_in6 remote{};
  len = sizeof remote;
  ASSERT_EQ(getpeername(c, reinterpret_cast<sockaddr*>(&remote), &len), 0);
  EXPECT_EQ(text(remote), "[2001:db8::2]:8443");
  ASSERT_EQ(send(c, "six", 3, 0), 3);
  HostScope srv(*server);
  char buf[4] = {};
  ASSERT_EQ(recv(a, buf, sizeof buf, 0), 3);
  EXPECT_STREQ(buf, "six");
  len = sizeof(sockaddr_in);  // too small for an IPv6 address
  EXPECT_EQ(getsockname(a, reinterpret_cast<sockaddr*>(&local), &len), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
}

TEST_F(WinsockIpv6, AnIpv6OnlyListenerRefusesIpv4ClientsByDefault) {
  (void)listen6(8443, false);
  HostScope on(*client);
  SOCKET c;
  EXPECT_EQ(connect_from_client(AF_INET, "10.0.0.2", 8443, &c), WSAECONNREFUSED);
}

TEST_F(WinsockIpv6, ADualStackListenerSeesIpv4ClientsAsMappedAddresses) {
  const SOCKET l = listen6(8443, true);
  SOCKET c4;
  SOCKET c6;
  {
    HostScope on(*client);
    ASSERT_EQ(connect_from_client(AF_INET, "10.0.0.2", 8443, &c4), 0);
    ASSERT_EQ(connect_from_client(AF_INET6, "2001:db8::2", 8443, &c6), 0);
  }
  SOCKET a;
  EXPECT_EQ(accept6(l, &a).rfind("[::ffff:10.0.0.1]:", 0), 0U);
  EXPECT_EQ(accept6(l).rfind("[2001:db8::1]:", 0), 0U);
  HostScope on(*server);
  sockaddr_in6 local{};
  int len = sizeof local;
  ASSERT_EQ(getsockname(a, reinterpret_cast<sockaddr*>(&local), &len), 0);
  EXPECT_EQ(text(local), "[::ffff:10.0.0.2]:8443");
}

TEST_F(WinsockIpv6, ADualStackClientReachesIpv4ThroughAMappedAddress) {
  HostScope on(*client);
  SOCKET s = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  DWORD off = 0;
  ASSERT_EQ(setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<char*>(&off), sizeof off), 0);
  sockaddr_in6 mapped = ipv6_address("::ffff:10.0.0.2", 443);  // the fixture's IPv4 listener
  ASSERT_EQ(connect(s, reinterpret_cast<sockaddr*>(&mapped), sizeof mapped), 0)
      << WSAGetLastError();
  sockaddr_in6 local{};
  int len = sizeof local;
  ASSERT_EQ(getsockname(s, reinterpret_cast<sockaddr*>(&local), &len), 0);
  EXPECT_EQ(text(local).rfind("[::ffff:10.0.0.1]:", 0), 0U) << text(local);
  // Without clearing IPV6_V6ONLY a mapped address reaches nothing.
  SOCKET only6 = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  EXPECT_EQ(connect(only6, reinterpret_cast<sockaddr*>(&mapped), sizeof mapped), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENETUNREACH);
}

TEST_F(WinsockIpv6, AnIpv4AndAnIpv6ListenerShareAPortButADualStackOneDoesNot) {
  HostScope on(*server);
  // The fixture's IPv4 listener holds 0.0.0.0:443.
  SOCKET six = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in6 any = ipv6_address("::", 443);
  EXPECT_EQ(bind(six, reinterpret_cast<sockaddr*>(&any), sizeof any), 0) << WSAGetLastError();
  SOCKET dual = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  DWORD off = 0;
  ASSERT_EQ(setsockopt(dual, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<char*>(&off), sizeof off),
            0);
  sockaddr_in6 any444 = ipv6_address("::", 444);
  EXPECT_EQ(bind(dual, reinterpret_cast<sockaddr*>(&any444), sizeof any444), 0);
  SOCKET four = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in a444 = address("0.0.0.0", 444);
  EXPECT_EQ(bind(four, reinterpret_cast<sockaddr*>(&a444), sizeof a444), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEADDRINUSE) << "the dual-stack socket holds IPv4's 444 too";
}

TEST_F(WinsockIpv6, KeepAliveDetectsADeadIpv6PeerAtTheSameInstantAsOverIpv4) {
  const SOCKET l = listen6(8443, false);
  HostScope on(*client);
  SOCKET c = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  ASSERT_EQ(set_keepalive_vals(c, 10'000, 1'000), 0);
  sockaddr_in6 to = ipv6_address("2001:db8::2", 8443);
  ASSERT_EQ(connect(c, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  const TimePoint established = world.now();
  (void)accept6(l);
  ASSERT_TRUE(world.crash(*server).ok());
  char b = 0;
  EXPECT_EQ(recv(c, &b, 1, 0), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAENETRESET);
  // Windows 10: ten probes a second apart after 10 s idle.
  EXPECT_EQ(world.now(), established + 10s + 10 * 1s);
}

TEST_F(WinsockIpv6, Ipv6LoopbackWorksOnAHostWithoutAnIpv6Address) {
  Host& plain = world.add_host("plain", "windows-11", "10.0.0.3").value().get();
  HostScope on(plain);
  WSADATA data;
  ASSERT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
  SOCKET l = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in6 loop = ipv6_address("::1", 9000);
  ASSERT_EQ(bind(l, reinterpret_cast<sockaddr*>(&loop), sizeof loop), 0) << WSAGetLastError();
  ASSERT_EQ(listen(l, 1), 0);
  SOCKET c;
  ASSERT_EQ(connect_from_client(AF_INET6, "::1", 9000, &c), 0);
  EXPECT_EQ(connect_from_client(AF_INET6, "2001:db8::2", 8443, &c), WSAENETUNREACH)
      << "no IPv6 address to send from";
  sockaddr_in6 other = ipv6_address("2001:db8::2", 0);
  SOCKET t = socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP);
  EXPECT_EQ(bind(t, reinterpret_cast<sockaddr*>(&other), sizeof other), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEADDRNOTAVAIL);
  sockaddr_in v4 = address("0.0.0.0", 0);
  EXPECT_EQ(bind(t, reinterpret_cast<sockaddr*>(&v4), sizeof v4), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT) << "shorter than a sockaddr_in6";
}

TEST_F(WinsockIpv6, NamesResolveToIpv6FirstWhenTheCallerHasIpv6) {
  Host& plain = world.add_host("plain", "windows-11", "10.0.0.3").value().get();
  auto lookup = [&](Host& from) {
    HostScope on(from);
    WSADATA data;
    EXPECT_EQ(WSAStartup(MAKEWORD(2, 2), &data), 0);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    EXPECT_EQ(getaddrinfo("server", "443", &hints, &found), 0);
    std::vector<std::string> out;
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      char host[NI_MAXHOST] = {};
      char name[NI_MAXHOST] = {};
      EXPECT_EQ(getnameinfo(a->ai_addr, static_cast<socklen_t>(a->ai_addrlen), host, sizeof host,
                            nullptr, 0, NI_NUMERICHOST),
                0);
      EXPECT_EQ(getnameinfo(a->ai_addr, static_cast<socklen_t>(a->ai_addrlen), name, sizeof name,
                            nullptr, 0, NI_NAMEREQD),
                0);
      out.push_back(std::string(host) + "=" + name);
    }
    freeaddrinfo(found);
    return out;
  };
  EXPECT_EQ(lookup(*client), (std::vector<std::string>{"2001:db8::2=server", "10.0.0.2=server"}));
  EXPECT_EQ(lookup(plain), (std::vector<std::string>{"10.0.0.2=server", "2001:db8::2=server"}));
}

TEST_F(WinsockIpv6, TheControlApiRefusesWhatCannotBeAHostsIpv6Address) {
  EXPECT_FALSE(client->set_ipv6_address("10.0.0.1").ok());
  EXPECT_FALSE(client->set_ipv6_address("::1").ok());
  EXPECT_FALSE(client->set_ipv6_address("2001:db8::2").ok()) << "the server's";
  Host& plain = world.add_host("plain", "windows-11", "10.0.0.3").value().get();
  const Status s = plain.set_ipv6_address("2001:db8::1");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("belongs to host 'client'"), std::string::npos);
  EXPECT_FALSE(plain.ipv6_address().has_value());
  EXPECT_EQ(client->ipv6_address(), Ipv6Address::parse("2001:db8::1"));
}

// 2000/XP/2003 as installed have no IPv6 stack (Profile::ipv6, docs/behaviour.md §16): no
// AF_INET6 sockets, IPv4-only answers (localhost is 127.0.0.1 alone), AF_INET6 an unknown
// family to getaddrinfo and getnameinfo, and no IPv6 address for the host.
class WinsockWithoutIpv6 : public EmulatorTest,
                           public ::testing::WithParamInterface<const char*> {};

TEST_P(WinsockWithoutIpv6, HasNoAf_Inet6AndResolvesToIpv4Alone) {
  make_hosts(GetParam());
  const Status s = client->set_ipv6_address("2001:db8::1");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("has no IPv6 stack"), std::string::npos) << s.error().message;
  EXPECT_FALSE(client->ipv6_address().has_value());
  ASSERT_TRUE(server->set_ipv6_address("2001:db8::2").ok());  // Server 2022 has one

  HostScope on(*client);
  EXPECT_EQ(socket(AF_INET6, SOCK_STREAM, IPPROTO_TCP), INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  EXPECT_EQ(WSASocketW(AF_INET6, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED),
            INVALID_SOCKET);
  EXPECT_EQ(WSAGetLastError(), WSAEAFNOSUPPORT);
  const SOCKET v4 = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  EXPECT_NE(v4, INVALID_SOCKET);
  closesocket(v4);

  auto answers = [](const char* node, int family, int* rc) {
    addrinfo hints{};
    hints.ai_family = family;
    addrinfo* found = nullptr;
    *rc = getaddrinfo(node, "443", &hints, &found);
    std::vector<int> families;
    for (addrinfo* a = found; a != nullptr; a = a->ai_next)
      families.push_back(a->ai_family);
    freeaddrinfo(found);
    return families;
  };
  int rc = -1;
  EXPECT_EQ(answers("localhost", AF_UNSPEC, &rc), std::vector<int>{AF_INET});
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(answers("server", AF_UNSPEC, &rc), std::vector<int>{AF_INET}) << "its IPv6 unused";
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(answers(nullptr, AF_UNSPEC, &rc), std::vector<int>{AF_INET});
  EXPECT_TRUE(answers("localhost", AF_INET6, &rc).empty());
  EXPECT_EQ(rc, EAI_FAMILY);
  EXPECT_TRUE(answers("::1", AF_UNSPEC, &rc).empty());
  EXPECT_EQ(rc, EAI_NONAME);

  sockaddr_in6 six = ipv6_address("2001:db8::2", 443);
  char host[NI_MAXHOST] = {};
  EXPECT_EQ(getnameinfo(reinterpret_cast<sockaddr*>(&six), sizeof six, host, sizeof host, nullptr,
                        0, NI_NUMERICHOST),
            EAI_FAMILY);
}

INSTANTIATE_TEST_SUITE_P(Nt5, WinsockWithoutIpv6,
                         ::testing::Values("windows-2000", "windows-xp", "windows-server-2003"));

}  // namespace
}  // namespace ws2sim::winsock::testing
