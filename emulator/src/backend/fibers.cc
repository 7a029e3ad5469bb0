// Fiber contexts (contexts.h): every Windows thread of a world is a fiber of one carrier OS
// thread, so a world holds as many threads as memory allows and handing the turn on is a
// context switch.
//
// The world lock: no context holds it across a switch. The carrier lets go of it to switch
// into a fiber and takes it again when the fiber switches back; a parking fiber lets go of it
// to switch out and takes it again when resumed. So each context locks and unlocks its own
// holds (ThreadSanitizer, rightly, reports a mutex unlocked by another fiber than locked it).
// Between letting go and switching, another OS thread may take the lock and resume the fiber
// that is parking: the carrier finds its entry in the queue as soon as it runs.
//
// Stacks: 1 MiB each (Windows' default reserve), carved from 64 MiB mappings made with
// MAP_NORESERVE, so a stack costs the pages it touched. The lowest page of the first 4,096
// stacks of a world is a guard page: an overflow faults, as on Windows. A guard page splits a
// mapping, and every map counts against vm.max_map_count (65,530 by default), which the rest
// of the program needs too; so the stacks beyond get a canary page, checked each time the
// fiber switches out, and an overflow that wrote it ends the program naming the thread.
//
// Per-thread state that C++ keeps in the OS thread is switched with the fiber: the Windows
// state (thread_state.h) and the exception-handling globals (what std::uncaught_exceptions()
// and a rethrow read), so a fiber parked inside a catch block or an unwinding destructor does
// not see, or break, another's. AddressSanitizer and ThreadSanitizer are told of each switch.
#include <sys/mman.h>
#include <ucontext.h>

#include <array>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "backend/contexts.h"
#include "ws2sim/model/sanitizers.h"

#if defined(WS2SIM_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(WS2SIM_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

// libstdc++'s per-thread exception state (the Itanium C++ ABI's __cxa_eh_globals).
struct __cxa_eh_globals;  // NOLINT(bugprone-reserved-identifier): the ABI's own name
extern "C" __cxa_eh_globals* __cxa_get_globals() noexcept;  // NOLINT(bugprone-reserved-identifier)

namespace ws2sim::winsock::detail {
namespace {

constexpr std::size_t kStackBytes = std::size_t{1} << 20;
constexpr std::size_t kStacksPerMapping = 64;
constexpr std::size_t kGuardBytes = 4096;  // the lowest page of each stack
constexpr std::size_t kGuardedStacks = 4096;
constexpr int kCanaryByte = 0xA5;

// The Itanium ABI layout of __cxa_eh_globals, saved and restored per fiber.
struct EhGlobals {
  void* caught = nullptr;
  unsigned int uncaught = 0;
};

void swap_eh_globals(EhGlobals& save, const EhGlobals& load) noexcept {
  auto* g = reinterpret_cast<EhGlobals*>(__cxa_get_globals());
  save = *g;
  *g = load;
}

// Stack — one fiber stack: its lowest address; the first page is a guard page (PROT_NONE) or,
// once a world has kGuardedStacks, a canary page checked at every switch.
struct Stack {
  std::byte* base = nullptr;
  bool guarded = false;
};

// StackPool — fiber stacks, handed out lowest address first and reused once their fiber ended.
class StackPool {
 public:
  StackPool() = default;
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;
  ~StackPool() {
    for (std::byte* m : mappings_) {
      ::munmap(m, kStackBytes * kStacksPerMapping);
    }
  }

