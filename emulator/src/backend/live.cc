// The live backend (live.h): a live host's Winsock sockets are real Linux TCP sockets
// (Boost.Asio), and its blocking calls wait for the kernel in real time.
//
// WALL-CLOCK ESCAPE HATCH. This file is the one place under emulator/ that reads the real clock
// (std::chrono::steady_clock: SO_RCVTIMEO/SO_SNDTIMEO deadlines and the live log's timestamps).
// scripts/wall-clock-allowlist.txt names it; nothing here touches the model or virtual time, and
// a world without live hosts never reaches this code.
//
#include "backend/live.h"

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "core/sockets.h"
#include "rules/connection_errors.h"
#include "rules/keepalive.h"

namespace ws2sim::winsock::detail {

using boost::asio::ip::tcp;
using RealClock = std::chrono::steady_clock;

/// A world's live-mode state.
struct LiveWorld {
  boost::asio::io_context io;  // owns no thread: every operation here is synchronous
  RealClock::time_point start = RealClock::now();
  std::vector<LiveRecord> log;
};

/// The Linux side of one live Winsock socket. Shared: a call blocked on it keeps it (and its file
/// descriptor) alive after closesocket() removed the Winsock socket.
struct LiveSocket {
  explicit LiveSocket(std::shared_ptr<LiveWorld> w)
      : world(std::move(w)), sock(world->io), acceptor(world->io) {}
  std::shared_ptr<LiveWorld> world;  // first: destroyed last, after the sockets using its io
  tcp::socket sock;                  // until listen()
  tcp::acceptor acceptor;            // after listen()
  bool listening = false;
  bool closed = false;                           // closesocket() ran
  std::optional<CloseReason> ended;              // the connection ended (sticky, like Windows)
  std::optional<LinuxKeepAlive> applied;         // what Linux was last given
  std::vector<LinuxClampRecord> applied_clamps;  // and what that clamped

