// Name resolution from the world (docs/names.md): getaddrinfo/GetAddrInfoW/freeaddrinfo,
// getnameinfo/GetNameInfoW, gai_strerror, gethostbyname/gethostbyaddr/gethostname,
// getservbyname/getservbyport. Names are the world's host names and aliases (core/names.h);
// "localhost" and numeric addresses never reach the host's resolver, names do, and wait for
// its delay in virtual time or get its outage (Host::set_resolver).
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "core/call.h"
#include "core/host_state.h"
#include "core/names.h"
#include "core/sockaddr.h"
#include "rules/inet_text.h"
// The drop-in headers after ours, as a Windows program sees them.
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

// The services programs name, TCP ports (Windows' services file, the ones clients use).
struct Service {
  const char* name;
  int port;
};
constexpr Service kServices[] = {
    {"echo", 7},         {"discard", 9},  {"daytime", 13}, {"ftp-data", 20},
    {"ftp", 21},         {"ssh", 22},     {"telnet", 23},  {"smtp", 25},
    {"time", 37},        {"domain", 53},  {"http", 80},    {"www", 80},
    {"kerberos", 88},    {"pop3", 110},   {"nntp", 119},   {"ntp", 123},
    {"imap", 143},       {"ldap", 389},   {"https", 443},  {"smb", 445},
    {"submission", 587}, {"ldaps", 636},  {"imaps", 993},  {"pop3s", 995},
    {"ms-sql-s", 1433},  {"mysql", 3306}, {"rdp", 3389},   {"postgresql", 5432},
    {"http-alt", 8080},
};

std::optional<int> service_port(const char* name) {
  for (const Service& s : kServices) {
    if (strcasecmp(s.name, name) == 0) {
      return s.port;
    }
  }
  return std::nullopt;
}

const char* service_name(int port) {
  for (const Service& s : kServices) {
    if (s.port == port) {
      return s.name;
    }
  }
  return nullptr;
}

// A decimal port 0-65535, nothing else.
std::optional<int> numeric_port(const char* text) {
  if (*text == '\0' || std::strlen(text) > 5) {
    return std::nullopt;
  }
  int v = 0;
  for (const char* p = text; *p != '\0'; ++p) {
    if (*p < '0' || *p > '9') {
      return std::nullopt;
    }
    v = v * 10 + (*p - '0');
  }
  return v <= 65535 ? std::optional<int>(v) : std::nullopt;
}

// ipv4_from_bytes — an IPv4 address from its four bytes in network order.
Ipv4Address ipv4_from_bytes(const std::uint8_t* b) {
  return Ipv4Address{(std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) |
                     (std::uint32_t{b[2]} << 8) | b[3]};
}

// ipv6_of — the IPv6 address of host `h`, if it has one (docs/behaviour.md §16).
std::optional<Ipv6Address> ipv6_of(Call& call, const Host::State& h) {
  return call.world().model.network().ipv6_address(h.id);
}

// host_answers — the addresses of host `h` for a lookup from the calling host, in the order
// Windows' default address selection (RFC 6724) puts them: IPv6 first when the caller has an
// IPv6 address to use it from, else IPv4 first (docs/names.md). Every host has ::1, so its own
// loopback and wildcard answers put IPv6 first.
std::vector<IpAddress> host_answers(Call& call, const IpAddress& v4, std::optional<IpAddress> v6) {
  std::vector<IpAddress> out{v4};
  if (v6) {
    const bool caller_has_ipv6 =
        v6->is_loopback() || v6->is_unspecified() || ipv6_of(call, call.host()).has_value();
    out.insert(caller_has_ipv6 ? out.begin() : out.end(), *v6);
  }
  return out;
}

// host_at — the host a reverse lookup names: the calling host for a loopback address
// (docs/names.md), else the world's host with that address (the model's index), or nullptr.
const Host::State* host_at(Call& call, const IpAddress& a) {
  if (a.is_loopback()) {
    return &call.host();
  }
  const std::optional<HostId> id = call.world().model.network().host_at(a);
  return id && id->value < call.world().hosts.size() ? &call.world().hosts[id->value]->state()
                                                     : nullptr;
}

