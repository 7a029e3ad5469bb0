// ws2sim/conformance/case.h — the case API of the conformance suite, shared by both backends.
//
// A case is a function written against the Winsock API. It names the catalog statements it
// checks (conformance/catalog.json) and reports each expectation against one of them:
//
//   CONFORMANCE_CASE(KeepAliveIsOffOnANewSocket, "SO_KEEPALIVE.default.off") {
//     const SOCKET s = ctx.tcp();
//     ctx.check_eq("SO_KEEPALIVE.default.off", read_option(s, SOL_SOCKET, SO_KEEPALIVE), 0,
//                  "getsockopt on a fresh TCP socket");
//   }
//
// This header compiles in two worlds:
//   - ws2sim backend: g++ on Linux against the drop-in headers; every case runs under GoogleTest
//     once per emulated Windows profile the statements apply to (ws2sim_conformance);
//   - native backend: x86_64-w64-mingw32-g++ against the real Windows headers; each portable case
//     runs once against the Winsock it is linked to (Windows, Wine) and prints result lines.
// Cases that need virtual time or the test-control API use SIM_CASE from sim.h instead; they
// exist only in the ws2sim backend (files named cases/sim_*.cc).
#pragma once

// clang-format off
// The real mstcpip.h needs winsock2.h first; keep this order.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <mswsock.h>
#include <windows.h>
// clang-format on

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ws2sim/winsock/profile.h"

// IPPROTO_TCP options some header sets lack (mingw-w64 10 has none of them). The values are the
// Windows SDK's; header_gaps() says which ones these headers did not define.
#ifndef TCP_KEEPALIVE
#define TCP_KEEPALIVE 3
#define WS2SIM_CONFORMANCE_GAP_TCP_KEEPALIVE 1
#endif
#ifndef TCP_KEEPIDLE
#define TCP_KEEPIDLE TCP_KEEPALIVE
#define WS2SIM_CONFORMANCE_GAP_TCP_KEEPIDLE 1
#endif
#ifndef TCP_MAXSEG
#define TCP_MAXSEG 4
#define WS2SIM_CONFORMANCE_GAP_TCP_MAXSEG 1
#endif
#ifndef TCP_MAXRT
#define TCP_MAXRT 5
#define WS2SIM_CONFORMANCE_GAP_TCP_MAXRT 1
#endif
#ifndef TCP_FASTOPEN
#define TCP_FASTOPEN 15
#define WS2SIM_CONFORMANCE_GAP_TCP_FASTOPEN 1
#endif
#ifndef TCP_KEEPCNT
#define TCP_KEEPCNT 16
#define WS2SIM_CONFORMANCE_GAP_TCP_KEEPCNT 1
#endif
#ifndef TCP_KEEPINTVL
#define TCP_KEEPINTVL 17
#define WS2SIM_CONFORMANCE_GAP_TCP_KEEPINTVL 1
#endif

namespace ws2sim::conformance {

/// The Windows version a case runs against: an emulated profile, or what a native run reports.
struct Target {
  std::string name;  ///< Profile name ("windows-10-1709"), or "native".
  unsigned major = 0;
  unsigned minor = 0;
  unsigned build = 0;
  bool server = false;
  /// What the cases expect of this version: the emulated profile, or for a native run the
  /// profile its version behaves as (winsock::closest_profile). Never null while cases run.
  const winsock::Profile* profile = nullptr;
};

/// One failed expectation.
struct Failure {
  std::string id;       ///< The statement it checked.
  std::string message;  ///< What was expected and what happened.
};

/// Thrown by Context::require: the case cannot go on.
struct Aborted {
  std::string message;
};

/// What a running case sees: its target, socket helpers, and the expectation recorder.
class Context {
 public:
  Context(Target target, std::vector<std::string> ids);
  virtual ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  [[nodiscard]] const Target& target() const noexcept { return target_; }
  /// Context::profile — the version table's row for the target: cases ask it which options and
  /// rules this Windows version has, never its build number.
  [[nodiscard]] const winsock::Profile& profile() const noexcept { return *target_.profile; }

  // ---- Sockets: everything made here is closed when the case ends -------------------------
  /// socket(AF_INET, SOCK_STREAM, IPPROTO_TCP); requires success.
  SOCKET tcp();
  /// socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP); requires success.
  SOCKET udp();
  /// Closes `s` at the end of the case.
  SOCKET keep(SOCKET s);
  /// Blocking connect of `s` to the backend's peer: 0 or the WSA error. ws2sim: a server host;
  /// native: a listener on 127.0.0.1 (its side of the connection is accepted and kept open).
  virtual int connect(SOCKET s) = 0;
  /// tcp() connected to the peer; requires success.
  SOCKET connected_tcp();
  /// A bound, listening TCP socket; requires success.
  virtual SOCKET listening_tcp() = 0;
  /// The address a socket of this context connects to to reach `listener` (one made by
  /// listening_tcp): ws2sim, the client host's address; native, 127.0.0.1; the listener's port.
  virtual sockaddr_in address_of(SOCKET listener) = 0;
  /// Blocking connect of `s` to `listener`: 0 or the WSA error.
  int connect_to(SOCKET s, SOCKET listener);

  // ---- Expectations: each names the catalog statement it checks ----------------------------
  /// Records a failure of statement `id` unless `ok`. Returns `ok`.
  bool check(std::string_view id, bool ok, std::string_view what);
  /// Integers (or enums) compared by value, printed in decimal and hex.
  template <typename A, typename B>
  bool check_eq(std::string_view id, A actual, B expected, std::string_view what) {
    return check_equal(id, as_number(actual), as_number(expected), what, false);
  }
  /// `outcome` is error_of(rc) (0 for success); printed with error names.
  bool check_error(std::string_view id, int outcome, int expected, std::string_view what);
  /// `outcome` is one of `allowed` (error_of values).
  bool check_error_in(std::string_view id, int outcome, std::initializer_list<int> allowed,
                      std::string_view what);
  /// Ends the case with a failure of every statement it covers unless `ok`.
  void require(bool ok, std::string_view what);

