// Scenario files: nlohmann-json parses, this file validates every field and names the JSON
// pointer of anything wrong.
#include "ws2sim/cli/scenario.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "ws2sim/cli/time_text.h"
#include "ws2sim/model/address.h"
#include "ws2sim/winsock/profile.h"

namespace ws2sim::cli {
namespace {

using nlohmann::json;
using Ptr = json::json_pointer;

// Validation failures unwind to parse_scenario, which turns them into an Error. Nothing escapes.
struct Invalid {
  std::string where;  // JSON pointer
  std::string what;
};

[[noreturn]] void fail(const Ptr& at, std::string what) {
  throw Invalid{at.to_string(), std::move(what)};
}

constexpr std::size_t kShownChars = 60;

// Appends `v` as JSON to `out` until `out` holds `limit` characters; never visits more than that.
void preview(const json& v, std::string& out, std::size_t limit) {
  if (out.size() >= limit) return;
  if (v.is_object() || v.is_array()) {
    const bool obj = v.is_object();
    out += obj ? '{' : '[';
    bool first = true;
    for (auto it = v.begin(); it != v.end() && out.size() < limit; ++it) {
      if (!first) out += ',';
      first = false;
      if (obj) out += json(it.key()).dump() + ':';
      preview(*it, out, limit);
    }
    out += obj ? '}' : ']';
    return;
  }
  out += v.dump();  // a scalar: bounded by the input's own size
}

// The value as JSON, cut to 60 characters. Bounded work and stack whatever the value's size
// or depth (the whole of a deeply nested value is never converted to text).
std::string shown(const json& v) {
  std::string s;
  preview(v, s, kShownChars + 1);
  if (s.size() > kShownChars) s = s.substr(0, kShownChars - 3) + "...";
  return s;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

// The first ten of `items`, and how many more: an error naming the scenario's hosts stays one
// readable line with 100,000 of them.
std::string join_some(const std::vector<std::string>& items) {
  constexpr std::size_t kShown = 10;
  if (items.size() <= kShown) return join(items);
  const std::vector<std::string> first(items.begin(), items.begin() + kShown);
  return join(first) + " and " + std::to_string(items.size() - kShown) + " more";
}

const json& object(const json& v, const Ptr& at) {
  if (!v.is_object()) fail(at, "expected an object, got " + shown(v));
  return v;
}

const json& array(const json& v, const Ptr& at) {
  if (!v.is_array()) fail(at, "expected an array, got " + shown(v));
  return v;
}

// Rejects fields outside `allowed` (typos would otherwise be ignored silently).
void only(const json& v, const Ptr& at, std::initializer_list<std::string_view> allowed,
          std::string_view what = {}) {
  for (const auto& [key, value] : v.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::vector<std::string> names(allowed.begin(), allowed.end());
    fail(at / key, "unknown field \"" + key + "\"" +
                       (what.empty() ? std::string() : " for " + std::string(what)) +
                       " (expected one of: " + join(names) + ")");
  }
}

// `s` in ASCII lower case: host names and aliases compare case-insensitively.
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return s;
}

const json* optional(const json& v, std::string_view key) {
  const auto it = v.find(key);
  return it == v.end() ? nullptr : &*it;
}

const json& required(const json& v, const Ptr& at, std::string_view key, std::string_view what) {
  const json* f = optional(v, key);
  if (f == nullptr) {
    fail(at, "missing required field \"" + std::string(key) + "\" (" + std::string(what) + ")");
  }
  return *f;
}

std::string text(const json& v, const Ptr& at) {
  if (!v.is_string()) fail(at, "expected a string, got " + shown(v));
  std::string s = v.get<std::string>();
  if (s.empty()) fail(at, "expected a non-empty string");
  return s;
}

// A name used in output and references: letters, digits, '.', '_' and '-'.
std::string name(const json& v, const Ptr& at) {
  std::string s = text(v, at);
  const bool ok = std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
  if (!ok || s.size() > 40) {
    fail(at, "expected a name of 1 to 40 letters, digits, '.', '_' or '-', got " + shown(v));
  }
  return s;
}

std::uint64_t whole(const json& v, const Ptr& at, std::uint64_t min, std::uint64_t max) {
  const std::string range =
      "a whole number from " + std::to_string(min) + " to " + std::to_string(max);
  if (!v.is_number_integer()) fail(at, "expected " + range + ", got " + shown(v));
  if (v.is_number_unsigned()) {
    const auto n = v.get<std::uint64_t>();
    if (n < min || n > max) fail(at, "expected " + range + ", got " + shown(v));
    return n;
  }
  const auto n = v.get<std::int64_t>();
  if (n < 0 || static_cast<std::uint64_t>(n) < min || static_cast<std::uint64_t>(n) > max) {
    fail(at, "expected " + range + ", got " + shown(v));
  }
  return static_cast<std::uint64_t>(n);
}

std::uint32_t dword(const json& v, const Ptr& at) {
  return static_cast<std::uint32_t>(whole(v, at, 0, 0xFFFFFFFFULL));
}

bool boolean(const json& v, const Ptr& at) {
  if (!v.is_boolean()) fail(at, "expected true or false, got " + shown(v));
  return v.get<bool>();
}

Duration duration(const json& v, const Ptr& at) {
  if (!v.is_string()) {
    fail(at,
         "expected a duration string such as \"350s\", \"2h0m10s\" or \"1500ms\", got " + shown(v));
  }
  Result<Duration> d = parse_duration(v.get<std::string>());
  if (!d.ok()) fail(at, "expected a duration: " + d.error().message);
  return *d;
}

Duration instant(const json& v, const Ptr& at, Duration end) {
  const Duration d = duration(v, at);
  if (d > end) {
    fail(at, "\"" + v.get<std::string>() + "\" is after the end of the scenario (duration " +
                 format_duration(end) + ")");
  }
  return d;
}

std::string host_ref(const json& v, const Ptr& at, const Scenario& s) {
  const std::string n = text(v, at);
  if (s.host(n) == nullptr) {
    std::vector<std::string> names;
    for (const HostSpec& h : s.hosts)
      names.push_back(h.name);
    fail(at, "no host named \"" + n + "\" (hosts: " + join_some(names) + ")");
  }
  return n;
}

std::pair<std::string, std::string> host_pair(const json& v, const Ptr& at, const Scenario& s) {
  if (!v.is_array() || v.size() != 2)
    fail(at, "expected two host names, e.g. [\"client\", \"server\"], got " + shown(v));
  std::string a = host_ref(v[0], at / 0, s);
  std::string b = host_ref(v[1], at / 1, s);
  if (a == b) fail(at / 1, "expected two different hosts, got \"" + a + "\" twice");
  return {a, b};
}

// ---- sections ------------------------------------------------------------------------------

HostSpec parse_host(const json& v, const Ptr& at, winsock::World& checker, int index) {
  object(v, at);
  only(v, at,
       {"name", "profile", "address", "ipv6", "aliases", "resolver", "registry", "switches",
        "listen"},
       "a host");
  HostSpec h;
  h.name = name(required(v, at, "name", "the host's name"), at / "name");
  const json& profile = required(v, at, "profile", "a Windows version, see `ws2sim profiles`");
  h.profile = text(profile, at / "profile");
  if (winsock::find_profile(h.profile) == nullptr) {
    std::vector<std::string> names;
    for (const winsock::Profile& p : winsock::all_profiles())
      names.emplace_back(p.name);
    fail(at / "profile", "unknown profile \"" + h.profile + "\" (known: " + join(names) + ")");
  }
  h.address =
      text(required(v, at, "address", "an IPv4 address such as \"10.0.0.1\""), at / "address");
  const auto addr = Ipv4Address::parse(h.address);
  if (!addr || addr->value == 0) {
    fail(at / "address",
         "expected an IPv4 address such as \"10.0.0.1\", got \"" + h.address + "\"");
  }
  if (const json* v6 = optional(v, "ipv6")) {
    h.ipv6 = text(*v6, at / "ipv6");
    if (!Ipv6Address::parse(*h.ipv6)) {
      fail(at / "ipv6",
           "expected an IPv6 address such as \"2001:db8::1\", got \"" + *h.ipv6 + "\"");
    }
    // The model says which addresses a host may have, on a throw-away host (uniqueness among
    // the scenario's hosts is checked with their names, by the caller).
    auto probe6 = checker.add_host(
        "check6-" + std::to_string(index), h.profile,
        "10.254." + std::to_string(index / 250) + "." + std::to_string(index % 250 + 1));
    if (probe6.ok()) {
      const Status st = probe6->get().set_ipv6_address(*h.ipv6);
      if (!st.ok() && st.error().code != ErrorCode::kAlreadyExists) {
        fail(at / "ipv6", st.error().message);
      }
    }
  }
  if (const json* aliases = optional(v, "aliases")) {
    array(*aliases, at / "aliases");
    // The emulator says what an alias may be, on a throw-away host (uniqueness among the
    // scenario's names is checked with their hosts' names, by the caller).
    auto probe = checker.add_host(
        "check-alias-" + std::to_string(index), h.profile,
        "10.253." + std::to_string(index / 250) + "." + std::to_string(index % 250 + 1));
    for (std::size_t i = 0; i < aliases->size(); ++i) {
      std::string alias = text((*aliases)[i], at / "aliases" / i);
      if (probe.ok()) {
        const Status st = probe->get().add_alias(alias);
        if (!st.ok() && st.error().code != ErrorCode::kAlreadyExists) {
          fail(at / "aliases" / i, st.error().message);
        }
      }
      h.aliases.push_back(std::move(alias));
    }
  }
  if (const json* r = optional(v, "resolver")) {
    const Ptr rat = at / "resolver";
    object(*r, rat);
    only(*r, rat, {"delay", "answer"}, "a resolver");
    winsock::Resolver resolver;
    if (const json* d = optional(*r, "delay")) resolver.delay = duration(*d, rat / "delay");
    if (const json* a = optional(*r, "answer")) {
      const std::string answer = a->is_string() ? a->get<std::string>() : std::string();
      if (answer == "try-again") {
        resolver.answer = winsock::ResolverAnswer::kTryAgain;
      } else if (answer == "no-recovery") {
        resolver.answer = winsock::ResolverAnswer::kNoRecovery;
      } else if (answer != "answers") {
        fail(rat / "answer",
             "expected \"answers\", \"try-again\" or \"no-recovery\", got " + shown(*a));
      }
    }
    h.resolver = resolver;
  }
  if (const json* reg = optional(v, "registry")) {
    const Ptr rat = at / "registry";
    object(*reg, rat);
    // The emulator itself checks the ranges, on a throw-away host of this profile.
    auto probe = checker.add_host(
        "check" + std::to_string(index), h.profile,
        "10.255." + std::to_string(index / 250) + "." + std::to_string(index % 250 + 1));
    for (const auto& [key, value] : reg->items()) {
      const auto which = winsock::parse_registry_value(key);
      if (!which) {
        fail(rat / key, "unknown registry value \"" + key +
                            "\" (expected KeepAliveTime, KeepAliveInterval, "
                            "TcpMaxDataRetransmissions or PPTPTcpMaxDataRetransmissions)");
      }
      const std::uint32_t data = dword(value, rat / key);
      if (probe.ok()) {
        if (Status st = probe->get().set_registry(*which, data); !st.ok())
          fail(rat / key, st.error().message);
      }
      h.registry.emplace_back(*which, data);
    }
  }
  if (const json* sw = optional(v, "switches")) {
    const Ptr sat = at / "switches";
    object(*sw, sat);
    only(*sw, sat, {"network_down", "no_keepalive_ioctl", "strict_documentation", "after_drop"},
         "host switches");
    if (const json* f = optional(*sw, "network_down"))
      h.switches.network_down = boolean(*f, sat / "network_down");
    if (const json* f = optional(*sw, "no_keepalive_ioctl")) {
      h.switches.no_keepalive_ioctl = boolean(*f, sat / "no_keepalive_ioctl");
    }
    if (const json* f = optional(*sw, "strict_documentation")) {
      h.switches.strict_documentation = boolean(*f, sat / "strict_documentation");
    }
    if (const json* f = optional(*sw, "after_drop")) {
      const std::string e = f->is_string() ? f->get<std::string>() : std::string();
      if (e == "WSAENOTCONN") {
        h.switches.after_drop = winsock::AfterDropError::kNotConnected;
      } else if (e == "WSAECONNRESET") {
        h.switches.after_drop = winsock::AfterDropError::kConnectionReset;
      } else {
        fail(sat / "after_drop", "expected \"WSAENOTCONN\" or \"WSAECONNRESET\", got " + shown(*f));
      }
    }
  }
  if (const json* l = optional(v, "listen")) {
    const Ptr lat = at / "listen";
    array(*l, lat);
    std::vector<std::uint16_t> ports;
    for (std::size_t i = 0; i < l->size(); ++i) {
      const auto port = static_cast<std::uint16_t>(whole((*l)[i], lat / i, 1, 65535));
      if (std::find(ports.begin(), ports.end(), port) != ports.end()) {
        fail(lat / i, "port " + std::to_string(port) + " is listed twice");
      }
      ports.push_back(port);
    }
    h.listen = std::move(ports);
  }
  return h;
}

ScenarioCall parse_call(const json& v, const Ptr& at) {
  object(v, at);
  const json& kind = required(v, at, "call", "one of " + call_names());
  const std::string kind_name = kind.is_string() ? kind.get<std::string>() : std::string();
  const std::optional<CallKind> k = parse_call_name(kind_name);
  if (!k) fail(at / "call", "expected one of " + call_names() + ", got " + shown(kind));
  ScenarioCall c;
  c.call.kind = *k;
  if (*k == CallKind::kKeepAliveVals) {
    only(v, at, {"call", "when", "onoff", "keepalivetime", "keepaliveinterval"},
         "SIO_KEEPALIVE_VALS");
    c.call.onoff =
        dword(required(v, at, "onoff", "0 turns keep-alive off, anything else on"), at / "onoff");
    c.call.keepalivetime =
        dword(required(v, at, "keepalivetime", "idle time before the first probe, ms"),
              at / "keepalivetime");
    c.call.keepaliveinterval =
        dword(required(v, at, "keepaliveinterval", "time between unanswered probes, ms"),
              at / "keepaliveinterval");
  } else {
    only(v, at, {"call", "when", "value"}, kind_name);
    const json& value = required(v, at, "value", "the option's value");
    if (*k == CallKind::kSoKeepAlive && value.is_boolean()) {
      c.call.value = value.get<bool>() ? 1U : 0U;
    } else {
      c.call.value = dword(value, at / "value");
    }
  }
  if (const json* w = optional(v, "when")) {
    const std::string s = w->is_string() ? w->get<std::string>() : std::string();
    if (s == "before-connect") {
      c.when = CallPhase::kBeforeConnect;
    } else if (s == "connecting") {
      c.when = CallPhase::kConnecting;
    } else if (s == "after-connect") {
      c.when = CallPhase::kAfterConnect;
    } else {
      fail(at / "when",
           "expected \"before-connect\", \"connecting\" or \"after-connect\", got " + shown(*w));
    }
  }
  return c;
}

ConnectionSpec parse_connection(const json& v, const Ptr& at, const Scenario& s,
                                std::size_t index) {
  object(v, at);
  only(v, at, {"name", "from", "to", "to_name", "port", "family", "at", "calls", "read"},
       "a connection");
  ConnectionSpec c;
  c.name = optional(v, "name") != nullptr ? name(v["name"], at / "name")
                                          : "conn" + std::to_string(index + 1);
  c.from = host_ref(required(v, at, "from", "the client host"), at / "from", s);
  c.to = host_ref(required(v, at, "to", "the server host"), at / "to", s);
  if (c.from == c.to)
    fail(at / "to", "a connection needs two different hosts, got \"" + c.to + "\" twice");
  c.port = static_cast<std::uint16_t>(
      whole(required(v, at, "port", "the server's port"), at / "port", 1, 65535));
  if (const json* n = optional(v, "to_name")) {
    c.to_name = text(*n, at / "to_name");
    const HostSpec& server = *s.host(c.to);
    auto same = [&](const std::string& other) { return lower(other) == lower(*c.to_name); };
    if (!same(server.name) && std::none_of(server.aliases.begin(), server.aliases.end(), same)) {
      fail(at / "to_name", "\"" + *c.to_name + "\" is not a name of host \"" + c.to +
                               "\" (its name or one of its \"aliases\")");
    }
  }
  if (const json* f = optional(v, "family")) {
    const std::string family = f->is_string() ? f->get<std::string>() : std::string();
    if (family == "ipv6") {
      c.family = IpFamily::kIpv6;
      for (const std::string& end : {c.from, c.to}) {
        if (!s.host(end)->ipv6) {
          fail(at / "family",
               "an IPv6 connection needs both hosts to have an \"ipv6\" address; "
               "host \"" +
                   end + "\" has none");
        }
      }
    } else if (family != "ipv4") {
      fail(at / "family", "expected \"ipv4\" or \"ipv6\", got " + shown(*f));
    }
  }
  if (const json* t = optional(v, "at")) c.at = instant(*t, at / "at", s.duration);
  if (const json* r = optional(v, "read")) {
    const std::optional<ReadMode> mode =
        r->is_string() ? parse_read_mode(r->get<std::string>()) : std::nullopt;
    if (!mode) {
      fail(at / "read",
           "expected \"recv\", \"overlapped\" or \"completion-port\", got " + shown(*r));
    }
    c.read = *mode;
  }
  if (const json* calls = optional(v, "calls")) {
    const Ptr cat = at / "calls";
    array(*calls, cat);
    for (std::size_t i = 0; i < calls->size(); ++i) {
      ScenarioCall call = parse_call((*calls)[i], cat / i);
      if (!c.calls.empty() && call.when < c.calls.back().when) {
        fail(cat / i / "when", "calls run in list order: a \"" + std::string(to_string(call.when)) +
                                   "\" call cannot follow a \"" +
                                   std::string(to_string(c.calls.back().when)) + "\" call");
      }
      c.calls.push_back(call);
    }
  }
  return c;
}

LinkSpec parse_link(const json& v, const Ptr& at, const Scenario& s) {
  object(v, at);
  only(v, at, {"between", "latency", "loss"}, "a link");
  LinkSpec l;
  std::tie(l.a, l.b) = host_pair(required(v, at, "between", "two host names"), at / "between", s);
  if (const json* lat = optional(v, "latency")) l.path.latency = duration(*lat, at / "latency");
  if (const json* loss = optional(v, "loss")) {
    if (!loss->is_number() || loss->get<double>() < 0.0 || loss->get<double>() > 1.0) {
      fail(at / "loss", "expected a probability from 0 to 1, got " + shown(*loss));
    }
    l.path.loss = loss->get<double>();
  }
  return l;
}

TrafficSpec parse_traffic(const json& v, const Ptr& at, const Scenario& s) {
  object(v, at);
  only(v, at, {"at", "connection", "from", "bytes"}, "traffic");
  TrafficSpec t;
  t.at = instant(required(v, at, "at", "when to send"), at / "at", s.duration);
  t.connection = text(required(v, at, "connection", "a connection name"), at / "connection");
  if (s.connection(t.connection) == nullptr) {
    std::vector<std::string> names;
    for (const ConnectionSpec& c : s.connections)
      names.push_back(c.name);
    fail(at / "connection",
         "no connection named \"" + t.connection + "\" (connections: " + join_some(names) + ")");
  }
  if (const json* f = optional(v, "from")) {
    const std::string side = f->is_string() ? f->get<std::string>() : std::string();
    if (side != "client" && side != "server") {
      fail(at / "from", "expected \"client\" or \"server\", got " + shown(*f));
    }
    t.from_server = side == "server";
  }
  t.bytes = 100;
  if (const json* b = optional(v, "bytes"))
    t.bytes = static_cast<std::uint32_t>(whole(*b, at / "bytes", 1, 65535));
  return t;
}

FaultSpec parse_fault(const json& v, const Ptr& at, const Scenario& s) {
  object(v, at);
  FaultSpec f;
  const json& type = required(
      v, at, "type", "crash, restart, reboot, partition, heal, nat, network-down or network-up");
  const std::string t = type.is_string() ? type.get<std::string>() : std::string();
  static constexpr std::array<std::pair<std::string_view, FaultKind>, 8> kKinds{{
      {"crash", FaultKind::kCrash},
      {"restart", FaultKind::kRestart},
      {"reboot", FaultKind::kReboot},
      {"partition", FaultKind::kPartition},
      {"heal", FaultKind::kHeal},
      {"nat", FaultKind::kNat},
      {"network-down", FaultKind::kNetworkDown},
      {"network-up", FaultKind::kNetworkUp},
  }};
  const auto it =
      std::find_if(kKinds.begin(), kKinds.end(), [&](const auto& k) { return k.first == t; });
  if (it == kKinds.end()) {
    fail(at / "type",
         "expected one of crash, restart, reboot, partition, heal, nat, network-down, "
         "network-up, got " +
             shown(type));
  }
  f.kind = it->second;
  switch (f.kind) {
    case FaultKind::kCrash:
    case FaultKind::kRestart:
    case FaultKind::kReboot:
    case FaultKind::kNetworkDown:
    case FaultKind::kNetworkUp:
      only(v, at, {"at", "type", "host"}, "a \"" + t + "\" fault");
      f.host = host_ref(required(v, at, "host", "the host it happens to"), at / "host", s);
      break;
    case FaultKind::kPartition:
    case FaultKind::kHeal:
      only(v, at, {"at", "type", "between", "both_ways"}, "a \"" + t + "\" fault");
      std::tie(f.host, f.other) =
          host_pair(required(v, at, "between", "two host names"), at / "between", s);
      if (const json* b = optional(v, "both_ways")) f.both_ways = boolean(*b, at / "both_ways");
      break;
    case FaultKind::kNat: {
      only(v, at, {"at", "type", "between", "idle_timeout", "on_expiry"}, "a \"nat\" fault");
      std::tie(f.host, f.other) =
          host_pair(required(v, at, "between", "two host names"), at / "between", s);
      f.nat.idle_timeout = duration(
          required(v, at, "idle_timeout", "how long an idle flow is kept"), at / "idle_timeout");
      if (f.nat.idle_timeout <= Duration::zero())
        fail(at / "idle_timeout", "expected a duration above 0");
      if (const json* e = optional(v, "on_expiry")) {
        const std::string x = e->is_string() ? e->get<std::string>() : std::string();
        if (x == "drop") {
          f.nat.on_expiry = NatExpiry::kDropSilently;
        } else if (x == "reset") {
          f.nat.on_expiry = NatExpiry::kReset;
        } else {
          fail(at / "on_expiry", "expected \"drop\" or \"reset\", got " + shown(*e));
        }
      }
      break;
    }
  }
  f.at = optional(v, "at") != nullptr ? instant(v["at"], at / "at", s.duration) : Duration::zero();
  return f;
}

Scenario parse(const json& root) {
  const Ptr top;
  object(root, top);
  only(root, top,
       {"$schema", "name", "description", "seed", "duration", "hosts", "links", "connections",
        "traffic", "faults"},
       "a scenario");
  Scenario s;
  if (const json* n = optional(root, "name")) s.name = text(*n, top / "name");
  if (const json* d = optional(root, "description")) {
    if (!d->is_string()) fail(top / "description", "expected a string, got " + shown(*d));
    s.description = d->get<std::string>();
  }
  if (const json* seed = optional(root, "seed")) s.seed = whole(*seed, top / "seed", 0, UINT64_MAX);
  s.duration =
      duration(required(root, top, "duration", "how much virtual time to run, e.g. \"3h\""),
               top / "duration");
  if (s.duration <= Duration::zero()) fail(top / "duration", "expected a duration above 0");

  const json& hosts = required(root, top, "hosts", "the emulated Windows machines");
  array(hosts, top / "hosts");
  if (hosts.size() < 2) fail(top / "hosts", "expected at least two hosts");
  winsock::World checker{0};
  std::map<std::uint32_t, std::size_t> by_address;  // every check linear in the hosts
  std::map<Ipv6Address, std::size_t> by_address6;
  std::map<std::string, std::size_t> by_name;  // host names and aliases, lower case
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    const Ptr at = top / "hosts" / i;
    HostSpec h = parse_host(hosts[i], at, checker, static_cast<int>(i));
    if (s.host(h.name) != nullptr)
      fail(at / "name", "another host is already called \"" + h.name + "\"");
    const auto [other, fresh] = by_address.emplace(Ipv4Address::parse(h.address)->value, i);
    if (!fresh) {
      fail(at / "address",
           "address " + h.address + " is already host \"" + s.hosts[other->second].name + "\"'s");
    }
    for (std::size_t k = 0; k <= h.aliases.size(); ++k) {
      const std::string& n = k == 0 ? h.name : h.aliases[k - 1];
      const auto [holder, free_name] = by_name.emplace(lower(n), i);
      if (!free_name) {
        fail(k == 0 ? at / "name" : at / "aliases" / (k - 1),
             "the name \"" + n + "\" is taken by host \"" + s.hosts[holder->second].name +
                 "\" (host names and aliases are case-insensitive)");
      }
    }
    if (h.ipv6) {
      const auto [other6, fresh6] = by_address6.emplace(*Ipv6Address::parse(*h.ipv6), i);
      if (!fresh6) {
        fail(at / "ipv6",
             "address " + *h.ipv6 + " is already host \"" + s.hosts[other6->second].name + "\"'s");
      }
    }
    s.host_index.emplace(h.name, s.hosts.size());
    s.hosts.push_back(std::move(h));
  }
  if (const json* links = optional(root, "links")) {
    array(*links, top / "links");
    std::set<std::pair<std::string, std::string>> linked;
    for (std::size_t i = 0; i < links->size(); ++i) {
      LinkSpec l = parse_link((*links)[i], top / "links" / i, s);
      if (!linked.emplace(std::min(l.a, l.b), std::max(l.a, l.b)).second) {
        fail(top / "links" / i / "between",
             "the link between \"" + l.a + "\" and \"" + l.b + "\" is set twice");
      }
      s.links.push_back(std::move(l));
    }
  }
  const json& conns = required(root, top, "connections", "the TCP connections to run");
  array(conns, top / "connections");
  for (std::size_t i = 0; i < conns.size(); ++i) {
    ConnectionSpec c = parse_connection(conns[i], top / "connections" / i, s, i);
    if (s.connection(c.name) != nullptr) {
      fail(top / "connections" / i / "name",
           "another connection is already called \"" + c.name + "\"");
    }
    s.connection_index.emplace(c.name, s.connections.size());
    s.connections.push_back(std::move(c));
  }
  if (const json* traffic = optional(root, "traffic")) {
    array(*traffic, top / "traffic");
    for (std::size_t i = 0; i < traffic->size(); ++i)
      s.traffic.push_back(parse_traffic((*traffic)[i], top / "traffic" / i, s));
  }
  if (const json* faults = optional(root, "faults")) {
    array(*faults, top / "faults");
    for (std::size_t i = 0; i < faults->size(); ++i)
      s.faults.push_back(parse_fault((*faults)[i], top / "faults" / i, s));
  }
  return s;
}

std::string strip_exception_id(std::string what) {
  // "[json.exception.parse_error.101] parse error at line 1, ..." -> "parse error at line 1, ..."
  if (!what.empty() && what.front() == '[') {
    const std::size_t close = what.find("] ");
    if (close != std::string::npos) what.erase(0, close + 2);
  }
  return what;
}

}  // namespace