// What a lookup of a name found: the canonical name and the addresses, or a Winsock error.
struct Lookup {
  int error = 0;
  std::string canonical;
  std::vector<IpAddress> answers;
};

// Resolves `node` (never null here) on the calling host. A name waits for the host's resolver
// (its delay, in virtual time) and may get its outage; numbers and "localhost" do not.
Lookup resolve_node(Call& call, const char* node, bool numeric_only) {
  Lookup out;
  std::uint8_t bytes[16] = {};
  if (parse_ipv4(node, bytes)) {
    out.canonical = node;
    out.answers.push_back(ipv4_from_bytes(bytes));
    return out;
  }
  Ipv6Address numeric6;
  if (parse_ipv6(node, numeric6.bytes.data())) {
    out.canonical = node;
    out.answers.push_back(numeric6);
    return out;
  }
  if (numeric_only) {
    out.error = WSAHOST_NOT_FOUND;
    return out;
  }
  if (lower_name(node) == "localhost") {
    out.canonical = "localhost";
    out.answers = host_answers(call, Ipv4Address::loopback(), Ipv6Address::loopback());
    return out;
  }
  const Resolver resolver = call.host().resolver;
  if (resolver.delay > Duration::zero()) {
    (void)call.wait([] { return false; }, call.now() + resolver.delay, nullptr,
                    {"getaddrinfo", WaitKind::kNothing, 0, {}});
  }
  switch (resolver.answer) {
    case ResolverAnswer::kTryAgain:
      out.error = WSATRY_AGAIN;
      return out;
    case ResolverAnswer::kNoRecovery:
      out.error = WSANO_RECOVERY;
      return out;
    case ResolverAnswer::kAnswers:
      break;
  }
  const Host::State* h = find_name(call.world(), node);
  if (h == nullptr) {
    out.error = WSAHOST_NOT_FOUND;
    return out;
  }
  out.canonical = h->name;
  const std::optional<Ipv6Address> v6 = ipv6_of(call, *h);
  out.answers = host_answers(call, h->address, v6 ? std::optional<IpAddress>{*v6} : std::nullopt);
  return out;
}

// One result node: the addrinfo, its address and its canonical name in one allocation, so
// freeaddrinfo frees each node with one free().
struct Node {
  ADDRINFOA info;
  sockaddr_storage address;
  char name[1];  // the canonical name, when asked for, runs on from here
};

constexpr int kKnownFlags = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_NUMERICSERV |
                            AI_DNS_ONLY | AI_ALL | AI_ADDRCONFIG | AI_V4MAPPED |
                            AI_NON_AUTHORITATIVE | AI_SECURE | AI_RETURN_PREFERRED_NAMES | AI_FQDN |
                            AI_FILESERVER;

int gai_fail(int error) {
  thread_state().last_error = error;
  return error;
}

