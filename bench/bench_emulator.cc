// The whole-emulator path: Winsock calls on ws2sim::winsock, on the same engine and scheduler.
//
// BM_DeadPeerDetection/N: N emulated connections through dead-peer detection, as a Windows
// program does it: socket, SIO_KEEPALIVE_VALS {1, 7200000, 1000}, connect (the server accepts),
// the server crashes, and a blocking recv on every client socket returns WSAENETRESET after
// 2 h + 10 probes of virtual time. Client sockets are spread over hosts of 10,000 (one host has
// 16,384 ephemeral ports). The world and its hosts are built outside the timed region. With
// trace:1 the world records its trace in memory (the default), with trace:0 it does not.
//
// BM_CompletionPortDeadPeerDetection/N: the same question asked the completion-port way
// (docs/behaviour.md §17): the server accepts N connections, gives each SIO_KEEPALIVE_VALS
// {1, 7200000, 1000}, associates it with ONE completion port and leaves an overlapped WSARecv
// pending on it; the client hosts crash, and four worker threads of the server take the N
// ERROR_SEM_TIMEOUT packets from the port 2 h + 10 probes later. A change on one connection
// looks at that connection's pending read alone (the keyed sweep), so the cost is linear in N
// although every read waits on one host (bench/README.md).
//
// BM_setsockopt / BM_getsockopt / BM_WSAIoctl: the cost of one call on a connected socket.
//
//   bench_emulator [--smoke] [--once] [Google Benchmark flags]
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gbench.h"
#include "ws2sim/winsock/world.h"
// The drop-in headers, in the order a Windows program includes them.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <windows.h>
// clang-format on

