// The profile table: docs/behaviour.md §7 "Version table", one row per emulated Windows version.
// Sources: the Microsoft pages for SO_KEEPALIVE, SIO_KEEPALIVE_VALS, IPPROTO_TCP options and
// Windows Sockets error codes (documented); Wine's dlls/ws2_32/tests/sock.c and .NET's tests
// (observed); RFC 1122 §4.2.3.6 (rfc). See docs/versions.md for the table as prose.
#include <algorithm>
#include <array>

#include "ws2sim/winsock/profile.h"

namespace ws2sim::winsock {
namespace {

constexpr int kWsaEfault = 10014;
// The default Windows clock interrupt period (64 Hz), which drives the TCP timers.
constexpr Duration kTimerTick = std::chrono::microseconds(15'625);
constexpr int kWsaEnobufs = 10055;

using E = Evidence;

// Fields shared by 2000, XP and Server 2003 (NT 5.x).
constexpr Profile nt5(std::string_view name, std::string_view display, std::uint32_t minor,
                      std::uint32_t build, ProductType product, std::uint16_t sp, bool connectex) {
  return Profile{
      .name = name,
      .display = display,
      .major = 5,
      .minor = minor,
      .build = build,
      .product = product,
      .service_pack = sp,
      .probe_count = {ProbeCountRule::kRegistry, E::kDocumented},
      .keepalive_refused_while_connecting = {false, E::kDocumented},
      .bool_options = {BoolOptionRule::kDword, E::kDocumented},
      .optlen_minus_one_error = {kWsaEfault, E::kDocumented},  // below sizeof(DWORD)
      .tcp_keepalive_option = {false, E::kObserved},           // WSAENOPROTOOPT (libuv users)
      .tcp_keepidle_documented = {false, E::kDocumented},
      .tcp_keepcnt = {false, E::kDocumented},
      .tcp_keepintvl = {false, E::kDocumented},
      .zero_keepalive_seconds_rejected = {false, E::kInferred},
      .after_drop = {AfterDropError::kNotConnected, E::kInferred},
      .sio_keepalive_vals = {true, E::kDocumented},
      .keepalive_timer_tick = {kTimerTick, E::kInferred},
      .negative_optlen_unsigned = {false, E::kInferred},
      .success_clears_last_error = {false, E::kObserved},
      .so_bsp_state = {false, E::kObserved},
      .stream_dont_fragment = {false, E::kObserved},
      .ip_hdrincl_raw_only = {false, E::kObserved},
      // KB 175523: an RST-answered SYN is re-sent after the base time-out, not backed off, up to
      // TcpMaxConnectRetransmissions (2); NT 5's base time-out is TcpInitialRtt, 3 s.
      .refused_syn_retries = {2, E::kInferred},
      .refused_retry_interval = {std::chrono::seconds(3), E::kInferred},
      .sio_tcp_initial_rto = {false, E::kDocumented},
      .ideal_send_backlog = {false, E::kDocumented},
      .wsapoll = {false, E::kDocumented},
      // "IPv6 for Windows XP / Server 2003" must be installed (netsh interface ipv6 install);
      // Windows 2000 had only a research preview. Dual-stack sockets are Vista and later.
      .ipv6 = {false, E::kDocumented},
      .completion_port_ex = {false, E::kDocumented},
      .connectex = {connectex, E::kDocumented},
  };
}

// Fields shared by Vista and later (NT 6.0+): 10 fixed probes, one-byte BOOLEAN options,
// SO_KEEPALIVE refused while connecting. Per-build differences are passed in.
struct Modern {
  bool keepcnt;
  bool keepintvl;              // and TCP_KEEPIDLE documented under that name
  int optlen_minus_one;        // WSAEFAULT from Windows 7 to 10 21H1, else WSAENOBUFS
  bool zero_seconds_rejected;  // Server 2019 and later
  bool clears_last_error;      // a successful call sets the last error to 0: 7 and later
  bool initial_rto_ioctl;      // SIO_TCP_INITIAL_RTO: Windows 8 / Server 2012 and later
  Evidence refused_timing;     // 2 SYNs 1 s apart after RST: measured on Windows 10 and later
};

constexpr Profile nt6(std::string_view name, std::string_view display, std::uint32_t major,
                      std::uint32_t minor, std::uint32_t build, ProductType product,
                      std::uint16_t sp, Modern m) {
  return Profile{
      .name = name,
      .display = display,
      .major = major,
      .minor = minor,
      .build = build,
      .product = product,
      .service_pack = sp,
      .probe_count = {ProbeCountRule::kFixedTen, E::kDocumented},
      .keepalive_refused_while_connecting = {true, E::kDocumented},
      .bool_options = {BoolOptionRule::kOneByteBoolean, E::kObserved},
      .optlen_minus_one_error = {m.optlen_minus_one, E::kObserved},
      .tcp_keepalive_option = {true, E::kObserved},
      .tcp_keepidle_documented = {m.keepintvl, E::kDocumented},
      .tcp_keepcnt = {m.keepcnt, E::kDocumented},
      .tcp_keepintvl = {m.keepintvl, E::kDocumented},
      .zero_keepalive_seconds_rejected = {m.zero_seconds_rejected, E::kInferred},
      .after_drop = {AfterDropError::kNotConnected, E::kInferred},
      .sio_keepalive_vals = {true, E::kDocumented},
      .keepalive_timer_tick = {kTimerTick, E::kInferred},
      .negative_optlen_unsigned = {true, E::kObserved},
      .success_clears_last_error = {m.clears_last_error, E::kObserved},
      .so_bsp_state = {true, E::kObserved},
      .stream_dont_fragment = {true, E::kObserved},
      .ip_hdrincl_raw_only = {true, E::kObserved},
      .refused_syn_retries = {2, m.refused_timing},
      .refused_retry_interval = {std::chrono::seconds(1), m.refused_timing},
      .sio_tcp_initial_rto = {m.initial_rto_ioctl, E::kDocumented},
      .ideal_send_backlog = {true, E::kDocumented},
      .wsapoll = {true, E::kDocumented},
      .ipv6 = {true, E::kDocumented},
      .completion_port_ex = {true, E::kDocumented},
      .connectex = {true, E::kDocumented},
  };
}

constexpr auto W = ProductType::kWorkstation;
constexpr auto S = ProductType::kServer;
constexpr auto kInf = E::kInferred;
constexpr auto kObs = E::kObserved;
constexpr Modern kVista{false, false, kWsaEnobufs, false, false, false, kInf};
constexpr Modern k7{false, false, kWsaEfault, false, true, false, kInf};
constexpr Modern k8To81{false, false, kWsaEfault, false, true, true, kInf};
constexpr Modern k10To1607{false, false, kWsaEfault, false, true, true, kObs};
constexpr Modern k1703{true, false, kWsaEfault, false, true, true, kObs};
constexpr Modern k1709To21H1{true, true, kWsaEfault, false, true, true, kObs};
constexpr Modern kServer2019{true, true, kWsaEfault, true, true, true, kObs};
constexpr Modern k22H2{true, true, kWsaEnobufs, false, true, true, kObs};
constexpr Modern kServer2022{true, true, kWsaEnobufs, true, true, true, kObs};

constexpr std::array kProfiles{
    nt5("windows-2000", "Windows 2000", 0, 2195, W, 4, false),
    nt5("windows-xp", "Windows XP", 1, 2600, W, 3, true),
    nt5("windows-server-2003", "Windows Server 2003 / XP x64", 2, 3790, S, 2, true),
    nt6("windows-vista", "Windows Vista", 6, 0, 6002, W, 2, kVista),
    nt6("windows-server-2008", "Windows Server 2008", 6, 0, 6003, S, 2, kVista),
    nt6("windows-7", "Windows 7 / Server 2008 R2", 6, 1, 7601, W, 1, k7),
    nt6("windows-8", "Windows 8 / Server 2012", 6, 2, 9200, W, 0, k8To81),
    nt6("windows-8.1", "Windows 8.1", 6, 3, 9600, W, 0, k8To81),
    nt6("windows-server-2012r2", "Windows Server 2012 R2", 6, 3, 9600, S, 0, k8To81),
    nt6("windows-10-1507", "Windows 10 version 1507", 10, 0, 10240, W, 0, k10To1607),
    nt6("windows-10-1607", "Windows 10 version 1607", 10, 0, 14393, W, 0, k10To1607),
    nt6("windows-server-2016", "Windows Server 2016", 10, 0, 14393, S, 0, k10To1607),
    nt6("windows-10-1703", "Windows 10 version 1703", 10, 0, 15063, W, 0, k1703),
    nt6("windows-10-1709", "Windows 10 version 1709", 10, 0, 16299, W, 0, k1709To21H1),
    nt6("windows-10-22h2", "Windows 10 version 22H2", 10, 0, 19045, W, 0, k22H2),
    nt6("windows-server-2019", "Windows Server 2019", 10, 0, 17763, S, 0, kServer2019),
    nt6("windows-server-2022", "Windows Server 2022", 10, 0, 20348, S, 0, kServer2022),
    nt6("windows-11", "Windows 11 version 23H2", 10, 0, 22631, W, 0, k22H2),
};

constexpr NamedBehaviour kBehaviours[] = {
    {"registry-probe-count",
     "the probe count comes from the registry (2000/XP/2003), not fixed at 10",
     [](const Profile& p) { return p.probe_count.value == ProbeCountRule::kRegistry; }},
    {"keepalive-refused-while-connecting",
     "SO_KEEPALIVE set while a connect is in progress fails with WSAEINVAL",
     [](const Profile& p) { return p.keepalive_refused_while_connecting.value; }},
    {"one-byte-bool-options", "BOOL socket options are one-byte BOOLEANs (Vista kernel and later)",
     [](const Profile& p) { return p.bool_options.value == BoolOptionRule::kOneByteBoolean; }},
    {"tcp-keepalive-option", "IPPROTO_TCP option 3 (TCP_KEEPALIVE = TCP_KEEPIDLE) exists",
     [](const Profile& p) { return p.tcp_keepalive_option.value; }},
    {"tcp-keepcnt", "TCP_KEEPCNT exists", [](const Profile& p) { return p.tcp_keepcnt.value; }},
    {"tcp-keepintvl", "TCP_KEEPINTVL exists",
     [](const Profile& p) { return p.tcp_keepintvl.value; }},
    {"zero-keepalive-seconds-rejected", "TCP_KEEPIDLE / TCP_KEEPINTVL of 0 fail with WSAEINVAL",
     [](const Profile& p) { return p.zero_keepalive_seconds_rejected.value; }},
    {"sio-keepalive-vals", "WSAIoctl(SIO_KEEPALIVE_VALS) exists",
     [](const Profile& p) { return p.sio_keepalive_vals.value; }},
    {"negative-optlen-unsigned",
     "setsockopt reads optlen -1 as a huge unsigned length (4-byte SOL_SOCKET options accept it)",
     [](const Profile& p) { return p.negative_optlen_unsigned.value; }},
    {"success-clears-last-error",
     "a successful Winsock call sets the last error to 0 (7 and later)",
     [](const Profile& p) { return p.success_clears_last_error.value; }},
    {"so-bsp-state", "getsockopt(SO_BSP_STATE) exists (Vista / Server 2008 and later)",
     [](const Profile& p) { return p.so_bsp_state.value; }},
    {"stream-dont-fragment", "IP_DONTFRAGMENT starts TRUE on stream sockets (Vista and later)",
     [](const Profile& p) { return p.stream_dont_fragment.value; }},
    {"ip-hdrincl-raw-only",
     "IP_HDRINCL on a TCP or UDP socket fails with WSAEINVAL (Vista and later)",
     [](const Profile& p) { return p.ip_hdrincl_raw_only.value; }},
    {"sio-tcp-initial-rto", "WSAIoctl(SIO_TCP_INITIAL_RTO) exists (Windows 8 and later)",
     [](const Profile& p) { return p.sio_tcp_initial_rto.value; }},
    {"ideal-send-backlog", "WSAIoctl(SIO_IDEAL_SEND_BACKLOG_QUERY) exists (Vista and later)",
     [](const Profile& p) { return p.ideal_send_backlog.value; }},
    {"wsapoll", "WSAPoll exists (Vista and later)",
     [](const Profile& p) { return p.wsapoll.value; }},
    {"ipv6", "an IPv6 stack with dual-stack sockets is there by default (Vista and later)",
     [](const Profile& p) { return p.ipv6.value; }},
    {"completion-port-ex",
     "GetQueuedCompletionStatusEx, CancelIoEx and SetFileCompletionNotificationModes exist "
     "(Vista and later)",
     [](const Profile& p) { return p.completion_port_ex.value; }},
    {"connectex", "ConnectEx and DisconnectEx exist (XP and later)",
     [](const Profile& p) { return p.connectex.value; }},
};

}  // namespace

std::string_view to_string(Evidence e) noexcept {
  switch (e) {
    case Evidence::kDocumented:
      return "documented";
    case Evidence::kObserved:
      return "observed";
    case Evidence::kRfc:
      return "rfc";
    case Evidence::kInferred:
      return "inferred";
  }
  return "?";
}

std::span<const Profile> all_profiles() noexcept {
  return kProfiles;
}

const Profile* find_profile(std::string_view name) noexcept {
  const auto it = std::find_if(kProfiles.begin(), kProfiles.end(),
                               [name](const Profile& p) { return p.name == name; });
  return it == kProfiles.end() ? nullptr : &*it;
}

const Profile* closest_profile(std::uint32_t major, std::uint32_t minor, std::uint32_t build,
                               bool server) noexcept {
  const Profile* best = nullptr;
  for (const Profile& p : kProfiles) {
    if ((p.product == ProductType::kServer) != server) {
      continue;
    }
    if (p.major == major && p.minor == minor && p.build == build) {
      return &p;
    }
    if (p.build <= build && (best == nullptr || p.build >= best->build)) {
      best = &p;
    }
  }
  return best;
}

std::span<const NamedBehaviour> named_behaviours() noexcept {
  return kBehaviours;
}

const NamedBehaviour* find_behaviour(std::string_view name) noexcept {
  for (const NamedBehaviour& b : kBehaviours) {
    if (b.name == name) {
      return &b;
    }
  }
  return nullptr;
}

}  // namespace ws2sim::winsock