  // A free stack, or an error when the system maps no more memory.
  Result<Stack> take() {
    if (free_.empty()) {
      void* m = ::mmap(nullptr, kStackBytes * kStacksPerMapping, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (m == MAP_FAILED) {
        return resource_exhausted(std::string("no memory for a fiber stack: ") +
                                  std::strerror(errno));
      }
      auto* base = static_cast<std::byte*>(m);
      mappings_.push_back(base);
      for (std::size_t i = kStacksPerMapping; i-- > 0;) {
        free_.push_back(fresh(base + i * kStackBytes));
      }
    }
    const Stack stack = free_.back();
    free_.pop_back();
    return stack;
  }

  void give(Stack stack) { free_.push_back(stack); }

 private:
  // A guard page splits the mapping (two maps per stack), so only the first kGuardedStacks
  // get one: the process's map count (vm.max_map_count, 65,530 by default) must stay free for
  // everything else. The others get a canary page.
  Stack fresh(std::byte* base) {
    if (guarded_ < kGuardedStacks && ::mprotect(base, kGuardBytes, PROT_NONE) == 0) {
      ++guarded_;
      return {base, true};
    }
    std::memset(base, kCanaryByte, kGuardBytes);
    return {base, false};
  }

  std::vector<std::byte*> mappings_;
  std::vector<Stack> free_;
  std::size_t guarded_ = 0;
};

// canary_intact — an unguarded stack's canary page was not written. Checked at every switch,
// so compared with memcmp, not byte by byte.
bool canary_intact(const Stack& stack) {
  static const std::array<std::byte, kGuardBytes> kPattern = [] {
    std::array<std::byte, kGuardBytes> a{};
    a.fill(static_cast<std::byte>(kCanaryByte));
    return a;
  }();
  return stack.guarded || std::memcmp(stack.base, kPattern.data(), kGuardBytes) == 0;
}

// switch_context — saves the running context in `from` and runs `to` (ThreadSanitizer's fiber
// `tsan_to`); returns when something switches back to `from`. getcontext and setcontext, not
// swapcontext: AddressSanitizer intercepts swapcontext and writes a warning into the
// program's stderr, which a command's one-line error must not have. ThreadSanitizer is told
// of the switch here, after this function's entry went on the shadow call stack of the
// context leaving: the context arriving returns from its own switch_context (or starts in
// fiber_main), so each shadow stack sees one entry and one exit.
void switch_context(ucontext_t& from, const ucontext_t& to, [[maybe_unused]] void* tsan_to) {
  volatile bool resumed = false;
  ::getcontext(&from);
  if (!resumed) {
    resumed = true;
#if defined(WS2SIM_TSAN)
    __tsan_switch_to_fiber(tsan_to, 0);
#endif
    ::setcontext(&to);
  }
}

class FiberContexts;

struct Fiber final : ThreadContext {
  FiberContexts* owner = nullptr;
  WinThread* thread = nullptr;
  ucontext_t context{};
  Stack stack;
  std::function<void()> entry;
  ThreadState state;      // what thread_state() is while it runs
  EhGlobals eh;           // its exception state while it does not run
  bool queued = false;    // in the carrier's queue
  bool finished = false;  // its entry returned: its stack goes back to the pool
  void* asan_fake_stack = nullptr;
  void* tsan = nullptr;
};

Fiber& fiber(WinThread& t) {
  return static_cast<Fiber&>(*t.context);
}

void fiber_main(unsigned hi, unsigned lo);

class FiberContexts final : public Contexts {
 public:
  explicit FiberContexts(World::State& w) : w_(w) {}
  FiberContexts(const FiberContexts&) = delete;
  FiberContexts& operator=(const FiberContexts&) = delete;
  ~FiberContexts() override { shut_down(); }

  Status start(WinThread& t, std::function<void()> entry) override {
    if (!carrier_.joinable()) {
      try {
        carrier_ = std::thread([this] { carry(); });
      } catch (const std::system_error& e) {
        return resource_exhausted(std::string("no OS thread for the fibers: ") + e.what());
      }
    }
    Result<Stack> stack = stacks_.take();
    if (!stack.ok()) {
      return stack.error();
    }
    auto f = std::make_unique<Fiber>();
    f->owner = this;
    f->thread = &t;
    f->stack = *stack;
    f->entry = std::move(entry);
    ::getcontext(&f->context);
    f->context.uc_stack.ss_sp = f->stack.base + kGuardBytes;
    f->context.uc_stack.ss_size = kStackBytes - kGuardBytes;
    f->context.uc_link = nullptr;  // fiber_main never returns: it switches out for good
    const auto address = reinterpret_cast<std::uintptr_t>(f.get());
    ::makecontext(&f->context, reinterpret_cast<void (*)()>(&fiber_main), 2,
                  static_cast<unsigned>(address >> 32U), static_cast<unsigned>(address));
#if defined(WS2SIM_TSAN)
    f->tsan = __tsan_create_fiber(0);
#endif
    t.context = std::move(f);
    return {};
  }

  void park(WinThread& me, std::unique_lock<std::mutex>& lock) override {
    lock.unlock();
    switch_out(fiber(me), /*finished=*/false);
    lock.lock();
  }

  void resume(WinThread& t) override {
    if (t.context == nullptr) {
      return;  // it ended
    }
    Fiber& f = fiber(t);
    if (!f.queued && !f.finished) {
      f.queued = true;
      queue_.push_back(&t);
    }
    cv_.notify_one();
  }

  void shut_down() override {
    {
      std::lock_guard lock(w_.mu);
      stopping_ = true;
    }
    cv_.notify_one();
    if (carrier_.joinable()) {
      carrier_.join();
    }
  }

