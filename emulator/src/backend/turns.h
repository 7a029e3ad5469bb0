// The turn: how the Windows threads of a world take turns, start and end. Not a public header.
//
// At most one Windows thread (core/win_thread.h) runs at a time: the one holding
// World::State::turn. It keeps the turn until it blocks (SimulatedBackend::wait), yields
// (Sleep(0), SwitchToThread) or ends; then the turn goes to the next runnable thread, and when
// none is runnable and every attached thread is blocked, the model runs (settle). So the order
// of everything Windows threads do is fixed by the program and the seed (docs/testing.md).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "core/host_state.h"

namespace ws2sim::winsock::detail {

/// settle — the calling thread stopped running (it blocks or ended): the turn goes to the next
/// runnable Windows thread, or, when none is runnable and every attached thread is blocked, the
/// model runs until some blocked call can go on (backend/virtual_time.cc). World lock held.
void settle(World::State& w);

/// spawn_thread — makes a Windows thread of `host` running `body` (its exit code is what body
/// returns). `suspended`: it waits for resume_thread. `deferred`: it waits for run_threads (a
/// thread started from outside the world). Otherwise it is runnable now. World lock held.
/// A resource-exhausted error when the system gives no more threads.
Result<std::reference_wrapper<WinThread>> spawn_thread(World::State& w, Host& host,
                                                       std::string name,
                                                       std::function<std::uint32_t()> body,
                                                       bool suspended, bool deferred);

/// resume_thread — a suspended thread becomes runnable. World lock held.
void resume_thread(World::State& w, WinThread& t);

/// yield_turn — Sleep(0) and SwitchToThread on a Windows thread: the turn goes to the next
/// runnable thread and comes back when this one is next in line. True if another thread ran.
bool yield_turn(World::State& w, std::unique_lock<std::mutex>& lock);

/// stop_threads — every Windows thread ends at its next blocking call (unwound), and threads
/// not yet started never start. World lock held; returns at once.
void stop_threads(World::State& w);

/// end_threads — ends every Windows thread (at its next blocking call, by unwinding it) and
/// waits until all have ended: the world is going away. World lock held (it is released while
/// waiting).
void end_threads(World::State& w, std::unique_lock<std::mutex>& lock);

/// describe_waiters — the deadlock report: every blocked thread, where and on what it waits.
DeadlockReport describe_waiters(const World::State& w, TimePoint at);

}  // namespace ws2sim::winsock::detail
