// The model demo: a peer dies, keep-alive notices. Prints the timeline probe by probe and checks
// that the drop lands exactly at idle + N x interval after the last received segment.
//
// Runs two parameter sets: Windows Vista+ defaults (2 h idle, 1 s interval, 10 probes) and Linux
// defaults (7200 s, 75 s, 9 probes). Virtual time: hours of simulated idleness take microseconds.
#include <chrono>
#include <cstdio>
#include <string>

#include "ws2sim/model/trace.h"
#include "ws2sim/model/world.h"

namespace {

using namespace std::chrono_literals;
using ws2sim::Duration;

struct Case {
  const char* title;
  ws2sim::KeepAliveConfig keepalive;
};

bool run(const Case& c) {
  ws2sim::World world{/*seed=*/2026};
  ws2sim::Network& net = world.network();
  const auto client = net.add_host("client", *ws2sim::Ipv4Address::parse("10.0.0.1")).value();
  const auto server = net.add_host("server", *ws2sim::Ipv4Address::parse("10.0.0.2")).value();
  (void)net.set_link(client, server, {.latency = 5ms, .loss = 0.0});
  const auto listener = net.listen(server, 443).value();

  ws2sim::EndpointOptions options;
  options.keepalive = c.keepalive;
  const auto conn = net.connect(client, {net.address(server), 443}, options).value();

  std::printf("\n== %s: idle %s, interval %s, %u probes ==\n", c.title,
              ws2sim::format_duration(c.keepalive.idle).c_str(),
              ws2sim::format_duration(c.keepalive.interval).c_str(), c.keepalive.probe_count);
  world.trace().observe([&](const ws2sim::TraceEvent& e) {
    using K = ws2sim::TraceKind;
    const std::string at = ws2sim::format_time(e.at);
    const std::string_view host = net.name(e.host);
    switch (e.kind) {
      case K::kConnectionEstablished:
        std::printf("%14s  %-6.*s  connection established\n", at.c_str(),
                    static_cast<int>(host.size()), host.data());
        break;
      case K::kHostCrashed:
        std::printf("%14s  %-6.*s  CRASHED (stops answering)\n", at.c_str(),
                    static_cast<int>(host.size()), host.data());
        break;
      case K::kProbeSent:
        std::printf("%14s  %-6.*s  keep-alive probe %u of %u\n", at.c_str(),
                    static_cast<int>(host.size()), host.data(), e.probe, e.probe_count);
        break;
      case K::kConnectionClosed:
        std::printf("%14s  %-6.*s  connection dropped: %s\n", at.c_str(),
                    static_cast<int>(host.size()), host.data(),
                    std::string(ws2sim::to_string(*e.reason)).c_str());
        break;
      default:
        break;
    }
  });

  (void)world.run_for(1s);  // handshake done
  const auto accepted = net.accept(listener).value();
  const std::uint8_t hello[] = {'h', 'i'};
  (void)net.send(*accepted, hello);  // last segment the client will ever receive
  (void)world.run_for(1s);
  const auto last_receive = *net.info(conn)->last_receive;
  (void)net.crash(server);

  const Duration expected = *ws2sim::detection_delay(c.keepalive);
  (void)world.run_for(expected + 1h);
  const auto info = net.info(conn).value();
  const bool ok = info.close_reason == ws2sim::CloseReason::kKeepAliveTimeout;
  std::printf("last receive at %s; expected drop at last receive + %s = %s -> %s\n",
              ws2sim::format_time(last_receive).c_str(), ws2sim::format_duration(expected).c_str(),
              ws2sim::format_time(last_receive + expected).c_str(),
              ok ? "dropped as predicted" : "NOT DROPPED");
  return ok;
}

}  // namespace

int main() {
  const Case cases[] = {
      {"Windows Vista+ defaults", {.enabled = true, .idle = 2h, .interval = 1s, .probe_count = 10}},
      {"Linux defaults", {.enabled = true, .idle = 7200s, .interval = 75s, .probe_count = 9}},
  };
  bool all = true;
  for (const Case& c : cases)
    all = run(c) && all;
  return all ? 0 : 1;
}
