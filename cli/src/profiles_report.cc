// `ws2sim profiles`: the version table with evidence grades, as text and as JSON.
#include "ws2sim/cli/profiles_report.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "ws2sim/cli/winsock_calls.h"
#include "ws2sim/model/time.h"
#include "ws2sim/winsock/profile.h"

namespace ws2sim::cli {
namespace {

using winsock::Evidence;
using winsock::Profile;

struct Fact {
  std::string key;     // JSON name
  std::string header;  // table column
  std::string value;
  Evidence evidence;
};

std::string yes_no(bool b) {
  return b ? "yes" : "no";
}

std::vector<Fact> facts(const Profile& p) {
  const bool registry = p.probe_count.value == winsock::ProbeCountRule::kRegistry;
  const bool one_byte = p.bool_options.value == winsock::BoolOptionRule::kOneByteBoolean;
  return {
      {"probe_count", "probes", registry ? "registry" : "10, fixed", p.probe_count.evidence},
      {"so_keepalive_while_connecting", "SO_KEEPALIVE connecting",
       p.keepalive_refused_while_connecting.value ? "WSAEINVAL" : "allowed",
       p.keepalive_refused_while_connecting.evidence},
      {"bool_option_size", "BOOL optlen", one_byte ? "1-byte BOOLEAN" : "DWORD (>= 4)",
       p.bool_options.evidence},
      {"so_keepalive_optlen_minus_one", "optlen -1", wsa_error_name(p.optlen_minus_one_error.value),
       p.optlen_minus_one_error.evidence},
      {"tcp_keepalive_option", "TCP_KEEPALIVE (3)", yes_no(p.tcp_keepalive_option.value),
       p.tcp_keepalive_option.evidence},
      {"tcp_keepidle_documented", "KEEPIDLE documented", yes_no(p.tcp_keepidle_documented.value),
       p.tcp_keepidle_documented.evidence},
      {"tcp_keepcnt", "TCP_KEEPCNT", yes_no(p.tcp_keepcnt.value), p.tcp_keepcnt.evidence},
      {"tcp_keepintvl", "TCP_KEEPINTVL", yes_no(p.tcp_keepintvl.value), p.tcp_keepintvl.evidence},
      {"zero_keepalive_seconds_rejected", "IDLE/INTVL = 0",
       p.zero_keepalive_seconds_rejected.value ? "WSAEINVAL" : "accepted",
       p.zero_keepalive_seconds_rejected.evidence},
      {"sio_keepalive_vals", "SIO_KEEPALIVE_VALS", yes_no(p.sio_keepalive_vals.value),
       p.sio_keepalive_vals.evidence},
      {"after_drop", "calls after a drop",
       p.after_drop.value == winsock::AfterDropError::kNotConnected ? "WSAENOTCONN"
                                                                    : "WSAECONNRESET",
       p.after_drop.evidence},
      {"negative_optlen_unsigned", "optlen -1 (4-byte)",
       p.negative_optlen_unsigned.value ? "accepted" : "WSAEFAULT",
       p.negative_optlen_unsigned.evidence},
      {"success_clears_last_error", "success clears error",
       yes_no(p.success_clears_last_error.value), p.success_clears_last_error.evidence},
      {"so_bsp_state", "SO_BSP_STATE", yes_no(p.so_bsp_state.value), p.so_bsp_state.evidence},
      {"stream_dont_fragment", "TCP don't-fragment", yes_no(p.stream_dont_fragment.value),
       p.stream_dont_fragment.evidence},
      {"ip_hdrincl_raw_only", "IP_HDRINCL raw only", yes_no(p.ip_hdrincl_raw_only.value),
       p.ip_hdrincl_raw_only.evidence},
      {"refused_syn_retries", "SYNs after RST", std::to_string(p.refused_syn_retries.value),
       p.refused_syn_retries.evidence},
      {"refused_retry_interval", "SYN-after-RST gap",
       ws2sim::format_duration(p.refused_retry_interval.value), p.refused_retry_interval.evidence},
      {"sio_tcp_initial_rto", "SIO_TCP_INITIAL_RTO", yes_no(p.sio_tcp_initial_rto.value),
       p.sio_tcp_initial_rto.evidence},
      {"ideal_send_backlog", "SIO_IDEAL_SEND_BACKLOG_QUERY", yes_no(p.ideal_send_backlog.value),
       p.ideal_send_backlog.evidence},
      {"wsapoll", "WSAPoll", yes_no(p.wsapoll.value), p.wsapoll.evidence},
      {"ipv6", "IPv6 stack (AF_INET6, ::1, dual stack)", yes_no(p.ipv6.value), p.ipv6.evidence},
      {"completion_port_ex",
       "GetQueuedCompletionStatusEx, CancelIoEx, SetFileCompletionNotificationModes",
       yes_no(p.completion_port_ex.value), p.completion_port_ex.evidence},
      {"connectex", "ConnectEx, DisconnectEx", yes_no(p.connectex.value), p.connectex.evidence},
  };
}

char grade_letter(Evidence e) {
  switch (e) {
    case Evidence::kDocumented:
      return 'D';
    case Evidence::kObserved:
      return 'O';
    case Evidence::kRfc:
      return 'R';
    case Evidence::kInferred:
      return 'I';
  }
  return '?';
}

std::string version(const Profile& p) {
  return std::to_string(p.major) + "." + std::to_string(p.minor) + "." + std::to_string(p.build);
}

}  // namespace

std::string format_profiles() {
  // Two tables with the same rows, so that each fits a terminal.
  const auto& profiles = winsock::all_profiles();
  const std::vector<Fact> sample = facts(profiles.front());
  const std::vector<std::vector<std::size_t>> tables{{0, 1, 2, 3, 10, 11}, {4, 5, 6, 7, 8, 9, 12}};
  std::ostringstream out;
  for (std::size_t t = 0; t < tables.size(); ++t) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head{"profile", "NT version"};
    for (std::size_t f : tables[t])
      head.push_back(sample[f].header);
    rows.push_back(head);
    for (const Profile& p : profiles) {
      const std::vector<Fact> all = facts(p);
      std::vector<std::string> row{std::string(p.name), version(p)};
      for (std::size_t f : tables[t])
        row.push_back(all[f].value + " [" + grade_letter(all[f].evidence) + "]");
      rows.push_back(std::move(row));
    }
    std::vector<std::size_t> width(head.size(), 0);
    for (const auto& row : rows) {
      for (std::size_t c = 0; c < row.size(); ++c)
        width[c] = std::max(width[c], row[c].size());
    }
    if (t > 0) out << '\n';
    for (const auto& row : rows) {
      std::string line;
      for (std::size_t c = 0; c < row.size(); ++c) {
        std::string cell = row[c];
        if (c + 1 < row.size()) cell.append(width[c] - cell.size(), ' ');
        line += (c ? "  " : "") + cell;
      }
      out << line << '\n';
    }
  }
  out << "\nprobes: where the probe count comes from (registry: max of TcpMaxDataRetransmissions "
         "and "
         "PPTPTcpMaxDataRetransmissions,\ndefault 5, 0 = never, clamped to 255). Evidence: [D] "
         "documented by "
         "Microsoft, [O] observed on real Windows\n(Wine/.NET tests), [R] RFC 1122/9293, [I] "
         "inferred (our "
         "default; a host switch where it matters). JSON: ws2sim profiles --json\n";
  return out.str();
}

nlohmann::ordered_json profiles_json() {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Profile& p : winsock::all_profiles()) {
    nlohmann::ordered_json j;
    j["name"] = std::string(p.name);
    j["display"] = std::string(p.display);
    j["version"] = version(p);
    j["build"] = p.build;
    j["product"] = p.product == winsock::ProductType::kServer ? "server" : "workstation";
    j["service_pack"] = p.service_pack;
    nlohmann::ordered_json f = nlohmann::ordered_json::object();
    for (const Fact& fact : facts(p)) {
      f[fact.key] = {{"value", fact.value},
                     {"evidence", std::string(winsock::to_string(fact.evidence))}};
    }
    j["facts"] = f;
    list.push_back(j);
  }
  return {{"profiles", list}};
}

}  // namespace ws2sim::cli
