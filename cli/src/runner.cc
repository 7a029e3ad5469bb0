// Plays a scenario: real Winsock calls on emulated hosts, one thread per connection plus the
// director. See runner.h for the threading rule that keeps the run deterministic.
#include "ws2sim/cli/runner.h"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <tuple>

#include "connection_tracker.h"
#include "live_network.h"
#include "run_budget.h"
#include "ws2sim/cli/read_mode.h"
#include "ws2sim/cli/time_text.h"
// The drop-in Windows headers last, after every ws2sim and standard header.
#include <mstcpip.h>
#include <windows.h>
#include <winsock2.h>
#include <ws2tcpip.h>

namespace ws2sim::cli {
namespace {

using winsock::Host;
using winsock::HostScope;

constexpr int kDirector = 0;  // record source ranks: the director acts first at an instant
constexpr int kConnectionThread = 1;

sockaddr_in to_sockaddr(Ipv4Address a, std::uint16_t port) {
  sockaddr_in out{};
  out.sin_family = AF_INET;
  out.sin_port = htons(port);
  out.sin_addr.s_addr = htonl(a.value);
  return out;
}

// `a` as a sockaddr of its family; `*length` its size.
sockaddr_storage to_storage(const SocketAddress& a, int* length) {
  sockaddr_storage out{};
  if (const std::optional<Ipv6Address> v6 = a.address.ipv6()) {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&out);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(a.port);
    std::memcpy(&sin6->sin6_addr, v6->bytes.data(), v6->bytes.size());
    *length = sizeof(sockaddr_in6);
  } else {
    const sockaddr_in sin = to_sockaddr(*a.address.ipv4(), a.port);
    std::memcpy(&out, &sin, sizeof sin);
    *length = sizeof sin;
  }
  return out;
}

// The network's address for a sockaddr a socket returned: an IPv4-mapped address (a dual-stack
// listener's IPv4 peer) is the IPv4 address it maps.
SocketAddress from_storage(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET6) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, &a, sizeof sin6);
    Ipv6Address v6;
    std::memcpy(v6.bytes.data(), &sin6.sin6_addr, v6.bytes.size());
    const std::optional<Ipv4Address> mapped = v6.mapped_ipv4();
    return SocketAddress{mapped ? IpAddress{*mapped} : IpAddress{v6}, ntohs(sin6.sin6_port)};
  }
  sockaddr_in sin;
  std::memcpy(&sin, &a, sizeof sin);
  return SocketAddress{Ipv4Address{ntohl(sin.sin_addr.s_addr)}, ntohs(sin.sin_port)};
}

std::string result_text(int r, int error) {
  if (r == SOCKET_ERROR) return "SOCKET_ERROR, " + wsa_error_text(error);
  return std::to_string(r);
}

class Run {
 public:
  Run(const Scenario& s, std::uint64_t seed, RunOptions options, LiveNetwork* live = nullptr)
      : sc_(s),
        seed_(seed),
        options_(options),
        world_(std::make_unique<winsock::World>(seed)),
        live_(live),
        tracker_(s.connections.size()) {
    // Indexes by host name, so that setting up N connections is O(N), not O(N x hosts).
    for (const HostSpec& h : sc_.hosts) {
      addresses_.emplace(h.name, *Ipv4Address::parse(h.address));
    }
    for (const ConnectionSpec& c : sc_.connections) {
      std::vector<std::uint16_t>& ports = ports_to_[c.to];
      if (std::find(ports.begin(), ports.end(), c.port) == ports.end()) ports.push_back(c.port);
    }
  }

  Result<RunReport> go();

 private:
  struct Conn {
    const ConnectionSpec* spec = nullptr;
    std::size_t index = 0;
    Host* client = nullptr;
    Host* server = nullptr;
    SOCKET socket = INVALID_SOCKET;
    SOCKET server_socket = INVALID_SOCKET;
    std::thread thread;
    ConnectionReport report;
    std::uint64_t seq = 0;
  };

  enum class ActionKind : std::uint8_t { kFault, kConnect, kTraffic };
  struct Action {
    TimePoint at;
    ActionKind kind;
    std::size_t index;
  };

  struct Sorted {
    CallRecord record;
    int source = 0;
    std::size_t conn_rank = 0;
    std::uint64_t seq = 0;
  };

  enum class Director : std::uint8_t { kRunning, kSleeping, kDone };

