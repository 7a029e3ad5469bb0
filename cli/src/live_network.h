// The network of `ws2sim run --live` (not a public header): a private Linux network namespace
// whose loopback carries every scenario host's address, and nftables rules for the faults that
// have a faithful packet-level form (crash, partition, heal, network-down/up).
//
//   auto net = LiveNetwork::create({"10.0.0.1", "10.0.0.2"});   // needs root, ip, nft
//   net->enter();                       // this thread and the threads it starts live in it
//   net->block("10.0.0.2", "10.0.0.1"); // packets 10.0.0.2 -> 10.0.0.1 dropped from now on
//   net->unblock("10.0.0.2", "10.0.0.1");
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ws2sim/model/status.h"

namespace ws2sim::cli {

class LiveNetwork {
 public:
  /// Creates the namespace (unique name), brings loopback up, adds `addresses` to it and an empty
  /// nftables table. Fails with the reason (not root, `ip`/`nft` missing, no namespaces).
  static Result<std::unique_ptr<LiveNetwork>> create(const std::vector<std::string>& addresses);
  ~LiveNetwork();
  LiveNetwork(const LiveNetwork&) = delete;
  LiveNetwork& operator=(const LiveNetwork&) = delete;

  /// Moves the calling thread into the namespace (threads it starts afterwards follow it).
  Status enter();
  /// Drops every packet from `from` to `to` (addresses) until unblock(); idempotent.
  Status block(const std::string& from, const std::string& to);
  Status unblock(const std::string& from, const std::string& to);
  [[nodiscard]] const std::string& name() const noexcept { return name_; }

 private:
  LiveNetwork() = default;
  std::string name_;
  int original_ = -1;
  bool entered_ = false;
  std::map<std::pair<std::string, std::string>, std::string> rules_;  // (from, to) -> handle
};

}  // namespace ws2sim::cli