  int fd() { return listening ? acceptor.native_handle() : sock.native_handle(); }
};

namespace live {
namespace {

constexpr int kWinsockSockStream = 1;  // SOCK_STREAM (the drop-in headers are not included here)
constexpr int kWsaEwouldblock = 10035;
constexpr int kWsaEsocktnosupport = 10044;
constexpr int kWsaEopnotsupp = 10045;
constexpr int kWsaEafnosupport = 10047;

Duration since_start(const LiveWorld& w) {
  return std::chrono::duration_cast<Duration>(RealClock::now() - w.start);
}

void log(const Host::State& h, const Socket& s, std::string what, std::string detail) {
  LiveWorld& w = h.world->state().live->shared_state();
  w.log.push_back(LiveRecord{since_start(w), h.name, s.handle, std::move(what), std::move(detail)});
}

// Live sockets are AF_INET only (open refuses AF_INET6), so every address here is IPv4.
tcp::endpoint to_endpoint(SocketAddress a) {
  return {boost::asio::ip::address_v4(a.address.ipv4().value_or(Ipv4Address{}).value), a.port};
}

SocketAddress from_endpoint(const tcp::endpoint& e) {
  return SocketAddress{Ipv4Address{e.address().to_v4().to_uint()}, e.port()};
}

// A Linux integer socket option, in Asio's SettableSocketOption shape (Asio has no typed option
// for TCP_KEEPIDLE/TCP_KEEPINTVL/TCP_KEEPCNT).
template <int Level, int Name>
struct IntOption {
  int value;
  template <typename P>
  int level(const P&) const {
    return Level;
  }
  template <typename P>
  int name(const P&) const {
    return Name;
  }
  template <typename P>
  const int* data(const P&) const {
    return &value;
  }
  template <typename P>
  std::size_t size(const P&) const {
    return sizeof value;
  }
};

enum class Wait : std::uint8_t { kReady, kTimedOut, kClosed, kHorizon };

// The world's horizon (World::set_horizon) as a real-clock instant: blocking calls end with
// WSAEINTR there, as in virtual time.
RealClock::time_point horizon_of(const World::State& w) {
  const Duration h = w.horizon - kEpoch;
  const RealClock::time_point start = w.live->shared_state().start;
  const auto room = RealClock::time_point::max() - start;
  if (h >= std::chrono::duration_cast<Duration>(room)) {
    return RealClock::time_point::max();
  }
  return start + std::chrono::duration_cast<RealClock::duration>(h);
}

// Waits in real time, with the world lock released, until the kernel reports `events` on the
// socket, `deadline` or the world's horizon passes, or closesocket() shuts the socket down.
Wait wait_for(Call& call, const std::shared_ptr<LiveSocket>& ls, short events,
              std::optional<RealClock::time_point> deadline) {
  const int fd = ls->fd();
  const RealClock::time_point horizon = horizon_of(call.world());
  const bool horizon_first = !deadline || horizon < *deadline;
  const RealClock::time_point until = horizon_first ? horizon : *deadline;
  call.lock().unlock();
  int r = 0;
  while (true) {
    int timeout_ms = -1;
    if (until != RealClock::time_point::max()) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - RealClock::now());
      timeout_ms = static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, 1'000'000'000));
    }
    pollfd p{fd, events, 0};
    r = ::poll(&p, 1, timeout_ms);
    if (r >= 0 || errno != EINTR) {
      break;
    }
  }
  call.lock().lock();
  if (ls->closed) {
    return Wait::kClosed;
  }
  if (r != 0) {
    return Wait::kReady;
  }
  return horizon_first ? Wait::kHorizon : Wait::kTimedOut;
}

// The WSA error of a wait that did not end ready: closed meanwhile or horizon -> WSAEINTR.
int interrupted(Wait w) {
  return w == Wait::kTimedOut ? err::kEtimedout : err::kEintr;
}

std::optional<RealClock::time_point> deadline_after(std::uint32_t ms) {
  if (ms == 0) {
    return std::nullopt;
  }
  return RealClock::now() + std::chrono::milliseconds(ms);
}

// Bytes sent but not yet acknowledged (SIOCOUTQ): tells a keep-alive timeout from a
// retransmission one.
bool unacked_data(LiveSocket& ls) {
  int n = 0;
  return ::ioctl(ls.fd(), SIOCOUTQ, &n) == 0 && n > 0;
}

const char* errno_name(int e) {
  switch (e) {
    case ETIMEDOUT:
      return "ETIMEDOUT";
    case ECONNRESET:
      return "ECONNRESET";
    case EPIPE:
      return "EPIPE";
    case ECONNREFUSED:
      return "ECONNREFUSED";
    case EHOSTUNREACH:
      return "EHOSTUNREACH";
    case ENETUNREACH:
      return "ENETUNREACH";
    default:
      return "errno";
  }
}

// A call on an established connection saw Linux error `e`: remembers how the connection ended
// (later calls get the profile's after-drop error) and returns the WSA error for this call.
int connection_failed(Call& call, Socket& s, int e, bool in_progress) {
  LiveSocket& ls = *s.live;
  const LinuxErrorContext ctx{.connected = true,
                              .keepalive_on = ls.applied && ls.applied->so_keepalive,
                              .unacked_data = unacked_data(ls),
                              .in_progress = in_progress};
  if (const auto reason = linux_close_reason(e, ctx)) {
    ls.ended = reason;
  }
  const int wsa = windows_error(call.host(), e, ctx);
  log(call.host(), s, "error",
      std::string(errno_name(e)) + " (" + std::to_string(e) + ")" +
          (ls.ended ? " reason=" + std::string(to_string(*ls.ended)) : "") +
          (in_progress ? " in-progress" : "") + " -> WSA " + std::to_string(wsa));
  return wsa;
}

void mark_connected(const Host::State& h, Socket& s) {
  s.state = SocketState::kConnected;
  s.connected_at = h.world->state().live->now();
  boost::system::error_code ec;
  const auto local = s.live->sock.local_endpoint(ec);
  if (!ec) {
    s.local = from_endpoint(local);
  }
  log(h, s, "connected",
      s.peer ? "peer " + to_string(s.peer->address) + ":" + std::to_string(s.peer->port) : "");
}

}  // namespace
}  // namespace live

using namespace live;  // NOLINT(google-build-using-namespace): this file's own helpers

LiveBackend::LiveBackend() : live_(std::make_shared<LiveWorld>()) {}
LiveBackend::~LiveBackend() = default;

const std::vector<LiveRecord>& LiveBackend::records() const noexcept {
  return live_->log;
}

