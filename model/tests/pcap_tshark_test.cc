// Cross-checks the pcap writer against Wireshark's dissector on a real simulated connection:
// tshark must find as many keep-alives as the trace has probes, as many keep-alive ACKs as the
// trace has answered probes, and no bad IPv4 or TCP checksum. tshark is a required tool here
// (scripts/setup.sh installs it): the test fails, not skips, when it is missing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ws2sim/model/network.h"
#include "ws2sim/model/trace.h"
#include "ws2sim/model/trace_writers.h"
#include "ws2sim/model/world.h"

namespace ws2sim {
namespace {

using namespace std::chrono_literals;

std::optional<std::string> find_on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) {
    r.output.append(buf.data(), n);
  }
  const int status = ::pclose(pipe);
  r.exit_code = (status != -1 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  return r;
}

// Lines consisting of digits only (frame numbers); tshark's warnings on stderr are not counted.
std::size_t count_frame_lines(const std::string& output) {
  std::istringstream lines(output);
  std::string line;
  std::size_t n = 0;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos) ++n;
  }
  return n;
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += (c == '\'') ? std::string{"'\\''"} : std::string(1, c);
  }
  return out + "'";
}

// A temporary file that is removed when the test ends.
class TempFile {
 public:
  TempFile() {
    std::string name = ::testing::TempDir() + "ws2sim_pcap_tshark_XXXXXX";
    const int fd = ::mkstemp(name.data());
    if (fd >= 0) {
      ::close(fd);
      path_ = name;
    }
  }
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// frames — how many frames of the capture `tshark` (a tshark command reading it) display filter
// `filter` selects ("" for all); nullopt, and a test failure, when tshark fails.
std::optional<std::size_t> frames(const std::string& tshark, const std::string& filter) {
  const CommandResult r = run_command(tshark + (filter.empty() ? "" : " -Y " + quoted(filter)) +
                                      " -T fields -e frame.number");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.exit_code == 0 ? std::optional{count_frame_lines(r.output)} : std::nullopt;
}

std::size_t count_kind(const Trace& trace, TraceKind kind) {
  std::size_t n = 0;
  for (const TraceEvent& e : trace.events()) {
    n += e.kind == kind ? 1 : 0;
  }
  return n;
}

TEST(PcapTshark, KeepAlivesAndChecksumsAgreeWithWireshark) {
  const std::optional<std::string> tshark = find_on_path("tshark");
  ASSERT_TRUE(tshark.has_value())
      << "tshark is not on PATH. It is required to cross-check the pcap writer: run "
         "scripts/setup.sh (it installs tshark), then rerun the tests.";

  // The scenario: a connection with keep-alive (idle 10s, interval 1s, 3 probes), data both
  // ways, a quiet period in which the live server answers probes, then the server crashes and
  // the client's probes go unanswered until the keep-alive timeout.
  World w{20240611};
  Network& net = w.network();
  const HostId client = net.add_host("client", *Ipv4Address::parse("10.0.0.1")).value();
  const HostId server = net.add_host("server", *Ipv4Address::parse("10.0.0.2")).value();
  const Result<EndpointId> listener = net.listen(server, 80);
  ASSERT_TRUE(listener.ok()) << listener.error().message;
  EndpointOptions options;
  options.keepalive = {.enabled = true, .idle = 10s, .interval = 1s, .probe_count = 3};
  const Result<EndpointId> conn = net.connect(client, {net.address(server), 80}, options);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  ASSERT_TRUE(w.run_for(100ms).ok());
  ASSERT_EQ(net.info(*conn)->state, TcpState::kEstablished);
  const Result<std::optional<EndpointId>> accepted = net.accept(*listener);
  ASSERT_TRUE(accepted.ok() && accepted->has_value());
  const EndpointId peer = **accepted;

  const std::vector<std::uint8_t> request = {'p', 'i', 'n', 'g', '\n'};
  const std::vector<std::uint8_t> reply = {'p', 'o', 'n', 'g', '!', '\n'};
  ASSERT_TRUE(net.send(*conn, request).ok());
  ASSERT_TRUE(w.run_for(100ms).ok());
  const Result<std::vector<std::uint8_t>> got_request = net.receive(peer, 100);
  ASSERT_TRUE(got_request.ok());
  EXPECT_EQ(*got_request, request);
  ASSERT_TRUE(net.send(peer, reply).ok());
  ASSERT_TRUE(w.run_for(100ms).ok());
  const Result<std::vector<std::uint8_t>> got_reply = net.receive(*conn, 100);
  ASSERT_TRUE(got_reply.ok());
  EXPECT_EQ(*got_reply, reply);

  // Quiet: a probe every 10s, each answered by the live server.
  ASSERT_TRUE(w.run_for(35s).ok());
  const std::size_t answered_before_crash = count_kind(w.trace(), TraceKind::kProbeAnswered);
  EXPECT_GE(answered_before_crash, 3U);
  EXPECT_EQ(net.info(*conn)->state, TcpState::kEstablished);

  // Crash: 3 unanswered probes, then the keep-alive timeout (10s + 3 x 1s after the last answer).
  ASSERT_TRUE(net.crash(server).ok());
  ASSERT_TRUE(w.run_for(30s).ok());
  const Result<EndpointInfo> info = net.info(*conn);
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->close_reason, CloseReason::kKeepAliveTimeout);

