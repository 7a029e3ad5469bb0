// Name resolution from the world (docs/names.md): getaddrinfo's flags, families and errors,
// getnameinfo, gethostbyname & co., WSAAddressToString/WSAStringToAddress, and the control
// API's aliases and resolver faults.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {
namespace {

class Names : public EmulatorTest {
 protected:
  void SetUp() override { make_hosts("windows-10-22h2"); }

  // getaddrinfo on the client; the addresses and ports of the results, "a.b.c.d:p" each.
  std::vector<std::string> resolve(const char* node, const char* service, int family = AF_UNSPEC,
                                   int flags = 0, int* error = nullptr) {
    HostScope on(*client);
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags;
    addrinfo* found = nullptr;
    const int rc = getaddrinfo(node, service, &hints, &found);
    if (error != nullptr) *error = rc;
    std::vector<std::string> out;
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      char text[64] = {};
      DWORD size = sizeof text;
      EXPECT_EQ(
          WSAAddressToStringA(a->ai_addr, static_cast<DWORD>(a->ai_addrlen), nullptr, text, &size),
          0);
      out.push_back(text);
    }
    freeaddrinfo(found);
    return out;
  }
};

TEST_F(Names, TheLayoutIsWindowsNotGlibc) {
  EXPECT_EQ(offsetof(addrinfo, ai_addrlen), 16U);
  EXPECT_EQ(offsetof(addrinfo, ai_canonname), 24U);
  EXPECT_EQ(offsetof(addrinfo, ai_addr), 32U);
  EXPECT_EQ(offsetof(addrinfo, ai_next), 40U);
  EXPECT_EQ(sizeof(addrinfo), 48U);
  EXPECT_EQ(sizeof(hostent), 32U);
  EXPECT_EQ(EAI_NONAME, 11001);
  EXPECT_EQ(EAI_NODATA, EAI_NONAME);
  EXPECT_EQ(EAI_AGAIN, 11002);
  EXPECT_EQ(EAI_FAIL, 11003);
  EXPECT_EQ(EAI_SERVICE, 10109);
}

TEST_F(Names, HostNamesAliasesLocalhostAndNumbersResolve) {
  EXPECT_EQ(resolve("server", "443"), std::vector<std::string>{"10.0.0.2:443"});
  EXPECT_EQ(resolve("Server.", "https"), std::vector<std::string>{"10.0.0.2:443"});
  EXPECT_EQ(resolve("client", "80"), std::vector<std::string>{"10.0.0.1:80"});
  // Every host has ::1: localhost answers IPv6 first, as on Windows (docs/names.md).
  EXPECT_EQ(resolve("LocalHost", "80"), (std::vector<std::string>{"[::1]:80", "127.0.0.1:80"}));
  EXPECT_EQ(resolve("192.0.2.7", "0"), std::vector<std::string>{"192.0.2.7"});
  ASSERT_TRUE(server->add_alias("db.example").ok());
  EXPECT_EQ(resolve("DB.example", "5432"), std::vector<std::string>{"10.0.0.2:5432"});
}

TEST_F(Names, ANullNodeIsTheWildcardWhenPassiveAndLoopbackOtherwise) {
  EXPECT_EQ(resolve(nullptr, "27015", AF_INET, AI_PASSIVE),
            std::vector<std::string>{"0.0.0.0:27015"});
  EXPECT_EQ(resolve(nullptr, "27015", AF_INET), std::vector<std::string>{"127.0.0.1:27015"});
}

TEST_F(Names, ErrorsAreWindowsCodesAndTheLastError) {
  int error = 0;
  EXPECT_TRUE(resolve("nowhere", "80", AF_UNSPEC, 0, &error).empty());
  EXPECT_EQ(error, WSAHOST_NOT_FOUND);
  {
    HostScope on(*client);
    EXPECT_EQ(WSAGetLastError(), WSAHOST_NOT_FOUND);
  }
  resolve("server", "no-such-service", AF_UNSPEC, 0, &error);
  EXPECT_EQ(error, WSATYPE_NOT_FOUND);
  resolve("server", "http", AF_UNSPEC, AI_NUMERICSERV, &error);
  EXPECT_EQ(error, WSAHOST_NOT_FOUND);
  resolve("server", "80", AF_UNSPEC, AI_NUMERICHOST, &error);
  EXPECT_EQ(error, WSAHOST_NOT_FOUND) << "AI_NUMERICHOST never consults names";
  resolve("server", "80", 99, 0, &error);
  EXPECT_EQ(error, WSAEAFNOSUPPORT);
  resolve("server", "80", AF_INET6, 0, &error);
  EXPECT_EQ(error, WSAHOST_NOT_FOUND) << "no IPv6 address";
  resolve(nullptr, nullptr, AF_UNSPEC, 0, &error);
  EXPECT_EQ(error, WSAHOST_NOT_FOUND);
  resolve("server", "80", AF_UNSPEC, 0x40000000, &error);
  EXPECT_EQ(error, WSAEINVAL);
}