// getaddrinfo's work, shared by the A and W forms: the result chain or an error.
int get_addr_info(const char* node, const char* service, const ADDRINFOA* hints,
                  PADDRINFOA* result) {
  auto call = Call::winsock();
  if (!call) {
    return WSAGetLastError();
  }
  if (result == nullptr) {
    return gai_fail(WSAEINVAL);
  }
  *result = nullptr;
  const int flags = hints != nullptr ? hints->ai_flags : 0;
  const int family = hints != nullptr ? hints->ai_family : AF_UNSPEC;
  const int socktype = hints != nullptr ? hints->ai_socktype : 0;
  const int protocol = hints != nullptr ? hints->ai_protocol : 0;
  if (hints != nullptr && (hints->ai_addrlen != 0 || hints->ai_canonname != nullptr ||
                           hints->ai_addr != nullptr || hints->ai_next != nullptr)) {
    return gai_fail(WSAEINVAL);
  }
  if ((flags & ~kKnownFlags) != 0 || ((flags & AI_CANONNAME) != 0 && node == nullptr)) {
    return gai_fail(EAI_BADFLAGS);
  }
  // Without an IPv6 stack (docs/behaviour.md §16) AF_INET6 is an unknown family and lookups
  // answer IPv4 alone.
  const bool ipv6 = call->host().profile->ipv6.value;
  if (family != AF_UNSPEC && family != AF_INET && (family != AF_INET6 || !ipv6)) {
    return gai_fail(EAI_FAMILY);
  }
  if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM && socktype != SOCK_RAW) {
    return gai_fail(EAI_SOCKTYPE);
  }
  if (node == nullptr && service == nullptr) {
    return gai_fail(EAI_NONAME);
  }
  int port = 0;
  if (service != nullptr && *service != '\0') {
    if (const auto n = numeric_port(service)) {
      port = *n;
    } else if ((flags & AI_NUMERICSERV) != 0) {
      return gai_fail(EAI_NONAME);
    } else if (const auto p = service_port(service)) {
      port = *p;
    } else {
      return gai_fail(EAI_SERVICE);
    }
  }
  Lookup found;
  if (node == nullptr) {  // this host: the wildcards to bind, or loopback to connect to
    found.answers = (flags & AI_PASSIVE) != 0
                        ? host_answers(*call, Ipv4Address{}, Ipv6Address{})
                        : host_answers(*call, Ipv4Address::loopback(), Ipv6Address::loopback());
  } else {
    found = resolve_node(*call, node, (flags & AI_NUMERICHOST) != 0);
    if (found.error != 0) {
      return gai_fail(found.error);
    }
  }
  std::vector<IpAddress> kept;
  for (const IpAddress& a : found.answers) {
    if ((family == AF_UNSPEC || family == (a.is_ipv6() ? AF_INET6 : AF_INET)) &&
        (ipv6 || !a.is_ipv6())) {
      kept.push_back(a);
    }
  }
  if (kept.empty()) {
    return gai_fail(EAI_NONAME);
  }
  PADDRINFOA head = nullptr;
  PADDRINFOA* tail = &head;
  for (std::size_t i = 0; i < kept.size(); ++i) {
    const bool named = i == 0 && (flags & AI_CANONNAME) != 0;
    const std::size_t size = sizeof(Node) + (named ? found.canonical.size() : 0);
    auto* n = static_cast<Node*>(std::calloc(1, size));
    if (n == nullptr) {
      freeaddrinfo(head);
      return gai_fail(EAI_MEMORY);
    }
    n->info.ai_family = kept[i].is_ipv6() ? AF_INET6 : AF_INET;
    n->info.ai_socktype = socktype;  // echoed as given: 0 stays 0 (docs/names.md)
    n->info.ai_protocol = protocol;
    n->info.ai_addrlen = static_cast<size_t>(
        store_address(SocketAddress{kept[i], static_cast<std::uint16_t>(port)}, &n->address));
    n->info.ai_addr = reinterpret_cast<sockaddr*>(&n->address);
    if (named) {
      std::memcpy(n->name, found.canonical.c_str(), found.canonical.size() + 1);
      n->info.ai_canonname = n->name;
    }
    *tail = &n->info;
    tail = &n->info.ai_next;
  }
  *result = head;
  thread_state().last_error = 0;
  return 0;
}

}  // namespace

INT WSAAPI getaddrinfo(PCSTR pNodeName, PCSTR pServiceName, const ADDRINFOA* pHints,
                       PADDRINFOA* ppResult) {
  return get_addr_info(pNodeName, pServiceName, pHints, ppResult);
}

VOID WSAAPI freeaddrinfo(PADDRINFOA pAddrInfo) {
  while (pAddrInfo != nullptr) {
    PADDRINFOA next = pAddrInfo->ai_next;
    std::free(pAddrInfo);  // the node's first member: the allocation itself
    pAddrInfo = next;
  }
}

