// The keep-alive state machine on a live connection (ws2sim only): what counts as idleness, what
// a probe looks like, live, dead and rebooted peers, the errors after a drop, and the
// transitional state of a connect in progress.
#include "ws2sim/conformance/sim.h"

namespace ws2sim::conformance {
namespace {

std::string text(Duration d) {
  return format_time(kEpoch + d);
}

void check_at(SimContext& ctx, const char* id, TimePoint actual, TimePoint expected,
              const std::string& what) {
  ctx.check(id, actual == expected,
            what + ": expected at " + format_time(expected) + ", got " + format_time(actual));
}

// Lets the world run for `d` (no thread is blocked in a call).
void run_for(SimContext& ctx, Duration d) {
  ctx.require(ctx.world().run_for(d).ok(), "run_for failed");
}

SIM_CASE(IdleCountsFromTheLastSegmentReceived, "KEEPALIVE.idle-from-last-receipt") {
  const char* id = "KEEPALIVE.idle-from-last-receipt";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 10'000, 1'000) == 0, "SIO_KEEPALIVE_VALS failed");
  const SOCKET peer = ctx.connect_pair(s).peer;
  run_for(ctx, 3s);
  ctx.server_send(peer, 10);  // data received 1 ms later
  run_for(ctx, 4s);
  char buf[16];
  ctx.require(recv(s, buf, sizeof buf, 0) == 10, "the client did not receive the data");
  ctx.require(send(s, "ping", 4, 0) == 4, "the client could not send");  // ACK back 2 ms later
  const TimePoint sent = ctx.world().now();
  run_for(ctx, 5ms);
  ctx.require(ctx.world().crash(ctx.server()).ok(), "crashing the server failed");
  (void)recv(s, buf, sizeof buf, 0);
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.require(probes.size() >= 2, "fewer than two probes were sent");
  check_at(ctx, id, probes[0], sent + 2ms + 10s,
           "first probe: 10 s after the ACK of the client's data (the last segment received)");
  check_at(ctx, id, probes[1], probes[0] + 1s,
           "second probe: the unanswered first probe does not restart the idle time");
}

SIM_CASE(AnAnsweredProbeRestartsTheIdleTime, "KEEPALIVE.idle-from-last-receipt") {
  const char* id = "KEEPALIVE.idle-from-last-receipt";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 10'000, 1'000) == 0, "SIO_KEEPALIVE_VALS failed");
  ctx.connect_pair(s);
  run_for(ctx, 25s);
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.require(probes.size() >= 2, "fewer than two probes were sent");
  const std::optional<TimePoint> answer = ctx.last_client_receipt(probes[1] - 1ns);
  ctx.require(answer.has_value(), "no segment received before the second probe");
  check_at(ctx, id, *answer, probes[0] + 2ms, "the live peer's answer to the first probe");
  check_at(ctx, id, probes[1], *answer + 10s, "second probe: 10 s after the answer");
}

SIM_CASE(OneUnansweredProbeDoesNotKillTheConnection, "KEEPALIVE.one-probe-not-dead",
         "SO_KEEPALIVE.rfc1122") {
  const SOCKET s = ctx.tcp();
  ctx.check("SO_KEEPALIVE.rfc1122", !keepalive_on(s), "keep-alive is off unless asked for");
  ctx.require(error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)) == 0, "setsockopt failed");
  const TimePoint established = ctx.connect_pair(s).established;
  ctx.require(ctx.world().crash(ctx.server()).ok(), "crashing the server failed");
  run_for(ctx, 2h + 500ms);
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.check_eq("KEEPALIVE.one-probe-not-dead", probes.size(), 1U, "probes sent so far");
  ctx.check("SO_KEEPALIVE.rfc1122", !probes.empty() && probes[0] >= established + 2h,
            "the first probe waits for the idle time");
  u_long nonblocking = 1;
  ctx.require(ioctlsocket(s, static_cast<LONG>(FIONBIO), &nonblocking) == 0, "FIONBIO failed");
  char b;
  ctx.check_error("KEEPALIVE.one-probe-not-dead", error_of(recv(s, &b, 1, 0)), WSAEWOULDBLOCK,
                  "recv after one unanswered probe (the connection must still be up)");
  ctx.check("SO_KEEPALIVE.rfc1122", !ctx.client_close(CloseReason::kKeepAliveTimeout),
            "the connection was dropped after one unanswered probe");
}

SIM_CASE(NoProbeWhileDataIsOutstanding, "KEEPALIVE.no-probe-with-outstanding-data") {
  const char* id = "KEEPALIVE.no-probe-with-outstanding-data";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 1'000, 100) == 0, "SIO_KEEPALIVE_VALS failed");
  ctx.connect_pair(s);
  ctx.require(ctx.world().crash(ctx.server()).ok(), "crashing the server failed");
  ctx.require(send(s, "unacknowledged", 14, 0) == 14, "send failed");
  run_for(ctx, 60s);
  ctx.check_eq(id, ctx.client_probes().size(), 0U, "probes sent while data was unacknowledged");
  ctx.check(id, !ctx.client_close(CloseReason::kKeepAliveTimeout),
            "keep-alive dropped a connection that had data outstanding");
}

