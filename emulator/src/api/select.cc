// Readiness: select and WSAPoll, blocking in virtual time.
//
// Both read one snapshot of each socket's state (`readiness` below) and differ only in how they
// report it. The rules follow what Wine's conformance tests observed on real Windows
// (dlls/ws2_32/tests/sock.c test_select / test_WSAPoll, afd.c), where the documentation is vague:
//   - a listener is readable while a connection waits in its accept queue;
//   - a connected socket is readable with buffered data, after the peer's FIN (recv returns 0) and
//     after the connection ended (recv fails); it stays writable after shutdown(SD_SEND) and after
//     the peer's FIN, but not once the connection was reset or dropped (inferred);
//   - a connect that failed (refused, timed out; blocking or not) shows in exceptfds only, and in
//     WSAPoll as POLLWRNORM | POLLHUP | POLLERR;
//   - WSAPoll reports POLLHUP when the peer closed or the connection ended, POLLERR when it ended
//     abnormally (reset, keep-alive, retransmission), whatever `events` asked for.
#include <algorithm>
#include <array>
#include <map>
#include <vector>

#include "backend/backend.h"
#include "core/call.h"
#include "core/host_state.h"
// Drop-in headers last: they rename glibc's select/fd_set/timeval if those came first.
#include <winsock2.h>

using namespace ws2sim;
using namespace ws2sim::winsock;
using namespace ws2sim::winsock::detail;

namespace {

// One snapshot of a socket: gone, a datagram socket (same answer on every backend), or what the
// host's backend says of a stream socket.
Readiness readiness(Call& call, SocketHandle handle) {
  Readiness r;
  Host::State& h = call.host();
  Socket* const found = h.sockets.find(handle);
  if (found == nullptr) {
    r.gone = true;
    return r;
  }
  Socket& s = *found;
  call.backend().refresh(h, s);  // a non-blocking connect may have finished
  if (s.type == SOCK_DGRAM) {
    // Datagrams are not modelled: nothing ever arrives, sending never blocks (observed: an
    // unbound UDP socket is writable).
    r.writable = r.wrnorm = true;
    return r;
  }
  return call.backend().readiness(h, s);
}

bool ready_for(const Readiness& r, std::size_t set) {
  switch (set) {
    case 0:
      return r.readable;
    case 1:
      return r.writable;
    default:
      return r.except;
  }
}

// Appends `s` to `set` unless it is already there; true when it was added.
bool add_once(fd_set* set, SOCKET s) {
  for (u_int i = 0; i < set->fd_count; ++i) {
    if (set->fd_array[i] == s) {
      return false;
    }
  }
  set->fd_array[set->fd_count++] = s;
  return true;
}

// Waits until `ready()` or the timeout. `poll_only` skips the wait entirely.
WaitResult wait_ready(Call& call, Condition ready, bool poll_only, std::optional<Duration> timeout,
                      const char* function) {
  if (ready()) {
    return WaitResult::kReady;
  }
  if (poll_only) {
    return WaitResult::kTimedOut;
  }
  std::optional<TimePoint> deadline;
  if (timeout) {
    deadline = saturating_add(call.now(), *timeout);
  }
  return call.wait(ready, deadline, nullptr, {function, WaitKind::kSockets, 0, {}});
}

}  // namespace

// `select` is a macro for ws2sim_select in the drop-in headers.
int WSAAPI select(int /*nfds: ignored, as on Windows*/, fd_set* readfds, fd_set* writefds,
                  fd_set* exceptfds, const struct timeval* timeout) {
  auto call = Call::winsock();
  if (!call) {
    return SOCKET_ERROR;
  }
  Host::State& h = call->host();

  // The sets are read in full before any is written: a program may pass one set twice.
  const std::array<fd_set*, 3> sets{readfds, writefds, exceptfds};
  std::array<std::vector<SOCKET>, 3> wanted;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    if (sets[i] != nullptr) {
      wanted[i].assign(sets[i]->fd_array, sets[i]->fd_array + sets[i]->fd_count);
    }
  }
  if (std::all_of(wanted.begin(), wanted.end(), [](const auto& w) { return w.empty(); })) {
    return fail(WSAEINVAL);  // all NULL or all empty (observed)
  }
  for (const auto& w : wanted) {
    for (SOCKET s : w) {
      if (!h.sockets.contains(s)) {
        return fail(WSAENOTSOCK);  // sets left unchanged (observed)
      }
    }
  }
  if (timeout != nullptr && (timeout->tv_sec < 0 || timeout->tv_usec < 0)) {
    return fail(WSAEINVAL);
  }

  auto any_ready = [&] {
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      for (SOCKET s : wanted[i]) {
        const Readiness r = readiness(*call, s);
        if (r.gone || ready_for(r, i)) {
          return true;  // a socket closed meanwhile ends the wait
        }
      }
    }
    return false;
  };
  const bool poll_only = timeout != nullptr && timeout->tv_sec == 0 && timeout->tv_usec == 0;
  std::optional<Duration> limit;
  if (timeout != nullptr) {
    limit = std::chrono::seconds{timeout->tv_sec} + std::chrono::microseconds{timeout->tv_usec};
  }
  const WaitResult result = wait_ready(*call, any_ready, poll_only, limit, "select");
  if (result == WaitResult::kCancelled || result == WaitResult::kHorizon) {
    return fail(WSAEINTR);  // WSACancelBlockingCall, or nothing could ever happen
  }

  // One snapshot per socket, then the sets are rewritten to hold only the ready ones.
  std::map<SOCKET, Readiness> state;
  for (const auto& w : wanted) {
    for (SOCKET s : w) {
      state.try_emplace(s, readiness(*call, s));
    }
  }
  const auto in_read_set = [&](SOCKET s) {
    return std::find(wanted[0].begin(), wanted[0].end(), s) != wanted[0].end();
  };
  for (const auto& [s, r] : state) {
    // Closed while we waited: reported readable when it was in readfds (the recv that follows
    // fails); otherwise the call fails (observed).
    if (r.gone && !in_read_set(s)) {
      for (fd_set* set : sets) {
        if (set != nullptr) {
          set->fd_count = 0;
        }
      }
      return fail(WSAENOTSOCK);
    }
  }
  for (fd_set* set : sets) {
    if (set != nullptr) {
      set->fd_count = 0;
    }
  }
  int count = 0;
  for (std::size_t i = 0; i < sets.size(); ++i) {
    for (SOCKET s : wanted[i]) {
      const Readiness& r = state.at(s);
      const bool ready = i == 0 ? r.gone || r.readable : ready_for(r, i);
      if (ready && add_once(sets[i], s)) {
        ++count;  // a socket listed twice counts once
      }
    }
  }
  return count;
}

