// OptionsTable — the distinct EndpointOptions of a network's endpoints, each held once. A world's
// endpoints share a handful of option sets (a profile's defaults, a program's keep-alive
// values), so an endpoint holds a 4-byte reference to its set instead of 120 bytes of copy
// (docs/architecture.md, "Memory"). Sets are reference-counted and freed with their last
// endpoint, so a program that keeps changing its options does not grow the table. Internal to
// the model.
//
//   OptionsTable table;
//   OptionsRef a = table.intern(options);      // the same reference for equal options
//   table.get(a).keepalive.idle;
//   a = table.replace(a, changed);            // set_keepalive: the new set, the old released
//   table.release(a);                         // the endpoint is freed
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "ws2sim/model/network.h"

namespace ws2sim {

/// OptionsRef — an endpoint's reference to its options in the OptionsTable.
using OptionsRef = std::uint32_t;

/// OptionsTable — see the banner.
class OptionsTable {
 public:
  /// OptionsTable::intern — a reference to `options`, shared with every equal set in use.
  OptionsRef intern(const EndpointOptions& options);
  /// OptionsTable::share — one user more of `ref` (an accepted connection takes its listener's).
  OptionsRef share(OptionsRef ref) noexcept {
    ++entries_[ref].users;
    return ref;
  }
  /// OptionsTable::release — one user of `ref` fewer; the set goes with its last.
  void release(OptionsRef ref);
  /// OptionsTable::replace — release(ref) after intern(options), which it returns.
  OptionsRef replace(OptionsRef ref, const EndpointOptions& options) {
    const OptionsRef next = intern(options);
    release(ref);
    return next;
  }
  /// OptionsTable::get — the options `ref` refers to.
  [[nodiscard]] const EndpointOptions& get(OptionsRef ref) const noexcept {
    return entries_[ref].options;
  }
  /// OptionsTable::size — distinct sets in use.
  [[nodiscard]] std::size_t size() const noexcept { return by_hash_.size(); }

  // ---- implementation details ----
 private:
  struct Entry {
    EndpointOptions options;
    std::uint64_t hash = 0;
    std::uint32_t users = 0;  // 0: a free slot
  };
  static std::uint64_t hash_of(const EndpointOptions& o) noexcept;

  std::vector<Entry> entries_;
  std::vector<OptionsRef> free_;
  std::unordered_multimap<std::uint64_t, OptionsRef> by_hash_;
};

}  // namespace ws2sim