TEST_F(Names, WithoutWsaStartupGetaddrinfoAndGethostbynameAreNotInitialised) {
  World other{2};
  Host& h = other.add_host("h", "windows-10-22h2", "10.0.0.9").value();
  HostScope on(h);
  addrinfo* found = nullptr;
  EXPECT_EQ(getaddrinfo("h", "80", nullptr, &found), WSANOTINITIALISED);
  EXPECT_EQ(gethostbyname("h"), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSANOTINITIALISED);
}

TEST_F(Names, ResultsEchoTheHintsAndCarryTheCanonicalNameWhenAsked) {
  HostScope on(*client);
  ASSERT_TRUE(server->add_alias("www.example").ok());
  addrinfo hints{};
  hints.ai_flags = AI_CANONNAME;
  addrinfo* found = nullptr;
  ASSERT_EQ(getaddrinfo("WWW.example", nullptr, &hints, &found), 0);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->ai_socktype, 0) << "0 stays 0, unlike glibc";
  EXPECT_EQ(found->ai_protocol, 0);
  EXPECT_EQ(found->ai_family, AF_INET);
  EXPECT_EQ(found->ai_addrlen, sizeof(sockaddr_in));
  ASSERT_NE(found->ai_canonname, nullptr);
  EXPECT_STREQ(found->ai_canonname, "server");
  EXPECT_EQ(found->ai_next, nullptr);
  freeaddrinfo(found);
  freeaddrinfo(nullptr);
}

TEST_F(Names, TheWideFormsAgreeWithTheNarrowOnes) {
  HostScope on(*client);
  ADDRINFOW hints{};
  hints.ai_flags = AI_CANONNAME;
  hints.ai_family = AF_INET;
  ADDRINFOW* found = nullptr;
  ASSERT_EQ(GetAddrInfoW(L"server", L"8080", &hints, &found), 0);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(std::wstring(found->ai_canonname), L"server");
  const auto* sin = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
  EXPECT_EQ(ntohs(sin->sin_port), 8080);
  WCHAR host[NI_MAXHOST];
  WCHAR serv[NI_MAXSERV];
  ASSERT_EQ(GetNameInfoW(found->ai_addr, static_cast<socklen_t>(found->ai_addrlen), host,
                         NI_MAXHOST, serv, NI_MAXSERV, 0),
            0);
  EXPECT_EQ(std::wstring(host), L"server");
  EXPECT_EQ(std::wstring(serv), L"http-alt");
  FreeAddrInfoW(found);
}

TEST_F(Names, GetnameinfoNamesTheWorldsHostsOrGivesNumbers) {
  HostScope on(*client);
  sockaddr_in a = address("10.0.0.2", 443);
  char host[NI_MAXHOST];
  char serv[NI_MAXSERV];
  ASSERT_EQ(getnameinfo(reinterpret_cast<sockaddr*>(&a), sizeof a, host, sizeof host, serv,
                        sizeof serv, 0),
            0);
  EXPECT_STREQ(host, "server");
  EXPECT_STREQ(serv, "https");
  ASSERT_EQ(getnameinfo(reinterpret_cast<sockaddr*>(&a), sizeof a, host, sizeof host, serv,
                        sizeof serv, NI_NUMERICHOST | NI_NUMERICSERV),
            0);
  EXPECT_STREQ(host, "10.0.0.2");
  EXPECT_STREQ(serv, "443");
  sockaddr_in stranger = address("192.0.2.1", 1);
  ASSERT_EQ(getnameinfo(reinterpret_cast<sockaddr*>(&stranger), sizeof stranger, host, sizeof host,
                        nullptr, 0, 0),
            0);
  EXPECT_STREQ(host, "192.0.2.1");
  EXPECT_EQ(getnameinfo(reinterpret_cast<sockaddr*>(&stranger), sizeof stranger, host, sizeof host,
                        nullptr, 0, NI_NAMEREQD),
            WSAHOST_NOT_FOUND);
  char tiny[3];
  EXPECT_EQ(getnameinfo(reinterpret_cast<sockaddr*>(&a), sizeof a, tiny, sizeof tiny, nullptr, 0,
                        NI_NUMERICHOST),
            WSAEFAULT);
}