SIM_CASE(AProbeIsAnAckOneBeforeSndNxt, "KEEPALIVE.probe-shape") {
  const char* id = "KEEPALIVE.probe-shape";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 5'000, 1'000) == 0, "SIO_KEEPALIVE_VALS failed");
  ctx.connect_pair(s);
  ctx.require(send(s, "data", 4, 0) == 4, "send failed");
  run_for(ctx, 10ms);
  const TimePoint before = ctx.world().now();
  ctx.require(ctx.world().crash(ctx.server()).ok(), "crashing the server failed");
  run_for(ctx, 7s);
  const std::vector<Segment> probes = ctx.client_probe_segments();
  const std::optional<Segment> last = ctx.last_client_segment_before(before);
  ctx.require(!probes.empty() && last.has_value(), "no probe, or nothing sent before it");
  const std::uint32_t snd_nxt = last->seq + last->sequence_length();
  for (const Segment& p : probes) {
    ctx.check_eq(id, p.flags, tcp_flags::kAck, "probe flags (ACK only)");
    ctx.check_eq(id, p.payload.size(), 0U, "probe payload bytes");
    ctx.check_eq(id, p.seq, snd_nxt - 1, "probe SEQ (SND.NXT - 1)");
  }
}

SIM_CASE(ALivePeerAnswersAndTheConnectionStays, "KEEPALIVE.live-peer-answers") {
  const char* id = "KEEPALIVE.live-peer-answers";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 10'000, 1'000) == 0, "SIO_KEEPALIVE_VALS failed");
  const SOCKET peer = ctx.connect_pair(s).peer;
  run_for(ctx, 1h);
  ctx.check(id, ctx.client_probes().size() >= 300, "fewer than 300 probes in an hour");
  ctx.check(id, !ctx.client_close(CloseReason::kKeepAliveTimeout), "keep-alive dropped the link");
  ctx.server_send(peer, 4);
  char buf[8];
  ctx.check_eq(id, recv(s, buf, sizeof buf, 0), 4, "data after an hour of answered probes");
}

SIM_CASE(ARebootedPeerResetsAtTheFirstProbe, "KEEPALIVE.rebooted-peer-resets",
         "SO_KEEPALIVE.after-reset.enotconn") {
  const char* id = "KEEPALIVE.rebooted-peer-resets";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 30'000, 1'000) == 0, "SIO_KEEPALIVE_VALS failed");
  const Duration established = ctx.connect_pair(s).established - kEpoch;
  ctx.require(ctx.world().reboot(ctx.server()).ok(), "rebooting the server failed");
  char b;
  ctx.check_error(id, error_of(recv(s, &b, 1, 0)), WSAECONNRESET, "recv");
  ctx.check(id, ctx.elapsed() == established + 30s + 2ms,
            "reset when the first probe's RST arrives: expected at " +
                text(established + 30s + 2ms) + ", got " + text(ctx.elapsed()));
  ctx.check_error("SO_KEEPALIVE.after-reset.enotconn",
                  error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 0)), WSAENOTCONN,
                  "setsockopt(SO_KEEPALIVE) on the reset connection");
}

SIM_CASE(ErrorsAfterAKeepAliveDrop, "KEEPALIVE.drop.in-progress-enetreset",
         "SO_KEEPALIVE.after-drop.enetreset", "KEEPALIVE.drop.later-enotconn") {
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 1'000, 100) == 0, "SIO_KEEPALIVE_VALS failed");
  ctx.connect_pair(s);
  ctx.check_error("KEEPALIVE.drop.in-progress-enetreset", ctx.crash_server_and_recv(s),
                  WSAENETRESET, "the blocking recv in progress");
  ctx.check_error("SO_KEEPALIVE.after-drop.enetreset",
                  error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAENETRESET,
                  "setsockopt(SO_KEEPALIVE) after the drop");
  char b = 0;
  ctx.check_error("KEEPALIVE.drop.later-enotconn", error_of(recv(s, &b, 1, 0)), WSAENOTCONN,
                  "a later recv");
  ctx.check_error("KEEPALIVE.drop.later-enotconn", error_of(send(s, &b, 1, 0)), WSAENOTCONN,
                  "a later send");
}

SIM_CASE(AfterDropSwitchGivesConnectionReset, "KEEPALIVE.drop.later-econnreset") {
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 1'000, 100) == 0, "SIO_KEEPALIVE_VALS failed");
  ctx.connect_pair(s);
  ctx.require(ctx.crash_server_and_recv(s) == WSAENETRESET, "keep-alive did not drop the link");
  winsock::HostSwitches sw = ctx.client().switches();
  sw.after_drop = winsock::AfterDropError::kConnectionReset;
  ctx.set_client_switches(sw);
  char b = 0;
  ctx.check_error("KEEPALIVE.drop.later-econnreset", error_of(recv(s, &b, 1, 0)), WSAECONNRESET,
                  "a later recv with after_drop = connection reset");
}

