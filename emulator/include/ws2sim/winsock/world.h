// ws2sim/winsock/world.h — the test-control API of the Winsock emulator.
//
// A World is one simulation: a virtual clock, a seeded network and its trace. It holds Hosts;
// each host is one emulated Windows machine with a profile (profile.h), a registry
// (Tcpip\Parameters), a socket table, its WSAStartup state and a few switches. Winsock calls
// made by a thread act on the host that thread is bound to with a HostScope.
//
//   ws2sim::winsock::World world{/*seed=*/1};
//   Host& client = world.add_host("client", "windows-10-22h2", "10.0.0.1").value();
//   Host& server = world.add_host("server", "windows-server-2019", "10.0.0.2").value();
//   {
//     HostScope on(client);             // this thread's Winsock calls go to `client`
//     WSADATA d; WSAStartup(MAKEWORD(2, 2), &d);
//     SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
//     ...connect, then world.crash(server)...
//     recv(s, buf, sizeof buf, 0);      // returns after 2 h 0 min 10 s of virtual time:
//     WSAGetLastError();                // WSAENETRESET
//   }
//
// Blocking calls advance virtual time. With several threads bound to hosts of one world, time
// advances only while every such thread is blocked in an emulated call; see docs/testing.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ws2sim/model/network.h"
#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"
#include "ws2sim/model/trace.h"
#include "ws2sim/model/world.h"
#include "ws2sim/winsock/live.h"
#include "ws2sim/winsock/profile.h"

namespace ws2sim::winsock {

/// The REG_DWORD values of HKLM\SYSTEM\CurrentControlSet\Services\Tcpip\Parameters that the
/// emulator reads. All are absent until set.
enum class RegistryValue : std::uint8_t {
  kKeepAliveTime,                  ///< ms, 1..0xFFFFFFFF, default 7,200,000
  kKeepAliveInterval,              ///< ms, 1..0xFFFFFFFF, default 1,000
  kTcpMaxDataRetransmissions,      ///< 0..0xFFFFFFFF, default 5
  kPPTPTcpMaxDataRetransmissions,  ///< 0..0xFF, default 5
};
/// The registry name, e.g. "KeepAliveTime".
std::string_view to_string(RegistryValue v) noexcept;
/// Parses a registry name (exact spelling, case-insensitive).
std::optional<RegistryValue> parse_registry_value(std::string_view name) noexcept;

/// Per-host switches (spec: network down, provider without SIO_KEEPALIVE_VALS, strict mode).
struct HostSwitches {
  /// Every call fails with WSAENETDOWN (the network subsystem has failed).
  bool network_down = false;
  /// The transport provider lacks SIO_KEEPALIVE_VALS: WSAIoctl fails with WSAEOPNOTSUPP.
  bool no_keepalive_ioctl = false;
  /// Where the documentation and observed Windows disagree, follow the page literally.
  bool strict_documentation = false;
  /// Overrides the profile's error for calls made after keep-alive dropped a connection.
  std::optional<AfterDropError> after_drop;
};

class World;

/// ResolverAnswer — what a host's name lookups answer (Host::set_resolver; docs/names.md).
enum class ResolverAnswer : std::uint8_t {
  kAnswers,     ///< names resolve from the world
  kTryAgain,    ///< a resolver outage: WSATRY_AGAIN (EAI_AGAIN)
  kNoRecovery,  ///< a resolver failure: WSANO_RECOVERY (EAI_FAIL)
};

/// Resolver — a host's name resolution: how long each lookup takes, in virtual time (it blocks
/// like any call), and what it answers. Only lookups of names wait: numeric addresses and
/// "localhost" never reach a resolver.
struct Resolver {
  Duration delay{};
  ResolverAnswer answer = ResolverAnswer::kAnswers;
};

/// BlockedThread — one thread of a deadlock report: who it is and where it waits, on what.
struct BlockedThread {
  std::string thread;    ///< "server-worker (thread 8)", or "a HostScope thread" for yours
  std::string host;      ///< the host it belongs to
  std::string function;  ///< the call it is blocked in, e.g. "EnterCriticalSection"
  std::string waits_on;  ///< e.g. "critical section 0x7ffd1234 held by thread 12"
};

/// DeadlockReport — every attached thread was blocked on something no thread or timer could
/// ever signal: the world stopped at `at` (its horizon moved there) and the blocked calls failed.
struct DeadlockReport {
  TimePoint at;
  std::vector<BlockedThread> threads;
  /// DeadlockReport::to_string — one line per thread, after a headline with the instant.
  [[nodiscard]] std::string to_string() const;
};

/// One emulated Windows machine. Owned by its World; references stay valid for its lifetime.
class Host {
 public:
  [[nodiscard]] std::string_view name() const noexcept;
  [[nodiscard]] const Profile& profile() const noexcept;
  [[nodiscard]] Ipv4Address address() const noexcept;
  /// Host::set_ipv6_address — gives the host an IPv6 address besides its IPv4 one (RFC 4291
  /// text, e.g. "2001:db8::2"): AF_INET6 sockets bind and connect from it, its name resolves to
  /// it. One per host; ::, ::1, IPv4-mapped, multicast and taken addresses are refused, and so
  /// are live hosts (IPv4 only) and hosts whose profile has no IPv6 stack (Profile::ipv6:
  /// 2000/XP/2003). Every host of an IPv6 profile has ::1 without this.
  Status set_ipv6_address(std::string_view address);
  /// Host::ipv6_address — the address set_ipv6_address gave; nullopt for an IPv4-only host.
  [[nodiscard]] std::optional<Ipv6Address> ipv6_address() const;
  [[nodiscard]] HostId id() const noexcept;
  [[nodiscard]] World& world() const noexcept;
  /// True for a live host (World::add_live_host): its sockets are real Linux sockets.
  [[nodiscard]] bool live() const noexcept;

