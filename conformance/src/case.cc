// The case API (case.h): expectation recording, registration and the Winsock helpers. Built by
// both backends, so it uses nothing but the Winsock API and the standard library.
#include "ws2sim/conformance/case.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace ws2sim::conformance {
namespace {

std::vector<CaseInfo>& registry() {
  static std::vector<CaseInfo> cases;
  return cases;
}

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llX", static_cast<unsigned long long>(v));
  return buf;
}

struct NamedError {
  int code;
  const char* name;
};

constexpr NamedError kErrors[] = {
    {0, "success"},
    {995, "WSA_OPERATION_ABORTED"},
    {996, "WSA_IO_INCOMPLETE"},
    {997, "WSA_IO_PENDING"},
    {10004, "WSAEINTR"},
    {10013, "WSAEACCES"},
    {10014, "WSAEFAULT"},
    {10022, "WSAEINVAL"},
    {10024, "WSAEMFILE"},
    {10035, "WSAEWOULDBLOCK"},
    {10036, "WSAEINPROGRESS"},
    {10037, "WSAEALREADY"},
    {10038, "WSAENOTSOCK"},
    {10040, "WSAEMSGSIZE"},
    {10041, "WSAEPROTOTYPE"},
    {10042, "WSAENOPROTOOPT"},
    {10045, "WSAEOPNOTSUPP"},
    {10047, "WSAEAFNOSUPPORT"},
    {10048, "WSAEADDRINUSE"},
    {10049, "WSAEADDRNOTAVAIL"},
    {10050, "WSAENETDOWN"},
    {10051, "WSAENETUNREACH"},
    {10052, "WSAENETRESET"},
    {10053, "WSAECONNABORTED"},
    {10054, "WSAECONNRESET"},
    {10055, "WSAENOBUFS"},
    {10056, "WSAEISCONN"},
    {10057, "WSAENOTCONN"},
    {10058, "WSAESHUTDOWN"},
    {10060, "WSAETIMEDOUT"},
    {10061, "WSAECONNREFUSED"},
    {10065, "WSAEHOSTUNREACH"},
    {10091, "WSASYSNOTREADY"},
    {10092, "WSAVERNOTSUPPORTED"},
    {10093, "WSANOTINITIALISED"},
};

std::string number_text(bool negative, std::uint64_t magnitude) {
  std::string s = (negative ? "-" : "") + std::to_string(magnitude);
  if (!negative && magnitude > 9) s += " (" + hex(magnitude) + ")";
  return s;
}

}  // namespace

// ---- Context -----------------------------------------------------------------------------------

Context::Context(Target target, std::vector<std::string> ids)
    : target_(std::move(target)), ids_(std::move(ids)) {}

Context::~Context() {
  close_sockets();
}

SOCKET Context::keep(SOCKET s) {
  if (s != INVALID_SOCKET) sockets_.push_back(s);
  return s;
}

SOCKET Context::tcp() {
  const SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  require(s != INVALID_SOCKET,
          "socket(AF_INET, SOCK_STREAM) failed: " + error_name(WSAGetLastError()));
  return keep(s);
}

SOCKET Context::udp() {
  const SOCKET s = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  require(s != INVALID_SOCKET,
          "socket(AF_INET, SOCK_DGRAM) failed: " + error_name(WSAGetLastError()));
  return keep(s);
}

int Context::connect_to(SOCKET s, SOCKET listener) {
  sockaddr_in a = address_of(listener);
  return error_of(::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a));
}

SOCKET Context::connected_tcp() {
  const SOCKET s = tcp();
  const int e = connect(s);
  require(e == 0, "connect to the peer failed: " + error_name(e));
  return s;
}

void Context::close_sockets() {
  for (const SOCKET s : sockets_)
    closesocket(s);
  sockets_.clear();
}

void Context::mark(std::string_view id) {
  if (std::find(ids_.begin(), ids_.end(), id) == ids_.end()) {
    throw Aborted{"the case checks statement '" + std::string(id) + "', which it does not declare"};
  }
  if (std::find(checked_.begin(), checked_.end(), id) == checked_.end()) checked_.emplace_back(id);
}

bool Context::check(std::string_view id, bool ok, std::string_view what) {
  mark(id);
  if (!ok) failures_.push_back(Failure{std::string(id), std::string(what)});
  return ok;
}

bool Context::check_equal(std::string_view id, Number actual, Number expected,
                          std::string_view what, bool errors) {
  const bool ok = actual.negative == expected.negative && actual.magnitude == expected.magnitude;
  if (ok) return check(id, true, what);
  auto text = [errors](Number n) {
    if (errors && n.magnitude <= 0x7fffffffU) {
      const int v = static_cast<int>(n.magnitude);
      return error_name(n.negative ? -v : v);
    }
    return number_text(n.negative, n.magnitude);
  };
  return check(id, false,
               std::string(what) + ": expected " + text(expected) + ", got " + text(actual));
}

bool Context::check_error(std::string_view id, int outcome, int expected, std::string_view what) {
  return check_equal(id, as_number(outcome), as_number(expected), what, true);
}