  Status set_up();
  void direct();
  void sleep_until(TimePoint t);
  void fault(const FaultSpec& f);
  void start_connection(Conn& c);
  /// Starts `c`'s Windows thread running `body` (turns); a failure is kept in no_thread_.
  void start_thread(Conn& c, std::function<void()> body);
  /// The address a connection goes to without a lookup: the server's, of its family.
  SocketAddress server_address(const Conn& c) const;
  /// Resolves `c`'s to_name on the calling (client) thread; nullopt, recorded, when it fails.
  std::optional<SocketAddress> resolve(Conn& c);
  /// socket(), the before-connect calls, connect() to `server` (non-blocking) and the
  /// while-connecting calls, recorded as `source`'s; false when socket() or connect() failed.
  bool open_and_connect(Conn& c, const SocketAddress& server, int source);
  void traffic(const TrafficSpec& t);
  void accept_pending(Host& server, std::uint16_t port);
  void run_calls(Conn& c, CallPhase phase, int source);
  void connection_main(Conn& c);
  void serve(Conn& c);
  void wait_for_director();
  /// Records a step. `anchor`: its place among the trace events; by default the events so far.
  void record(Conn* c, int source, const std::string& host, std::string text,
              std::optional<std::size_t> anchor = {});
  std::size_t events_so_far() const { return world_->trace().events().size(); }
  Host& host(std::string_view name) { return *world_->find_host(name); }
  /// A host's scenario address (live hosts' model addresses are placeholders).
  Ipv4Address address_of(std::string_view name) const {
    const auto it = addresses_.find(name);
    return it != addresses_.end() ? it->second : Ipv4Address{0};
  }
  /// Live mode: drops (or lets through again) every packet between `a` and the other hosts
  /// (`b` empty), or between `a` and `b`.
  void live_block(const std::string& a, const std::string& b, bool both_ways, bool block);
  void fill_from_live(Conn& c);
  TimePoint horizon() const { return kEpoch + sc_.duration; }
  /// True when the run's threads are Windows threads taking turns (World::start_thread); a live
  /// run's hosts wait in real time, so its threads are ordinary threads with HostScopes.
  bool turns() const { return live_ == nullptr; }

  const Scenario& sc_;
  std::uint64_t seed_;
  RunOptions options_;
  std::unique_ptr<winsock::World> world_;
  static constexpr int kReceiveBufferSize = 65536;
  // The connections' receive buffer when they take turns (serve()).
  std::unique_ptr<char[]> shared_buffer_ =
      std::make_unique_for_overwrite<char[]>(kReceiveBufferSize);
  LiveNetwork* live_ = nullptr;  // set for `ws2sim run --live`
  detail::ConnectionTracker tracker_;
  std::vector<Conn> conns_;
  std::map<std::pair<std::string, std::uint16_t>, SOCKET> listeners_;

  std::mutex mu_;
  std::condition_variable cv_;
  Director director_ = Director::kRunning;
  TimePoint director_deadline_;
  bool attached_ = false;
  std::optional<Error> no_thread_;  // a connection's thread could not be made
  std::map<std::string, Ipv4Address, std::less<>> addresses_;                // scenario addresses
  std::map<std::string, std::vector<std::uint16_t>, std::less<>> ports_to_;  // by server name
  std::vector<Sorted> records_;
  std::uint64_t director_seq_ = 0;
};

// ---- recording -----------------------------------------------------------------------------

void Run::record(Conn* c, int source, const std::string& host_name, std::string text,
                 std::optional<std::size_t> anchor) {
  Sorted s;
  // Only the thread acting at this instant reads the trace: nobody else is touching it.
  s.record.anchor = anchor.value_or(events_so_far());
  s.record.at = world_->now();
  s.record.host = host_name;
  s.record.text = std::move(text);
  s.source = source;
  if (c != nullptr) {
    s.record.connection = c->index;
    s.conn_rank = c->index;
  }
  std::lock_guard lock(mu_);
  s.seq = source == kDirector ? director_seq_++ : c->seq++;
  records_.push_back(std::move(s));
}

// ---- set-up ----------------------------------------------------------------------------------

