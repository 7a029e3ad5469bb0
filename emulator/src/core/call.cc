// The call prologue (call.h): generic checks in Windows' order and the socket lookup. What a call
// hands to its backend (the clock, waits) is in backend/backend.cc.
#include "core/call.h"

#include "backend/backend.h"
#include "core/host_state.h"

namespace ws2sim::winsock::detail {

Call::Call(Host::State& h, World::State& w) : host_(&h), world_(&w), lock_(w.mu) {
  w.touch(h.id.value);  // the calls blocked on this host look again before time moves
}

// Both prologues build the Call in the optional they return (one named result: no move).
std::optional<Call> Call::winsock() {
  std::optional<Call> call;
  ThreadState& ts = thread_state();
  if (ts.scopes.empty()) {
    fail(err::kNotInitialised);  // no host bound: as if WSAStartup never ran on this "machine"
    return call;
  }
  Host::State& h = ts.scopes.back()->state();
  call.emplace(Call{h, h.world->state()});
  if (h.startup_count == 0) {
    fail(err::kNotInitialised);
    call.reset();
  } else if (h.switches.network_down) {
    fail(err::kEnetdown);
    call.reset();
  } else if (ts.in_hook) {  // a Winsock 1.1 blocking call is in progress on this thread
    fail(err::kEinprogress);
    call.reset();
  } else if (h.profile->success_clears_last_error.value) {
    // Windows 7 and later: a call that succeeds leaves 0; one that fails sets its error later
    // (docs/behaviour.md §10).
    ts.last_error = 0;
  }
  return call;
}

std::optional<Call> Call::on_socket(SocketHandle s) {
  std::optional<Call> call = winsock();
  if (call) {
    call->socket_ = call->socket(s);
    if (call->socket_ == nullptr) call.reset();
  }
  return call;
}

std::optional<Call> Call::host_only(int error_without_host) {
  ThreadState& ts = thread_state();
  if (ts.scopes.empty()) {
    ts.last_error = error_without_host;
    return std::nullopt;
  }
  Host::State& h = ts.scopes.back()->state();
  return Call{h, h.world->state()};
}

Socket* Call::socket(SocketHandle s) const {
  Socket* const found = host_->sockets.find(s);
  if (found == nullptr) {
    fail(err::kEnotsock);
    return nullptr;
  }
  // What the call does to it may concern its network events or pending operations: the engine
  // looks at them before time moves (backend/virtual_time.cc). A live host has neither, and no
  // engine to empty the list.
  if (!found->touched && host_->backend->pends_io()) {
    found->touched = true;
    host_->touched_sockets.push_back(s);
  }
  return found;
}

}  // namespace ws2sim::winsock::detail