TEST_F(Names, GethostbynameAndGethostnameAnswerFromTheWorld) {
  HostScope on(*client);
  ASSERT_TRUE(server->add_alias("files").ok());
  hostent* e = gethostbyname("FILES");
  ASSERT_NE(e, nullptr);
  EXPECT_STREQ(e->h_name, "server");
  ASSERT_NE(e->h_aliases[0], nullptr);
  EXPECT_STREQ(e->h_aliases[0], "files");
  EXPECT_EQ(e->h_addrtype, AF_INET);
  EXPECT_EQ(e->h_length, 4);
  in_addr first;
  std::memcpy(&first, e->h_addr, 4);
  EXPECT_STREQ(inet_ntoa(first), "10.0.0.2");
  EXPECT_EQ(e->h_addr_list[1], nullptr);
  EXPECT_EQ(gethostbyname("nowhere"), nullptr);
  EXPECT_EQ(WSAGetLastError(), WSAHOST_NOT_FOUND);
  EXPECT_EQ(h_errno, HOST_NOT_FOUND);

  char name[64];
  ASSERT_EQ(gethostname(name, sizeof name), 0);
  EXPECT_STREQ(name, "client");
  EXPECT_EQ(gethostname(name, 3), SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);

  const char raw[4] = {10, 0, 0, 2};
  hostent* r = gethostbyaddr(raw, 4, AF_INET);
  ASSERT_NE(r, nullptr);
  EXPECT_STREQ(r->h_name, "server");
  servent* s = getservbyname("https", "tcp");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(ntohs(static_cast<u_short>(s->s_port)), 443);
  EXPECT_STREQ(getservbyport(htons(22), nullptr)->s_name, "ssh");
}

TEST_F(Names, AddressStringsBothWays) {
  HostScope on(*client);
  sockaddr_in a{};
  INT len = sizeof a;
  char text[] = "10.0.0.2:8080";
  ASSERT_EQ(WSAStringToAddressA(text, AF_INET, nullptr, reinterpret_cast<sockaddr*>(&a), &len), 0);
  EXPECT_EQ(ntohs(a.sin_port), 8080);
  EXPECT_EQ(len, static_cast<INT>(sizeof(sockaddr_in)));
  char out[8];
  DWORD out_len = sizeof out;
  EXPECT_EQ(WSAAddressToStringA(reinterpret_cast<sockaddr*>(&a), sizeof a, nullptr, out, &out_len),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEFAULT);
  EXPECT_EQ(out_len, 14U) << "the length it needs, with the NUL";
  char bad[] = "10.0.0.300";
  EXPECT_EQ(WSAStringToAddressA(bad, AF_INET, nullptr, reinterpret_cast<sockaddr*>(&a), &len),
            SOCKET_ERROR);
  EXPECT_EQ(WSAGetLastError(), WSAEINVAL);
  sockaddr_in6 six{};
  len = sizeof six;
  char v6[] = "[::1]:443";
  ASSERT_EQ(WSAStringToAddressA(v6, AF_INET6, nullptr, reinterpret_cast<sockaddr*>(&six), &len), 0);
  char back[INET6_ADDRSTRLEN + 8];
  DWORD back_len = sizeof back;
  ASSERT_EQ(
      WSAAddressToStringA(reinterpret_cast<sockaddr*>(&six), sizeof six, nullptr, back, &back_len),
      0);
  EXPECT_STREQ(back, "[::1]:443");
}