  const std::size_t probes = count_kind(w.trace(), TraceKind::kProbeSent);
  const std::size_t answered = count_kind(w.trace(), TraceKind::kProbeAnswered);
  EXPECT_EQ(answered, answered_before_crash);
  EXPECT_EQ(probes, answered + 3);

  TempFile file;
  ASSERT_FALSE(file.path().empty()) << "mkstemp failed";
  const Status written = write_pcap_file(w.trace(), file.path());
  ASSERT_TRUE(written.ok()) << written.error().message;

  const std::string base = quoted(*tshark) + " -r " + quoted(file.path());
  const CommandResult summary = run_command(base);
  ASSERT_EQ(summary.exit_code, 0) << "tshark could not read the pcap:\n" << summary.output;
  SCOPED_TRACE("tshark -r FILE:\n" + summary.output);

  const CommandResult keep_alive =
      run_command(base + " -Y tcp.analysis.keep_alive -T fields -e frame.number");
  ASSERT_EQ(keep_alive.exit_code, 0) << keep_alive.output;
  EXPECT_EQ(count_frame_lines(keep_alive.output), probes) << "tcp.analysis.keep_alive frames:\n"
                                                          << keep_alive.output;

  const CommandResult keep_alive_ack =
      run_command(base + " -Y tcp.analysis.keep_alive_ack -T fields -e frame.number");
  ASSERT_EQ(keep_alive_ack.exit_code, 0) << keep_alive_ack.output;
  EXPECT_EQ(count_frame_lines(keep_alive_ack.output), answered)
      << "tcp.analysis.keep_alive_ack frames:\n"
      << keep_alive_ack.output;

  const CommandResult bad = run_command(
      base + " -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y " +
      quoted("tcp.checksum.status == 0 || ip.checksum.status == 0") + " -T fields -e frame.number");
  ASSERT_EQ(bad.exit_code, 0) << bad.output;
  EXPECT_EQ(count_frame_lines(bad.output), 0U) << "frames with a bad checksum:\n" << bad.output;

  // The checksums were really verified (status 1 = good), not skipped.
  const CommandResult good = run_command(
      base + " -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y " +
      quoted("tcp.checksum.status == 1 && ip.checksum.status == 1") + " -T fields -e frame.number");
  ASSERT_EQ(good.exit_code, 0) << good.output;
  EXPECT_EQ(count_frame_lines(good.output), count_kind(w.trace(), TraceKind::kSegmentSent));
}

// Loopback (docs/behaviour.md §14): a host's connection to 127.0.0.1 with keep-alive; tshark
// sees the probes and their answers as keep-alives, every frame between 127.0.0.1 and itself.
TEST(PcapTshark, LoopbackKeepAlivesAreKeepAlivesToWireshark) {
  const std::optional<std::string> tshark = find_on_path("tshark");
  ASSERT_TRUE(tshark.has_value()) << "tshark is not on PATH: run scripts/setup.sh";
  World w{7};
  Network& net = w.network();
  const HostId host = net.add_host("host", *Ipv4Address::parse("10.0.0.1")).value();
  const Result<EndpointId> listener = net.listen(host, 80);
  ASSERT_TRUE(listener.ok()) << listener.error().message;
  EndpointOptions options;
  options.keepalive = {.enabled = true, .idle = 10s, .interval = 1s, .probe_count = 3};
  const Result<EndpointId> conn = net.connect(host, {Ipv4Address::loopback(), 80}, options);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  ASSERT_TRUE(w.run_for(35s).ok());
  ASSERT_EQ(net.info(*conn)->state, TcpState::kEstablished);
  const std::size_t probes = count_kind(w.trace(), TraceKind::kProbeSent);
  const std::size_t answered = count_kind(w.trace(), TraceKind::kProbeAnswered);
  EXPECT_EQ(probes, 3U) << "at 10 s, 20 s and 30 s";
  EXPECT_EQ(answered, probes);

  TempFile file;
  ASSERT_FALSE(file.path().empty()) << "mkstemp failed";
  ASSERT_TRUE(write_pcap_file(w.trace(), file.path()).ok());
  const std::string base = quoted(*tshark) + " -r " + quoted(file.path());
  EXPECT_EQ(frames(base, "tcp.analysis.keep_alive"), probes);
  EXPECT_EQ(frames(base, "tcp.analysis.keep_alive_ack"), answered);
  EXPECT_EQ(frames(base, "ip.src != 127.0.0.1 || ip.dst != 127.0.0.1"), 0U)
      << "frames off loopback";
  EXPECT_EQ(frames(base, ""), count_kind(w.trace(), TraceKind::kSegmentSent));
}