int LiveBackend::open(Call& call, Socket& s) {
  Host::State& h = call.host();
  if (s.type != kWinsockSockStream) {
    log(h, s, "unsupported", "live mode has TCP sockets only");
    return kWsaEsocktnosupport;
  }
  if (s.family != AF_INET) {
    return kWsaEafnosupport;
  }
  auto ls = std::make_shared<LiveSocket>(live_);
  boost::system::error_code ec;
  ls->sock.open(tcp::v4(), ec);
  if (!ec) {
    ls->sock.non_blocking(true, ec);  // blocking is done here, with the lock released
  }
  if (ec) {
    return windows_error(h, ec.value(), {});
  }
  s.live = std::move(ls);
  log(h, s, "socket", "fd " + std::to_string(s.live->fd()));
  apply_keepalive(h, s);  // keep-alive off, Windows' defaults ready on the Linux socket
  return 0;
}

int LiveBackend::bind(Call& call, Socket& s, SocketAddress address) {
  boost::system::error_code ec;
  // Windows lets a port whose old connections linger in TIME_WAIT be bound again; on Linux that
  // takes SO_REUSEADDR (which still refuses a second listener, as Windows does).
  s.live->sock.set_option(tcp::socket::reuse_address(true), ec);
  s.live->sock.bind(to_endpoint(address), ec);
  if (ec) {
    return fail(windows_error(call.host(), ec.value(), {}));
  }
  s.local = from_endpoint(s.live->sock.local_endpoint(ec));
  s.state = SocketState::kBound;
  return 0;
}

int LiveBackend::listen(Call& call, Socket& s, int backlog) {
  LiveSocket& ls = *s.live;
  boost::system::error_code ec;
  ls.acceptor.assign(tcp::v4(), ls.sock.release(), ec);
  // Asio keeps "non-blocking" per object: without this its accept() would block in poll()
  // holding the world lock.
  if (!ec) {
    ls.acceptor.non_blocking(true, ec);
  }
  if (!ec) {
    ls.acceptor.listen(std::max(backlog, 1), ec);
  }
  ls.listening = true;  // the descriptor belongs to the acceptor from here on, even on failure
  if (ec) {
    return fail(windows_error(call.host(), ec.value(), {}));
  }
  s.state = SocketState::kListening;
  log(call.host(), s, "listen",
      s.local ? to_string(s.local->address) + ":" + std::to_string(s.local->port) : "");
  return 0;
}

int LiveBackend::next_connection(Call& /*call*/, SocketHandle /*listener*/, SocketAddress* /*peer*/,
                                 SocketAddress* /*local*/) {
  // A Linux listener offers no look at its next connection without taking it: a condition
  // function (WSAAccept) is not available on live hosts (docs/live.md).
  return fail(kWsaEopnotsupp);
}

SocketHandle LiveBackend::accept(Call& call, SocketHandle listener, SocketAddress* peer) {
  Host::State& h = call.host();
  Socket* s = &h.sockets.at(listener);
  std::shared_ptr<LiveSocket> ls = s->live;
  auto child = std::make_shared<LiveSocket>(ls->world);
  while (true) {
    boost::system::error_code ec;
    tcp::endpoint remote;
    ls->acceptor.accept(child->sock, remote, ec);
    if (!ec) {
      *peer = from_endpoint(remote);
      break;
    }
    if (ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) {
      return fail(windows_error(h, ec.value(), {})), 0;
    }
    if (s->nonblocking) {
      return fail(kWsaEwouldblock), 0;
    }
    const Wait w = wait_for(call, ls, POLLIN, std::nullopt);
    if (w != Wait::kReady || !h.sockets.contains(listener)) {
      return fail(interrupted(w)), 0;
    }
    s = &h.sockets.at(listener);
  }
  boost::system::error_code ec;
  child->sock.non_blocking(true, ec);
  // An accepted socket has the listening socket's properties (as in the simulated backend).
  Socket& accepted = insert_accepted(call.world(), h, *s);
  accepted.live = std::move(child);
  accepted.peer = *peer;
  mark_connected(h, accepted);
  apply_keepalive(h, accepted);
  return accepted.handle;
}