  // ---- For the backends --------------------------------------------------------------------
  [[nodiscard]] const std::vector<std::string>& ids() const noexcept { return ids_; }
  [[nodiscard]] const std::vector<Failure>& failures() const noexcept { return failures_; }
  /// Statements the case declared but never checked in this run (a failure too).
  [[nodiscard]] std::vector<std::string> unchecked() const;
  /// Records `message` as a failure of every statement the case covers.
  void fail_all(std::string_view message);
  /// Closes the sockets made through this context.
  void close_sockets();

 private:
  struct Number {
    bool negative;
    std::uint64_t magnitude;
  };
  template <typename T>
  static Number as_number(T v) {
    if constexpr (std::is_enum_v<T>) {
      return as_number(static_cast<std::underlying_type_t<T>>(v));
    } else if constexpr (std::is_same_v<T, bool>) {
      return Number{false, v ? 1U : 0U};
    } else if constexpr (std::is_signed_v<T>) {
      const auto w = static_cast<long long>(v);
      return Number{w < 0, w < 0 ? 0ULL - static_cast<unsigned long long>(w)
                                 : static_cast<unsigned long long>(w)};
    } else {
      return Number{false, static_cast<std::uint64_t>(v)};
    }
  }
  bool check_equal(std::string_view id, Number actual, Number expected, std::string_view what,
                   bool errors);
  void mark(std::string_view id);

  Target target_;
  std::vector<std::string> ids_;
  std::vector<std::string> checked_;
  std::vector<Failure> failures_;
  std::vector<SOCKET> sockets_;
};

// ---- Registration ----------------------------------------------------------------------------

using CaseFunction = void (*)(Context&);

/// One registered case.
struct CaseInfo {
  const char* name;              ///< Unique, also its GoogleTest suite name.
  std::vector<std::string> ids;  ///< The catalog statements it checks.
  CaseFunction run;
  bool portable;     ///< False: ws2sim backend only (virtual time, test-control API).
  const char* file;  ///< Source file (for failure locations).
  int line;
};

/// Every case linked into this program, sorted by name (so runs are ordered the same way
/// whatever the link order was).
const std::vector<CaseInfo>& all_cases();

/// Adds a case at static-initialisation time (use the macros).
struct Registrar {
  explicit Registrar(CaseInfo info);
};

/// The IPPROTO_TCP option names these headers did not define (filled in above).
std::vector<std::string> header_gaps();

// ---- Winsock helpers (portable) --------------------------------------------------------------

/// 0 when a call returned 0; WSAGetLastError() when it returned SOCKET_ERROR; -1 otherwise.
int error_of(int rc);

/// in4 — a sockaddr_in for `ip` (host order) and `port`.
inline sockaddr_in in4(ULONG ip, u_short port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(ip);
  return a;
}
/// "WSAEFAULT (10014)", "success (0)", or the number.
std::string error_name(int code);

/// setsockopt with a DWORD `value` and `len` (the buffer holds 8 bytes: value, then 0).
int set_dword(SOCKET s, int level, int name, DWORD value, int len = sizeof(DWORD));

/// The result of a getsockopt into a DWORD prefilled with `fill` (8 bytes available).
struct Got {
  int outcome;  ///< error_of(rc)
  DWORD value;  ///< The first 4 bytes of the buffer after the call.
  int len;      ///< *optlen after the call.
};
Got get_dword(SOCKET s, int level, int name, int len = sizeof(DWORD), DWORD fill = 0xdeadbeef);

/// The value of an option (the first byte if getsockopt wrote one byte), or -1 on failure.
long long read_option(SOCKET s, int level, int name);
/// Whether getsockopt(SO_KEEPALIVE) reads non-zero.
bool keepalive_on(SOCKET s);

/// WSAIoctl(SIO_KEEPALIVE_VALS), synchronous, no output buffer; `returned` receives
/// *lpcbBytesReturned. Returns error_of(rc).
int keepalive_vals(SOCKET s, u_long onoff, u_long time_ms, u_long interval_ms,
                   DWORD* returned = nullptr);

// ---- Overlapped helpers ------------------------------------------------------------------------

/// Whether `e` is signaled, waiting up to `timeout_ms`.
bool signaled(WSAEVENT e, DWORD timeout_ms = 0);

/// Completion — what record_completion saw (a completion routine has no context argument, so
/// the record is shared by the calls of one thread: reset it with `completion() = Completion{}`
/// before each call).
struct Completion {
  int calls = 0;
  DWORD error = 0xdeadbeef;
  DWORD bytes = 0xdeadbeef;
  LPWSAOVERLAPPED overlapped = nullptr;
};
Completion& completion();
/// A LPWSAOVERLAPPED_COMPLETION_ROUTINE that counts its calls into completion().
void CALLBACK record_completion(DWORD error, DWORD bytes, LPWSAOVERLAPPED ov, DWORD flags);

}  // namespace ws2sim::conformance

/// Defines a portable case: `ctx` is a ws2sim::conformance::Context&.
#define CONFORMANCE_CASE(name, ...)                                                            \
  static void name(::ws2sim::conformance::Context& ctx);                                       \
  static const ::ws2sim::conformance::Registrar name##_registrar{                              \
      ::ws2sim::conformance::CaseInfo{#name, {__VA_ARGS__}, &name, true, __FILE__, __LINE__}}; \
  static void name([[maybe_unused]] ::ws2sim::conformance::Context& ctx)