  /// Sets a registry value; out-of-range values are rejected (nothing is clamped).
  Status set_registry(RegistryValue value, std::uint32_t data);
  /// Removes a registry value (back to "absent", the Windows default).
  void clear_registry(RegistryValue value);
  [[nodiscard]] std::optional<std::uint32_t> registry(RegistryValue value) const;

  [[nodiscard]] HostSwitches switches() const;
  void set_switches(const HostSwitches& s);

  /// Open sockets on this host.
  [[nodiscard]] std::size_t socket_count() const;

  /// Host::add_alias — another name this host's address resolves from, on every host of the
  /// world (getaddrinfo, gethostbyname). Names are case-insensitive and unique in the world;
  /// "localhost" and numeric addresses are refused; letters, digits, '-', '_' and '.' only,
  /// at most 255 characters.
  Status add_alias(std::string alias);
  /// Host::aliases — the aliases, in the order they were added.
  [[nodiscard]] std::vector<std::string> aliases() const;
  /// Host::set_resolver — this host's lookups from now on (a DNS outage, a slow resolver).
  void set_resolver(const Resolver& resolver);
  [[nodiscard]] Resolver resolver() const;

  /// The default socket limit: 2^24, the size of a Windows process handle table (every socket
  /// is a handle; Windows has no smaller fixed cap on sockets).
  static constexpr std::size_t kDefaultSocketLimit = std::size_t{1} << 24;
  /// The most sockets this host's programs may hold open at once. Beyond it socket(),
  /// WSASocket() and accept() fail with WSAEMFILE ("no more socket descriptors are available",
  /// socket() page), and nothing changes. Must be at least 1; lowering it below the number of
  /// open sockets closes none of them, it only refuses new ones.
  Status set_socket_limit(std::size_t limit);
  [[nodiscard]] std::size_t socket_limit() const;
  /// The probe count a socket gets from this host's profile and registry (no TCP_KEEPCNT).
  [[nodiscard]] std::uint32_t default_probe_count() const;