namespace {

using ws2sim::winsock::Host;
using ws2sim::winsock::HostScope;
using ws2sim::winsock::World;

constexpr int kPerHost = 10'000;

sockaddr_in address(const char* ip, u_short port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return a;
}

// A server listening on 10.0.0.1:443 and `clients` client hosts 10.0.1.x, all after WSAStartup.
struct Net {
  explicit Net(int clients) {
    server = &world.add_host("server", "windows-server-2022", "10.0.0.1").value().get();
    WSADATA data;
    {
      HostScope on(*server);
      ok &= WSAStartup(MAKEWORD(2, 2), &data) == 0;
      listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
      sockaddr_in a = address("0.0.0.0", 443);
      ok &= bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ok &= listen(listener, SOMAXCONN) == 0;
    }
    for (int i = 0; i < clients; ++i) {
      const std::string ip = "10.0.1." + std::to_string(i + 1);
      Host& h = world.add_host("client" + std::to_string(i), "windows-10-22h2", ip).value().get();
      HostScope on(h);
      ok &= WSAStartup(MAKEWORD(2, 2), &data) == 0;
      hosts.push_back(&h);
    }
  }
  // A connection from a new socket of host `h`: the server's accepted socket.
  SOCKET connect_pair(Host& h) {
    SOCKET s;
    {
      HostScope on(h);
      s = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a = address("10.0.0.1", 443);
      ok &= connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    HostScope srv(*server);
    const SOCKET peer = accept(listener, nullptr, nullptr);
    ok &= peer != INVALID_SOCKET;
    return peer;
  }
  // A connected client socket on host `h`, its peer accepted by the server.
  SOCKET connect_one(Host& h, bool set_keepalive) {
    HostScope on(h);
    const SOCKET s = socket(AF_INET, SOCK_STREAM, 0);
    if (set_keepalive) {
      tcp_keepalive ka{1, 7'200'000, 1'000};
      DWORD returned = 0;
      ok &= WSAIoctl(s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr,
                     nullptr) == 0;
    }
    sockaddr_in a = address("10.0.0.1", 443);
    ok &= connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    HostScope srv(*server);
    ok &= accept(listener, nullptr, nullptr) != INVALID_SOCKET;
    return s;
  }
  World world{1};
  bool ok = true;  // every call above succeeded
  Host* server = nullptr;
  SOCKET listener = INVALID_SOCKET;
  std::vector<Host*> hosts;
};

void BM_DeadPeerDetection(benchmark::State& state) {
  const auto n = static_cast<int>(state.range(0));
  const bool trace = state.range(1) != 0;
  int reset = 0;
  double trace_events = 0;
  double trace_bytes = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto net = std::make_unique<Net>((n + kPerHost - 1) / kPerHost);
    net->world.model().trace().set_recording(trace);
    std::vector<SOCKET> sockets;
    sockets.reserve(static_cast<std::size_t>(n));
    state.ResumeTiming();
    for (int i = 0; i < n; ++i)
      sockets.push_back(
          net->connect_one(*net->hosts[static_cast<std::size_t>(i / kPerHost)], true));
    if (!net->world.crash(*net->server).ok()) state.SkipWithError("crash failed");
    reset = 0;
    for (int i = 0; i < n; ++i) {
      HostScope on(*net->hosts[static_cast<std::size_t>(i / kPerHost)]);
      char b = 0;
      if (recv(sockets[static_cast<std::size_t>(i)], &b, 1, 0) == SOCKET_ERROR &&
          WSAGetLastError() == WSAENETRESET) {
        ++reset;
      }
    }
    state.PauseTiming();
    if (!net->ok) state.SkipWithError("a Winsock call failed while connecting");
    const ws2sim::Trace& recorded = net->world.model().trace();
    trace_events = static_cast<double>(recorded.events().size());
    trace_bytes = static_cast<double>(recorded.memory_bytes());
    net.reset();
    state.ResumeTiming();
  }
  if (reset != n) state.SkipWithError("not every recv returned WSAENETRESET");
  state.counters["connections"] = n;
  if (trace) {
    // What the trace holds per connection and per event: the memory the trace-on run adds.
    state.counters["trace_events_per_conn"] = trace_events / n;
    state.counters["trace_bytes_per_event"] = trace_events > 0 ? trace_bytes / trace_events : 0;
  }
  ws2sim::bench::set_time_per_op(state, n);
}

void BM_CompletionPortDeadPeerDetection(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  constexpr int kWorkers = 4;
  std::size_t timed_out = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto net = std::make_unique<Net>(static_cast<int>((n + kPerHost - 1) / kPerHost));
    net->world.model().trace().set_recording(false);
    if (!net->world.set_thread_contexts(ws2sim::winsock::ThreadContexts::kFibers).ok()) {
      state.SkipWithError("no fibers");
    }
    std::vector<WSAOVERLAPPED> reads(n);
    std::vector<char> buffers(n);
    state.ResumeTiming();
    HANDLE port = nullptr;
    {
      HostScope srv(*net->server);
      port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, nullptr, 0, kWorkers);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const SOCKET peer = net->connect_pair(*net->hosts[i / kPerHost]);
      HostScope srv(*net->server);
      tcp_keepalive ka{1, 7'200'000, 1'000};
      DWORD returned = 0;
      net->ok &= WSAIoctl(peer, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr,
                          nullptr) == 0;
      net->ok &= CreateIoCompletionPort(reinterpret_cast<HANDLE>(peer), port, i, 0) == port;
      WSABUF b{1, &buffers[i]};
      DWORD flags = 0;
      net->ok &= WSARecv(peer, &b, 1, nullptr, &flags, &reads[i], nullptr) == SOCKET_ERROR &&
                 WSAGetLastError() == WSA_IO_PENDING;
    }
    for (Host* h : net->hosts) {
      if (!net->world.crash(*h).ok()) state.SkipWithError("crash failed");
    }
    // Four workers take the packets until every read has ended; each counts its own.
    std::vector<std::size_t> counts(kWorkers, 0);
    std::size_t taken = 0;
    for (int w = 0; w < kWorkers; ++w) {
      (void)net->world.start_thread(*net->server, "worker", [&, w] {
        while (taken < n) {
          DWORD bytes = 0;
          ULONG_PTR key = 0;
          OVERLAPPED* ov = nullptr;
          if (GetQueuedCompletionStatus(port, &bytes, &key, &ov, INFINITE) || ov == nullptr) {
            return;  // a quit packet or the end of the world's time
          }
          ++taken;
          if (GetLastError() == ERROR_SEM_TIMEOUT) ++counts[static_cast<std::size_t>(w)];
          if (taken == n) {
            for (int q = 0; q < kWorkers; ++q)
              PostQueuedCompletionStatus(port, 0, 0, nullptr);
          }
        }
      });
    }
    if (!net->world.run_threads().ok()) state.SkipWithError("the workers did not finish");
    timed_out = 0;
    for (const std::size_t c : counts)
      timed_out += c;
    state.PauseTiming();
    if (!net->ok) state.SkipWithError("a Winsock call failed while connecting");
    net.reset();
    state.ResumeTiming();
  }
  if (timed_out != n) state.SkipWithError("not every read ended with ERROR_SEM_TIMEOUT");
  state.counters["connections"] = static_cast<double>(n);
  ws2sim::bench::set_time_per_op(state, static_cast<std::int64_t>(n));
}

// One connected socket on one client host, for the per-call benchmarks.
struct OneSocket {
  OneSocket() : net(1), s(net.connect_one(*net.hosts[0], false)), on(*net.hosts[0]) {}
  Net net;
  SOCKET s;
  HostScope on;
};

void BM_setsockopt(benchmark::State& state) {
  OneSocket o;
  if (!o.net.ok) state.SkipWithError("set-up failed");
  BOOL yes = TRUE;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        setsockopt(o.s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&yes), sizeof yes));
  }
  ws2sim::bench::set_time_per_op(state, 1);
}