INT WSAAPI GetAddrInfoW(PCWSTR pNodeName, PCWSTR pServiceName, const ADDRINFOW* pHints,
                        PADDRINFOW* ppResult) {
  std::optional<std::string> node;
  std::optional<std::string> service;
  if (pNodeName != nullptr && !(node = narrow_ascii(pNodeName))) {
    return gai_fail(EAI_NONAME);
  }
  if (pServiceName != nullptr && !(service = narrow_ascii(pServiceName))) {
    return gai_fail(EAI_SERVICE);
  }
  if (ppResult == nullptr) {
    return gai_fail(WSAEINVAL);
  }
  ADDRINFOA hints{};
  if (pHints != nullptr) {
    hints.ai_flags = pHints->ai_flags;
    hints.ai_family = pHints->ai_family;
    hints.ai_socktype = pHints->ai_socktype;
    hints.ai_protocol = pHints->ai_protocol;
    if (pHints->ai_addrlen != 0 || pHints->ai_canonname != nullptr || pHints->ai_addr != nullptr ||
        pHints->ai_next != nullptr) {
      return gai_fail(WSAEINVAL);
    }
  }
  PADDRINFOA narrow_result = nullptr;
  const int rc = get_addr_info(node ? node->c_str() : nullptr, service ? service->c_str() : nullptr,
                               pHints != nullptr ? &hints : nullptr, &narrow_result);
  *ppResult = nullptr;
  if (rc != 0) {
    return rc;
  }
  // Same layout but for the name's character type: convert node by node.
  PADDRINFOW head = nullptr;
  PADDRINFOW* tail = &head;
  for (PADDRINFOA a = narrow_result; a != nullptr; a = a->ai_next) {
    const std::size_t name_chars =
        a->ai_canonname != nullptr ? std::strlen(a->ai_canonname) + 1 : 0;
    const std::size_t size =
        sizeof(ADDRINFOW) + sizeof(sockaddr_storage) + name_chars * sizeof(WCHAR);
    auto* w = static_cast<ADDRINFOW*>(std::calloc(1, size));
    if (w == nullptr) {
      freeaddrinfo(narrow_result);
      FreeAddrInfoW(head);
      return gai_fail(EAI_MEMORY);
    }
    *w = ADDRINFOW{a->ai_flags,   a->ai_family, a->ai_socktype, a->ai_protocol,
                   a->ai_addrlen, nullptr,      nullptr,        nullptr};
    auto* storage = reinterpret_cast<sockaddr_storage*>(w + 1);
    std::memcpy(storage, a->ai_addr, a->ai_addrlen);
    w->ai_addr = reinterpret_cast<sockaddr*>(storage);
    if (name_chars != 0) {
      auto* name = reinterpret_cast<WCHAR*>(storage + 1);
      (void)widen_ascii(a->ai_canonname, name, name_chars);
      w->ai_canonname = name;
    }
    *tail = w;
    tail = &w->ai_next;
  }
  freeaddrinfo(narrow_result);
  *ppResult = head;
  return 0;
}

VOID WSAAPI FreeAddrInfoW(PADDRINFOW pAddrInfo) {
  while (pAddrInfo != nullptr) {
    PADDRINFOW next = pAddrInfo->ai_next;
    std::free(pAddrInfo);
    pAddrInfo = next;
  }
}

// ---- getnameinfo ----------------------------------------------------------------------------

namespace {

// getnameinfo's work: the host and service text for `sa`, or a Winsock error.
int get_name_info(const SOCKADDR* sa, socklen_t salen, std::string* host, std::string* serv,
                  bool want_host, bool want_serv, int flags) {
  auto call = Call::winsock();
  if (!call) {
    return WSAGetLastError();
  }
  if (sa == nullptr || salen < static_cast<socklen_t>(sizeof(sockaddr_in))) {
    return gai_fail(WSAEFAULT);
  }
  if (!want_host && !want_serv) {
    return gai_fail(EAI_NONAME);
  }
  std::uint8_t bytes[16] = {};
  int port = 0;
  std::optional<std::string> numeric;
  if (sa->sa_family == AF_INET) {
    sockaddr_in sin;
    std::memcpy(&sin, sa, sizeof sin);
    std::memcpy(bytes, &sin.sin_addr, 4);
    port = ntohs(sin.sin_port);
    numeric = format_ipv4(bytes);
  } else if (sa->sa_family == AF_INET6 && call->host().profile->ipv6.value) {
    if (salen < static_cast<socklen_t>(sizeof(sockaddr_in6))) {
      return gai_fail(WSAEFAULT);
    }
    sockaddr_in6 sin6;
    std::memcpy(&sin6, sa, sizeof sin6);
    std::memcpy(bytes, &sin6.sin6_addr, 16);
    port = ntohs(sin6.sin6_port);
    numeric = format_ipv6(bytes);
  } else {
    return gai_fail(EAI_FAMILY);
  }
  if (want_host) {
    std::optional<std::string> name;
    if ((flags & NI_NUMERICHOST) == 0) {
      IpAddress a = ipv4_from_bytes(bytes);
      if (sa->sa_family == AF_INET6) {
        Ipv6Address v6;
        std::memcpy(v6.bytes.data(), bytes, 16);
        a = v6.mapped_ipv4() ? IpAddress{*v6.mapped_ipv4()} : IpAddress{v6};
      }
      if (const Host::State* h = host_at(*call, a)) {
        name = h->name;
      }
    }
    if (!name && (flags & NI_NAMEREQD) != 0) {
      return gai_fail(EAI_NONAME);
    }
    *host = name.value_or(numeric.value_or(""));
  }
  if (want_serv) {
    const char* known = (flags & NI_NUMERICSERV) == 0 ? service_name(port) : nullptr;
    *serv = known != nullptr ? known : std::to_string(port);
  }
  thread_state().last_error = 0;
  return 0;
}

}  // namespace

