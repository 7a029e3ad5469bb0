// HostScope: binds the calling thread's Winsock calls to a host, and counts the threads
// attached to each world (the virtual-time rule needs the count: backend/virtual_time.cc).
#include <algorithm>

#include "core/call.h"
#include "core/host_state.h"
#include "core/thread_state.h"

namespace ws2sim::winsock {

// ---- HostScope -------------------------------------------------------------------------------

namespace {

bool bound_to_world(const detail::ThreadState& ts, const World* w) {
  return std::any_of(ts.scopes.begin(), ts.scopes.end(),
                     [w](const Host* h) { return &h->world() == w; });
}

}  // namespace

HostScope::HostScope(Host& host) : host_(&host) {
  detail::ThreadState& ts = detail::thread_state();
  World::State& w = host.world().state();
  std::lock_guard lock(w.mu);
  if (!bound_to_world(ts, &host.world())) {
    ++w.attached;
  }
  ts.scopes.push_back(&host);
}

HostScope::~HostScope() {
  World::State& w = host_->world().state();
  if (detail::thread_state_destroyed()) {  // at program exit, after thread-locals are gone
    std::lock_guard lock(w.mu);
    --w.attached;
    w.wake_one();
    return;
  }
  detail::ThreadState& ts = detail::thread_state();
  std::lock_guard lock(w.mu);
  // Scopes are RAII objects on one thread's stack, so they end in reverse order.
  ts.scopes.erase(std::find(ts.scopes.rbegin(), ts.scopes.rend(), host_).base() - 1);
  if (!bound_to_world(ts, &host_->world())) {
    --w.attached;
    w.wake_one();  // the remaining threads may all be blocked now
  }
}

Host* current_host() noexcept {
  const detail::ThreadState& ts = detail::thread_state();
  return ts.scopes.empty() ? nullptr : ts.scopes.back();
}

}  // namespace ws2sim::winsock
