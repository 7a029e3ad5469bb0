// ws2sim/gtest.h — GoogleTest helpers for testing your own Winsock code with ws2sim.
//
// A fixture that owns a world (WinsockTest), and matchers for what such tests assert: a Winsock
// call succeeded, or failed with a given WSA error; keep-alive probes went out at given virtual
// times; a connection dropped at a time and for a reason. Failure messages say what happened
// instead (the actual WSA error's name, the probe times seen, the connections that did close),
// and a failed WinsockTest prints the world's keep-alive timeline.
//
//   class MyClientTest : public ws2sim::gtest::WinsockTest {};
//
//   TEST_F(MyClientTest, GivesUpOnADeadServer) {
//     Host& client = add_host("client", "windows-10-22h2", "10.0.0.1");
//     Host& server = add_host("server", "windows-server-2022", "10.0.0.2");
//     listen_on(server, 443);
//     HostScope on(client);
//     SOCKET s = my_connect("10.0.0.2", 443);           // the code under test
//     ASSERT_THAT(world.crash(server), IsOk());
//     EXPECT_THAT(recv(s, buf, sizeof buf, 0), FailsWith(WSAENETRESET));
//     EXPECT_THAT(world.trace(), SentProbesAt(client, {30s + 10ms, 31s + 10ms, ...}));
//     EXPECT_THAT(world.trace(), ConnectionDropped(client, at(40s + 10ms),
//                                                  CloseReason::kKeepAliveTimeout));
//   }
//
// Header-only, compiled with your GoogleTest; CMake target ws2sim::gtest (docs/getting-started.md).
// Include it before your own headers that include the drop-in Windows headers, or after: both work.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <initializer_list>
#include <iostream>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ws2sim/model/status.h"
#include "ws2sim/model/time.h"
#include "ws2sim/model/trace.h"
#include "ws2sim/model/trace_writers.h"
#include "ws2sim/winsock/errors.h"
#include "ws2sim/winsock/world.h"
// The drop-in Windows headers after every other header.
#include <winsock2.h>
#include <ws2tcpip.h>