namespace {

void copy_text(const std::string& text, char* out, DWORD /*size*/) {
  std::memcpy(out, text.c_str(), text.size() + 1);
}

void copy_text(const std::string& text, WCHAR* out, DWORD size) {
  (void)widen_ascii(text.c_str(), out, size);
}

// getnameinfo and GetNameInfoW: the text found, copied into the caller's buffers of `Char`s.
template <typename Char>
INT name_info(const SOCKADDR* sa, socklen_t length, Char* node, DWORD node_size, Char* serv,
              DWORD serv_size, INT flags) {
  std::string host;
  std::string service;
  const bool want_host = node != nullptr && node_size != 0;
  const bool want_serv = serv != nullptr && serv_size != 0;
  const int rc = get_name_info(sa, length, &host, &service, want_host, want_serv, flags);
  if (rc != 0) {
    return rc;
  }
  if ((want_host && host.size() + 1 > node_size) || (want_serv && service.size() + 1 > serv_size)) {
    return gai_fail(WSAEFAULT);
  }
  if (want_host) {
    copy_text(host, node, node_size);
  }
  if (want_serv) {
    copy_text(service, serv, serv_size);
  }
  return 0;
}

}  // namespace

INT WSAAPI getnameinfo(const SOCKADDR* pSockaddr, socklen_t SockaddrLength, PCHAR pNodeBuffer,
                       DWORD NodeBufferSize, PCHAR pServiceBuffer, DWORD ServiceBufferSize,
                       INT Flags) {
  return name_info(pSockaddr, SockaddrLength, pNodeBuffer, NodeBufferSize, pServiceBuffer,
                   ServiceBufferSize, Flags);
}

INT WSAAPI GetNameInfoW(const SOCKADDR* pSockaddr, socklen_t SockaddrLength, PWCHAR pNodeBuffer,
                        DWORD NodeBufferSize, PWCHAR pServiceBuffer, DWORD ServiceBufferSize,
                        INT Flags) {
  return name_info(pSockaddr, SockaddrLength, pNodeBuffer, NodeBufferSize, pServiceBuffer,
                   ServiceBufferSize, Flags);
}

// ---- gai_strerror ---------------------------------------------------------------------------

namespace {

const char* gai_text(int code) {
  switch (code) {
    case 0:
      return "The operation completed successfully.";
    case WSATRY_AGAIN:
      return "This is usually a temporary error during hostname resolution and means that the "
             "local server did not receive a response from an authoritative server.";
    case WSAEINVAL:
      return "An invalid argument was supplied.";
    case WSANO_RECOVERY:
      return "A non-recoverable error occurred during a database lookup.";
    case WSAEAFNOSUPPORT:
      return "An address incompatible with the requested protocol was used.";
    case WSA_NOT_ENOUGH_MEMORY:
      return "Not enough memory resources are available to process this command.";
    case WSAHOST_NOT_FOUND:
      return "No such host is known.";
    case WSATYPE_NOT_FOUND:
      return "The specified class was not found.";
    case WSAESOCKTNOSUPPORT:
      return "The support for the specified socket type does not exist in this address family.";
    default:
      return "Unknown error.";
  }
}

}  // namespace

