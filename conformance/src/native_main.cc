// The native backend: a plain main() that runs every portable case once against the Winsock it is
// linked to (real Windows, Wine, ...) and prints one result line per case and statement. Built with
// x86_64-w64-mingw32-g++ against the real Windows headers by conformance/run-wine.sh; GoogleTest is
// not needed. ws2sim_conformance --native-results FILE turns the output into a report column.
//
// Output (UTF-8 text, one record per line):
//   ws2sim-conformance-native 1
//   os <major>.<minor>.<build> <workstation|server>
//   implementation <e.g. wine-8.0>          (when ntdll exports wine_get_version)
//   headers <e.g. mingw-w64 10.0.0>
//   gap <IPPROTO_TCP option the headers lack>
//   result <case> <statement id> pass
//   result <case> <statement id> fail <message>
//   end <number of cases>
#include <cstdio>
#include <string>

#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

// A listener on 127.0.0.1 that the context connects sockets to; accepted sockets stay open until
// the case ends.
class NativeContext final : public Context {
 public:
  NativeContext(const Target& t, std::vector<std::string> ids) : Context(t, std::move(ids)) {}

  int connect(SOCKET s) override {
    if (listener_ == INVALID_SOCKET) {
      listener_ = listening_tcp();
      int len = sizeof peer_;
      require(getsockname(listener_, reinterpret_cast<sockaddr*>(&peer_), &len) == 0,
              "getsockname on the loopback listener failed");
    }
    const int e = error_of(::connect(s, reinterpret_cast<sockaddr*>(&peer_), sizeof peer_));
    if (e == 0) keep(accept(listener_, nullptr, nullptr));
    return e;
  }

  sockaddr_in address_of(SOCKET listener) override {
    sockaddr_in a{};
    int len = sizeof a;
    require(getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len) == 0,
            "getsockname on a listener failed");
    return a;  // bound to 127.0.0.1 by listening_tcp
  }

  SOCKET listening_tcp() override {
    const SOCKET s = tcp();
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = 0;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    require(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && listen(s, 5) == 0,
            "bind/listen on 127.0.0.1 failed: " + error_name(WSAGetLastError()));
    return s;
  }

 private:
  SOCKET listener_ = INVALID_SOCKET;
  sockaddr_in peer_{};
};

// RtlGetVersion tells the truth where GetVersionEx may be shimmed.
Target detect_version() {
  Target t;
  t.name = "native";
  using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOEXW*);
  const HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  OSVERSIONINFOEXW v{};
  v.dwOSVersionInfoSize = sizeof v;
  if (ntdll != nullptr) {
    const auto fn = reinterpret_cast<RtlGetVersionFn>(
        reinterpret_cast<void (*)()>(GetProcAddress(ntdll, "RtlGetVersion")));
    if (fn != nullptr && fn(&v) == 0) {
      t.major = v.dwMajorVersion;
      t.minor = v.dwMinorVersion;
      t.build = v.dwBuildNumber;
      t.server = v.wProductType != VER_NT_WORKSTATION;
    }
  }
  t.profile = ws2sim::winsock::closest_profile(t.major, t.minor, t.build, t.server);
  return t;
}

std::string implementation() {
  const HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
  if (ntdll == nullptr) return {};
  using WineVersionFn = const char*(CDECL*)();
  const auto fn = reinterpret_cast<WineVersionFn>(
      reinterpret_cast<void (*)()>(GetProcAddress(ntdll, "wine_get_version")));
  return fn != nullptr ? std::string("wine-") + fn() : std::string();
}

std::string one_line(std::string s) {
  for (char& c : s)
    c = (c == '\n' || c == '\r') ? ' ' : c;
  return s;
}

void print(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace
}  // namespace ws2sim::conformance

int main() {
  using namespace ws2sim::conformance;
  const Target target = detect_version();
  print("ws2sim-conformance-native 1");
  print("os " + std::to_string(target.major) + "." + std::to_string(target.minor) + "." +
        std::to_string(target.build) + (target.server ? " server" : " workstation"));
  if (const std::string impl = implementation(); !impl.empty()) print("implementation " + impl);
  if (target.profile == nullptr) {  // older than Windows 2000: nothing to expect
    print("not-run no emulated profile behaves as this Windows version");
    return 1;
  }
#ifdef __MINGW64_VERSION_STR
  print(std::string("headers mingw-w64 ") + __MINGW64_VERSION_STR);
#else
  print("headers Windows SDK");
#endif
  for (const std::string& gap : header_gaps())
    print("gap " + gap);
  int ran = 0;
  for (const CaseInfo& c : all_cases()) {
    if (!c.portable) continue;
    ++ran;
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) {
      for (const std::string& id : c.ids)
        print("result " + std::string(c.name) + " " + id + " fail WSAStartup failed");
      continue;
    }
    std::vector<Failure> failures;
    std::vector<std::string> unchecked;
    {
      NativeContext ctx(target, c.ids);
      try {
        c.run(ctx);
        unchecked = ctx.unchecked();
      } catch (const Aborted& a) {
        ctx.fail_all("the case stopped: " + a.message);
      }
      failures = ctx.failures();
    }
    for (const std::string& id : unchecked)
      failures.push_back(Failure{id, "the case never checked this statement"});
    // Balance whatever WSAStartup/WSACleanup the case did.
    while (WSACleanup() == 0) {
    }
    for (const std::string& id : c.ids) {
      std::string messages;
      for (const Failure& f : failures) {
        if (f.id == id) messages += (messages.empty() ? "" : "; ") + one_line(f.message);
      }
      print("result " + std::string(c.name) + " " + id +
            (messages.empty() ? " pass" : " fail " + messages));
    }
  }
  print("end " + std::to_string(ran));
  return 0;
}
