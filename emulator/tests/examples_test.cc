// Runs the unmodified Windows programs in examples/ inside the emulator (through the harness)
// and checks what they print: the keep-alive path each takes on each Windows version and the
// virtual time its blocking recv() took to see the dead peer.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#ifndef WS2SIM_EXAMPLES_DIR
#error "WS2SIM_EXAMPLES_DIR must name the folder holding the example binaries"
#endif

namespace {

// Runs `program` with `env` (VAR=value ...) and returns everything it printed.
std::string run(const std::string& env, const std::string& program) {
  const std::string command = "env " + env + " " WS2SIM_EXAMPLES_DIR "/" + program + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return "popen failed";
  std::string out;
  std::array<char, 256> buf{};
  while (fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr)
    out += buf.data();
  const int status = pclose(pipe);
  if (status != 0) out += "[exit status " + std::to_string(status) + "]";
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr const char* kP1 = "example_p1_ioctl_before_connect";
constexpr const char* kP3 = "example_p3_version_gated";
constexpr const char* kP6 = "example_p6_so_keepalive_registry";

// P1: {1, 60000 ms, 1000 ms} before connect; the peer crashes at 1 s; recv started when the
// connection was established, which was the last receipt.
TEST(Examples, P1IoctlBeforeConnectOnWindows10DetectsAfterTenProbes) {
  const std::string out =
      run("WS2SIM_PROFILE=windows-10-22h2 WS2SIM_LISTEN=10.0.0.2:5432 WS2SIM_CRASH_PEER_AT=1", kP1);
  EXPECT_TRUE(contains(out, "SIO_KEEPALIVE_VALS ok, bytes returned 0")) << out;
  EXPECT_TRUE(contains(out, "recv failed: error 10052 after 70000 ms")) << out;  // WSAENETRESET
}

TEST(Examples, P1OnWindowsXpUsesTheRegistryProbeCount) {
  const std::string out =
      run("WS2SIM_PROFILE=windows-xp WS2SIM_LISTEN=10.0.0.2:5432 WS2SIM_CRASH_PEER_AT=1", kP1);
  EXPECT_TRUE(contains(out, "recv failed: error 10052 after 65000 ms")) << out;  // 5 probes
}

TEST(Examples, P1RebootedPeerResetsAtTheFirstProbe) {
  const std::string out =
      run("WS2SIM_PROFILE=windows-11 WS2SIM_LISTEN=10.0.0.2:5432 WS2SIM_REBOOT_PEER_AT=1", kP1);
  EXPECT_TRUE(contains(out, "recv failed: error 10054 after 60002 ms")) << out;  // WSAECONNRESET
}

// P3: the version gate picks TCP_KEEPIDLE/INTVL/CNT (30 s, 2 s, 4) from build 16299, and
// SIO_KEEPALIVE_VALS {30000, 2000} with the profile's probe count before that.
TEST(Examples, P3On1709UsesTheSecondsOptions) {
  const std::string out =
      run("WS2SIM_PROFILE=windows-10-1709 WS2SIM_LISTEN=10.0.0.2:443 WS2SIM_CRASH_PEER_AT=1", kP3);
  EXPECT_TRUE(contains(out, "running on Windows 10.0 build 16299")) << out;
  EXPECT_TRUE(contains(out, "using TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT")) << out;
  EXPECT_FALSE(contains(out, "failed")) << out;
  EXPECT_TRUE(contains(out, "recv returned -1, error 10052, after 38000 ms")) << out;
}

TEST(Examples, P3On1703FallsBackToTheIoctl) {
  const std::string out =
      run("WS2SIM_PROFILE=windows-10-1703 WS2SIM_LISTEN=10.0.0.2:443 WS2SIM_CRASH_PEER_AT=1", kP3);
  EXPECT_TRUE(contains(out, "build 15063")) << out;
  EXPECT_TRUE(contains(out, "using SIO_KEEPALIVE_VALS")) << out;
  EXPECT_TRUE(contains(out, "after 50000 ms")) << out;  // 30 s + 10 x 2 s
}

TEST(Examples, P3OnWindowsXpFallsBackToTheIoctlWithFiveProbes) {
  const std::string out =
      run("WS2SIM_PROFILE=windows-xp WS2SIM_LISTEN=10.0.0.2:443 WS2SIM_CRASH_PEER_AT=1", kP3);
  EXPECT_TRUE(contains(out, "running on Windows 5.1 build 2600")) << out;
  EXPECT_TRUE(contains(out, "after 40000 ms")) << out;  // 30 s + 5 x 2 s
}

// P6: SO_KEEPALIVE only. XP takes its timing from the registry and answers getsockopt with a
// 4-byte BOOL; Windows 10 uses 2 h / 1 s / 10 and writes a 1-byte BOOLEAN.
TEST(Examples, P6OnWindowsXpFollowsTheRegistry) {
  const std::string out =
      run("WS2SIM_PROFILE=windows-xp WS2SIM_LISTEN=10.0.0.2:3306 WS2SIM_CRASH_PEER_AT=1 "
          "WS2SIM_REGISTRY=KeepAliveTime=300000,TcpMaxDataRetransmissions=8",
          kP6);
  EXPECT_TRUE(contains(out, "getsockopt(SO_KEEPALIVE) wrote 4 byte(s), value 1")) << out;
  EXPECT_TRUE(contains(out, "recv returned -1, error 10052, after 308000 ms")) << out;
}

TEST(Examples, P6OnWindows10UsesTwoHoursAndTenProbes) {
  const std::string out =
      run("WS2SIM_PROFILE=windows-10-22h2 WS2SIM_LISTEN=10.0.0.2:3306 WS2SIM_CRASH_PEER_AT=1", kP6);
  EXPECT_TRUE(contains(out, "getsockopt(SO_KEEPALIVE) wrote 1 byte(s), value 1")) << out;
  EXPECT_TRUE(contains(out, "recv returned -1, error 10052, after 7210000 ms")) << out;
}

TEST(Examples, HarnessRejectsBadConfigurationClearly) {
  const std::string out = run("WS2SIM_PROFILE=windows-95", kP1);
  EXPECT_TRUE(contains(out, "ws2sim harness: unknown profile 'windows-95'")) << out;
  EXPECT_TRUE(contains(out, "[exit status")) << out;
}

}  // namespace

namespace {

constexpr const char* kP7 = "example_p7_worker_threads";

std::string read_file(const std::string& path) {
  std::string out;
  if (FILE* f = std::fopen(path.c_str(), "rb")) {
    std::array<char, 4096> buf{};
    std::size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0)
      out.append(buf.data(), n);
    std::fclose(f);
  }
  return out;
}

// P7: four worker threads made with CreateThread, each with its own keep-alive time; the main
// thread waits for them with WaitForMultipleObjects. Every worker sees the dead peer at its own
// instant, and the program's threads interleave the same way on every run: the traces of two
// runs are the same bytes, and a shuffle seed gives the same answers.
TEST(Examples, P7WorkerThreadsEachDetectTheDeadPeerAtTheirOwnTime) {
  const std::string env = "WS2SIM_LISTEN=10.0.0.2:5432 WS2SIM_CRASH_PEER_AT=1";
  const std::string trace_a = ::testing::TempDir() + "p7_a.jsonl";
  const std::string trace_b = ::testing::TempDir() + "p7_b.jsonl";
  const std::string out = run(env + " WS2SIM_TRACE=" + trace_a, kP7);
  EXPECT_TRUE(contains(out, "all 4 workers connected at 2 ms")) << out;
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(contains(out, "worker " + std::to_string(i) +
                                  ": exit code 0, recv error 10052 after " +
                                  std::to_string(70000 + 1000 * i) + " ms"))
        << out;
  }
  EXPECT_EQ(run(env + " WS2SIM_TRACE=" + trace_b, kP7), out);
  const std::string a = read_file(trace_a);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(read_file(trace_b), a) << "two runs, one trace";
  EXPECT_EQ(run(env + " WS2SIM_SHUFFLE=3", kP7), out) << "another interleaving, the same answers";
  // On fibers: the same turns, so the same output and the same trace bytes.
  const std::string trace_c = ::testing::TempDir() + "p7_c.jsonl";
  EXPECT_EQ(run(env + " WS2SIM_THREADS=fibers WS2SIM_TRACE=" + trace_c, kP7), out);
  EXPECT_EQ(read_file(trace_c), a) << "fibers and OS threads, one trace";
  EXPECT_TRUE(contains(run("WS2SIM_THREADS=green", kP7),
                       "WS2SIM_THREADS: expected os or fibers, got 'green'"));
}

}  // namespace