char* WSAAPI gai_strerrorA(int ecode) {
  // Windows returns a pointer to a buffer of its own; here each thread's own copy.
  thread_local char text[1024];
  std::strncpy(text, gai_text(ecode), sizeof text - 1);
  return text;
}

WCHAR* WSAAPI gai_strerrorW(int ecode) {
  thread_local WCHAR text[1024];
  (void)widen_ascii(gai_text(ecode), text, std::size(text));
  return text;
}

// ---- gethostbyname & co. --------------------------------------------------------------------

namespace {

// A hostent or servent with the storage its pointers point into; the calling thread keeps the
// last one until its next call (ThreadState::name_entry).
struct HostEntry {
  hostent entry{};
  std::string name;
  std::vector<std::string> alias_text;
  std::vector<char*> aliases;
  std::vector<std::array<char, 4>> addresses;
  std::vector<char*> address_list;
};

hostent* keep_host_entry(const std::string& name, const std::vector<std::string>& aliases,
                         const std::vector<std::uint32_t>& addresses_host_order) {
  auto e = std::make_shared<HostEntry>();
  e->name = name;
  e->alias_text = aliases;
  for (std::string& a : e->alias_text) {
    e->aliases.push_back(a.data());
  }
  e->aliases.push_back(nullptr);
  for (const std::uint32_t a : addresses_host_order) {
    const IpAddress address{Ipv4Address{a}};
    const std::uint8_t* bytes = address.bytes();
    e->addresses.push_back({static_cast<char>(bytes[0]), static_cast<char>(bytes[1]),
                            static_cast<char>(bytes[2]), static_cast<char>(bytes[3])});
  }
  for (auto& a : e->addresses) {
    e->address_list.push_back(a.data());
  }
  e->address_list.push_back(nullptr);
  e->entry.h_name = e->name.data();
  e->entry.h_aliases = e->aliases.data();
  e->entry.h_addrtype = AF_INET;
  e->entry.h_length = 4;
  e->entry.h_addr_list = e->address_list.data();
  hostent* out = &e->entry;
  thread_state().name_entry = std::move(e);
  return out;
}

struct ServiceEntry {
  servent entry{};
  std::string name;
  std::string proto;
  std::vector<char*> aliases{nullptr};
};

servent* keep_service_entry(const Service& s, const char* proto) {
  auto e = std::make_shared<ServiceEntry>();
  e->name = s.name;
  e->proto = proto != nullptr ? proto : "tcp";
  e->entry.s_name = e->name.data();
  e->entry.s_aliases = e->aliases.data();
  e->entry.s_proto = e->proto.data();
  e->entry.s_port = static_cast<short>(htons(static_cast<u_short>(s.port)));
  servent* out = &e->entry;
  thread_state().name_entry = std::move(e);
  return out;
}

}  // namespace

struct hostent* WSAAPI gethostbyname(const char* name) {
  auto call = Call::winsock();
  if (!call) {
    return nullptr;
  }
  if (name == nullptr || *name == '\0') {  // NULL: this computer
    return keep_host_entry(call->host().name, call->host().aliases, {call->host().address.value});
  }
  const Lookup found = resolve_node(*call, name, /*numeric_only=*/false);
  if (found.error != 0) {
    fail(found.error);
    return nullptr;
  }
  std::vector<std::uint32_t> v4;
  for (const IpAddress& a : found.answers) {
    if (const std::optional<Ipv4Address> four = a.ipv4()) {
      v4.push_back(four->value);
    }
  }
  if (v4.empty()) {
    fail(WSANO_DATA);  // an IPv6-only answer: gethostbyname speaks IPv4
    return nullptr;
  }
  const Host::State* h = find_name(call->world(), name);
  return keep_host_entry(found.canonical, h != nullptr ? h->aliases : std::vector<std::string>{},
                         v4);
}

