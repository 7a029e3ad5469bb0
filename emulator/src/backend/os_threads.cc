// OS-thread contexts (contexts.h): each Windows thread of a world has its own OS thread, parked
// on a condition variable while another holds the turn.
#include <condition_variable>
#include <string>
#include <system_error>
#include <thread>

#include "backend/contexts.h"

namespace ws2sim::winsock::detail {
namespace {

struct OsContext final : ThreadContext {
  std::condition_variable cv;  // waited on for the turn
};

OsContext& os_context(WinThread& t) {
  return static_cast<OsContext&>(*t.context);
}

class OsThreadContexts final : public Contexts {
 public:
  Status start(WinThread& t, std::function<void()> entry) override {
    auto context = std::make_unique<OsContext>();
    try {
      // It takes the world lock (held by the caller) before it reads anything of `t`. Nobody
      // joins it: its end is counted in State::unfinished.
      std::thread(std::move(entry)).detach();
    } catch (const std::system_error& e) {
      return resource_exhausted(std::string("no OS thread: ") + e.what());
    }
    t.context = std::move(context);
    return {};
  }

  void park(WinThread& me, std::unique_lock<std::mutex>& lock) override {
    os_context(me).cv.wait(lock);
  }

  void resume(WinThread& t) override { os_context(t).cv.notify_one(); }

  void shut_down() override {}
};

}  // namespace

std::unique_ptr<Contexts> make_os_thread_contexts(World::State& /*w*/) {
  return std::make_unique<OsThreadContexts>();
}

}  // namespace ws2sim::winsock::detail
