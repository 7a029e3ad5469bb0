// ws2sim harness: runs an unmodified Windows program inside an emulated world.
//
// Link this object into the program (CMake: `ws2sim_add_windows_program`, see
// emulator/CMakeLists.txt, which compiles the program with `main` renamed ws2sim_program_main).
// The harness's own main builds a world from environment variables and runs the program's main
// as the first Windows thread of the program's host, so the program's WSAStartup, socket, ...
// calls act on an emulated Windows machine, its blocking calls advance virtual time, and the
// threads it creates (CreateThread, _beginthreadex) take turns with it deterministically
// (docs/threads.md). When main returns, the program's other threads end, as in ExitProcess.
//
//   WS2SIM_PROFILE=windows-xp            the program's Windows version (default windows-10-22h2)
//   WS2SIM_SEED=7                        the world's seed (default 1)
//   WS2SIM_ADDRESS=10.0.0.1              the program's host address
//   WS2SIM_LISTEN=10.0.0.2:5432          a peer host with a listening port the program can reach
//                                        (comma-separated list; connections are completed by the
//                                        peer's TCP stack and left in its backlog)
//   WS2SIM_PEER_PROFILE=windows-server-2022
//   WS2SIM_CRASH_PEER_AT=5               crash the peer 5 s of virtual time after start
//   WS2SIM_REBOOT_PEER_AT=5              reboot it instead (it answers with RST afterwards)
//   WS2SIM_REGISTRY=KeepAliveTime=60000,TcpMaxDataRetransmissions=3
//   WS2SIM_LATENCY_MS=1                  one-way latency between the hosts
//   WS2SIM_TRACE=trace.jsonl             write the trace when the program exits
//   WS2SIM_SHUFFLE=3                     shuffle same-instant turns with this seed
//                                        (World::shuffle_turns): another interleaving
//   WS2SIM_THREADS=fibers                the program's Windows threads as fibers of one OS
//                                        thread (World::set_thread_contexts); default: os
//
// This file is the one place where a simulation is process-wide: an unmodified program has no
// way to pass one in. Library code never relies on it.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ws2sim/model/trace_writers.h"
#include "ws2sim/winsock/world.h"

namespace {

using ws2sim::winsock::Host;
using ws2sim::winsock::HostScope;
using ws2sim::winsock::World;

std::string env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "ws2sim harness: %s\n", message.c_str());
  std::_Exit(2);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = s.find(sep, start);
    std::string part = s.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!part.empty()) out.push_back(part);
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::uint64_t parse_number(const std::string& text, const char* what) {
  char* end = nullptr;
  const unsigned long long v = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || end == nullptr || *end != '\0' || text[0] == '-') {
    die(std::string(what) + ": '" + text + "' is not a non-negative whole number");
  }
  return v;
}

struct Harness {
  Harness() {
    world = std::make_unique<World>(parse_number(env("WS2SIM_SEED", "1"), "WS2SIM_SEED"));
    const std::string profile = env("WS2SIM_PROFILE", "windows-10-22h2");
    auto host = world->add_host("program", profile, env("WS2SIM_ADDRESS", "10.0.0.1"));
    if (!host.ok()) die(host.error().message);
    program = &host->get();

    for (const std::string& item : split(env("WS2SIM_REGISTRY", ""), ',')) {
      const std::size_t eq = item.find('=');
      const auto name = ws2sim::winsock::parse_registry_value(item.substr(0, eq));
      if (eq == std::string::npos || !name) die("WS2SIM_REGISTRY: cannot read '" + item + "'");
      const std::uint64_t value = parse_number(item.substr(eq + 1), "WS2SIM_REGISTRY");
      if (value > 0xFFFFFFFFULL) die("WS2SIM_REGISTRY: " + item + " does not fit a DWORD");
      if (auto s = program->set_registry(*name, static_cast<std::uint32_t>(value)); !s.ok()) {
        die("WS2SIM_REGISTRY: " + s.error().message);
      }
    }

    const auto latency =
        std::chrono::milliseconds(parse_number(env("WS2SIM_LATENCY_MS", "1"), "WS2SIM_LATENCY_MS"));
    int n = 0;
    for (const std::string& target : split(env("WS2SIM_LISTEN", ""), ',')) {
      const std::size_t colon = target.find(':');
      if (colon == std::string::npos) die("WS2SIM_LISTEN: '" + target + "' is not ADDRESS:PORT");
      const std::string address = target.substr(0, colon);
      const std::uint64_t port = parse_number(target.substr(colon + 1), "WS2SIM_LISTEN port");
      if (port == 0 || port > 65535) die("WS2SIM_LISTEN: port out of range in '" + target + "'");
      Host* peer = nullptr;
      for (Host* h : world->hosts()) {
        if (ws2sim::to_string(h->address()) == address) peer = h;
      }
      if (peer == nullptr) {
        auto added = world->add_host("peer" + std::to_string(++n),
                                     env("WS2SIM_PEER_PROFILE", "windows-server-2022"), address);
        if (!added.ok()) die(added.error().message);
        peer = &added->get();
        (void)world->set_link(*program, *peer, {.latency = latency, .loss = 0.0});
        peers.push_back(peer);
      }
      auto lst = world->model().network().listen(peer->id(), static_cast<std::uint16_t>(port));
      if (!lst.ok()) die("WS2SIM_LISTEN: " + lst.error().message);
    }
    schedule_peer_fault("WS2SIM_CRASH_PEER_AT", /*reboot=*/false);
    schedule_peer_fault("WS2SIM_REBOOT_PEER_AT", /*reboot=*/true);
    const std::string shuffle = env("WS2SIM_SHUFFLE", "");
    if (!shuffle.empty()) world->shuffle_turns(parse_number(shuffle, "WS2SIM_SHUFFLE"));
    const std::string threads = env("WS2SIM_THREADS", "os");
    if (threads != "os" && threads != "fibers") {
      die("WS2SIM_THREADS: expected os or fibers, got '" + threads + "'");
    }
    if (threads == "fibers")
      (void)world->set_thread_contexts(ws2sim::winsock::ThreadContexts::kFibers);
  }