struct hostent* WSAAPI gethostbyaddr(const char* addr, int len, int type) {
  auto call = Call::winsock();
  if (!call) {
    return nullptr;
  }
  if (addr == nullptr) {
    fail(WSAEFAULT);
    return nullptr;
  }
  if (type != AF_INET) {
    fail(WSAEAFNOSUPPORT);
    return nullptr;
  }
  if (len != 4) {
    fail(WSAEFAULT);
    return nullptr;
  }
  const Ipv4Address a = ipv4_from_bytes(reinterpret_cast<const std::uint8_t*>(addr));
  const Host::State* h = host_at(*call, a);
  if (h == nullptr) {
    fail(WSAHOST_NOT_FOUND);
    return nullptr;
  }
  return keep_host_entry(h->name, a.is_loopback() ? std::vector<std::string>{} : h->aliases,
                         {a.value});
}

int WSAAPI gethostname(char* name, int namelen) {
  auto call = Call::winsock();
  if (!call) {
    return SOCKET_ERROR;
  }
  const std::string& mine = call->host().name;
  if (name == nullptr || namelen < 0 || static_cast<std::size_t>(namelen) < mine.size() + 1) {
    return fail(WSAEFAULT);
  }
  std::memcpy(name, mine.c_str(), mine.size() + 1);
  return 0;
}

struct servent* WSAAPI getservbyname(const char* name, const char* proto) {
  auto call = Call::winsock();
  if (!call) {
    return nullptr;
  }
  if (name == nullptr) {
    fail(WSAEFAULT);
    return nullptr;
  }
  for (const Service& s : kServices) {
    if (strcasecmp(s.name, name) == 0) {
      return keep_service_entry(s, proto);
    }
  }
  fail(WSANO_DATA);
  return nullptr;
}

struct servent* WSAAPI getservbyport(int port, const char* proto) {
  auto call = Call::winsock();
  if (!call) {
    return nullptr;
  }
  const int host_order = ntohs(static_cast<u_short>(port));
  for (const Service& s : kServices) {
    if (s.port == host_order) {
      return keep_service_entry(s, proto);
    }
  }
  fail(WSANO_DATA);
  return nullptr;
}

// ---- GetAddrInfoEx (synchronous use) ---------------------------------------------------------