Status Run::set_up() {
  world_->set_horizon(horizon());
  // A thread per connection: as fibers, a run holds as many as memory allows (OS threads stop
  // near 32,000 on a default Linux), and each turn is a context switch. The runner's threads
  // keep nothing in thread_local variables.
  if (turns()) {
    if (Status s = world_->set_thread_contexts(winsock::ThreadContexts::kFibers); !s.ok()) return s;
  }
  for (const HostSpec& h : sc_.hosts) {
    auto added = live_ != nullptr ? world_->add_live_host(h.name, h.profile)
                                  : world_->add_host(h.name, h.profile, h.address);
    if (!added.ok()) return added.error();
    for (const auto& [value, data] : h.registry) {
      if (Status s = added->get().set_registry(value, data); !s.ok()) return s;
    }
    if (h.ipv6) {
      if (Status s = added->get().set_ipv6_address(*h.ipv6); !s.ok()) return s;
    }
    for (const std::string& alias : h.aliases) {
      if (Status s = added->get().add_alias(alias); !s.ok()) return s;
    }
    if (h.resolver) added->get().set_resolver(*h.resolver);
  }
  if (live_ != nullptr) {
    for (const ConnectionSpec& c : sc_.connections) {
      if (c.to_name) {
        return invalid_argument("connection " + c.name +
                                ": \"to_name\" is not available with --live (live hosts' names "
                                "do not resolve to their real addresses)");
      }
    }
  }
  for (const LinkSpec& l : sc_.links) {
    if (Status s = world_->set_link(host(l.a), host(l.b), l.path); !s.ok()) return s;
  }
  for (Host* h : world_->hosts()) {
    HostScope on(*h);
    WSADATA data;
    if (WSAStartup(MAKEWORD(2, 2), &data) != 0) {
      return invalid_state("WSAStartup failed on " + std::string(h->name()));
    }
  }
  // Listeners: the ports a host lists, else every port a connection targets on it.
  for (const HostSpec& h : sc_.hosts) {
    std::vector<std::uint16_t> ports;
    if (h.listen) {
      ports = *h.listen;
    } else if (const auto it = ports_to_.find(h.name); it != ports_to_.end()) {
      ports = it->second;  // the ports connections go to, in the order they first appear
    }
    HostScope on(host(h.name));
    for (std::uint16_t port : ports) {
      // A host with an IPv6 address listens dual-stack: one AF_INET6 socket, IPV6_V6ONLY
      // cleared, takes IPv4 and IPv6 clients (docs/behaviour.md §16).
      const bool dual_stack = h.ipv6.has_value();
      SOCKET l = socket(dual_stack ? AF_INET6 : AF_INET, SOCK_STREAM, IPPROTO_TCP);
      DWORD v6only = 0;
      if (dual_stack && l != INVALID_SOCKET) {
        (void)setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, reinterpret_cast<const char*>(&v6only),
                         sizeof v6only);
      }
      // Live hosts share one kernel: each listens on its own address only.
      int any_length = 0;
      const sockaddr_storage any =
          to_storage(SocketAddress{dual_stack         ? IpAddress{Ipv6Address{}}
                                   : live_ != nullptr ? IpAddress{address_of(h.name)}
                                                      : IpAddress{Ipv4Address{}},
                                   port},
                     &any_length);
      u_long nonblocking = 1;
      if (l == INVALID_SOCKET ||
          bind(l, reinterpret_cast<const sockaddr*>(&any), any_length) != 0 ||
          listen(l, SOMAXCONN) != 0 ||
          ioctlsocket(l, static_cast<LONG>(FIONBIO), &nonblocking) != 0) {
        return invalid_state("cannot listen on " + h.name + ":" + std::to_string(port) + ": " +
                             wsa_error_text(WSAGetLastError()));
      }
      listeners_[{h.name, port}] = l;
    }
  }
  for (const HostSpec& h : sc_.hosts)
    host(h.name).set_switches(h.switches);
  // Faults the model schedules itself run at their exact instant, before anything else due then.
  for (const FaultSpec& f : sc_.faults) {
    if (live_ != nullptr) break;  // live: the director applies every fault as nftables rules
    const TimePoint at = kEpoch + f.at;
    std::optional<Fault> model_fault;
    switch (f.kind) {
      case FaultKind::kCrash:
        model_fault = CrashHost{host(f.host).id()};
        break;
      case FaultKind::kRestart:
        model_fault = RestartHost{host(f.host).id()};
        break;
      case FaultKind::kReboot:
        model_fault = RebootHost{host(f.host).id()};
        break;
      case FaultKind::kPartition:
        model_fault = PartitionHosts{host(f.host).id(), host(f.other).id(), f.both_ways};
        break;
      case FaultKind::kHeal:
        model_fault = HealHosts{host(f.host).id(), host(f.other).id(), f.both_ways};
        break;
      case FaultKind::kNat:
      case FaultKind::kNetworkDown:
      case FaultKind::kNetworkUp:
        break;  // the director applies these
    }
    if (model_fault) {
      if (Status s = world_->schedule(at, *model_fault); !s.ok()) return s;
    }
  }
  conns_.resize(sc_.connections.size());
  for (std::size_t i = 0; i < conns_.size(); ++i) {
    Conn& c = conns_[i];
    c.spec = &sc_.connections[i];
    c.index = i;
    c.client = &host(c.spec->from);
    c.server = &host(c.spec->to);
    c.report.name = c.spec->name;
    c.report.client = c.spec->from;
    c.report.server = c.spec->to;
    c.report.profile = std::string(c.client->profile().name);
    c.report.port = c.spec->port;
  }
  return {};
}

// ---- the director ------------------------------------------------------------------------------