// IPv6 (docs/behaviour.md §16): a connection between two hosts' IPv6 addresses whose peer
// crashes. tshark reads every frame as IPv6, calls the probes keep-alives and their answers
// keep-alive ACKs, and finds every TCP checksum (over the IPv6 pseudo-header) good.
TEST(PcapTshark, Ipv6KeepAlivesAreKeepAlivesToWireshark) {
  const std::optional<std::string> tshark = find_on_path("tshark");
  ASSERT_TRUE(tshark.has_value()) << "tshark is not on PATH: run scripts/setup.sh";
  World w{11};
  Network& net = w.network();
  const HostId client = net.add_host("client", *Ipv4Address::parse("10.0.0.1")).value();
  const HostId server = net.add_host("server", *Ipv4Address::parse("10.0.0.2")).value();
  ASSERT_TRUE(net.set_ipv6_address(client, *Ipv6Address::parse("2001:db8::1")).ok());
  ASSERT_TRUE(net.set_ipv6_address(server, *Ipv6Address::parse("2001:db8::2")).ok());
  ASSERT_TRUE(net.listen(server, 443).ok());
  EndpointOptions options;
  options.keepalive = {.enabled = true, .idle = 10s, .interval = 1s, .probe_count = 3};
  const Result<EndpointId> conn =
      net.connect(client, {*Ipv6Address::parse("2001:db8::2"), 443}, options);
  ASSERT_TRUE(conn.ok()) << conn.error().message;
  const std::uint8_t hello[] = {'h', 'i'};
  ASSERT_TRUE(w.run_for(1s).ok());
  ASSERT_TRUE(net.send(*conn, hello).ok());
  ASSERT_TRUE(w.run_for(25s).ok());  // probes answered at 11 s and 21 s (after the data)
  ASSERT_TRUE(net.crash(server).ok());
  ASSERT_TRUE(w.run_for(30s).ok());
  EXPECT_EQ(net.info(*conn)->close_reason, CloseReason::kKeepAliveTimeout);
  const std::size_t probes = count_kind(w.trace(), TraceKind::kProbeSent);
  const std::size_t answered = count_kind(w.trace(), TraceKind::kProbeAnswered);
  EXPECT_EQ(answered, 2U);
  EXPECT_EQ(probes, answered + 3);

  TempFile file;
  ASSERT_FALSE(file.path().empty()) << "mkstemp failed";
  ASSERT_TRUE(write_pcap_file(w.trace(), file.path()).ok());
  const std::string base = quoted(*tshark) + " -r " + quoted(file.path());
  const std::size_t sent = count_kind(w.trace(), TraceKind::kSegmentSent);
  EXPECT_EQ(frames(base, "ipv6 && !ip && ipv6.addr == 2001:db8::1 && ipv6.addr == 2001:db8::2"),
            sent);
  EXPECT_EQ(frames(base, "tcp.analysis.keep_alive"), probes);
  EXPECT_EQ(frames(base, "tcp.analysis.keep_alive_ack"), answered);
  EXPECT_EQ(frames(base + " -o tcp.check_checksum:TRUE", "tcp.checksum.status == 1"), sent)
      << "frames whose checksum tshark verified";
  const CommandResult payload =
      run_command(base + " -Y " + quoted("tcp.len == 2") + " -T fields -e tcp.payload");
  ASSERT_EQ(payload.exit_code, 0) << payload.output;
  EXPECT_EQ(count_frame_lines(payload.output), 1U) << payload.output;
  EXPECT_THAT(payload.output, ::testing::EndsWith("6869\n")) << "the bytes sent";
}

}  // namespace
}  // namespace ws2sim