SIM_CASE(ZeroTimeAndIntervalProbeAtOnce, "KEEPALIVE.zero-values.behaviour") {
  const char* id = "KEEPALIVE.zero-values.behaviour";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 0, 0) == 0, "SIO_KEEPALIVE_VALS {1, 0, 0} failed");
  const TimePoint established = ctx.connect_pair(s).established;
  ctx.require(ctx.world().crash(ctx.server()).ok(), "crashing the server failed");
  run_for(ctx, 1s);
  const std::vector<TimePoint> probes = ctx.client_probes();
  ctx.require(probes.size() >= 2, "fewer than two probes were sent");
  check_at(ctx, id, probes[0], established, "first probe: as soon as the connection is idle");
  check_at(ctx, id, probes[1], probes[0] + ctx.profile().keepalive_timer_tick.value,
           "second probe: one timer tick after the first (back to back)");
}

SIM_CASE(ZeroIntervalIsAProbeStormAgainstALivePeer, "KEEPALIVE.zero-values.storm") {
  const char* id = "KEEPALIVE.zero-values.storm";
  const SOCKET s = ctx.tcp();
  ctx.require(keepalive_vals(s, 1, 0, 0) == 0, "SIO_KEEPALIVE_VALS {1, 0, 0} failed");
  ctx.connect_pair(s);
  run_for(ctx, 10s);
  // Every probe is answered before the next one: the connection lives, and the probes never stop.
  ctx.check(id, ctx.client_probes().size() > 100, "at least 100 probes in 10 s (a probe storm)");
  char b = 0;
  u_long nonblocking = 1;
  ioctlsocket(s, static_cast<LONG>(FIONBIO), &nonblocking);
  ctx.check_error(id, error_of(recv(s, &b, 1, 0)), WSAEWOULDBLOCK,
                  "the connection is still open after 10 s of back-to-back probes");
}

// ---- Transitional state (a connect in progress) --------------------------------------------

SIM_CASE(SoKeepAliveRefusedWhileConnecting, "SO_KEEPALIVE.transitional.refused") {
  const char* id = "SO_KEEPALIVE.transitional.refused";
  const SOCKET s = ctx.tcp();
  ctx.require(ctx.connect_nonblocking(s) == WSAEWOULDBLOCK, "the connect did not stay pending");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), WSAEINVAL,
                  "setsockopt(SO_KEEPALIVE) while connecting");
  ctx.check(id, !keepalive_on(s), "a refused call changed nothing");
  run_for(ctx, 1s);
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0,
                  "setsockopt(SO_KEEPALIVE) once connected");
}

SIM_CASE(SoKeepAliveAllowedWhileConnectingOnNt5, "SO_KEEPALIVE.transitional.nt5-allowed") {
  const char* id = "SO_KEEPALIVE.transitional.nt5-allowed";
  const SOCKET s = ctx.tcp();
  ctx.require(ctx.connect_nonblocking(s) == WSAEWOULDBLOCK, "the connect did not stay pending");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0,
                  "setsockopt(SO_KEEPALIVE) while connecting");
  run_for(ctx, 1s);
  ctx.check(id, keepalive_on(s), "keep-alive on once connected");
}

SIM_CASE(SoKeepAliveAfterAnAsynchronousConnect, "SO_KEEPALIVE.transitional.after-connect") {
  const char* id = "SO_KEEPALIVE.transitional.after-connect";
  const SOCKET s = ctx.tcp();
  ctx.require(ctx.connect_nonblocking(s) == WSAEWOULDBLOCK, "the connect did not stay pending");
  fd_set writable;
  FD_ZERO(&writable);
  FD_SET(s, &writable);
  timeval wait{5, 0};
  ctx.require(select(0, nullptr, &writable, nullptr, &wait) == 1, "the connect did not complete");
  ctx.check_error(id, error_of(set_dword(s, SOL_SOCKET, SO_KEEPALIVE, 1)), 0,
                  "setsockopt(SO_KEEPALIVE) after select reported the connection");
  ctx.check(id, keepalive_on(s), "keep-alive on");
}

SIM_CASE(OtherKeepAliveCallsWorkWhileConnecting, "SO_KEEPALIVE.transitional.others-unaffected") {
  const char* id = "SO_KEEPALIVE.transitional.others-unaffected";
  const SOCKET s = ctx.tcp();
  ctx.require(ctx.connect_nonblocking(s) == WSAEWOULDBLOCK, "the connect did not stay pending");
  ctx.check_error(id, get_dword(s, SOL_SOCKET, SO_KEEPALIVE).outcome, 0,
                  "getsockopt(SO_KEEPALIVE) while connecting");
  ctx.check_error(id, keepalive_vals(s, 0, 30'000, 3'000), 0,
                  "SIO_KEEPALIVE_VALS while connecting");
  if (ctx.profile().tcp_keepalive_option.value) {
    ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, TCP_KEEPIDLE, 40)), 0,
                    "TCP_KEEPIDLE while connecting");
  }
  if (ctx.profile().tcp_keepcnt.value) {
    ctx.check_error(id, error_of(set_dword(s, IPPROTO_TCP, TCP_KEEPCNT, 4)), 0,
                    "TCP_KEEPCNT while connecting");
  }
}

}  // namespace
}  // namespace ws2sim::conformance