void Run::direct() {
  std::vector<Action> actions;
  for (std::size_t i = 0; i < sc_.faults.size(); ++i) {
    const FaultKind k = sc_.faults[i].kind;
    if (live_ != nullptr || k == FaultKind::kNat || k == FaultKind::kNetworkDown ||
        k == FaultKind::kNetworkUp) {
      actions.push_back({kEpoch + sc_.faults[i].at, ActionKind::kFault, i});
    }
  }
  for (std::size_t i = 0; i < sc_.connections.size(); ++i) {
    actions.push_back({kEpoch + sc_.connections[i].at, ActionKind::kConnect, i});
  }
  for (std::size_t i = 0; i < sc_.traffic.size(); ++i) {
    actions.push_back({kEpoch + sc_.traffic[i].at, ActionKind::kTraffic, i});
  }
  std::stable_sort(actions.begin(), actions.end(), [](const Action& a, const Action& b) {
    return std::tie(a.at, a.kind) < std::tie(b.at, b.kind);
  });

  {
    // The director's own binding: any host will do, it only sleeps through it.
    HostScope base(*world_->hosts().front());
    for (const Action& a : actions) {
      if (no_thread_) {
        // The run cannot be what the scenario says: end it now; go() reports why.
        world_->end_threads();
        return;
      }
      sleep_until(a.at);
      switch (a.kind) {
        case ActionKind::kFault:
          fault(sc_.faults[a.index]);
          break;
        case ActionKind::kConnect:
          start_connection(conns_[a.index]);
          break;
        case ActionKind::kTraffic:
          traffic(sc_.traffic[a.index]);
          break;
      }
    }
    // Time runs to the scenario's end even when nothing more is scheduled: the connections'
    // threads are then still waiting, not deadlocked.
    sleep_until(horizon());
    std::lock_guard lock(mu_);
    director_ = Director::kDone;
  }
  cv_.notify_all();
  for (Conn& c : conns_) {
    if (c.thread.joinable()) c.thread.join();
  }
}

void Run::sleep_until(TimePoint t) {
  while (true) {
    const TimePoint now = world_->now();
    // The world may end before the scenario does (a spent memory budget moves its horizon).
    if (now >= t || now >= horizon() || now >= world_->horizon()) return;
    const std::int64_t ms = std::min<std::int64_t>(to_ms(t - now), 0xFFFFFFFE);
    {
      std::lock_guard lock(mu_);
      director_ = Director::kSleeping;
      director_deadline_ = now + std::chrono::milliseconds(ms);
    }
    cv_.notify_all();
    Sleep(static_cast<DWORD>(ms));
    std::lock_guard lock(mu_);
    director_ = Director::kRunning;
  }
}

void Run::wait_for_director() {
  if (turns()) {
    // The director is blocked whenever this thread runs; if its sleep ends at this very instant
    // it goes first: the turn passes to it until it sleeps again.
    auto director_due = [this] {
      std::lock_guard lock(mu_);
      return director_ == Director::kSleeping && director_deadline_ <= world_->now();
    };
    while (director_due() && SwitchToThread() != FALSE) {
    }
    return;
  }
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] {
    switch (director_) {
      case Director::kDone:
        return true;
      case Director::kRunning:
        return false;
      case Director::kSleeping:
        return director_deadline_ > world_->now();
    }
    return true;
  });
}

void Run::fault(const FaultSpec& f) {
  Host& a = host(f.host);
  const std::size_t before = events_so_far();
  switch (f.kind) {
    case FaultKind::kNat: {
      Host& b = host(f.other);
      const Status s = world_->add_nat(a, b, f.nat);
      record(nullptr, kDirector, f.host,
             s.ok() ? "NAT between " + f.host + " and " + f.other + ": forgets flows idle for " +
                          seconds_text(f.nat.idle_timeout) +
                          (f.nat.on_expiry == NatExpiry::kReset ? ", then answers with RST"
                                                                : ", then drops their segments")
                    : "NAT not added: " + s.error().message,
             before);
      break;
    }
    case FaultKind::kNetworkDown:
    case FaultKind::kNetworkUp: {
      const bool down = f.kind == FaultKind::kNetworkDown;
      winsock::HostSwitches sw = a.switches();
      sw.network_down = down;
      a.set_switches(sw);
      if (live_ != nullptr) {
        live_block(f.host, "", true, down);
      } else {
        for (Host* other : world_->hosts()) {
          if (other == &a) continue;
          (void)(down ? world_->partition(a, *other) : world_->heal(a, *other));
        }
      }
      record(nullptr, kDirector, f.host,
             down ? "network down: Winsock calls fail with WSAENETDOWN, no segment passes"
                  : "network up again",
             before);
      break;
    }
    case FaultKind::kCrash:
      if (live_ == nullptr) break;  // scheduled in the model
      live_block(f.host, "", true, true);
      record(nullptr, kDirector, f.host,
             "crash (live: nftables drops every packet to and from " + f.host + ")", before);
      break;
    case FaultKind::kPartition:
    case FaultKind::kHeal: {
      if (live_ == nullptr) break;  // scheduled in the model
      const bool part = f.kind == FaultKind::kPartition;
      live_block(f.host, f.other, f.both_ways, part);
      record(nullptr, kDirector, f.host,
             std::string(part ? "partition " : "heal ") + f.host +
                 (f.both_ways ? " <-> " : " -> ") + f.other + " (live: nftables)",
             before);
      break;
    }
    default:
      break;  // scheduled in the model
  }
}