namespace {

// Checks GetAddrInfoEx's extra arguments: the name spaces a lookup of names can use, no
// provider, and no asynchronous use (docs/names.md). 0 or the error.
int check_ex_arguments(DWORD name_space, const GUID* provider, const timeval* timeout,
                       const OVERLAPPED* overlapped, bool routine, const HANDLE* handle) {
  if (overlapped != nullptr || routine || handle != nullptr || timeout != nullptr) {
    return WSAEOPNOTSUPP;  // asynchronous lookups (and their timeout) are not emulated
  }
  if ((name_space != NS_ALL && name_space != NS_DNS) || provider != nullptr) {
    return WSAEINVAL;
  }
  return 0;
}

template <typename ExHints>
std::optional<ADDRINFOA> plain_hints(const ExHints* hints, int* error) {
  *error = 0;
  if (hints == nullptr) {
    return std::nullopt;
  }
  if (hints->ai_addrlen != 0 || hints->ai_canonname != nullptr || hints->ai_addr != nullptr ||
      hints->ai_next != nullptr || hints->ai_blob != nullptr || hints->ai_bloblen != 0 ||
      hints->ai_provider != nullptr) {
    *error = WSAEINVAL;
    return std::nullopt;
  }
  ADDRINFOA plain{};
  plain.ai_flags = hints->ai_flags;
  plain.ai_family = hints->ai_family;
  plain.ai_socktype = hints->ai_socktype;
  plain.ai_protocol = hints->ai_protocol;
  return plain;
}

// The getaddrinfo result as GetAddrInfoEx nodes of character type `Char`, one allocation each
// (node, address, canonical name), so FreeAddrInfoEx frees each with one free().
template <typename Ex, typename Char>
int to_ex(PADDRINFOA found, Ex** out) {
  *out = nullptr;
  Ex** tail = out;
  for (PADDRINFOA a = found; a != nullptr; a = a->ai_next) {
    const std::size_t name_chars =
        a->ai_canonname != nullptr ? std::strlen(a->ai_canonname) + 1 : 0;
    auto* e = static_cast<Ex*>(
        std::calloc(1, sizeof(Ex) + sizeof(sockaddr_storage) + name_chars * sizeof(Char)));
    if (e == nullptr) {
      return EAI_MEMORY;
    }
    e->ai_flags = a->ai_flags;
    e->ai_family = a->ai_family;
    e->ai_socktype = a->ai_socktype;
    e->ai_protocol = a->ai_protocol;
    e->ai_addrlen = a->ai_addrlen;
    auto* storage = reinterpret_cast<sockaddr_storage*>(e + 1);
    std::memcpy(storage, a->ai_addr, a->ai_addrlen);
    e->ai_addr = reinterpret_cast<sockaddr*>(storage);
    if (name_chars != 0) {
      auto* name = reinterpret_cast<Char*>(storage + 1);
      if constexpr (sizeof(Char) == 1) {
        std::memcpy(name, a->ai_canonname, name_chars);
      } else {
        (void)widen_ascii(a->ai_canonname, name, name_chars);
      }
      e->ai_canonname = name;
    }
    *tail = e;
    tail = &e->ai_next;
  }
  return 0;
}

template <typename Ex>
void free_ex(Ex* e) {
  while (e != nullptr) {
    Ex* next = e->ai_next;
    std::free(e);  // the node's first member: the allocation itself
    e = next;
  }
}

template <typename Ex, typename Char, typename ExHints>
INT get_addr_info_ex(const char* node, const char* service, DWORD name_space, const GUID* provider,
                     const ExHints* hints, Ex** result, const timeval* timeout,
                     const OVERLAPPED* overlapped, bool routine, const HANDLE* handle) {
  if (result == nullptr) {
    return gai_fail(WSAEINVAL);
  }
  *result = nullptr;
  if (const int e = check_ex_arguments(name_space, provider, timeout, overlapped, routine, handle);
      e != 0) {
    return gai_fail(e);
  }
  int error = 0;
  const std::optional<ADDRINFOA> plain = plain_hints(hints, &error);
  if (error != 0) {
    return gai_fail(error);
  }
  PADDRINFOA found = nullptr;
  if (const int rc = get_addr_info(node, service, plain ? &*plain : nullptr, &found); rc != 0) {
    return rc;
  }
  const int rc = to_ex<Ex, Char>(found, result);
  freeaddrinfo(found);
  if (rc != 0) {
    free_ex(*result);
    *result = nullptr;
    return gai_fail(rc);
  }
  return 0;
}

}  // namespace

INT WSAAPI GetAddrInfoExA(PCSTR pName, PCSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXA* hints, PADDRINFOEXA* ppResult, struct timeval* timeout,
                          LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle) {
  return get_addr_info_ex<ADDRINFOEXA, char>(pName, pServiceName, dwNameSpace, lpNspId, hints,
                                             ppResult, timeout, lpOverlapped,
                                             lpCompletionRoutine != nullptr, lpNameHandle);
}

INT WSAAPI GetAddrInfoExW(PCWSTR pName, PCWSTR pServiceName, DWORD dwNameSpace, LPGUID lpNspId,
                          const ADDRINFOEXW* hints, PADDRINFOEXW* ppResult, struct timeval* timeout,
                          LPOVERLAPPED lpOverlapped,
                          LPLOOKUPSERVICE_COMPLETION_ROUTINE lpCompletionRoutine,
                          LPHANDLE lpNameHandle) {
  std::optional<std::string> node;
  std::optional<std::string> service;
  if (pName != nullptr && !(node = narrow_ascii(pName))) {
    return gai_fail(EAI_NONAME);
  }
  if (pServiceName != nullptr && !(service = narrow_ascii(pServiceName))) {
    return gai_fail(EAI_SERVICE);
  }
  return get_addr_info_ex<ADDRINFOEXW, WCHAR>(
      node ? node->c_str() : nullptr, service ? service->c_str() : nullptr, dwNameSpace, lpNspId,
      hints, ppResult, timeout, lpOverlapped, lpCompletionRoutine != nullptr, lpNameHandle);
}

void WSAAPI FreeAddrInfoEx(PADDRINFOEXA pAddrInfoEx) {
  free_ex(pAddrInfoEx);
}

void WSAAPI FreeAddrInfoExW(PADDRINFOEXW pAddrInfoEx) {
  free_ex(pAddrInfoEx);
}