void BM_getsockopt(benchmark::State& state) {
  OneSocket o;
  if (!o.net.ok) state.SkipWithError("set-up failed");
  BOOL value = FALSE;
  for (auto _ : state) {
    int len = sizeof value;
    benchmark::DoNotOptimize(
        getsockopt(o.s, SOL_SOCKET, SO_KEEPALIVE, reinterpret_cast<char*>(&value), &len));
  }
  ws2sim::bench::set_time_per_op(state, 1);
}

void BM_WSAIoctl(benchmark::State& state) {
  OneSocket o;
  if (!o.net.ok) state.SkipWithError("set-up failed");
  tcp_keepalive ka{1, 7'200'000, 1'000};
  DWORD returned = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        WSAIoctl(o.s, SIO_KEEPALIVE_VALS, &ka, sizeof ka, nullptr, 0, &returned, nullptr, nullptr));
  }
  ws2sim::bench::set_time_per_op(state, 1);
}

// `once`: the dead-peer runs take one iteration, so that a process measures one run on fresh
// memory, as a user's run meets it (later iterations reuse what the allocator kept of the last).
void register_all(bool smoke, bool once) {
  auto* dead = benchmark::RegisterBenchmark("BM_DeadPeerDetection", BM_DeadPeerDetection);
  dead->ArgNames({"connections", "trace"});
  if (smoke) {
    dead->Args({100, 1})->Args({100, 0});
  } else {
    // The 10^4 ... 10^6 curve with the trace off, and 10^5 and 10^6 with it on (issue 22).
    for (const int n : {10'000, 100'000, 1'000'000})
      dead->Args({n, 0});
    for (const int n : {100'000, 1'000'000})
      dead->Args({n, 1});
  }
  dead->Iterations(smoke || once ? 1 : 3)->Unit(benchmark::kMillisecond);
  dead->UseRealTime();
  auto* port = benchmark::RegisterBenchmark("BM_CompletionPortDeadPeerDetection",
                                            BM_CompletionPortDeadPeerDetection);
  port->ArgNames({"connections"});
  for (const int n : smoke ? std::vector<int>{100} : std::vector<int>{1'000, 10'000, 100'000}) {
    port->Arg(n);
  }
  port->Iterations(smoke ? 1 : 3)->Unit(benchmark::kMillisecond)->UseRealTime();
  for (auto* b : {benchmark::RegisterBenchmark("BM_setsockopt", BM_setsockopt),
                  benchmark::RegisterBenchmark("BM_getsockopt", BM_getsockopt),
                  benchmark::RegisterBenchmark("BM_WSAIoctl", BM_WSAIoctl)}) {
    if (smoke) b->Iterations(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool once = ws2sim::bench::take_flag(argc, argv, "--once");
  return ws2sim::bench::run_suite(argc, argv, [once](bool smoke) { register_all(smoke, once); });
}