namespace ws2sim::gtest {

using winsock::Host;
using winsock::HostScope;
using winsock::World;

/// The virtual instant `d` after a world started: `at(30s + 10ms)`.
constexpr TimePoint at(Duration d) noexcept {
  return kEpoch + d;
}

/// An instant as seconds since the start, exact: "30.010s", "0.000000250s".
inline std::string format_instant(TimePoint t);

/// One trace event as a line of text: "30.010s client: keep-alive probe 3/10 (connection 1)".
inline std::string describe_event(const Trace& trace, const TraceEvent& event);

/// The keep-alive and connection timeline of a trace: probes, answers, retransmissions,
/// connections established and closed, crashes, partitions, NAT expiries (segments left out).
/// At most `max_lines` events, then a line saying how many more there were.
inline std::string describe_timeline(const Trace& trace, std::size_t max_lines = 60);

/// The virtual instants at which `host` sent keep-alive probes, in order.
inline std::vector<TimePoint> probe_times(const Trace& trace, const Host& host);

// ---- Matchers on Winsock results ----------------------------------------------------------------

/// Matches the result of a Winsock call that reports failure as SOCKET_ERROR (int results) or
/// INVALID_SOCKET (socket, accept, WSASocket) when it did NOT fail; otherwise explains with the
/// error's name: `EXPECT_THAT(connect(s, ...), Succeeds());`. Not for WSAStartup (which returns
/// its error; use IsWsaError) nor for calls that return a BOOL.
inline auto Succeeds();

/// Matches the result of a Winsock call that failed (SOCKET_ERROR or INVALID_SOCKET) with
/// WSAGetLastError() == `wsa_error`:
/// `EXPECT_THAT(recv(s, buf, sizeof buf, 0), FailsWith(WSAENETRESET));`
/// It reads WSAGetLastError() itself, on the thread and host making the call.
inline auto FailsWith(int wsa_error);

/// Matches an int that is the WSA error code `wsa_error`, printing names:
/// `EXPECT_THAT(WSAGetLastError(), IsWsaError(WSAENETRESET));`,
/// `EXPECT_THAT(WSAStartup(MAKEWORD(2, 2), &data), IsWsaError(0));`
inline ::testing::Matcher<int> IsWsaError(int wsa_error);

/// Matches a ws2sim::Status or Result<T> that is OK, otherwise explains with its message:
/// `ASSERT_THAT(world.set_link(a, b, {.latency = 5ms}), IsOk());`
inline auto IsOk();

// ---- Matchers on a world's trace ----------------------------------------------------------------

/// Matches a trace in which `host` sent keep-alive probes at exactly `times` (instants; see at()),
/// no more, no fewer: `EXPECT_THAT(world.trace(), SentProbesAt(client, {at(30s), at(31s)}));`
inline ::testing::Matcher<const Trace&> SentProbesAt(const Host& host,
                                                     std::vector<TimePoint> times);
/// The same with durations since the start: `SentProbesAt(client, {30s, 31s})`.
inline ::testing::Matcher<const Trace&> SentProbesAt(const Host& host,
                                                     std::initializer_list<Duration> since_start);

/// Matches a trace whose list of `host`'s probe instants matches `times_matcher`:
/// `EXPECT_THAT(world.trace(), ProbesSentBy(client, SizeIs(10)));`,
/// `ProbesSentBy(client, IsEmpty())`, `ProbesSentBy(client, Each(Ge(at(2h))))`.
inline ::testing::Matcher<const Trace&> ProbesSentBy(
    const Host& host, ::testing::Matcher<const std::vector<TimePoint>&> times_matcher);

/// Matches a trace in which a connection of `host` closed at `when` for `reason`:
/// `ConnectionDropped(client, at(40s + 10ms), CloseReason::kKeepAliveTimeout)`.
inline ::testing::Matcher<const Trace&> ConnectionDropped(const Host& host, TimePoint when,
                                                          CloseReason reason);
/// The same at any time.
inline ::testing::Matcher<const Trace&> ConnectionDropped(const Host& host, CloseReason reason);

// ---- The fixture --------------------------------------------------------------------------------

/// Thrown by WinsockTest's set-up helpers when the set-up itself fails; GoogleTest reports the
/// message as the test's failure.
class SetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A test fixture owning a World (`world`, seed 1 unless a derived fixture passes another).
/// Add hosts with add_host; a failing test prints the world's timeline (describe_timeline) and,
/// if the environment variable WS2SIM_TRACE_DIR names a directory, writes the whole trace there as
/// JSON lines (<Suite>.<Test>.jsonl). A derived TearDown must call WinsockTest::TearDown().
class WinsockTest : public ::testing::Test {
 protected:
  explicit WinsockTest(std::uint64_t seed = 1) : world(seed) {}

  /// world.add_host, failing the test with the reason (unknown profile, bad address, duplicate).
  Host& add_host(std::string name, std::string_view profile, std::string_view address);
  /// WSAStartup(2.2) on `host` (each host has its own WSAStartup count, as each Windows process).
  void startup(Host& host);
  /// A listening TCP socket on `host`, port `port`, all addresses (WSAStartup first). Connections
  /// to it complete in the host's TCP stack and wait in its backlog; accept them with accept().
  SOCKET listen_on(Host& host, u_short port);
  /// Starts `body` as a Windows thread of `host` (World::start_thread): it runs, taking turns
  /// with the test's other Windows threads, once run_threads() is called.
  ///
  ///   start_thread(server, "server", [&] { my_server_loop(); });
  ///   start_thread(client, "client", [&] { my_client(); });
  ///   run_threads();
  void start_thread(Host& host, std::string name, std::function<void()> body);
  /// World::run_threads, failing the test with the deadlock report if the threads deadlocked.
  void run_threads();

  void TearDown() override;

