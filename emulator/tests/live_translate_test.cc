// Live mode's translation layer, without sockets: Windows keep-alive state on a host's profile
// and registry -> Linux TCP_KEEPIDLE / TCP_KEEPINTVL / TCP_KEEPCNT plus clamp records, and Linux
// errno -> the WSA error the profile prescribes.
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>

#include "ws2sim/winsock/live.h"
#include "ws2sim/winsock/world.h"

namespace ws2sim::winsock {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::int64_t ns(Duration d) {
  return d.count();
}

class LiveTranslate : public ::testing::Test {
 protected:
  Host& host(std::string_view profile) {
    ++n_;
    return world_.add_host("host-" + std::to_string(n_), profile, "10.0.0." + std::to_string(n_))
        .value();
  }
  World world_{1};
  int n_ = 1;
};

// ---- linux_keepalive_seconds: the one rounding rule ---------------------------------------------

TEST(LinuxKeepAliveSeconds, RoundsUpToWholeSeconds) {
  EXPECT_EQ(linux_keepalive_seconds(milliseconds(1000)), 1);
  EXPECT_EQ(linux_keepalive_seconds(milliseconds(1001)), 2);
  EXPECT_EQ(linux_keepalive_seconds(milliseconds(1500)), 2);
  EXPECT_EQ(linux_keepalive_seconds(milliseconds(1999)), 2);
  EXPECT_EQ(linux_keepalive_seconds(Duration{1}), 1);  // one nanosecond is never 0 s
  EXPECT_EQ(linux_keepalive_seconds(seconds(7200)), 7200);
}

TEST(LinuxKeepAliveSeconds, ZeroAndNegativeAreZero) {
  EXPECT_EQ(linux_keepalive_seconds(Duration::zero()), 0);
  EXPECT_EQ(linux_keepalive_seconds(Duration{-5}), 0);
}

// ---- keep-alive options --------------------------------------------------------------------

TEST_F(LiveTranslate, SoKeepAliveAloneGetsWindowsDefaultsExactly) {
  const auto t = translate_keepalive(host("windows-10-22h2"), {.so_keepalive = true});
  EXPECT_EQ(t.options, (LinuxKeepAlive{true, 7200, 1, 10}));
  EXPECT_TRUE(t.clamps.empty());
}

TEST_F(LiveTranslate, KeepAliveOffStaysOffWithDefaultsReady) {
  const auto t = translate_keepalive(host("windows-10-22h2"), {});
  EXPECT_EQ(t.options, (LinuxKeepAlive{false, 7200, 1, 10}));
  EXPECT_TRUE(t.clamps.empty());
}

TEST_F(LiveTranslate, WholeSecondMillisecondsAreExact) {
  const auto t = translate_keepalive(
      host("windows-7"),
      {.so_keepalive = true, .idle = milliseconds(1000), .interval = milliseconds(1000)});
  EXPECT_EQ(t.options, (LinuxKeepAlive{true, 1, 1, 10}));
  EXPECT_TRUE(t.clamps.empty());
}

TEST_F(LiveTranslate, SubSecondMillisecondsRoundUpAndAreRecorded) {
  const auto t = translate_keepalive(
      host("windows-10-22h2"),
      {.so_keepalive = true, .idle = milliseconds(1500), .interval = milliseconds(500)});
  EXPECT_EQ(t.options, (LinuxKeepAlive{true, 2, 1, 10}));
  ASSERT_EQ(t.clamps.size(), 2U);
  EXPECT_EQ(t.clamps[0],
            (LinuxClampRecord{"TCP_KEEPIDLE", LinuxClamp::kRoundedUp, ns(milliseconds(1500)), 2}));
  EXPECT_EQ(t.clamps[1],
            (LinuxClampRecord{"TCP_KEEPINTVL", LinuxClamp::kRoundedUp, ns(milliseconds(500)), 1}));
}

TEST_F(LiveTranslate, ZeroTimesRaiseToLinuxMinimum) {
  // SIO_KEEPALIVE_VALS {1, 0, 0}: probe at once; interval 0 = back to back, one timer tick
  // (15.625 ms) apart on Windows, which rounds up to Linux's 1 s.
  const auto t = translate_keepalive(
      host("windows-10-22h2"),
      {.so_keepalive = true, .idle = Duration::zero(), .interval = Duration::zero()});
  EXPECT_EQ(t.options, (LinuxKeepAlive{true, 1, 1, 10}));
  ASSERT_EQ(t.clamps.size(), 2U);
  EXPECT_EQ(t.clamps[0], (LinuxClampRecord{"TCP_KEEPIDLE", LinuxClamp::kRaisedToMinimum, 0, 1}));
  EXPECT_EQ(t.clamps[1], (LinuxClampRecord{"TCP_KEEPINTVL", LinuxClamp::kRoundedUp,
                                           ns(std::chrono::microseconds(15'625)), 1}));
}

TEST_F(LiveTranslate, HugeTimesLowerToLinuxMaximum) {
  Host& h = host("windows-xp");
  ASSERT_TRUE(h.set_registry(RegistryValue::kKeepAliveTime, 0xFFFFFFFF).ok());  // 49.7 days
  const auto t = translate_keepalive(h, {.so_keepalive = true});
  EXPECT_EQ(t.options.keepidle_s, 32767);
  ASSERT_EQ(t.clamps.size(), 1U);
  EXPECT_EQ(t.clamps[0], (LinuxClampRecord{"TCP_KEEPIDLE", LinuxClamp::kLoweredToMaximum,
                                           ns(milliseconds(0xFFFFFFFFLL)), 32767}));
}

TEST_F(LiveTranslate, RegistryTimesApplyWhenTheSocketSetsNone) {
  Host& h = host("windows-xp");
  ASSERT_TRUE(h.set_registry(RegistryValue::kKeepAliveTime, 300'000).ok());
  ASSERT_TRUE(h.set_registry(RegistryValue::kKeepAliveInterval, 2'000).ok());
  const auto t = translate_keepalive(h, {.so_keepalive = true});
  EXPECT_EQ(t.options, (LinuxKeepAlive{true, 300, 2, 5}));  // XP: 5 probes by default
  EXPECT_TRUE(t.clamps.empty());
}

TEST_F(LiveTranslate, VistaAndLaterIgnoreTheRegistryProbeCount) {
  Host& h = host("windows-vista");
  ASSERT_TRUE(h.set_registry(RegistryValue::kTcpMaxDataRetransmissions, 3).ok());
  EXPECT_EQ(translate_keepalive(h, {.so_keepalive = true}).options.keepcnt, 10);
}

TEST_F(LiveTranslate, XpRegistryProbeCountIsTheLargerValue) {
  Host& h = host("windows-xp");
  ASSERT_TRUE(h.set_registry(RegistryValue::kTcpMaxDataRetransmissions, 3).ok());
  ASSERT_TRUE(h.set_registry(RegistryValue::kPPTPTcpMaxDataRetransmissions, 7).ok());
  EXPECT_EQ(translate_keepalive(h, {.so_keepalive = true}).options.keepcnt, 7);
}

TEST_F(LiveTranslate, XpProbeCountAbove127IsLoweredAndRecorded) {
  Host& h = host("windows-xp");
  ASSERT_TRUE(h.set_registry(RegistryValue::kTcpMaxDataRetransmissions, 300).ok());  // XP: 255
  const auto t = translate_keepalive(h, {.so_keepalive = true});
  EXPECT_EQ(t.options.keepcnt, 127);
  ASSERT_EQ(t.clamps.size(), 1U);
  EXPECT_EQ(t.clamps[0],
            (LinuxClampRecord{"TCP_KEEPCNT", LinuxClamp::kLoweredToMaximum, 255, 127}));
}

TEST_F(LiveTranslate, XpZeroProbesMeansNeverProbeSoKeepAliveIsOffOnLinux) {
  Host& h = host("windows-xp");
  ASSERT_TRUE(h.set_registry(RegistryValue::kTcpMaxDataRetransmissions, 0).ok());
  ASSERT_TRUE(h.set_registry(RegistryValue::kPPTPTcpMaxDataRetransmissions, 0).ok());
  const auto t = translate_keepalive(h, {.so_keepalive = true});
  EXPECT_FALSE(t.options.so_keepalive);
  EXPECT_EQ(t.options.keepcnt, 1);
  ASSERT_EQ(t.clamps.size(), 1U);
  EXPECT_EQ(t.clamps[0], (LinuxClampRecord{"TCP_KEEPCNT", LinuxClamp::kSwitchedOff, 0, 0}));
}

TEST_F(LiveTranslate, XpZeroProbesWithKeepAliveOffRecordsNothing) {
  Host& h = host("windows-xp");
  ASSERT_TRUE(h.set_registry(RegistryValue::kTcpMaxDataRetransmissions, 0).ok());
  ASSERT_TRUE(h.set_registry(RegistryValue::kPPTPTcpMaxDataRetransmissions, 0).ok());
  EXPECT_TRUE(translate_keepalive(h, {}).clamps.empty());
}

TEST_F(LiveTranslate, TcpKeepCntOverridesTheProfileAndIsClampedAbove127) {
  Host& h = host("windows-10-1703");
  EXPECT_EQ(translate_keepalive(h, {.so_keepalive = true, .probe_count = 3}).options.keepcnt, 3);
  const auto t = translate_keepalive(h, {.so_keepalive = true, .probe_count = 200});
  EXPECT_EQ(t.options.keepcnt, 127);
  ASSERT_EQ(t.clamps.size(), 1U);
  EXPECT_EQ(t.clamps[0].kind, LinuxClamp::kLoweredToMaximum);
}

TEST_F(LiveTranslate, EffectiveConfigTranslatesWithoutAHost) {
  KeepAliveConfig c;
  c.enabled = true;
  c.idle = seconds(1);
  c.interval = seconds(1);
  c.probe_count = 3;
  EXPECT_EQ(translate_keepalive(c).options, (LinuxKeepAlive{true, 1, 1, 3}));
}

// ---- errno -> WSA error ----------------------------------------------------------------------

constexpr int kWsaEnetreset = 10052;
constexpr int kWsaEconnaborted = 10053;
constexpr int kWsaEconnreset = 10054;
constexpr int kWsaEnotconn = 10057;
constexpr int kWsaEtimedout = 10060;
constexpr int kWsaEconnrefused = 10061;

TEST_F(LiveTranslate, KeepAliveTimeoutIsNetResetForTheCallInProgress) {
  const LinuxErrorContext blocked{
      .connected = true, .keepalive_on = true, .unacked_data = false, .in_progress = true};
  EXPECT_EQ(windows_error_for_linux(host("windows-10-22h2"), ETIMEDOUT, blocked), kWsaEnetreset);
  EXPECT_EQ(windows_error_for_linux(host("windows-xp"), ETIMEDOUT, blocked), kWsaEnetreset);
}

TEST_F(LiveTranslate, KeepAliveTimeoutAfterwardsIsTheProfilesChoice) {
  const LinuxErrorContext later{.connected = true, .keepalive_on = true};
  Host& h = host("windows-10-22h2");
  EXPECT_EQ(windows_error_for_linux(h, ETIMEDOUT, later), kWsaEnotconn);  // profile default
  HostSwitches sw = h.switches();
  sw.after_drop = AfterDropError::kConnectionReset;
  h.set_switches(sw);
  EXPECT_EQ(windows_error_for_linux(h, ETIMEDOUT, later), kWsaEconnreset);
}

TEST_F(LiveTranslate, TimeoutWithUnackedDataIsARetransmissionGiveUp) {
  const LinuxErrorContext c{
      .connected = true, .keepalive_on = true, .unacked_data = true, .in_progress = true};
  EXPECT_EQ(windows_error_for_linux(host("windows-10-22h2"), ETIMEDOUT, c), kWsaEconnaborted);
}

TEST_F(LiveTranslate, ConnectErrors) {
  Host& h = host("windows-10-22h2");
  EXPECT_EQ(windows_error_for_linux(h, ETIMEDOUT, {}), kWsaEtimedout);
  EXPECT_EQ(windows_error_for_linux(h, ECONNREFUSED, {}), kWsaEconnrefused);
  EXPECT_EQ(windows_error_for_linux(h, ECONNRESET, {.connected = true}), kWsaEconnreset);
}

}  // namespace
}  // namespace ws2sim::winsock
