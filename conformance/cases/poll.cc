// WSAPoll's arguments and the events it reports (docs/behaviour.md §13), as Windows-run tests
// observe them. Portable: these run on the emulator and, through the native backend, under Wine
// or on Windows (Vista and later: WSAPoll is not exported before).
#include <string>

#include "ws2sim/conformance/case.h"

namespace ws2sim::conformance {
namespace {

constexpr SHORT kAll = POLLRDNORM | POLLRDBAND | POLLWRNORM;

WSAPOLLFD entry(SOCKET s, SHORT events) {
  WSAPOLLFD f{};
  f.fd = s;
  f.events = events;
  f.revents = static_cast<SHORT>(0xdead);
  return f;
}

CONFORMANCE_CASE(PollArguments, "POLL.no-entries", "POLL.invalid-events", "POLL.not-a-socket") {
  for (const INT timeout : {0, 1}) {
    const std::string t = ", timeout " + std::to_string(timeout);
    ctx.check_error("POLL.no-entries", error_of(WSAPoll(nullptr, 0, timeout)), WSAEINVAL,
                    "no entries" + t);
    ctx.check_error("POLL.no-entries", error_of(WSAPoll(nullptr, 1, timeout)), WSAEFAULT,
                    "one entry, NULL array" + t);
  }
  const SOCKET l = ctx.listening_tcp();
  for (const SHORT bad : {SHORT{POLLERR}, SHORT{POLLHUP}, SHORT{POLLNVAL}, SHORT{POLLPRI},
                          SHORT{POLLWRBAND}, SHORT{0x8}}) {
    WSAPOLLFD f = entry(l, bad);
    ctx.check_error("POLL.invalid-events", error_of(WSAPoll(&f, 1, 0)), WSAEINVAL,
                    "events " + std::to_string(bad));
  }
  const char* id = "POLL.not-a-socket";
  WSAPOLLFD two[2] = {entry(INVALID_SOCKET, POLLERR), entry(l, POLLIN)};
  ctx.check_eq(id, WSAPoll(two, 2, 0), 0, "INVALID_SOCKET next to a listener");
  ctx.check_eq(id, two[0].revents, POLLNVAL, "the invalid entry's revents");
  ctx.check_eq(id, two[1].revents, 0, "the listener's revents");
  WSAPOLLFD none[2] = {entry(INVALID_SOCKET, POLLERR),
                       entry(static_cast<SOCKET>(0xabacab), POLLERR)};
  ctx.check_error(id, error_of(WSAPoll(none, 2, 0)), WSAENOTSOCK, "no entry is a socket");
  ctx.check("POLL.not-a-socket", none[0].revents == POLLNVAL && none[1].revents == POLLNVAL,
            "each entry reads POLLNVAL");
}

CONFORMANCE_CASE(PollReportsWhatIsReady, "POLL.listener", "POLL.connected") {
  const SOCKET l = ctx.listening_tcp();
  WSAPOLLFD f = entry(l, kAll);
  ctx.check_eq("POLL.listener", WSAPoll(&f, 1, 0), 0, "nothing queued");
  ctx.check_eq("POLL.listener", f.revents, 0, "revents cleared");
  const SOCKET client = ctx.tcp();
  ctx.require(ctx.connect_to(client, l) == 0, "connect");
  f = entry(l, POLLIN);
  ctx.check_eq("POLL.listener", WSAPoll(&f, 1, 5000), 1, "a connection queued");
  ctx.check_eq("POLL.listener", f.revents, POLLRDNORM, "POLLRDNORM");
  f = entry(l, POLLRDBAND | POLLWRNORM);
  ctx.check_eq("POLL.listener", WSAPoll(&f, 1, 0), 0, "not writable, no band data");
  const SOCKET server = ctx.keep(accept(l, nullptr, nullptr));
  ctx.require(server != INVALID_SOCKET, "accept");
  const char* id = "POLL.connected";
  WSAPOLLFD three[3] = {entry(l, kAll), entry(server, kAll), entry(client, kAll)};
  ctx.check_eq(id, WSAPoll(three, 3, 0), 2, "listener, server end, client end");
  ctx.check_eq(id, three[0].revents, 0, "the listener");
  ctx.check_eq(id, three[1].revents, POLLWRNORM, "the server end: writable");
  ctx.check_eq(id, three[2].revents, POLLWRNORM, "the client end: writable");
  ctx.require(send(server, "1234", 4, 0) == 4, "send");
  WSAPOLLFD r = entry(client, POLLRDNORM | POLLRDBAND);
  ctx.check_eq(id, WSAPoll(&r, 1, 5000), 1, "data sent to the client");
  ctx.check_eq(id, r.revents, POLLRDNORM, "POLLRDNORM");
}

CONFORMANCE_CASE(PollReportsAClosedPeer, "POLL.peer-closed") {
  const char* id = "POLL.peer-closed";
  const SOCKET l = ctx.listening_tcp();
  const SOCKET client = ctx.tcp();
  ctx.require(ctx.connect_to(client, l) == 0, "connect");
  fd_set r;
  FD_ZERO(&r);
  FD_SET(l, &r);
  timeval wait{5, 0};
  ctx.require(select(0, &r, nullptr, nullptr, &wait) == 1, "a connection queued");
  const SOCKET server = ctx.keep(accept(l, nullptr, nullptr));
  ctx.require(server != INVALID_SOCKET, "accept");
  closesocket(client);
  WSAPOLLFD f = entry(server, 0);
  ctx.check_eq(id, WSAPoll(&f, 1, 5000), 1, "nothing asked for");
  ctx.check_eq(id, f.revents, POLLHUP, "POLLHUP all the same");
  f = entry(server, kAll);
  ctx.check_eq(id, WSAPoll(&f, 1, 0), 1, "everything asked for");
  ctx.check_eq(id, f.revents, POLLWRNORM | POLLHUP, "POLLWRNORM | POLLHUP");
}

}  // namespace
}  // namespace ws2sim::conformance