int LiveBackend::connect(Call& call, SocketHandle handle, SocketAddress remote) {
  Host::State& h = call.host();
  Socket* s = &h.sockets.at(handle);
  std::shared_ptr<LiveSocket> ls = s->live;
  const sockaddr_in sin = [&] {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(remote.port);
    a.sin_addr.s_addr = htonl(remote.address.ipv4().value_or(Ipv4Address{}).value);
    return a;
  }();
  // Asio's connect() would block or hide EINPROGRESS; the system call says what happened.
  if (::connect(ls->fd(), reinterpret_cast<const sockaddr*>(&sin), sizeof sin) != 0) {
    const int e = errno;
    if (e != EINPROGRESS) {
      return fail(windows_error(h, e, {}));
    }
    s->peer = remote;
    s->state = SocketState::kConnecting;
    s->pending_error = 0;
    if (s->nonblocking) {
      return fail(kWsaEwouldblock);
    }
    const Wait w = wait_for(call, ls, POLLOUT, std::nullopt);
    if (w != Wait::kReady || !h.sockets.contains(handle)) {
      return fail(interrupted(w));
    }
    s = &h.sockets.at(handle);
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(ls->fd(), SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
      s->state = SocketState::kFailed;
      log(h, *s, "connect-failed", errno_name(so_error));
      return fail(windows_error(h, so_error, {}));
    }
  }
  s->peer = remote;
  mark_connected(h, *s);
  return 0;
}