bool Context::check_error_in(std::string_view id, int outcome, std::initializer_list<int> allowed,
                             std::string_view what) {
  if (std::find(allowed.begin(), allowed.end(), outcome) != allowed.end())
    return check(id, true, what);
  std::string list;
  for (const int a : allowed)
    list += (list.empty() ? "" : " or ") + error_name(a);
  return check(id, false,
               std::string(what) + ": expected " + list + ", got " + error_name(outcome));
}

void Context::require(bool ok, std::string_view what) {
  if (!ok) throw Aborted{std::string(what)};
}

std::vector<std::string> Context::unchecked() const {
  std::vector<std::string> out;
  for (const std::string& id : ids_) {
    if (std::find(checked_.begin(), checked_.end(), id) == checked_.end()) out.push_back(id);
  }
  return out;
}

void Context::fail_all(std::string_view message) {
  for (const std::string& id : ids_)
    failures_.push_back(Failure{id, std::string(message)});
}

// ---- Registration ------------------------------------------------------------------------------

Registrar::Registrar(CaseInfo info) {
  registry().push_back(std::move(info));
}

const std::vector<CaseInfo>& all_cases() {
  static const std::vector<CaseInfo> sorted = [] {
    std::vector<CaseInfo> v = registry();
    std::sort(v.begin(), v.end(),
              [](const CaseInfo& a, const CaseInfo& b) { return std::strcmp(a.name, b.name) < 0; });
    return v;
  }();
  return sorted;
}

std::vector<std::string> header_gaps() {
  std::vector<std::string> gaps;
#ifdef WS2SIM_CONFORMANCE_GAP_TCP_KEEPALIVE
  gaps.emplace_back("TCP_KEEPALIVE");
#endif
#ifdef WS2SIM_CONFORMANCE_GAP_TCP_KEEPIDLE
  gaps.emplace_back("TCP_KEEPIDLE");
#endif
#ifdef WS2SIM_CONFORMANCE_GAP_TCP_MAXSEG
  gaps.emplace_back("TCP_MAXSEG");
#endif
#ifdef WS2SIM_CONFORMANCE_GAP_TCP_MAXRT
  gaps.emplace_back("TCP_MAXRT");
#endif
#ifdef WS2SIM_CONFORMANCE_GAP_TCP_FASTOPEN
  gaps.emplace_back("TCP_FASTOPEN");
#endif
#ifdef WS2SIM_CONFORMANCE_GAP_TCP_KEEPCNT
  gaps.emplace_back("TCP_KEEPCNT");
#endif
#ifdef WS2SIM_CONFORMANCE_GAP_TCP_KEEPINTVL
  gaps.emplace_back("TCP_KEEPINTVL");
#endif
  return gaps;
}

// ---- Winsock helpers ---------------------------------------------------------------------------

int error_of(int rc) {
  if (rc == 0) return 0;
  return rc == SOCKET_ERROR ? WSAGetLastError() : -1;
}

std::string error_name(int code) {
  for (const NamedError& e : kErrors) {
    if (e.code == code) return std::string(e.name) + " (" + std::to_string(code) + ")";
  }
  if (code == -1) return "a return value other than 0 or SOCKET_ERROR";
  return "error " + std::to_string(code);
}

int set_dword(SOCKET s, int level, int name, DWORD value, int len) {
  DWORD buf[2] = {value, 0};
  return setsockopt(s, level, name, reinterpret_cast<const char*>(buf), len);
}

Got get_dword(SOCKET s, int level, int name, int len, DWORD fill) {
  DWORD buf[2] = {fill, fill};
  WSASetLastError(0);
  const int rc = getsockopt(s, level, name, reinterpret_cast<char*>(buf), &len);
  return Got{error_of(rc), buf[0], len};
}

long long read_option(SOCKET s, int level, int name) {
  const Got g = get_dword(s, level, name, sizeof(DWORD), 0);
  if (g.outcome != 0) return -1;
  return g.len == 1 ? static_cast<long long>(g.value & 0xFFU) : static_cast<long long>(g.value);
}

bool keepalive_on(SOCKET s) {
  return read_option(s, SOL_SOCKET, SO_KEEPALIVE) > 0;
}

int keepalive_vals(SOCKET s, u_long onoff, u_long time_ms, u_long interval_ms, DWORD* returned) {
  tcp_keepalive ka{onoff, time_ms, interval_ms};
  DWORD dummy = 0;
  return error_of(WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0,
                           returned != nullptr ? returned : &dummy, nullptr, nullptr));
}

bool signaled(WSAEVENT e, DWORD timeout_ms) {
  return WSAWaitForMultipleEvents(1, &e, FALSE, timeout_ms, FALSE) == WSA_WAIT_EVENT_0;
}

Completion& completion() {
  // One per thread: cases run on several threads at once (ws2sim_conformance -j), and a completion
  // routine runs on the thread that made the call, in its alertable wait.
  thread_local Completion record;
  return record;
}

void CALLBACK record_completion(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD /*flags*/) {
  Completion& c = completion();
  ++c.calls;
  c.error = error;
  c.bytes = bytes;
  c.overlapped = ov;
}

}  // namespace ws2sim::conformance
