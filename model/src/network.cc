// Network's public API (network.h): hosts, paths, faults and the endpoint operations, checked
// here and carried out by the network's internals (network_impl.cc) and its TCP endpoints
// (tcp.h).
#include <algorithm>
#include <string>
#include <utility>

#include "network_impl.h"

namespace ws2sim {
namespace {

Status validate_path(const PathConfig& p) {
  if (p.latency < Duration::zero()) {
    return invalid_argument("path latency is negative (" + format_duration(p.latency) + ")");
  }
  if (!is_valid_probability(p.loss)) {
    return invalid_argument("path loss must be a probability in [0, 1], got " +
                            std::to_string(p.loss));
  }
  return {};
}

}  // namespace

std::string_view to_string(TcpState s) noexcept {
  switch (s) {
    case TcpState::kClosed:
      return "CLOSED";
    case TcpState::kListen:
      return "LISTEN";
    case TcpState::kSynSent:
      return "SYN-SENT";
    case TcpState::kSynReceived:
      return "SYN-RECEIVED";
    case TcpState::kEstablished:
      return "ESTABLISHED";
    case TcpState::kFinWait1:
      return "FIN-WAIT-1";
    case TcpState::kFinWait2:
      return "FIN-WAIT-2";
    case TcpState::kCloseWait:
      return "CLOSE-WAIT";
    case TcpState::kClosing:
      return "CLOSING";
    case TcpState::kLastAck:
      return "LAST-ACK";
    case TcpState::kTimeWait:
      return "TIME-WAIT";
  }
  return "?";
}

Status RetransmissionConfig::validate() const {
  if (initial_rto <= Duration::zero()) {
    return invalid_argument("initial RTO must be positive, got " + format_duration(initial_rto));
  }
  if (max_rto < initial_rto) {
    return invalid_argument("maximum RTO (" + format_duration(max_rto) +
                            ") is below the initial RTO (" + format_duration(initial_rto) + ")");
  }
  if (connect_deadline && *connect_deadline <= Duration::zero()) {
    return invalid_argument("the connect deadline must be positive, got " +
                            format_duration(*connect_deadline));
  }
  if (syn_retries_after_reset > 0 && reset_retry_interval <= Duration::zero()) {
    return invalid_argument("the SYN retry interval after a reset must be positive, got " +
                            format_duration(reset_retry_interval));
  }
  return {};
}

Status EndpointOptions::validate() const {
  if (Status s = keepalive.validate(); !s.ok()) {
    return s;
  }
  if (Status s = retransmission.validate(); !s.ok()) {
    return s;
  }
  if (time_wait < Duration::zero()) {
    return invalid_argument("TIME-WAIT duration is negative (" + format_duration(time_wait) + ")");
  }
  if (local_address && family && local_address->family() != *family) {
    return invalid_argument("local address " + to_string(*local_address) +
                            " is not of the endpoint's family");
  }
  return {};
}

// ---- Network: thin forwarding and validation -------------------------------------------------

Network::Network(Scheduler& scheduler, Rng& rng, Trace& trace)
    : impl_(std::make_unique<Impl>(scheduler, rng, trace)) {}

Network::~Network() {
  for (EventId id : impl_->fault_events) {
    impl_->scheduler.cancel(id);
  }
  impl_->tcp.cancel_timers();
}

Result<HostId> Network::add_host(std::string name, Ipv4Address address) {
  if (name.empty()) {
    return invalid_argument("a host needs a name");
  }
  if (address.value == 0) {
    return invalid_argument("0.0.0.0 is not a host address");
  }
  if (address.is_loopback()) {
    return invalid_argument(to_string(address) +
                            " is a loopback address (127.0.0.0/8): every host has those");
  }
  // By index: adding N hosts is linear in N.
  if (impl_->name_index.contains(name)) {
    return Error{ErrorCode::kAlreadyExists, "a host named '" + name + "' exists already"};
  }
  if (const std::optional<HostId> other = impl_->host_by_address(address)) {
    return Error{ErrorCode::kAlreadyExists, "address " + to_string(address) + " belongs to host '" +
                                                impl_->hosts[other->value].name + "'"};
  }
  const HostId id{static_cast<std::uint32_t>(impl_->hosts.size())};
  impl_->name_index.emplace(name, id.value);
  impl_->trace.name_host(id, name);
  Host host;
  host.name = std::move(name);
  host.address = address;
  impl_->hosts.push_back(std::move(host));
  impl_->address_index.insert(address.value, id.value);
  return id;
}

std::optional<HostId> Network::find_host(std::string_view name) const {
  const auto it = impl_->name_index.find(name);
  if (it == impl_->name_index.end()) {
    return std::nullopt;
  }
  return HostId{it->second};
}

Status Network::set_ipv6_address(HostId host, const Ipv6Address& address) {
  if (Status s = impl_->check_host(host); !s.ok()) {
    return s;
  }
  Host& h = impl_->hosts[host.value];
  const std::string text = to_string(address);
  if (address.is_unspecified() || address.is_loopback() || address.mapped_ipv4() ||
      address.bytes[0] == 0xFF) {
    return invalid_argument(text + " cannot be a host's address (unspecified, loopback, " +
                            "IPv4-mapped or multicast)");
  }
  if (h.address6) {
    return Error{ErrorCode::kAlreadyExists, "host '" + h.name + "' has an IPv6 address already (" +
                                                to_string(*h.address6) + ")"};
  }
  if (const std::optional<HostId> other = impl_->host_by_address(address)) {
    return Error{ErrorCode::kAlreadyExists,
                 "address " + text + " belongs to host '" + impl_->hosts[other->value].name + "'"};
  }
  h.address6 = address;
  impl_->address6_index.emplace(address, host.value);
  return {};
}

std::optional<HostId> Network::host_at(const IpAddress& address) const {
  return impl_->host_by_address(address);
}

std::optional<Ipv6Address> Network::ipv6_address(HostId host) const {
  return host.value < impl_->hosts.size() ? impl_->hosts[host.value].address6 : std::nullopt;
}

Ipv4Address Network::address(HostId host) const {
  return host.value < impl_->hosts.size() ? impl_->hosts[host.value].address : Ipv4Address{};
}

std::string_view Network::name(HostId host) const {
  return host.value < impl_->hosts.size() ? std::string_view{impl_->hosts[host.value].name}
                                          : std::string_view{};
}

std::size_t Network::host_count() const noexcept {
  return impl_->hosts.size();
}

bool Network::is_up(HostId host) const {
  return host.value < impl_->hosts.size() && impl_->hosts[host.value].up;
}

Status Network::set_default_path(const PathConfig& path) {
  if (Status s = validate_path(path); !s.ok()) {
    return s;
  }
  impl_->default_path = path;
  return {};
}

Status Network::set_path(HostId from, HostId to, const PathConfig& path) {
  if (Status s = impl_->check_host(from); !s.ok()) {
    return s;
  }
  if (Status s = impl_->check_host(to); !s.ok()) {
    return s;
  }
  if (Status s = validate_path(path); !s.ok()) {
    return s;
  }
  impl_->paths[{from.value, to.value}] = path;
  return {};
}

Status Network::set_link(HostId a, HostId b, const PathConfig& path) {
  if (Status s = impl_->check_host(a); !s.ok()) {
    return s;
  }
  if (Status s = impl_->check_host(b); !s.ok()) {
    return s;
  }
  if (Status s = validate_path(path); !s.ok()) {
    return s;
  }
  impl_->paths[{a.value, b.value}] = path;
  impl_->paths[{b.value, a.value}] = path;
  return {};
}

PathConfig Network::path(HostId from, HostId to) const {
  return impl_->path_for(from, to);
}

Status Network::crash(HostId host) {
  return impl_->apply(CrashHost{host});
}
Status Network::restart(HostId host) {
  return impl_->apply(RestartHost{host});
}
Status Network::reboot(HostId host) {
  return impl_->apply(RebootHost{host});
}
Status Network::partition(HostId a, HostId b, bool both_ways) {
  return impl_->apply(PartitionHosts{a, b, both_ways});
}
Status Network::heal(HostId a, HostId b, bool both_ways) {
  return impl_->apply(HealHosts{a, b, both_ways});
}

Status Network::add_nat(HostId a, HostId b, const NatConfig& config) {
  if (Status s = impl_->check_host(a); !s.ok()) {
    return s;
  }
  if (Status s = impl_->check_host(b); !s.ok()) {
    return s;
  }
  if (a == b) {
    return invalid_argument("a NAT needs two different hosts");
  }
  if (config.idle_timeout <= Duration::zero()) {
    return invalid_argument("NAT idle timeout must be positive, got " +
                            format_duration(config.idle_timeout));
  }
  for (const Nat& n : impl_->nats) {
    if ((n.a == a && n.b == b) || (n.a == b && n.b == a)) {
      return Error{ErrorCode::kAlreadyExists, "a NAT already sits between these hosts"};
    }
  }
  impl_->nats.push_back(Nat{a, b, config, {}});
  return {};
}

Status Network::schedule(TimePoint at, const Fault& fault) {
  const auto hosts_ok = std::visit(
      [this](const auto& f) -> Status {
        using F = std::decay_t<decltype(f)>;
        if constexpr (std::is_same_v<F, PartitionHosts> || std::is_same_v<F, HealHosts>) {
          if (Status s = impl_->check_host(f.a); !s.ok()) {
            return s;
          }
          return impl_->check_host(f.b);
        } else {
          return impl_->check_host(f.host);
        }
      },
      fault);
  if (!hosts_ok.ok()) {
    return hosts_ok;
  }
  if (at < impl_->scheduler.now()) {
    return invalid_argument("cannot schedule a fault at " + format_time(at) + ", in the past");
  }
  // A fault that is invalid when it comes due (crashing a crashed host) is recorded as nothing.
  auto id =
      impl_->scheduler.schedule_at(at, [impl = impl_.get(), fault] { (void)impl->apply(fault); });
  if (!id.ok()) {
    return id.error();
  }
  impl_->fault_events.push_back(*id);
  return {};
}

// ---- Endpoints ------------------------------------------------------------------------------

Result<EndpointId> Network::listen(HostId host, std::uint16_t port, const EndpointOptions& options,
                                   std::uint32_t backlog) {
  if (Status s = impl_->check_host(host); !s.ok()) {
    return s.error();
  }
  if (Status s = impl_->check_local_address(host, options); !s.ok()) {
    return s.error();
  }
  Result<EndpointId> id = impl_->tcp.listen(host, port, options, backlog);
  if (id.ok()) {
    impl_->tcp.status_may_change_of(*id);
  }
  return id;
}

Result<EndpointId> Network::connect(HostId host, SocketAddress remote,
                                    const EndpointOptions& options, std::uint16_t local_port) {
  if (Status s = impl_->check_host(host); !s.ok()) {
    return s.error();
  }
  if (Status s = options.validate(); !s.ok()) {
    return s.error();
  }
  if (remote.port == 0) {
    return invalid_argument("cannot connect to port 0");
  }
  if (Status s = impl_->check_local_address(host, options); !s.ok()) {
    return s.error();
  }
  if (!impl_->route(host, remote.address)) {
    return not_found("no host has address " + to_string(remote.address));
  }
  Result<EndpointId> id =
      impl_->tcp.connect(impl_->scheduler.now(), host, remote, options, local_port);
  if (id.ok()) {
    impl_->tcp.status_may_change_of(*id);
  }
  return id;
}

Result<std::optional<EndpointId>> Network::accept(EndpointId listener) {
  impl_->tcp.status_may_change_of(listener);
  Result<std::optional<EndpointId>> child = impl_->tcp.accept(listener);
  if (child.ok() && child->has_value()) {
    impl_->tcp.status_may_change_of(**child);  // no longer the listener's
  }
  return child;
}

Result<std::optional<EndpointId>> Network::next_to_accept(EndpointId listener) const {
  return impl_->tcp.next_to_accept(listener);
}

Result<std::size_t> Network::send(EndpointId ep, std::span<const std::uint8_t> bytes) {
  impl_->tcp.status_may_change_of(ep);
  return impl_->tcp.send(impl_->scheduler.now(), ep, bytes);
}

Result<std::vector<std::uint8_t>> Network::receive(EndpointId ep, std::size_t max) {
  impl_->tcp.status_may_change_of(ep);
  return impl_->tcp.receive(ep, max);
}

Status Network::shutdown_send(EndpointId ep) {
  impl_->tcp.status_may_change_of(ep);
  return impl_->tcp.shutdown_send(impl_->scheduler.now(), ep);
}

Status Network::close(EndpointId ep) {
  impl_->tcp.status_may_change_of(ep);
  return impl_->tcp.close(impl_->scheduler.now(), ep);
}

Status Network::abort(EndpointId ep) {
  impl_->tcp.status_may_change_of(ep);
  return impl_->tcp.abort(impl_->scheduler.now(), ep);
}

Status Network::set_keepalive(EndpointId ep, const KeepAliveConfig& config) {
  return impl_->tcp.set_keepalive(ep, config);
}

Status Network::set_retransmission(EndpointId ep, const RetransmissionConfig& config) {
  return impl_->tcp.set_retransmission(ep, config);
}

Result<EndpointInfo> Network::info(EndpointId ep) const {
  return impl_->tcp.info(ep);
}

std::optional<EndpointStatus> Network::status(EndpointId ep) const noexcept {
  return impl_->tcp.status(ep);
}

std::uint64_t Network::status_version() const noexcept {
  return impl_->tcp.status_version();
}

bool Network::take_status_changes(StatusChanges& changes) {
  return impl_->tcp.take_status_changes(changes);
}

std::size_t Network::endpoint_count() const noexcept {
  return impl_->tcp.endpoint_count();
}

}  // namespace ws2sim