  // Called on the fiber, first thing: the entry takes the world lock as it needs; then the
  // fiber is marked finished and switches out for good.
  void run(Fiber& f) {
#if defined(WS2SIM_ASAN)
    __sanitizer_finish_switch_fiber(nullptr, &san_.carrier_stack, &san_.carrier_stack_size);
#endif
    f.entry();
    f.entry = nullptr;  // what the thread's function captured goes with the thread
    {
      std::lock_guard lock(w_.mu);
      f.finished = true;
    }
    switch_out(f, /*finished=*/true);
  }

 private:
  // The carrier: runs the fibers that got the turn (or must end) one at a time, in the order
  // they were resumed, and sleeps while none has.
  void carry() {
#if defined(WS2SIM_TSAN)
    san_.carrier_tsan = __tsan_get_current_fiber();
#endif
    std::unique_lock lock(w_.mu);
    while (true) {
      if (!queue_.empty()) {
        WinThread& t = *queue_.front();
        queue_.pop_front();
        // A thread given the turn while it was running is queued too, and may have ended since
        // (its fiber is gone): the record stays, so that is what the queue holds.
        if (t.context == nullptr) {
          continue;
        }
        Fiber& f = fiber(t);
        f.queued = false;
        if (!f.finished && (w_.turn == &t || w_.terminating)) {
          switch_in(f, lock);
        }
        continue;
      }
      if (stopping_) {
        return;
      }
      cv_.wait(lock);
    }
  }

  // Carrier → fiber `f`, until it parks or ends. The carrier's hold on the world lock, `lock`,
  // is let go meanwhile.
  void switch_in(Fiber& f, std::unique_lock<std::mutex>& lock) {
    lock.unlock();
    bind_thread_state(&f.state);
    swap_eh_globals(carrier_eh_, f.eh);
#if defined(WS2SIM_ASAN)
    __sanitizer_start_switch_fiber(&san_.carrier_fake_stack, f.stack.base + kGuardBytes,
                                   kStackBytes - kGuardBytes);
#endif
    switch_context(carrier_context_, f.context, f.tsan);
#if defined(WS2SIM_ASAN)
    __sanitizer_finish_switch_fiber(san_.carrier_fake_stack, nullptr, nullptr);
#endif
    swap_eh_globals(f.eh, carrier_eh_);
    bind_thread_state(nullptr);
    lock.lock();
    if (!canary_intact(f.stack)) {
      std::fprintf(stderr,
                   "ws2sim: Windows thread '%s' (thread %u) overflowed its 1 MiB fiber stack "
                   "(docs/threads.md, \"What a Windows thread runs on\")\n",
                   f.thread->name.c_str(), f.thread->id);
      std::abort();
    }
    if (f.finished) {
#if defined(WS2SIM_TSAN)
      __tsan_destroy_fiber(f.tsan);
#endif
      stacks_.give(f.stack);
      f.thread->context.reset();  // the record stays (its handle, its exit code); this goes
    }
  }

  // Fiber `f` → carrier; returns when the carrier switches back in (never once finished).
  // World lock not held.
  void switch_out(Fiber& f, bool finished) {
#if defined(WS2SIM_ASAN)
    __sanitizer_start_switch_fiber(finished ? nullptr : &f.asan_fake_stack, san_.carrier_stack,
                                   san_.carrier_stack_size);
#endif
    if (finished) {
#if defined(WS2SIM_TSAN)
      __tsan_switch_to_fiber(san_.carrier_tsan, 0);
#endif
      ::setcontext(&carrier_context_);
    }
    switch_context(f.context, carrier_context_, san_.carrier_tsan);
#if defined(WS2SIM_ASAN)
    __sanitizer_finish_switch_fiber(f.asan_fake_stack, &san_.carrier_stack,
                                    &san_.carrier_stack_size);
#endif
  }

  World::State& w_;
  StackPool stacks_;
  std::deque<WinThread*> queue_;  // resumed, in order; looked at by the carrier
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread carrier_;
  ucontext_t carrier_context_{};
  EhGlobals carrier_eh_;
  // What the sanitizers are told at each switch (unused without them).
  struct {
    void* carrier_fake_stack = nullptr;
    const void* carrier_stack = nullptr;
    std::size_t carrier_stack_size = 0;
    void* carrier_tsan = nullptr;
  } san_;
};

void fiber_main(unsigned hi, unsigned lo) {
  // makecontext passes int-sized arguments: the fiber's address comes in two halves.
  auto* f = reinterpret_cast<Fiber*>(  // NOLINT(performance-no-int-to-ptr)
      (static_cast<std::uintptr_t>(hi) << 32U) | lo);
  f->owner->run(*f);
}

}  // namespace

std::unique_ptr<Contexts> make_fiber_contexts(World::State& w) {
  return std::make_unique<FiberContexts>(w);
}

}  // namespace ws2sim::winsock::detail
