// Same seed, same trace, byte for byte; another seed, another trace.
#include <sstream>

#include "test_support.h"
#include "ws2sim/model/trace_writers.h"

namespace ws2sim::testing {
namespace {

// A lossy, faulty scenario: three hosts, 5% loss, data both ways, a partition that heals, a
// reboot, and keep-alive on every connection. Returns its JSON-lines and pcap output.
std::pair<std::string, std::string> run_scenario(std::uint64_t seed) {
  World w{seed};
  Network& net = w.network();
  const HostId a = net.add_host("a", *Ipv4Address::parse("10.0.0.1")).value();
  const HostId b = net.add_host("b", *Ipv4Address::parse("10.0.0.2")).value();
  const HostId c = net.add_host("c", *Ipv4Address::parse("10.0.0.3")).value();
  (void)net.set_default_path({.latency = 7ms, .loss = 0.05});
  EndpointOptions options;
  options.keepalive = {.enabled = true, .idle = 30s, .interval = 2s, .probe_count = 4};
  options.retransmission = {.initial_rto = 300ms, .max_rto = 10s, .max_retransmissions = 8};
  const EndpointId lb = net.listen(b, 80, options).value();
  const EndpointId lc = net.listen(c, 80, options).value();
  const EndpointId ab = net.connect(a, {net.address(b), 80}, options).value();
  const EndpointId ac = net.connect(a, {net.address(c), 80}, options).value();
  (void)w.run_for(std::chrono::seconds(5));
  std::vector<std::uint8_t> payload(5000);
  for (std::size_t i = 0; i < payload.size(); ++i)
    payload[i] = static_cast<std::uint8_t>(i * 7);
  (void)net.send(ab, payload);
  (void)net.send(ac, payload);
  if (auto pb = net.accept(lb); pb.ok() && *pb) (void)net.send(**pb, payload);
  if (auto pc = net.accept(lc); pc.ok() && *pc) (void)net.send(**pc, payload);
  (void)net.schedule(kEpoch + std::chrono::seconds(20), PartitionHosts{a, b});
  (void)net.schedule(kEpoch + std::chrono::seconds(40), HealHosts{a, b});
  (void)net.schedule(kEpoch + std::chrono::seconds(60), RebootHost{c});
  (void)w.run_for(std::chrono::minutes(10));
  std::ostringstream jsonl;
  std::ostringstream pcap;
  EXPECT_TRUE(write_jsonl(w.trace(), jsonl).ok());
  EXPECT_TRUE(write_pcap(w.trace(), pcap).ok());
  return {jsonl.str(), pcap.str()};
}

TEST(Determinism, SameSeedGivesByteIdenticalTraces) {
  const auto first = run_scenario(7);
  const auto second = run_scenario(7);
  ASSERT_GT(first.first.size(), 10'000U);  // a real scenario, not an empty one
  EXPECT_EQ(first.first, second.first);
  EXPECT_EQ(first.second, second.second);
}

TEST(Determinism, DifferentSeedChangesTheTrace) {
  EXPECT_NE(run_scenario(7).first, run_scenario(8).first);
}

TEST(Determinism, TheScenarioIsActuallyLossyAndFaulty) {
  World w{7};
  const auto out = run_scenario(7).first;
  EXPECT_NE(out.find("\"drop\":\"loss\""), std::string::npos);
  EXPECT_NE(out.find("\"drop\":\"partition\""), std::string::npos);
  EXPECT_NE(out.find("host-restarted"), std::string::npos);
}

TEST(Determinism, ManyWorldsLiveSideBySide) {
  // Two worlds in one process share nothing: interleaving their runs changes neither.
  World w1{7};
  World w2{7};
  for (World* w : {&w1, &w2}) {
    Network& n = w->network();
    const HostId a = n.add_host("a", *Ipv4Address::parse("10.0.0.1")).value();
    const HostId b = n.add_host("b", *Ipv4Address::parse("10.0.0.2")).value();
    (void)n.listen(b, 1);
    (void)n.connect(a, {n.address(b), 1});
  }
  (void)w1.run_for(std::chrono::seconds(1));
  (void)w2.run_for(std::chrono::milliseconds(1));
  (void)w2.run_for(std::chrono::seconds(1) - std::chrono::milliseconds(1));
  std::ostringstream o1;
  std::ostringstream o2;
  ASSERT_TRUE(write_jsonl(w1.trace(), o1).ok());
  ASSERT_TRUE(write_jsonl(w2.trace(), o2).ok());
  EXPECT_EQ(o1.str(), o2.str());
}

}  // namespace
}  // namespace ws2sim::testing