  World world;
};

/// for_each_shuffle — runs `body(seed)` for the shuffle seeds 1..count (each a call to make
/// with World::shuffle_turns on a fresh world, and run), under SCOPED_TRACE("shuffle seed N"):
/// a failure names the seed that produced it, to replay that interleaving alone. Stops after
/// the first seed with a failure.
///
///   ws2sim::gtest::for_each_shuffle(100, [](std::uint64_t seed) {
///     World world{1};
///     world.shuffle_turns(seed);
///     ...start the threads, run_threads(), check what they did...
///   });
template <typename Body>
void for_each_shuffle(std::uint64_t count, Body body) {
  for (std::uint64_t seed = 1; seed <= count; ++seed) {
    SCOPED_TRACE("shuffle seed " + std::to_string(seed));
    body(seed);
    if (::testing::Test::HasFailure()) return;
  }
}

// ---- implementation details ---------------------------------------------------------------------

namespace detail {

inline std::string host_label(const Trace& trace, HostId id) {
  const std::string_view name = trace.host_name(id);
  return name.empty() ? "host " + std::to_string(id.value) : std::string(name);
}

inline std::string connection_label(const TraceEvent& e) {
  return e.connection ? "connection " + std::to_string(*e.connection) : std::string("connection");
}

inline std::string list_instants(const std::vector<TimePoint>& times, std::size_t max = 12) {
  std::string out;
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (i == max) {
      out += ", ... (" + std::to_string(times.size()) + " in all)";
      break;
    }
    if (i != 0) {
      out += ", ";
    }
    out += format_instant(times[i]);
  }
  return out;
}

inline bool is_timeline_event(TraceKind k) {
  return k != TraceKind::kSegmentSent && k != TraceKind::kSegmentReceived &&
         k != TraceKind::kSegmentDropped;
}

inline std::vector<TimePoint> probe_times(const Trace& trace, HostId host) {
  std::vector<TimePoint> out;
  for (const TraceEvent& e : trace.events()) {
    if (e.kind == TraceKind::kProbeSent && e.host == host) {
      out.push_back(e.at);
    }
  }
  return out;
}

inline std::string probes_seen(const Trace& trace, HostId host, const std::string& name) {
  const std::vector<TimePoint> times = probe_times(trace, host);
  if (times.empty()) {
    return name + " sent no keep-alive probes" +
           (trace.recording() ? "" : " (the trace's recording is off)");
  }
  return name + " sent " + std::to_string(times.size()) + " probe" +
         (times.size() == 1 ? "" : "s") + ", at " + list_instants(times);
}

// The result of a call, and whether it is Winsock's failure value for that result type.
template <typename T>
bool call_failed(const T& result) {
  if constexpr (std::is_same_v<T, SOCKET>) {
    return result == INVALID_SOCKET;
  } else {
    static_assert(std::is_integral_v<T> && std::is_signed_v<T>,
                  "Succeeds()/FailsWith() match the int or SOCKET result of a Winsock call");
    return result == SOCKET_ERROR;
  }
}

// Succeeds() and FailsWith(): `expected` is nullopt for Succeeds().
class CallResultMatcher {
 public:
  explicit CallResultMatcher(std::optional<int> expected) : expected_(expected) {}

  template <typename T>
  bool MatchAndExplain(const T& result, ::testing::MatchResultListener* listener) const {
    if (!call_failed(result)) {
      *listener << "the call succeeded (returned " << result << ")";
      return !expected_.has_value();
    }
    const int error = WSAGetLastError();
    *listener << "the call failed with " << winsock::describe_wsa_error(error);
    return expected_.has_value() && error == *expected_;
  }
  void DescribeTo(std::ostream* os) const {
    if (!expected_) {
      *os << "succeeds (is not SOCKET_ERROR or INVALID_SOCKET)";
    } else {
      *os << "fails (SOCKET_ERROR or INVALID_SOCKET) with "
          << winsock::describe_wsa_error(*expected_);
    }
  }
  void DescribeNegationTo(std::ostream* os) const {
    if (!expected_) {
      *os << "fails (is SOCKET_ERROR or INVALID_SOCKET)";
    } else {
      *os << "does not fail with " << winsock::describe_wsa_error(*expected_);
    }
  }

