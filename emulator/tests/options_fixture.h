// Fixtures for the socket-option and WSAIoctl tests: the spec's version table written out again,
// independently of the emulator's profile table (so a wrong profile entry fails a test), a
// fixture parameterised over every profile, and small helpers for option calls.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator_fixture.h"

namespace ws2sim::winsock::testing {

/// What docs/behaviour.md (§4, §5, §7) says one Windows version does.
struct SpecRow {
  std::string_view profile;
  bool dword_rule;                // NT 5.x: BOOL options need 4 bytes; 6.0+: one-byte BOOLEAN
  bool refuses_while_connecting;  // SO_KEEPALIVE during connect -> WSAEINVAL (6.0+)
  int minus_one_error;            // setsockopt(BOOL option, optlen -1)
  bool tcp_keepalive_3;           // IPPROTO_TCP option 3 (Vista+)
  bool tcp_keepcnt;               // 10 1703+
  bool tcp_keepintvl;             // 10 1709+
  bool zero_seconds_rejected;     // TCP_KEEPIDLE/INTVL 0 -> WSAEINVAL (Server 2019+)
  std::uint32_t default_probes;   // registry default 5 on NT 5.x, fixed 10 on 6.0+
};

// The -1 error: WSAENOBUFS on Vista/2008 and after Windows 10 21H1 (22H2, Server 2022, 11);
// WSAEFAULT from Windows 7 to 10 21H1 (Server 2019 = 1809); the DWORD rule gives WSAEFAULT.
inline constexpr SpecRow kSpecTable[] = {
    // profile                  dword  refuse -1 error        opt3   cnt    intvl  zero   probes
    {"windows-2000", true, false, WSAEFAULT, false, false, false, false, 5},
    {"windows-xp", true, false, WSAEFAULT, false, false, false, false, 5},
    {"windows-server-2003", true, false, WSAEFAULT, false, false, false, false, 5},
    {"windows-vista", false, true, WSAENOBUFS, true, false, false, false, 10},
    {"windows-server-2008", false, true, WSAENOBUFS, true, false, false, false, 10},
    {"windows-7", false, true, WSAEFAULT, true, false, false, false, 10},
    {"windows-8", false, true, WSAEFAULT, true, false, false, false, 10},
    {"windows-8.1", false, true, WSAEFAULT, true, false, false, false, 10},
    {"windows-server-2012r2", false, true, WSAEFAULT, true, false, false, false, 10},
    {"windows-10-1507", false, true, WSAEFAULT, true, false, false, false, 10},
    {"windows-10-1607", false, true, WSAEFAULT, true, false, false, false, 10},
    {"windows-server-2016", false, true, WSAEFAULT, true, false, false, false, 10},
    {"windows-10-1703", false, true, WSAEFAULT, true, true, false, false, 10},
    {"windows-10-1709", false, true, WSAEFAULT, true, true, true, false, 10},
    {"windows-10-22h2", false, true, WSAENOBUFS, true, true, true, false, 10},
    {"windows-server-2019", false, true, WSAEFAULT, true, true, true, true, 10},
    {"windows-server-2022", false, true, WSAENOBUFS, true, true, true, true, 10},
    {"windows-11", false, true, WSAENOBUFS, true, true, true, false, 10},
};

/// The spec row for a profile; fails the test when the table lacks one (a new profile needs a
/// row here, written from the spec).
inline const SpecRow& spec_row(std::string_view profile) {
  const auto* it = std::find_if(std::begin(kSpecTable), std::end(kSpecTable),
                                [&](const SpecRow& r) { return r.profile == profile; });
  if (it == std::end(kSpecTable)) {
    ADD_FAILURE() << "no spec row for profile " << profile;
    return kSpecTable[0];
  }
  return *it;
}

inline std::vector<const Profile*> every_profile() {
  std::vector<const Profile*> v;
  for (const Profile& p : all_profiles())
    v.push_back(&p);
  return v;
}

inline std::string profile_test_name(const ::testing::TestParamInfo<const Profile*>& info) {
  std::string n(info.param->name);
  for (char& c : n)
    c = (c == '-' || c == '.') ? '_' : c;
  return n;
}

/// The result of a getsockopt: return code, last error, the 4-byte buffer and *optlen after.
struct Got {
  int rc;
  int error;
  DWORD value;
  int len;
};

/// A client/server world on the profile under test; the test body binds to the client.
class ProfileTest : public EmulatorTest, public ::testing::WithParamInterface<const Profile*> {
 protected:
  void SetUp() override { make_hosts(GetParam()->name); }
  const SpecRow& spec() const { return spec_row(GetParam()->name); }
};

// ---- Option helpers (call inside a HostScope) --------------------------------------------------

/// setsockopt with a DWORD value and the given optlen (the buffer holds 8 bytes: value, then 0).
inline int set_opt(SOCKET s, int level, int name, DWORD value, int len = sizeof(DWORD)) {
  DWORD buf[2] = {value, 0};
  return setsockopt(s, level, name, reinterpret_cast<const char*>(buf), len);
}

/// getsockopt into a 4-byte buffer prefilled with `fill` (8 bytes are available), with *optlen
/// = `len`.
inline Got get_opt(SOCKET s, int level, int name, int len = sizeof(DWORD),
                   DWORD fill = 0xdeadbeef) {
  DWORD buf[2] = {fill, fill};
  WSASetLastError(0);
  const int rc = getsockopt(s, level, name, reinterpret_cast<char*>(buf), &len);
  return Got{rc, WSAGetLastError(), buf[0], len};
}

/// The value of a DWORD option (or the first byte of a BOOL one, read as 0/1), -1 on failure.
inline std::int64_t read_opt(SOCKET s, int level, int name) {
  const Got g = get_opt(s, level, name, sizeof(DWORD), 0);
  if (g.rc != 0) return -1;
  return g.len == 1 ? (g.value & 0xFF) : g.value;
}

inline bool keepalive_on(SOCKET s) {
  return read_opt(s, SOL_SOCKET, SO_KEEPALIVE) != 0;
}

/// WSAIoctl(SIO_KEEPALIVE_VALS), synchronous. `returned` receives *lpcbBytesReturned.
inline int keepalive_vals(SOCKET s, u_long onoff, u_long time_ms, u_long interval_ms,
                          DWORD* returned = nullptr) {
  tcp_keepalive ka{onoff, time_ms, interval_ms};
  DWORD dummy = 0;
  return WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0,
                  returned != nullptr ? returned : &dummy, nullptr, nullptr);
}

/// The WSA error a call failed with: 0 when it returned 0, WSAGetLastError() when it returned
/// SOCKET_ERROR, -1 for any other return value.
inline int error_of(int rc) {
  if (rc == 0) return 0;
  return rc == SOCKET_ERROR ? WSAGetLastError() : -1;
}

}  // namespace ws2sim::winsock::testing