int WSAAPI WSAPoll(LPWSAPOLLFD fdArray, ULONG fds, INT timeout) {
  auto call = Call::winsock();
  if (!call) {
    return SOCKET_ERROR;
  }
  // Observed: a zero count is checked first (WSAEINVAL even with a NULL array).
  if (fds == 0) {
    return fail(WSAEINVAL);
  }
  if (fdArray == nullptr) {
    return fail(WSAEFAULT);
  }
  Host::State& h = call->host();

  // Entries that are not sockets get POLLNVAL and do not count in the result; when none is a
  // socket the call fails with WSAENOTSOCK (observed).
  std::vector<bool> valid(fds);
  bool any_valid = false;
  for (ULONG i = 0; i < fds; ++i) {
    valid[i] = h.sockets.contains(fdArray[i].fd);
    fdArray[i].revents = valid[i] ? SHORT{0} : SHORT{POLLNVAL};
    any_valid = any_valid || valid[i];
  }
  if (!any_valid) {
    return fail(WSAENOTSOCK);
  }
  // Only POLLRDNORM, POLLRDBAND and POLLWRNORM may be asked for (observed: anything else, POLLPRI
  // and POLLERR included, is WSAEINVAL); INVALID_SOCKET entries are not checked.
  constexpr int kRequestable = POLLRDNORM | POLLRDBAND | POLLWRNORM;
  for (ULONG i = 0; i < fds; ++i) {
    if (fdArray[i].fd != INVALID_SOCKET && (fdArray[i].events & ~kRequestable) != 0) {
      for (ULONG j = 0; j < fds; ++j) {
        fdArray[j].revents = 0;
      }
      return fail(WSAEINVAL);
    }
  }

  auto revents_of = [&](ULONG i) -> SHORT {
    const Readiness r = readiness(*call, fdArray[i].fd);
    if (r.gone) {
      return POLLNVAL;  // closed while polling: counts (observed)
    }
    const int asked = fdArray[i].events;
    int out = 0;
    if ((asked & POLLRDNORM) != 0 && r.rdnorm) {
      out |= POLLRDNORM;
    }
    if ((asked & POLLWRNORM) != 0 && r.wrnorm) {
      out |= POLLWRNORM;
    }
    // POLLRDBAND (urgent data) never: the model carries no out-of-band data.
    if (r.hup) {
      out |= POLLHUP;  // reported whatever was asked for
    }
    if (r.err) {
      out |= POLLERR;
    }
    return static_cast<SHORT>(out);
  };
  auto any_ready = [&] {
    for (ULONG i = 0; i < fds; ++i) {
      if (valid[i] && revents_of(i) != 0) {
        return true;
      }
    }
    return false;
  };
  std::optional<Duration> limit;
  if (timeout > 0) {
    limit = milliseconds_u32(static_cast<std::uint32_t>(timeout));
  }
  const WaitResult result = wait_ready(*call, any_ready, timeout == 0, limit, "WSAPoll");
  if (result == WaitResult::kCancelled || result == WaitResult::kHorizon) {
    return fail(WSAEINTR);
  }

  int count = 0;
  for (ULONG i = 0; i < fds; ++i) {
    if (!valid[i]) {
      continue;
    }
    fdArray[i].revents = revents_of(i);
    if (fdArray[i].revents != 0) {
      ++count;
    }
  }
  return count;
}