 private:
  std::optional<int> expected_;
};

class WsaErrorMatcher : public ::testing::MatcherInterface<int> {
 public:
  explicit WsaErrorMatcher(int expected) : expected_(expected) {}
  bool MatchAndExplain(int code, ::testing::MatchResultListener* listener) const override {
    *listener << "which is " << winsock::describe_wsa_error(code);
    return code == expected_;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "is " << winsock::describe_wsa_error(expected_);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "is not " << winsock::describe_wsa_error(expected_);
  }

 private:
  int expected_;
};

class IsOkMatcher {
 public:
  template <typename S>
  bool MatchAndExplain(const S& status, ::testing::MatchResultListener* listener) const {
    if (status.ok()) {
      return true;
    }
    *listener << "it failed: " << to_string(status.error().code) << ": " << status.error().message;
    return false;
  }
  void DescribeTo(std::ostream* os) const { *os << "is OK"; }
  void DescribeNegationTo(std::ostream* os) const { *os << "is an error"; }
};

class ProbeTimesMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  ProbeTimesMatcher(const Host& host, std::vector<TimePoint> expected)
      : host_(host.id()), name_(host.name()), expected_(std::move(expected)) {}

  bool MatchAndExplain(const Trace& trace,
                       ::testing::MatchResultListener* listener) const override {
    const std::vector<TimePoint> seen = probe_times(trace, host_);
    *listener << probes_seen(trace, host_, name_);
    if (seen == expected_) {
      return true;
    }
    for (std::size_t i = 0; i < seen.size() || i < expected_.size(); ++i) {
      const std::string nth = "probe " + std::to_string(i + 1);
      if (i >= seen.size()) {
        *listener << "; " << nth << ", expected at " << format_instant(expected_[i])
                  << ", was not sent";
        break;
      }
      if (i >= expected_.size()) {
        *listener << "; " << nth << " at " << format_instant(seen[i]) << " was not expected";
        break;
      }
      if (seen[i] != expected_[i]) {
        *listener << "; the first difference is " << nth << ": at " << format_instant(seen[i])
                  << ", expected at " << format_instant(expected_[i]);
        break;
      }
    }
    return false;
  }
  void DescribeTo(std::ostream* os) const override {
    if (expected_.empty()) {
      *os << "has " << name_ << " sending no keep-alive probes";
    } else {
      *os << "has " << name_ << " sending exactly " << expected_.size() << " keep-alive probe"
          << (expected_.size() == 1 ? "" : "s") << ", at " << list_instants(expected_, 40);
    }
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "does not ";
    DescribeTo(os);
  }

 private:
  HostId host_;
  std::string name_;
  std::vector<TimePoint> expected_;
};

class ProbesSentByMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  ProbesSentByMatcher(const Host& host, ::testing::Matcher<const std::vector<TimePoint>&> inner)
      : host_(host.id()), name_(host.name()), inner_(std::move(inner)) {}

  bool MatchAndExplain(const Trace& trace,
                       ::testing::MatchResultListener* listener) const override {
    const std::vector<TimePoint> seen = probe_times(trace, host_);
    ::testing::StringMatchResultListener inner_listener;
    const bool ok = inner_.MatchAndExplain(seen, &inner_listener);
    *listener << probes_seen(trace, host_, name_);
    if (!inner_listener.str().empty()) {
      *listener << "; " << inner_listener.str();
    }
    return ok;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "has " << name_ << "'s keep-alive probe instants (";
    inner_.DescribeTo(os);
    *os << ")";
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "has " << name_ << "'s keep-alive probe instants (";
    inner_.DescribeNegationTo(os);
    *os << ")";
  }

 private:
  HostId host_;
  std::string name_;
  ::testing::Matcher<const std::vector<TimePoint>&> inner_;
};