std::string_view to_string(CallPhase p) noexcept {
  switch (p) {
    case CallPhase::kBeforeConnect:
      return "before-connect";
    case CallPhase::kConnecting:
      return "connecting";
    case CallPhase::kAfterConnect:
      return "after-connect";
  }
  return "?";
}

std::string_view to_string(FaultKind k) noexcept {
  switch (k) {
    case FaultKind::kCrash:
      return "crash";
    case FaultKind::kRestart:
      return "restart";
    case FaultKind::kReboot:
      return "reboot";
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kHeal:
      return "heal";
    case FaultKind::kNat:
      return "nat";
    case FaultKind::kNetworkDown:
      return "network-down";
    case FaultKind::kNetworkUp:
      return "network-up";
  }
  return "?";
}

namespace {

// By index while the index matches the vector (parse_scenario keeps them in step), else a scan.
template <typename Spec>
const Spec* find_named(const std::vector<Spec>& specs,
                       const std::map<std::string, std::size_t, std::less<>>& index,
                       std::string_view name) {
  if (index.size() == specs.size()) {
    const auto it = index.find(name);
    return it == index.end() ? nullptr : &specs[it->second];
  }
  for (const Spec& s : specs) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

const HostSpec* Scenario::host(std::string_view n) const {
  return find_named(hosts, host_index, n);
}

const ConnectionSpec* Scenario::connection(std::string_view n) const {
  return find_named(connections, connection_index, n);
}

// Deepest nesting a scenario may have: real scenarios use 5 levels; the limit keeps every later
// recursive walk (validation, error previews, destruction) far from the stack's end.
constexpr int kMaxDepth = 32;

// What the parse guard found wrong: parsing stops at once.
struct Rejected {
  std::string what;
};

// The parser's events, passed on to nlohmann's document builder after two checks: nesting
// beyond kMaxDepth, and a key repeated in one object (JSON allows it, nlohmann keeps the last,
// and a scenario would silently lose a field), naming the JSON pointer of the object. A SAX
// handler rather than parse()'s callback: the callback's builder searches the enclosing array
// for discarded values after every object, so 100,000 connections took seconds to parse.
class GuardedBuilder {
 public:
  using Builder = nlohmann::detail::json_sax_dom_parser<json>;
  explicit GuardedBuilder(json& root) : builder_(root) {}

  bool null() { return value() && builder_.null(); }
  bool boolean(bool v) { return value() && builder_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return value() && builder_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value() && builder_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& text) {
    return value() && builder_.number_float(v, text);
  }
  bool string(json::string_t& v) { return value() && builder_.string(v); }
  bool binary(json::binary_t& v) { return value() && builder_.binary(v); }
  bool start_object(std::size_t n) { return open(false) && builder_.start_object(n); }
  bool start_array(std::size_t n) { return open(true) && builder_.start_array(n); }
  bool end_object() { return close() && builder_.end_object(); }
  bool end_array() { return close() && builder_.end_array(); }
  bool key(json::string_t& k) {
    check_depth(frames_.size());
    Frame& f = frames_.back();
    f.key = k;
    if (!f.keys.insert(f.key).second) {
      throw Rejected{pointer(frames_.size() - 1) + ": duplicate field \"" + f.key + "\""};
    }
    return builder_.key(k);
  }
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& e) {
    return builder_.parse_error(position, token, e);  // throws it
  }

 private:
  struct Frame {
    bool array;
    std::size_t index;
    std::set<std::string> keys;
    std::string key;
  };
  // `depth`: the containers enclosing the event.
  static void check_depth(std::size_t depth) {
    if (depth > static_cast<std::size_t>(kMaxDepth)) {
      throw Rejected{"nested deeper than " + std::to_string(kMaxDepth) + " levels"};
    }
  }
  bool value() {
    check_depth(frames_.size());
    advance();
    return true;
  }
  bool open(bool array) {
    check_depth(frames_.size());
    frames_.push_back(Frame{array, 0, {}, {}});
    return true;
  }
  bool close() {
    frames_.pop_back();
    advance();
    return true;
  }
  // A value finished inside the innermost frame: an array moves to its next index.
  void advance() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }
  // The JSON pointer of frame `n` (the outermost frame is the document).
  std::string pointer(std::size_t n) const {
    Ptr p;
    for (std::size_t i = 0; i < n; ++i) {
      p /= frames_[i].array ? std::to_string(frames_[i].index) : frames_[i].key;
    }
    const std::string s = p.to_string();
    return s.empty() ? "(top level)" : s;
  }