  // ---- implementation details ----
  struct State;
  explicit Host(std::unique_ptr<State> state);
  ~Host();
  Host(const Host&) = delete;
  Host& operator=(const Host&) = delete;
  [[nodiscard]] State& state() const noexcept { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

/// ThreadContexts — what the Windows threads of a world run on (World::set_thread_contexts).
/// Either way they take turns in the same order; only capacity and thread_local differ
/// (docs/threads.md, "What a Windows thread runs on").
enum class ThreadContexts {
  /// Each Windows thread its own OS thread (the default): thread_local variables in user code
  /// are per thread, as on Windows. The machine's thread limit bounds a world.
  kOsThreads,
  /// Every Windows thread a fiber of one OS thread, on a 1 MiB stack: hundreds of thousands of
  /// threads, each turn a context switch. thread_local variables in user code are shared by
  /// the world's Windows threads.
  kFibers,
};

/// A simulation holding emulated Windows hosts.
class World {
 public:
  explicit World(std::uint64_t seed);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  /// Adds a host running `profile` (a name from all_profiles()) at dotted-quad `address`.
  Result<std::reference_wrapper<Host>> add_host(std::string name, std::string_view profile,
                                                std::string_view address);
  /// Adds a live host running `profile`: its Winsock calls act on real TCP sockets of this Linux
  /// machine (live.h) with the profile's semantics, and its blocking calls wait in real time.
  /// Live and emulated hosts of one world do not talk to each other; use a world of live hosts.
  Result<std::reference_wrapper<Host>> add_live_host(std::string name, std::string_view profile);
  /// What live hosts' sockets were set to, what was clamped, which errors came when (live.h).
  [[nodiscard]] std::vector<LiveRecord> live_log() const;
  [[nodiscard]] Host* find_host(std::string_view name) const;
  [[nodiscard]] std::vector<Host*> hosts() const;

  // Time -----------------------------------------------------------------------------------
  [[nodiscard]] TimePoint now() const;
  /// Advances virtual time (from a thread not blocked in an emulated call).
  Status run_for(Duration d);
  Status run_until(TimePoint t);
  /// Blocking calls fail with WSAEINTR instead of waiting past this instant (a program that
  /// would hang forever on Windows). Default: 400 days after the epoch.
  void set_horizon(TimePoint t);
  [[nodiscard]] TimePoint horizon() const;
  /// World::set_memory_budget — the model (its trace and scheduler) may hold at most `bytes`.
  /// Once it holds more, the world ends there as at its horizon: virtual time stops (the horizon
  /// moves to that instant), blocked calls fail with WSAEINTR, and budget_spent() says when. The
  /// instant is the same on every run. Unset (the default): no limit.
  void set_memory_budget(std::optional<std::size_t> bytes);
  /// World::budget_spent — when the memory budget ran out, if it did.
  [[nodiscard]] std::optional<TimePoint> budget_spent() const;
  /// World::wakeups — how many times a blocked call was woken to look again, since the world
  /// was made: an event wakes only the calls it lets continue (docs/testing.md).
  [[nodiscard]] std::uint64_t wakeups() const;
  /// World::memory_bytes — what the model's trace and scheduler hold now.
  [[nodiscard]] std::size_t memory_bytes() const;

  // Threads ---------------------------------------------------------------------------------
  /// Threads currently blocked in an emulated call.
  [[nodiscard]] std::size_t blocked_threads() const;
  /// Waits (in real time, without polling) until at least `n` threads are blocked in emulated
  /// calls: a test thread uses it to know another thread has reached its blocking call.
  void wait_until_blocked(std::size_t n) const;

  /// World::start_thread — starts `body` as a Windows thread of `host`, as CreateThread does
  /// for a program on that host (docs/testing.md, "Windows threads"). Windows threads run one at
  /// a time, the turn passing at blocking calls, so what they do is a function of the seed.
  /// Called from a thread that is not a Windows thread of this world, the thread waits for
  /// run_threads(), so that all of a test's threads start together; from a Windows thread it is
  /// runnable at once. Returns the thread's id (GetCurrentThreadId).
  ///
  ///   world.start_thread(server, "server", [&] { serve_one_client(); });
  ///   world.start_thread(client, "client", [&] { talk_to_server(); });
  ///   ASSERT_TRUE(world.run_threads().ok());
  Result<std::uint32_t> start_thread(Host& host, std::string name, std::function<void()> body);
  /// World::send_console_ctrl — delivers a console control event (CTRL_C_EVENT 0,
  /// CTRL_BREAK_EVENT 1, CTRL_CLOSE_EVENT 2, CTRL_LOGOFF_EVENT 5, CTRL_SHUTDOWN_EVENT 6) to
  /// `host`'s program as Windows does: a new thread of the host ("console-ctrl") runs the
  /// handlers SetConsoleCtrlHandler added, last added first, until one returns TRUE. Returns
  /// that thread's id. Not emulated: the default handler's ExitProcess when none returns TRUE.
  Result<std::uint32_t> send_console_ctrl(Host& host, std::uint32_t ctrl_type);
  /// World::run_threads — lets the threads start_thread() holds run, and waits (in real time)
  /// until every Windows thread of the world has ended. An error when the world deadlocked (its
  /// message is the report) or reached its horizon with threads still blocked.
  Status run_threads();
  /// World::end_threads — as ExitProcess: every Windows thread ends at its next blocking call
  /// (its stack unwound), and those not started never start. Returns at once; run_threads()
  /// waits for them.
  void end_threads();
  /// World::set_thread_contexts — what the world's Windows threads run on (OS threads by
  /// default). A failed-precondition error once the world made its first Windows thread.
  ///
  ///   world.set_thread_contexts(ThreadContexts::kFibers);   // 100,000 client threads fit
  Status set_thread_contexts(ThreadContexts contexts);
  /// World::shuffle_turns — with a seed, the next turn goes to a thread picked among the
  /// runnable ones by a generator seeded with it (each seed one interleaving, the same on every
  /// run); nullopt (the default): to the one runnable longest.
  void shuffle_turns(std::optional<std::uint64_t> seed);
  /// World::turns — how many times the turn passed from one Windows thread to another.
  [[nodiscard]] std::uint64_t turns() const;
  /// World::deadlock — the report, once every thread was blocked for good (DeadlockReport).
  [[nodiscard]] std::optional<DeadlockReport> deadlock() const;

  // Network and faults ----------------------------------------------------------------------
  Status set_link(Host& a, Host& b, const PathConfig& path);
  Status crash(Host& h);
  Status restart(Host& h);
  Status reboot(Host& h);
  Status partition(Host& a, Host& b, bool both_ways = true);
  Status heal(Host& a, Host& b, bool both_ways = true);
  Status add_nat(Host& a, Host& b, const NatConfig& config);
  /// Schedules a fault at a virtual time (see ws2sim::Fault).
  Status schedule(TimePoint at, const Fault& fault);

  /// The trace of everything that happened.
  [[nodiscard]] const Trace& trace() const;
  /// The model underneath (scheduler, network, trace), for what this API does not cover.
  ws2sim::World& model() noexcept;

  // ---- implementation details ----
  struct State;
  [[nodiscard]] State& state() const noexcept { return *state_; }

 private:
  std::unique_ptr<State> state_;
};

/// Binds the calling thread's Winsock calls to `host` until destroyed. Scopes nest; the
/// innermost wins. A thread bound to any host of a world takes part in that world's time rule.
class HostScope {
 public:
  explicit HostScope(Host& host);
  ~HostScope();
  HostScope(const HostScope&) = delete;
  HostScope& operator=(const HostScope&) = delete;

 private:
  Host* host_;
};

/// The host the calling thread is bound to, or nullptr.
Host* current_host() noexcept;

}  // namespace ws2sim::winsock