TEST_F(Names, AliasesAreCheckedAndUnique) {
  EXPECT_FALSE(server->add_alias("").ok());
  EXPECT_FALSE(server->add_alias("has space").ok());
  EXPECT_FALSE(server->add_alias("localhost").ok());
  EXPECT_FALSE(server->add_alias("10.1.2.3").ok());
  EXPECT_FALSE(server->add_alias("CLIENT").ok()) << "the other host's name, in another case";
  ASSERT_TRUE(server->add_alias("api").ok());
  const Status again = client->add_alias("Api");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("case-insensitive"), std::string::npos);
  EXPECT_EQ(server->aliases(), std::vector<std::string>{"api"});
  EXPECT_FALSE(world.add_host("SERVER", "windows-10-22h2", "10.0.0.7").ok());
}

TEST_F(Names, AResolverOutageFailsNamesButNotNumbersOrLocalhost) {
  client->set_resolver({.delay = 2s, .answer = ResolverAnswer::kNoRecovery});
  int error = 0;
  resolve("server", "80", AF_UNSPEC, 0, &error);
  EXPECT_EQ(error, WSANO_RECOVERY);
  EXPECT_EQ(world.now(), at(2s)) << "the lookup waited for the resolver";
  EXPECT_EQ(resolve("10.0.0.2", "80"), std::vector<std::string>{"10.0.0.2:80"});
  EXPECT_EQ(resolve("localhost", "80"), (std::vector<std::string>{"[::1]:80", "127.0.0.1:80"}));
  EXPECT_EQ(world.now(), at(2s)) << "numbers and localhost never wait";
}

}  // namespace
// GetAddrInfoExW, synchronous (docs/names.md): the same answers as getaddrinfo in ADDRINFOEXW
// nodes with a wide canonical name; asynchronous use and other name spaces are refused.
TEST_F(Names, GetAddrInfoExAnswersLikeGetaddrinfoWhenSynchronous) {
  HostScope on(*client);
  ADDRINFOEXW hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_CANONNAME;
  PADDRINFOEXW found = nullptr;
  ASSERT_EQ(GetAddrInfoExW(L"SERVER", L"https", NS_ALL, nullptr, &hints, &found, nullptr, nullptr,
                           nullptr, nullptr),
            0);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->ai_next, nullptr);
  EXPECT_EQ(std::wstring(found->ai_canonname), L"server");
  EXPECT_EQ(found->ai_blob, nullptr);
  EXPECT_EQ(found->ai_provider, nullptr);
  char text[64] = {};
  DWORD size = sizeof text;
  ASSERT_EQ(WSAAddressToStringA(found->ai_addr, static_cast<DWORD>(found->ai_addrlen), nullptr,
                                text, &size),
            0);
  EXPECT_STREQ(text, "10.0.0.2:443");
  FreeAddrInfoExW(found);

  PADDRINFOEXA narrow = nullptr;
  ASSERT_EQ(GetAddrInfoExA("localhost", "80", NS_DNS, nullptr, nullptr, &narrow, nullptr, nullptr,
                           nullptr, nullptr),
            0);
  ASSERT_NE(narrow, nullptr);
  EXPECT_EQ(narrow->ai_family, AF_INET6) << "::1 first";
  ASSERT_NE(narrow->ai_next, nullptr);
  EXPECT_EQ(narrow->ai_next->ai_family, AF_INET);
  FreeAddrInfoEx(narrow);

  OVERLAPPED overlapped{};
  found = nullptr;
  EXPECT_EQ(GetAddrInfoExW(L"server", L"443", NS_ALL, nullptr, nullptr, &found, nullptr,
                           &overlapped, nullptr, nullptr),
            WSAEOPNOTSUPP);
  EXPECT_EQ(WSAGetLastError(), WSAEOPNOTSUPP) << "asynchronous lookups are not emulated";
  EXPECT_EQ(found, nullptr);
  EXPECT_EQ(GetAddrInfoExW(L"server", L"443", 15 /* NS_NLA */, nullptr, nullptr, &found, nullptr,
                           nullptr, nullptr, nullptr),
            WSAEINVAL);
  EXPECT_EQ(GetAddrInfoExW(L"nowhere", L"443", NS_ALL, nullptr, nullptr, &found, nullptr, nullptr,
                           nullptr, nullptr),
            WSAHOST_NOT_FOUND);
  ADDRINFOEXW bad{};
  bad.ai_bloblen = 4;
  EXPECT_EQ(GetAddrInfoExW(L"server", L"443", NS_ALL, nullptr, &bad, &found, nullptr, nullptr,
                           nullptr, nullptr),
            WSAEINVAL);
}

}  // namespace ws2sim::winsock::testing