void Run::live_block(const std::string& a, const std::string& b, bool both_ways, bool block) {
  const std::string from = to_string(address_of(a));
  for (const HostSpec& h : sc_.hosts) {
    if (h.name == a || (!b.empty() && h.name != b)) continue;
    const std::string to = h.address;
    Status s1 = block ? live_->block(from, to) : live_->unblock(from, to);
    Status s2 = !both_ways ? Status{} : block ? live_->block(to, from) : live_->unblock(to, from);
    for (const Status& st : {s1, s2}) {
      if (!st.ok()) record(nullptr, kDirector, a, "live fault failed: " + st.error().message);
    }
  }
}

void Run::run_calls(Conn& c, CallPhase phase, int source) {
  for (const ScenarioCall& call : c.spec->calls) {
    if (call.when != phase) continue;
    const std::size_t before = events_so_far();
    const CallOutcome out = execute(call.call, c.socket);
    c.report.calls.push_back(
        {describe(call.call), out, world_->now(), std::string(to_string(phase))});
    record(&c, source, c.spec->from, describe(call.call) + " = " + describe(out), before);
  }
}

void Run::start_connection(Conn& c) {
  if (c.spec->to_name && turns()) {
    // The lookup waits for the client's resolver in virtual time: on the connection's own
    // thread, so that the director and the other connections go on meanwhile.
    start_thread(c, [this, &c] {
      if (const std::optional<SocketAddress> server = resolve(c)) {
        if (open_and_connect(c, *server, kConnectionThread)) serve(c);
      }
    });
    return;
  }
  HostScope on(*c.client);
  if (!open_and_connect(c, server_address(c), kDirector)) return;
  if (turns()) {
    start_thread(c, [this, &c] { serve(c); });
    return;
  }
  // The connection's thread must be attached before time may move on.
  {
    std::lock_guard lock(mu_);
    attached_ = false;
  }
  c.thread = std::thread([this, &c] { connection_main(c); });
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return attached_; });
}

void Run::start_thread(Conn& c, std::function<void()> body) {
  // A Windows thread: attached from its start, it runs when the director next blocks.
  const Result<std::uint32_t> started =
      world_->start_thread(*c.client, c.spec->name, std::move(body));
  if (!started.ok()) {  // the system gave no more threads: the run cannot go on as written
    no_thread_ = Error{started.error().code,
                       "connection " + c.spec->name + " (number " + std::to_string(c.index + 1) +
                           "): " + started.error().message +
                           "; every connection needs a thread of this machine (its limits: "
                           "/proc/sys/kernel/threads-max, /proc/sys/vm/max_map_count)"};
  }
}

SocketAddress Run::server_address(const Conn& c) const {
  if (c.spec->family == IpFamily::kIpv6) {
    return SocketAddress{*Ipv6Address::parse(*sc_.host(c.spec->to)->ipv6), c.spec->port};
  }
  return SocketAddress{address_of(c.spec->to), c.spec->port};
}