class ConnectionDroppedMatcher : public ::testing::MatcherInterface<const Trace&> {
 public:
  ConnectionDroppedMatcher(const Host& host, std::optional<TimePoint> when, CloseReason reason)
      : host_(host.id()), name_(host.name()), when_(when), reason_(reason) {}

  bool MatchAndExplain(const Trace& trace,
                       ::testing::MatchResultListener* listener) const override {
    std::vector<TraceEvent> closes;  // copies: the trace hands out events as values
    for (const TraceEvent& e : trace.events()) {
      if (e.kind == TraceKind::kConnectionClosed && e.host == host_) {
        closes.push_back(e);
      }
    }
    if (closes.empty()) {
      *listener << "no connection of " << name_ << " closed";
      if (!trace.recording()) {
        *listener << " (the trace's recording is off)";
      }
      return false;
    }
    bool found = false;
    *listener << name_ << "'s connections closed: ";
    for (std::size_t i = 0; i < closes.size(); ++i) {
      const TraceEvent& e = closes[i];
      if (i != 0) {
        *listener << "; ";
      }
      *listener << connection_label(e) << " at " << format_instant(e.at) << " ("
                << (e.reason ? to_string(*e.reason) : std::string_view("no reason")) << ")";
      found = found || (e.reason == reason_ && (!when_ || e.at == *when_));
    }
    return found;
  }
  void DescribeTo(std::ostream* os) const override {
    *os << "has a connection of " << name_ << " closed";
    if (when_) {
      *os << " at " << format_instant(*when_);
    }
    *os << " because of " << to_string(reason_);
  }
  void DescribeNegationTo(std::ostream* os) const override {
    *os << "has no connection of " << name_ << " closed";
    if (when_) {
      *os << " at " << format_instant(*when_);
    }
    *os << " because of " << to_string(reason_);
  }

 private:
  HostId host_;
  std::string name_;
  std::optional<TimePoint> when_;
  CloseReason reason_;
};

}  // namespace detail

inline std::string format_instant(TimePoint t) {
  const std::int64_t ns = t.time_since_epoch().count();
  const std::int64_t whole = ns / 1'000'000'000;
  std::int64_t fraction = ns % 1'000'000'000;
  std::string out = ns < 0 && whole == 0 ? "-" : "";
  out += std::to_string(whole);
  if (fraction < 0) {
    fraction = -fraction;
  }
  std::string digits = std::to_string(fraction);
  digits.insert(0, 9 - digits.size(), '0');
  while (digits.size() > 3 && digits.back() == '0') {
    digits.pop_back();
  }
  return out + "." + digits + "s";
}

inline std::string describe_event(const Trace& trace, const TraceEvent& e) {
  const std::string who = detail::host_label(trace, e.host);
  const std::string peer = e.peer ? detail::host_label(trace, *e.peer) : std::string("?");
  const std::string conn = detail::connection_label(e);
  std::string what;
  switch (e.kind) {
    case TraceKind::kSegmentSent:
      what = who + ": segment sent to " + peer + (e.keepalive ? " (keep-alive probe)" : "");
      break;
    case TraceKind::kSegmentReceived:
      what = who + ": segment received";
      break;
    case TraceKind::kSegmentDropped:
      what = "segment from " + who + " dropped (" +
             (e.drop ? std::string(to_string(*e.drop)) : std::string("?")) + ")";
      break;
    case TraceKind::kProbeSent:
      what = who + ": keep-alive probe " + std::to_string(e.probe) + "/" +
             std::to_string(e.probe_count) + " (" + conn + ")";
      break;
    case TraceKind::kProbeAnswered:
      what = who + ": keep-alive probe answered (" + conn + ")";
      break;
    case TraceKind::kKeepAliveSuppressed:
      what = who + ": keep-alive timer found data outstanding, no probe (" + conn + ")";
      break;
    case TraceKind::kRetransmission:
      what = who + ": retransmission " + std::to_string(e.probe) + " (" + conn + ")" +
             (e.duration ? ", next timeout in " + format_duration(*e.duration) : "");
      break;
    case TraceKind::kConnectionEstablished:
      what = who + ": " + conn + " established";
      break;
    case TraceKind::kConnectionClosed:
      what = who + ": " + conn + " closed (" +
             (e.reason ? std::string(to_string(*e.reason)) : std::string("?")) + ")";
      break;
    case TraceKind::kHostCrashed:
      what = who + " crashed";
      break;
    case TraceKind::kHostRestarted:
      what = who + " restarted";
      break;
    case TraceKind::kPartitioned:
      what = who + " -> " + peer + " partitioned";
      break;
    case TraceKind::kHealed:
      what = who + " -> " + peer + " healed";
      break;
    case TraceKind::kNatFlowExpired:
      what = "a middlebox forgot the idle flow of " + conn;
      break;
  }
  return format_instant(e.at) + " " + what;
}