void LiveBackend::settle_connect(const Host::State& host, Socket& s) {
  if (!s.live) {
    return;
  }
  pollfd p{s.live->fd(), POLLOUT, 0};
  if (::poll(&p, 1, 0) <= 0) {
    return;
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  ::getsockopt(s.live->fd(), SOL_SOCKET, SO_ERROR, &so_error, &len);
  if (so_error != 0) {
    s.state = SocketState::kFailed;
    s.pending_error = windows_error(host, so_error, {});
    return;
  }
  mark_connected(host, s);
}

int LiveBackend::send(Call& call, SocketHandle handle, const char* buf, int len) {
  Host::State& h = call.host();
  Socket* s = &h.sockets.at(handle);
  std::shared_ptr<LiveSocket> ls = s->live;
  if (ls->ended) {
    return fail(connection_error(h, *ls->ended, false));
  }
  const auto deadline = deadline_after(s->sndtimeo_ms);
  auto total = static_cast<std::size_t>(len);
  std::size_t sent = 0;
  bool waited = false;
  while (sent < total) {
    boost::system::error_code ec;
    sent += ls->sock.send(boost::asio::buffer(buf + sent, total - sent), 0, ec);
    if (!ec) {
      continue;
    }
    if (ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) {
      return fail(connection_failed(call, *s, ec.value(), waited));
    }
    if (s->nonblocking) {
      return sent > 0 ? static_cast<int>(sent) : fail(kWsaEwouldblock);
    }
    const Wait w = wait_for(call, ls, POLLOUT, deadline);
    waited = true;
    if (w == Wait::kClosed || !h.sockets.contains(handle)) {
      return fail(err::kEintr);
    }
    s = &h.sockets.at(handle);
    if (w != Wait::kReady) {
      return fail(interrupted(w));
    }
  }
  return static_cast<int>(sent);
}

int LiveBackend::recv(Call& call, SocketHandle handle, char* buf, int len, bool peek,
                      bool wait_all) {
  Host::State& h = call.host();
  Socket* s = &h.sockets.at(handle);
  std::shared_ptr<LiveSocket> ls = s->live;
  if (ls->ended) {
    return fail(connection_error(h, *ls->ended, false));
  }
  if (len == 0) {
    return 0;
  }
  const auto deadline = deadline_after(s->rcvtimeo_ms);
  const auto want = static_cast<std::size_t>(len);
  std::size_t got = 0;
  bool waited = false;
  while (true) {
    boost::system::error_code ec;
    const std::size_t n = ls->sock.receive(boost::asio::buffer(buf + got, want - got),
                                           peek ? tcp::socket::message_peek : 0, ec);
    if (!ec) {
      got += n;
      if (!wait_all || peek || got == want) {
        return static_cast<int>(got);
      }
      continue;
    }
    if (ec == boost::asio::error::eof) {
      return static_cast<int>(got);  // the peer closed
    }
    if (ec != boost::asio::error::would_block && ec != boost::asio::error::try_again) {
      return got > 0 ? static_cast<int>(got)
                     : fail(connection_failed(call, *s, ec.value(), waited));
    }
    if (s->nonblocking) {
      return got > 0 ? static_cast<int>(got) : fail(kWsaEwouldblock);
    }
    const Wait w = wait_for(call, ls, POLLIN, deadline);
    waited = true;
    if (w == Wait::kClosed || !h.sockets.contains(handle)) {
      return fail(err::kEintr);
    }
    s = &h.sockets.at(handle);
    if (w != Wait::kReady) {
      return got > 0 ? static_cast<int>(got) : fail(interrupted(w));
    }
  }
}

// Overlapped receives are not carried out on live sockets (pends_io() is false: WSARecv refuses
// them first, docs/live.md).
ReceiveNow LiveBackend::receive_now(Host::State& /*host*/, Socket& /*s*/,
                                    const std::vector<IoBuffer>& /*buffers*/, bool /*peek*/) {
  return {};
}

bool LiveBackend::accept_into(Host::State& /*host*/, Socket& /*listener*/, Socket& /*target*/) {
  return false;
}

int LiveBackend::send_now(Host::State& /*host*/, Socket& /*s*/, const char* /*buf*/,
                          std::uint32_t /*len*/) {
  return err::kEopnotsupp;
}

int LiveBackend::shutdown(Call& /*call*/, Socket& s, bool send, bool receive) {
  boost::system::error_code ec;
  if (send && !s.send_shutdown) {
    s.send_shutdown = true;
    s.live->sock.shutdown(tcp::socket::shutdown_send, ec);
  }
  if (receive) {
    s.recv_shutdown = true;  // Windows only stops delivering: no Linux SHUT_RD
  }
  return 0;
}

std::optional<SocketAddress> LiveBackend::local_address(Socket& s) {
  boost::system::error_code ec;
  const auto e =
      s.live->listening ? s.live->acceptor.local_endpoint(ec) : s.live->sock.local_endpoint(ec);
  if (ec) {
    return std::nullopt;
  }
  return from_endpoint(e);
}

std::optional<SocketAddress> LiveBackend::peer_address(Socket& s) {
  if (s.live->listening) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  const auto e = s.live->sock.remote_endpoint(ec);
  if (ec) {
    return s.peer;  // the connection ended: Windows still names the peer
  }
  return from_endpoint(e);
}

std::uint32_t LiveBackend::bytes_readable(Socket& s) {
  int n = 0;
  if (::ioctl(s.live->fd(), FIONREAD, &n) != 0 || n < 0) {
    return 0;
  }
  return static_cast<std::uint32_t>(n);
}

TimePoint LiveBackend::now() const noexcept {
  return kEpoch + since_start(*live_);
}

WaitResult LiveBackend::wait(Call& call, Condition ready, std::optional<TimePoint> deadline,
                             Socket* /*socket*/, const Action* acquire, const WaitSite& /*site*/) {
  // Readiness here is several sockets' (select) or none (Sleep): checked every millisecond with
  // the lock released, so other threads' calls go on meanwhile.
  constexpr Duration kPollEvery = std::chrono::milliseconds(1);
  const TimePoint horizon = call.world().horizon;
  while (true) {
    if (ready()) {
      if (acquire != nullptr) (*acquire)();
      return WaitResult::kReady;
    }
    const TimePoint t = call.now();
    if (deadline && t >= *deadline) {
      return WaitResult::kTimedOut;
    }
    if (t >= horizon) {
      return WaitResult::kHorizon;
    }
    Duration nap = std::min(kPollEvery, horizon - t);
    if (deadline) {
      nap = std::min(nap, *deadline - t);
    }
    call.lock().unlock();
    std::this_thread::sleep_for(nap);
    call.lock().lock();
  }
}

// What poll() says of the socket: a failed connect shows in exceptfds (and WSAPoll as
// POLLWRNORM | POLLHUP | POLLERR), as in the simulated backend.
Readiness LiveBackend::readiness(Host::State& host, Socket& s) {
  Readiness r;
  if (!s.live) {
    return r;
  }
  refresh(host, s);
  if (s.state == SocketState::kFailed) {
    r.except = true;
    r.wrnorm = r.hup = r.err = true;
    return r;
  }
  if (s.state != SocketState::kConnected && s.state != SocketState::kListening) {
    return r;
  }
  pollfd p{s.live->fd(), POLLIN | POLLOUT, 0};
  if (::poll(&p, 1, 0) < 0) {
    return r;
  }
  const bool err = (p.revents & POLLERR) != 0 || s.live->ended.has_value();
  r.hup = (p.revents & (POLLHUP | POLLRDHUP)) != 0 || err;
  r.readable = r.rdnorm = (p.revents & POLLIN) != 0 || r.hup;
  r.writable = r.wrnorm = s.state == SocketState::kConnected && (p.revents & POLLOUT) != 0 && !err;
  r.err = err;
  return r;
}

std::optional<CloseReason> LiveBackend::close_reason(const Socket& s) {
  return s.live ? s.live->ended : std::nullopt;
}

void LiveBackend::apply_keepalive(Host::State& host, Socket& s) {
  if (!s.live) {
    return;
  }
  const LinuxKeepAliveTranslation t = translate_keepalive(effective_keepalive(host, s));
  // Nothing new to tell Linux or the log (a change on the Windows side that Linux cannot express,
  // such as XP's 0 probes with keep-alive switched on, still changes the clamp records).
  if (s.live->applied == t.options && s.live->applied_clamps == t.clamps) {
    return;
  }
  LiveSocket& ls = *s.live;
  const int fd = ls.fd();
  // Raw setsockopt on the descriptor: the socket may be a listener (Asio acceptor) or not.
  const auto set = [fd](int level, int name, int value) {
    return ::setsockopt(fd, level, name, &value, sizeof value) == 0 ? 0 : errno;
  };
  int e = set(IPPROTO_TCP, TCP_KEEPIDLE, t.options.keepidle_s);
  if (e == 0) {
    e = set(IPPROTO_TCP, TCP_KEEPINTVL, t.options.keepintvl_s);
  }
  if (e == 0) {
    e = set(IPPROTO_TCP, TCP_KEEPCNT, t.options.keepcnt);
  }
  if (e == 0) {
    e = set(SOL_SOCKET, SO_KEEPALIVE, t.options.so_keepalive ? 1 : 0);
  }
  // The Windows call succeeded whatever Linux says (its ranges were checked above); the log keeps
  // the disagreement.
  if (e != 0) {
    log(host, s, "keepalive-failed", std::string(errno_name(e)) + " " + std::to_string(e));
    return;
  }
  ls.applied = t.options;
  ls.applied_clamps = t.clamps;
  log(host, s, "keepalive-set",
      "SO_KEEPALIVE=" + std::to_string(t.options.so_keepalive ? 1 : 0) +
          " TCP_KEEPIDLE=" + std::to_string(t.options.keepidle_s) +
          " TCP_KEEPINTVL=" + std::to_string(t.options.keepintvl_s) +
          " TCP_KEEPCNT=" + std::to_string(t.options.keepcnt));
  for (const LinuxClampRecord& c : t.clamps) {
    const bool count = c.option == "TCP_KEEPCNT";
    log(host, s, "clamped",
        std::string(c.option) + " " + std::string(to_string(c.kind)) + ": windows " +
            (count ? std::to_string(c.windows_value) : format_duration(Duration{c.windows_value})) +
            " -> linux " + std::to_string(c.linux_value) + (count ? "" : " s"));
  }
}

void LiveBackend::close(Host::State& host, Socket& s, bool abortive) {
  if (!s.live) {
    return;
  }
  LiveSocket& ls = *s.live;
  ls.closed = true;
  boost::system::error_code ec;
  if (abortive && !ls.listening) {
    ls.sock.set_option(tcp::socket::linger(true, 0), ec);
  }
  // Wakes a call blocked in poll() on this descriptor; the descriptor itself closes when the last
  // holder (the blocked call, or this socket) lets go of the LiveSocket.
  if (!abortive) {
    ::shutdown(ls.fd(), SHUT_RDWR);
  }
  if (ls.listening) {
    ls.acceptor.close(ec);
  } else {
    ls.sock.close(ec);
  }
  log(host, s, "closed", abortive ? "abortive (RST)" : "graceful");
}

}  // namespace ws2sim::winsock::detail