std::optional<SocketAddress> Run::resolve(Conn& c) {
  const std::string& name = *c.spec->to_name;
  addrinfo hints{};
  hints.ai_family = c.spec->family == IpFamily::kIpv6 ? AF_INET6 : AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  // Recorded when the answer comes: its place among the trace events is where the lookup ends.
  const int e = getaddrinfo(name.c_str(), nullptr, &hints, &found);
  wait_for_director();
  if (e != 0) {
    c.report.connect_error = CallOutcome{SOCKET_ERROR, e};
    c.report.failed_call = "getaddrinfo(" + name + ")";
    record(&c, kConnectionThread, c.spec->from, "getaddrinfo(" + name + ") = " + wsa_error_text(e));
    return std::nullopt;
  }
  sockaddr_storage first{};
  std::memcpy(&first, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  SocketAddress server = from_storage(first);
  server.port = c.spec->port;
  record(&c, kConnectionThread, c.spec->from,
         "getaddrinfo(" + name + ") = " + to_string(server.address));
  return server;
}

bool Run::open_and_connect(Conn& c, const SocketAddress& server, int source) {
  const bool v6 = c.spec->family == IpFamily::kIpv6;
  c.socket = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (c.socket == INVALID_SOCKET) {
    const int e = WSAGetLastError();
    c.report.connect_error = CallOutcome{SOCKET_ERROR, e};
    c.report.failed_call = "socket()";
    record(&c, source, c.spec->from, "socket() = INVALID_SOCKET, " + wsa_error_text(e));
    return false;
  }
  if (live_ != nullptr) {  // live: connect from the client's own address (the faults need it)
    const sockaddr_in self = to_sockaddr(address_of(c.spec->from), 0);
    (void)bind(c.socket, reinterpret_cast<const sockaddr*>(&self), sizeof self);
  }
  run_calls(c, CallPhase::kBeforeConnect, source);
  u_long nonblocking = 1;  // the thread waits in select()
  // ioctlsocket's LONG parameter takes the u_long code's bit pattern, as on Windows.
  (void)ioctlsocket(c.socket, static_cast<LONG>(FIONBIO), &nonblocking);
  int to_length = 0;
  const sockaddr_storage to = to_storage(server, &to_length);
  const std::size_t before = events_so_far();  // the SYN is sent inside connect()
  const int r = connect(c.socket, reinterpret_cast<const sockaddr*>(&to), to_length);
  const int e = r == SOCKET_ERROR ? WSAGetLastError() : 0;
  const std::string target = c.spec->to + " " + to_string(server);
  if (r == SOCKET_ERROR && e != WSAEWOULDBLOCK) {
    c.report.connect_error = CallOutcome{r, e};
    record(&c, source, c.spec->from, "connect(" + target + ") = SOCKET_ERROR, " + wsa_error_text(e),
           before);
    return false;
  }
  sockaddr_storage local{};
  int len = sizeof local;
  if (getsockname(c.socket, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
    c.report.local = from_storage(local);
    tracker_.claim(c.index, c.client->id(), c.server->id(), *c.report.local);
  }
  record(&c, source, c.spec->from,
         "connect(" + target + ") from port " +
             (c.report.local ? std::to_string(c.report.local->port) : std::string("?")) +
             ": handshake started",
         before);
  run_calls(c, CallPhase::kConnecting, source);
  return true;
}

void Run::accept_pending(Host& server, std::uint16_t port) {
  const auto it = listeners_.find({std::string(server.name()), port});
  if (it == listeners_.end()) return;
  while (true) {
    sockaddr_storage peer{};
    int len = sizeof peer;
    const SOCKET a = accept(it->second, reinterpret_cast<sockaddr*>(&peer), &len);
    if (a == INVALID_SOCKET) return;
    const SocketAddress from = from_storage(peer);
    for (Conn& c : conns_) {
      if (c.server == &server && c.spec->port == port && c.report.local == from &&
          c.server_socket == INVALID_SOCKET) {
        c.server_socket = a;
      }
    }
  }
}

void Run::traffic(const TrafficSpec& t) {
  const auto it = std::find_if(conns_.begin(), conns_.end(),
                               [&](const Conn& c) { return c.spec->name == t.connection; });
  Conn& c = *it;
  std::string data(t.bytes, ' ');
  static constexpr std::string_view kPattern = "ws2sim keep-alive test data\n";
  for (std::size_t i = 0; i < data.size(); ++i)
    data[i] = kPattern[i % kPattern.size()];
  const std::string what =
      "send(" + std::to_string(t.bytes) + (t.bytes == 1 ? " byte)" : " bytes)");
  if (t.from_server) {
    HostScope on(*c.server);
    if (c.server_socket == INVALID_SOCKET) accept_pending(*c.server, c.spec->port);
    if (c.server_socket == INVALID_SOCKET) {
      record(&c, kDirector, c.spec->to,
             what + " not made: the server has not accepted this connection");
      return;
    }
    const std::size_t before = events_so_far();
    const int r = send(c.server_socket, data.data(), static_cast<int>(data.size()), 0);
    record(&c, kDirector, c.spec->to,
           what + " = " + result_text(r, r == SOCKET_ERROR ? WSAGetLastError() : 0), before);
    return;
  }
  HostScope on(*c.client);
  if (c.socket == INVALID_SOCKET) {
    record(&c, kDirector, c.spec->from, what + " not made: the connection has no socket");
    return;
  }
  const std::size_t before = events_so_far();
  const int r = send(c.socket, data.data(), static_cast<int>(data.size()), 0);
  record(&c, kDirector, c.spec->from,
         what + " = " + result_text(r, r == SOCKET_ERROR ? WSAGetLastError() : 0), before);
}

// ---- a connection's thread -------------------------------------------------------------------

void Run::connection_main(Conn& c) {
  HostScope on(*c.client);
  {
    std::lock_guard lock(mu_);
    attached_ = true;
  }
  cv_.notify_all();
  serve(c);
}  // releasing the scope detaches the thread: it no longer holds time still

void Run::serve(Conn& c) {
  const std::string& me = c.spec->from;
  fd_set writable;
  FD_ZERO(&writable);
  FD_SET(c.socket, &writable);
  fd_set failed = writable;
  const int n = select(0, nullptr, &writable, &failed, nullptr);
  const int select_error = n == SOCKET_ERROR ? WSAGetLastError() : 0;
  wait_for_director();
  if (n == SOCKET_ERROR) {
    const bool end = world_->now() >= horizon() && select_error == WSAEINTR;
    if (!end) {
      c.report.connect_error = CallOutcome{SOCKET_ERROR, select_error};
      c.report.failed_call = "select() while connecting";
    }
    record(&c, kConnectionThread, me,
           end ? std::string("connect() still in progress when the scenario ended")
               : "select() while connecting = SOCKET_ERROR, " + wsa_error_text(select_error));
    return;
  }
  if (FD_ISSET(c.socket, &failed)) {
    int so_error = 0;
    int len = sizeof so_error;
    (void)getsockopt(c.socket, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&so_error), &len);
    c.report.connect_error = CallOutcome{SOCKET_ERROR, so_error};
    record(&c, kConnectionThread, me, "connect() failed: " + wsa_error_text(so_error));
    return;
  }
  u_long blocking = 0;
  (void)ioctlsocket(c.socket, static_cast<LONG>(FIONBIO), &blocking);
  if (live_ != nullptr) c.report.established_at = world_->now();  // no trace to read it from
  run_calls(c, CallPhase::kAfterConnect, kConnectionThread);

  // What arrives is counted, never read. Taking turns, every connection receives into the run's
  // one buffer (a recv copies in its own turn); live threads run at once, each with its own.
  // Not zeroed: a connection that only waits touches no page of it (10,000 zeroed 64 KiB
  // buffers were 655 MB of a 10,000-connection run, and even unzeroed ones 4-8 KiB each).
  std::unique_ptr<char[]> own;
  if (!turns()) own = std::make_unique_for_overwrite<char[]>(kReceiveBufferSize);
  char* const buf = turns() ? shared_buffer_.get() : own.get();
  PendingReader reader(c.socket, c.spec->read);
  const std::string waiting = std::string(wait_call(c.spec->read));
  while (true) {
    const Read read = reader.read(buf, kReceiveBufferSize);
    const int r = read.outcome.result;
    const int error = read.outcome.error;
    wait_for_director();
    const TimePoint now = world_->now();
    if (r > 0 && !read.outcome.failed()) {
      if (live_ != nullptr) c.report.last_receive = now;
      c.report.bytes_received += static_cast<std::uint64_t>(r);
      record(&c, kConnectionThread, me,
             waiting + " = " + std::to_string(r) + (r == 1 ? " byte" : " bytes"));
      continue;
    }
    c.report.pending = CallResult{read.call, read.outcome, now, {}};
    if (!read.outcome.failed()) {
      record(&c, kConnectionThread, me, waiting + " = 0: the server closed the connection");
      return;
    }
    if (read.still_waiting || (error == WSAEINTR && now >= horizon())) {
      c.report.open_at_end = true;
      return;  // still waiting when the scenario's time ran out
    }
    record(&c, kConnectionThread, me,
           read.call + " in progress = " +
               (read.outcome.win32 ? std::string("FALSE, ") : std::string("SOCKET_ERROR, ")) +
               error_text(read.outcome));
    break;
  }
  // Calls made after the connection failed: another read the same way (an overlapped one fails
  // at once, docs/behaviour.md §17), and a send.
  char byte = 0;
  const Read again = reader.read(&byte, 1);
  c.report.later.push_back({again.call, again.outcome, world_->now(), {}});
  record(&c, kConnectionThread, me,
         "later " + again.call + " = " +
             (again.outcome.failed() ? "SOCKET_ERROR, " + error_text(again.outcome)
                                     : std::to_string(again.outcome.result)));
  const int r2 = send(c.socket, "x", 1, 0);
  const int e2 = r2 == SOCKET_ERROR ? WSAGetLastError() : 0;
  c.report.later.push_back({"send()", {r2, e2}, world_->now(), {}});
  record(&c, kConnectionThread, me, "later send() = " + result_text(r2, e2));
}

// ---- after the run -----------------------------------------------------------------------------

Result<RunReport> Run::go() {
  if (live_ == nullptr) {
    if (Status s = detail::start_run_budget(*world_, sc_, options_); !s.ok()) return s.error();
    Trace& trace = world_->model().trace();
    trace.set_recording(options_.keep_trace);
    trace.observe([this](const TraceEvent& e) { tracker_.on_event(e); });
    if (options_.on_event) {
      trace.observe([&trace, f = options_.on_event](const TraceEvent& e) { f(e, trace); });
    }
  }
  if (Status s = set_up(); !s.ok()) return s.error();
  if (turns()) {
    // The director and the connections' threads are Windows threads of the world: they take
    // turns in an order fixed by the seed, so two runs make the same calls in the same order.
    const Result<std::uint32_t> director =
        world_->start_thread(*world_->hosts().front(), "director", [this] { direct(); });
    if (!director.ok()) return director.error();
    (void)world_->run_threads();
    if (no_thread_) return *no_thread_;
  } else {
    direct();
  }
  if (live_ == nullptr) {
    (void)world_->run_until(horizon());  // the rest of the scenario's time, nobody attached
    if (Status s = detail::check_run_budget(*world_, sc_, options_); !s.ok()) return s.error();
    for (Conn& c : conns_)
      tracker_.fill(c.index, c.report);
  } else {
    for (Conn& c : conns_)
      fill_from_live(c);
  }

  std::sort(records_.begin(), records_.end(), [](const Sorted& a, const Sorted& b) {
    return std::tie(a.record.anchor, a.record.at, a.source, a.conn_rank, a.seq) <
           std::tie(b.record.anchor, b.record.at, b.source, b.conn_rank, b.seq);
  });
  RunReport report;
  report.scenario = sc_;
  report.seed = seed_;
  report.end = horizon();
  report.probes = tracker_.probes();
  report.trace_kept = live_ == nullptr && options_.keep_trace;
  for (Sorted& s : records_)
    report.records.push_back(std::move(s.record));
  for (Conn& c : conns_)
    report.connections.push_back(std::move(c.report));
  if (live_ != nullptr) {
    report.live = true;
    report.live_log = world_->live_log();
  }
  report.world = std::move(world_);
  report.index_connections();  // the timeline asks for every event's connection
  return report;
}

// Live mode has no trace: how the connection ended comes from the error its recv() got.
void Run::fill_from_live(Conn& c) {
  ConnectionReport& r = c.report;
  if (!r.pending || !r.pending->outcome.failed()) return;
  r.closed_at = r.pending->at;
  switch (r.pending->outcome.error) {
    case WSAENETRESET:
      r.reason = CloseReason::kKeepAliveTimeout;
      break;
    case WSAECONNRESET:
      r.reason = CloseReason::kResetByPeer;
      break;
    case WSAECONNABORTED:
      r.reason = CloseReason::kRetransmissionTimeout;
      break;
    default:
      r.closed_at.reset();
      break;
  }
}

}  // namespace