  Builder builder_;
  std::vector<Frame> frames_;
};

Result<Scenario> parse_scenario(std::string_view text, const std::string& source) {
  json root;
  try {
    GuardedBuilder builder(root);
    json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const Rejected& e) {
    return invalid_argument(source + ": " + e.what);
  } catch (const json::exception& e) {
    return invalid_argument(source + ": not valid JSON: " + strip_exception_id(e.what()));
  }
  try {
    return parse(root);
  } catch (const Invalid& e) {
    const std::string where = e.where.empty() ? "(top level)" : e.where;
    return invalid_argument(source + ": " + where + ": " + e.what);
  } catch (const json::exception& e) {
    return invalid_argument(source + ": " + strip_exception_id(e.what()));
  }
}

Result<Scenario> load_scenario(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return invalid_argument(path + ": is a folder, not a scenario file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return not_found(path + ": cannot open the scenario file");
  // Read in pieces up to the cap: /dev/zero or a runaway generator must not fill memory.
  std::string text;
  std::array<char, 1 << 16> piece;
  while (in.read(piece.data(), piece.size()) || in.gcount() > 0) {
    text.append(piece.data(), static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxScenarioBytes) {
      return invalid_argument(path + ": larger than " + std::to_string(kMaxScenarioBytes >> 20) +
                              " MiB, the most a scenario file may hold");
    }
  }
  if (in.bad()) return not_found(path + ": cannot read the scenario file");
  return parse_scenario(text, path);
}

}  // namespace ws2sim::cli