inline std::string describe_timeline(const Trace& trace, std::size_t max_lines) {
  std::string out;
  std::size_t shown = 0;
  std::size_t more = 0;
  for (const TraceEvent& e : trace.events()) {
    if (!detail::is_timeline_event(e.kind)) {
      continue;
    }
    if (shown == max_lines) {
      ++more;
      continue;
    }
    out += "  " + describe_event(trace, e) + "\n";
    ++shown;
  }
  if (more != 0) {
    out += "  ... and " + std::to_string(more) + " more\n";
  }
  if (shown == 0) {
    out += "  (no keep-alive or connection events)\n";
  }
  return out;
}

inline std::vector<TimePoint> probe_times(const Trace& trace, const Host& host) {
  return detail::probe_times(trace, host.id());
}

inline auto Succeeds() {
  return ::testing::MakePolymorphicMatcher(detail::CallResultMatcher(std::nullopt));
}

inline auto FailsWith(int wsa_error) {
  return ::testing::MakePolymorphicMatcher(detail::CallResultMatcher(wsa_error));
}

inline ::testing::Matcher<int> IsWsaError(int wsa_error) {
  return ::testing::MakeMatcher(new detail::WsaErrorMatcher(wsa_error));
}

inline auto IsOk() {
  return ::testing::MakePolymorphicMatcher(detail::IsOkMatcher());
}

inline ::testing::Matcher<const Trace&> SentProbesAt(const Host& host,
                                                     std::vector<TimePoint> times) {
  return ::testing::MakeMatcher(new detail::ProbeTimesMatcher(host, std::move(times)));
}

inline ::testing::Matcher<const Trace&> SentProbesAt(const Host& host,
                                                     std::initializer_list<Duration> since_start) {
  std::vector<TimePoint> times;
  for (Duration d : since_start) {
    times.push_back(at(d));
  }
  return SentProbesAt(host, std::move(times));
}

inline ::testing::Matcher<const Trace&> ProbesSentBy(
    const Host& host, ::testing::Matcher<const std::vector<TimePoint>&> times_matcher) {
  return ::testing::MakeMatcher(new detail::ProbesSentByMatcher(host, std::move(times_matcher)));
}

inline ::testing::Matcher<const Trace&> ConnectionDropped(const Host& host, TimePoint when,
                                                          CloseReason reason) {
  return ::testing::MakeMatcher(new detail::ConnectionDroppedMatcher(host, when, reason));
}

inline ::testing::Matcher<const Trace&> ConnectionDropped(const Host& host, CloseReason reason) {
  return ::testing::MakeMatcher(new detail::ConnectionDroppedMatcher(host, std::nullopt, reason));
}

inline Host& WinsockTest::add_host(std::string name, std::string_view profile,
                                   std::string_view address) {
  const std::string what = "add_host(\"" + name + "\", \"" + std::string(profile) + "\", \"" +
                           std::string(address) + "\")";
  auto host = world.add_host(std::move(name), profile, address);
  if (!host.ok()) {
    throw SetupError(what + " failed: " + host.error().message);
  }
  return host.value().get();
}

inline void WinsockTest::start_thread(Host& host, std::string name, std::function<void()> body) {
  const std::string what = "start_thread(\"" + name + "\")";
  auto started = world.start_thread(host, std::move(name), std::move(body));
  if (!started.ok()) {
    throw SetupError(what + " failed: " + started.error().message);
  }
}

