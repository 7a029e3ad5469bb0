// `ws2sim run --live`: the namespace and the nftables rules. Shell commands (ip, nft) run through
// `ip netns exec`, so they act on our namespace whatever thread calls them.
#include "live_network.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <regex>

namespace ws2sim::cli {
namespace {

int sh(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str());
}

std::string sh_output(const std::string& command) {
  std::string out;
  if (FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r")) {
    std::array<char, 512> buf{};
    while (std::fgets(buf.data(), buf.size(), p) != nullptr)
      out += buf.data();
    ::pclose(p);
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<LiveNetwork>> LiveNetwork::create(
    const std::vector<std::string>& addresses) {
  const char* how =
      "--live runs the scenario in a private network namespace: it needs root, "
      "iproute2 (`ip`) and nftables (`nft`)";
  if (::geteuid() != 0) return invalid_state(std::string("not running as root; ") + how);
  if (sh("command -v ip") != 0 || sh("command -v nft") != 0)
    return invalid_state(std::string("`ip` or `nft` not found; ") + how);
  // A run killed by a signal cannot delete its namespace: remove those of dead runs first.
  const std::string listing = sh_output("ip netns list");
  const std::regex stale("ws2sim-run-([0-9]+)-[0-9]+");
  for (auto it = std::sregex_iterator(listing.begin(), listing.end(), stale);
       it != std::sregex_iterator(); ++it) {
    const auto pid = static_cast<pid_t>(std::stol((*it)[1]));
    if (::kill(pid, 0) != 0 && errno == ESRCH) (void)sh("ip netns delete " + it->str());
  }
  std::unique_ptr<LiveNetwork> net(new LiveNetwork());
  static std::atomic<int> serial{0};
  net->name_ = "ws2sim-run-" + std::to_string(::getpid()) + "-" + std::to_string(serial++);
  if (sh("ip netns add " + net->name_) != 0) {
    net->name_.clear();
    return invalid_state(std::string("`ip netns add` failed (no network namespaces?); ") + how);
  }
  const std::string in = "ip netns exec " + net->name_ + " ";
  if (sh(in + "ip link set lo up") != 0) return invalid_state("cannot bring loopback up");
  for (const std::string& a : addresses) {
    if (sh(in + "ip addr add " + a + "/32 dev lo") != 0)
      return invalid_state("cannot add " + a + " to the namespace's loopback");
  }
  if (sh(in + "nft add table inet ws2sim") != 0 ||
      sh(in + "nft 'add chain inet ws2sim input { type filter hook input priority 0; }'") != 0) {
    return invalid_state("cannot create the nftables table");
  }
  return net;
}

LiveNetwork::~LiveNetwork() {
  if (entered_) (void)::setns(original_, CLONE_NEWNET);
  if (original_ >= 0) ::close(original_);
  if (!name_.empty()) (void)sh("ip netns delete " + name_);
}

Status LiveNetwork::enter() {
  original_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = ::open(("/run/netns/" + name_).c_str(), O_RDONLY | O_CLOEXEC);
  const bool ok = original_ >= 0 && target >= 0 && ::setns(target, CLONE_NEWNET) == 0;
  if (target >= 0) ::close(target);
  if (!ok) return invalid_state("cannot enter network namespace " + name_);
  entered_ = true;
  return {};
}

Status LiveNetwork::block(const std::string& from, const std::string& to) {
  if (rules_.contains({from, to})) return {};
  // -e -a echoes the new rule with its handle, which unblock() deletes.
  const std::string echoed =
      sh_output("ip netns exec " + name_ + " nft -e -a add rule inet ws2sim input ip saddr " +
                from + " ip daddr " + to + " drop");
  std::smatch m;
  if (!std::regex_search(echoed, m, std::regex("# handle ([0-9]+)")))
    return invalid_state("nft did not add the rule dropping " + from + " -> " + to);
  rules_[{from, to}] = m[1];
  return {};
}

Status LiveNetwork::unblock(const std::string& from, const std::string& to) {
  const auto it = rules_.find({from, to});
  if (it == rules_.end()) return {};
  if (sh("ip netns exec " + name_ + " nft delete rule inet ws2sim input handle " + it->second) !=
      0) {
    return invalid_state("nft could not delete the rule dropping " + from + " -> " + to);
  }
  rules_.erase(it);
  return {};
}

}  // namespace ws2sim::cli