void RunReport::index_connections() {
  by_serial.clear();
  for (std::size_t i = 0; i < connections.size(); ++i) {
    for (const auto& serial : {connections[i].client_serial, connections[i].server_serial}) {
      if (serial) by_serial.emplace(*serial, i);
    }
  }
}

std::optional<std::size_t> RunReport::connection_of(const TraceEvent& e) const {
  if (!e.connection) return std::nullopt;
  if (!by_serial.empty()) {
    const auto it = by_serial.find(*e.connection);
    return it != by_serial.end() ? std::optional(it->second) : std::nullopt;
  }
  for (std::size_t i = 0; i < connections.size(); ++i) {
    if (connections[i].client_serial == e.connection ||
        connections[i].server_serial == e.connection) {
      return i;
    }
  }
  return std::nullopt;
}

Result<RunReport> run_scenario(const Scenario& scenario, std::optional<std::uint64_t> seed,
                               const RunOptions& options) {
  Run run(scenario, seed.value_or(scenario.seed), options);
  return run.go();
}

std::optional<std::string> live_unsupported(const Scenario& scenario) {
  if (!scenario.links.empty()) {
    return "\"links\" (latency and loss are the model's; the live namespace's loopback has "
           "neither)";
  }
  for (const FaultSpec& f : scenario.faults) {
    switch (f.kind) {
      case FaultKind::kRestart:
      case FaultKind::kReboot:
        return "fault \"" + std::string(f.kind == FaultKind::kRestart ? "restart" : "reboot") +
               "\" (a real host cannot forget its connections while the program keeps its sockets)";
      case FaultKind::kNat:
        return std::string("fault \"nat\" (no NAT in the live namespace)");
      default:
        break;
    }
  }
  for (const ConnectionSpec& c : scenario.connections) {
    if (c.read != ReadMode::kRecv) {
      return "connection " + c.name + "'s \"read\": \"" + std::string(to_string(c.read)) +
             "\" (overlapped reads are not carried out on live sockets: docs/live.md)";
    }
  }
  return std::nullopt;
}

Result<RunReport> run_scenario_live(const Scenario& scenario) {
  if (const auto why = live_unsupported(scenario)) {
    return invalid_argument("cannot run live: " + *why);
  }
  std::vector<std::string> addresses;
  for (const HostSpec& h : scenario.hosts)
    addresses.push_back(h.address);
  auto net = LiveNetwork::create(addresses);
  if (!net.ok()) return net.error();
  if (Status s = (*net)->enter(); !s.ok()) return s.error();
  Run run(scenario, scenario.seed, {}, net->get());
  return run.go();
}

}  // namespace ws2sim::cli