inline void WinsockTest::run_threads() {
  const Status s = world.run_threads();
  EXPECT_TRUE(s.ok()) << s.error().message;
}

inline void WinsockTest::startup(Host& host) {
  HostScope on(host);
  WSADATA data;
  const int error = WSAStartup(MAKEWORD(2, 2), &data);
  if (error != 0) {
    throw SetupError("WSAStartup on " + std::string(host.name()) + " failed with " +
                     winsock::describe_wsa_error(error));
  }
}

inline SOCKET WinsockTest::listen_on(Host& host, u_short port) {
  startup(host);
  HostScope on(host);
  const std::string what =
      "listen_on(" + std::string(host.name()) + ", " + std::to_string(port) + "): ";
  const SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (s == INVALID_SOCKET) {
    throw SetupError(what + "socket failed with " + winsock::describe_wsa_error(WSAGetLastError()));
  }
  sockaddr_in any{};
  any.sin_family = AF_INET;
  any.sin_port = htons(port);
  if (bind(s, reinterpret_cast<const sockaddr*>(&any), sizeof any) == SOCKET_ERROR) {
    throw SetupError(what + "bind failed with " + winsock::describe_wsa_error(WSAGetLastError()));
  }
  if (listen(s, SOMAXCONN) == SOCKET_ERROR) {
    throw SetupError(what + "listen failed with " + winsock::describe_wsa_error(WSAGetLastError()));
  }
  return s;
}

inline void WinsockTest::TearDown() {
  if (!HasFailure()) {
    return;
  }
  const Trace& trace = world.trace();
  std::ostringstream out;
  out << "[ ws2sim   ] the world's timeline up to " << format_instant(world.now()) << ":\n"
      << describe_timeline(trace);
  const char* dir = std::getenv("WS2SIM_TRACE_DIR");
  if (dir != nullptr && *dir != '\0') {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string file = std::string(info->test_suite_name()) + "." + info->name() + ".jsonl";
    for (char& c : file) {
      if (c == '/') {
        c = '_';  // parameterised names contain slashes
      }
    }
    const std::string path = std::string(dir) + "/" + file;
    const Status written = write_jsonl_file(trace, path);
    out << "[ ws2sim   ] "
        << (written.ok() ? "trace written to " + path
                         : "could not write the trace: " + written.error().message)
        << "\n";
  }
  std::cout << out.str() << std::flush;
}

}  // namespace ws2sim::gtest

namespace ws2sim {

// GoogleTest printers for ws2sim values (found by argument-dependent lookup), so that failures
// show "30.010s" and "keepalive-timeout" rather than bytes.

/// Prints an instant as gtest::format_instant does.
inline void PrintTo(TimePoint t, std::ostream* os) {
  *os << gtest::format_instant(t);
}
inline void PrintTo(CloseReason r, std::ostream* os) {
  *os << to_string(r);
}
inline void PrintTo(TraceKind k, std::ostream* os) {
  *os << to_string(k);
}
inline void PrintTo(const Status& s, std::ostream* os) {
  if (s.ok()) {
    *os << "OK";
  } else {
    *os << to_string(s.error().code) << ": " << s.error().message;
  }
}
template <typename T>
void PrintTo(const Result<T>& r, std::ostream* os) {
  if (r.ok()) {
    *os << "OK (a value)";
  } else {
    *os << to_string(r.error().code) << ": " << r.error().message;
  }
}
/// A trace prints as its size and span; WinsockTest prints the timeline when a test fails.
inline void PrintTo(const Trace& trace, std::ostream* os) {
  const auto& events = trace.events();
  *os << "a trace of " << events.size() << " event" << (events.size() == 1 ? "" : "s");
  if (!events.empty()) {
    *os << " from " << gtest::format_instant(events.front().at) << " to "
        << gtest::format_instant(events.back().at);
  }
}

}  // namespace ws2sim