  void schedule_peer_fault(const char* variable, bool reboot) {
    const std::string when = env(variable, "");
    if (when.empty()) return;
    if (peers.empty()) die(std::string(variable) + " needs WS2SIM_LISTEN (a peer to fail)");
    const auto at = ws2sim::kEpoch + std::chrono::seconds(parse_number(when, variable));
    for (Host* peer : peers) {
      const ws2sim::Fault f = reboot ? ws2sim::Fault{ws2sim::RebootHost{peer->id()}}
                                     : ws2sim::Fault{ws2sim::CrashHost{peer->id()}};
      if (auto s = world->schedule(at, f); !s.ok()) die(s.error().message);
    }
  }

  void write_trace() const {
    const std::string trace = env("WS2SIM_TRACE", "");
    if (!trace.empty()) {
      if (auto s = ws2sim::write_jsonl_file(world->trace(), trace); !s.ok()) {
        std::fprintf(stderr, "ws2sim harness: %s\n", s.error().message.c_str());
      }
    }
  }

  std::unique_ptr<World> world;
  Host* program = nullptr;
  std::vector<Host*> peers;
};

}  // namespace

// The program's main, renamed by ws2sim_add_windows_program: C's, or C++'s in one of its three
// forms (mangled). Exactly one is defined; the others stay null.
extern "C" int program_main_c(int, char**, char**) __asm__("ws2sim_program_main")
    __attribute__((weak));
int program_main_0() __asm__("_Z19ws2sim_program_mainv") __attribute__((weak));
int program_main_2(int, char**) __asm__("_Z19ws2sim_program_mainiPPc") __attribute__((weak));
int program_main_3(int, char**, char**) __asm__("_Z19ws2sim_program_mainiPPcS0_")
    __attribute__((weak));

namespace {

int call_program_main(int argc, char** argv, char** envp) {
  if (program_main_c != nullptr) return program_main_c(argc, argv, envp);
  if (program_main_2 != nullptr) return program_main_2(argc, argv);
  if (program_main_3 != nullptr) return program_main_3(argc, argv, envp);
  if (program_main_0 != nullptr) return program_main_0();
  die("the program has no main (is it built with ws2sim_add_windows_program?)");
}

}  // namespace

int main(int argc, char** argv, char** envp) {
  Harness harness;
  int code = 0;
  auto started = harness.world->start_thread(*harness.program, "main", [&] {
    code = call_program_main(argc, argv, envp);
    harness.world->end_threads();  // main returned: the process exits, its threads end
  });
  if (!started.ok()) die(started.error().message);
  if (ws2sim::Status s = harness.world->run_threads(); !s.ok()) {
    std::fprintf(stderr, "ws2sim harness: %s\n", s.error().message.c_str());
  }
  harness.write_trace();
  return code;
}
