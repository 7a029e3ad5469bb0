// OptionsTable (options_table.h).
#include "options_table.h"

namespace ws2sim {
namespace {

std::uint64_t mix(std::uint64_t h, std::uint64_t v) noexcept {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h;
}

std::uint64_t ticks(Duration d) noexcept {
  return static_cast<std::uint64_t>(d.count());
}

}  // namespace

std::uint64_t OptionsTable::hash_of(const EndpointOptions& o) noexcept {
  // The fields that usually differ; equal hashes are told apart by operator==.
  std::uint64_t h = o.keepalive.enabled ? 1 : 2;
  h = mix(h, ticks(o.keepalive.idle));
  h = mix(h, ticks(o.keepalive.interval));
  h = mix(h, o.keepalive.probe_count);
  h = mix(h, ticks(o.retransmission.initial_rto));
  h = mix(h, o.retransmission.max_retransmissions);
  h = mix(h, o.retransmission.max_syn_retransmissions);
  h = mix(h, o.local_address.has_value() ? 3 : 4);
  return h;
}

OptionsRef OptionsTable::intern(const EndpointOptions& options) {
  const std::uint64_t hash = hash_of(options);
  const auto [first, last] = by_hash_.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    Entry& e = entries_[it->second];
    if (e.options == options) {
      ++e.users;
      return it->second;
    }
  }
  OptionsRef ref;
  if (!free_.empty()) {
    ref = free_.back();
    free_.pop_back();
  } else {
    ref = static_cast<OptionsRef>(entries_.size());
    entries_.emplace_back();
  }
  entries_[ref] = Entry{options, hash, 1};
  by_hash_.emplace(hash, ref);
  return ref;
}

void OptionsTable::release(OptionsRef ref) {
  Entry& e = entries_[ref];
  if (--e.users > 0) {
    return;
  }
  const auto [first, last] = by_hash_.equal_range(e.hash);
  for (auto it = first; it != last; ++it) {
    if (it->second == ref) {
      by_hash_.erase(it);
      break;
    }
  }
  free_.push_back(ref);
}

}  // namespace ws2sim
