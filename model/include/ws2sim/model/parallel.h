// ws2sim/model/parallel.h — run independent pieces of work (each its own World) on several
// cores, with results that do not depend on how many.
//
// A sweep — a grid of `ws2sim load` runs, one experiment per profile — is made of worlds that
// share nothing. for_each_index hands their indexes to up to `jobs` threads; each piece writes
// only its own slot of a results vector, so the output, read in index order, is the serial
// run's whatever `jobs` is.
//
//   std::vector<Result<LoadReport>> out(points.size(), ...);
//   for_each_index(points.size(), jobs, [&](std::size_t i) { out[i] = run_load(points[i]); });
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace ws2sim {

/// default_jobs — the number of cores this machine reports (at least 1): the default of `-j`.
inline unsigned default_jobs() noexcept {
  return std::max(1U, std::thread::hardware_concurrency());
}

/// for_each_index — calls `work(i)` once for every i in [0, count), on min(jobs, count) threads
/// (the caller's among them), taking indexes in increasing order; returns when all are done.
/// `work` must touch nothing another index touches. An exception thrown by `work` is rethrown
/// here once every thread stopped taking indexes (the one of the lowest index, whatever ran
/// first); indexes not started by then are skipped.
template <typename Work>
void for_each_index(std::size_t count, unsigned jobs, Work&& work) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::exception_ptr> errors(count);
  auto worker = [&] {
    for (std::size_t i = next++; i < count && !failed; i = next++) {
      try {
        work(i);
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  };
  const std::size_t threads = std::min<std::size_t>(std::max(1U, jobs), count);
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) {
    pool.emplace_back(worker);
  }
  worker();
  for (std::thread& t : pool) {
    t.join();
  }
  for (const std::exception_ptr& e : errors) {
    if (e) {
      std::rethrow_exception(e);
    }
  }
}

}  // namespace ws2sim
