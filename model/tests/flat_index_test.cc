// Tests for FlatIndex (model/src/flat_index.h), the open-addressing index behind a host's
// connection table and the address lookup. The reference is std::unordered_map: after every
// operation of a long seeded sequence both must agree on every key ever used. The keys are
// chosen so probe runs collide and wrap around the end of the table, which is where
// backward-shift deletion can lose an entry.
#include "ws2sim/model/flat_index.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "ws2sim/model/rng.h"

namespace ws2sim::testing {
namespace {

TEST(FlatIndex, EmptyFindsNothingAndErasesNothing) {
  FlatIndex<std::uint64_t> index;
  EXPECT_EQ(index.find(0), std::nullopt);
  EXPECT_FALSE(index.erase(0));
  EXPECT_EQ(index.size(), 0U);
}

TEST(FlatIndex, KeyZeroIsAKeyLikeAnyOther) {
  FlatIndex<std::uint32_t> index;
  EXPECT_TRUE(index.insert(0, 5));
  EXPECT_EQ(index.find(0), 5U);
  EXPECT_EQ(index.find(1), std::nullopt);
  EXPECT_TRUE(index.erase(0));
  EXPECT_EQ(index.find(0), std::nullopt);
}

TEST(FlatIndex, InsertingAPresentKeyChangesNothing) {
  FlatIndex<std::uint64_t> index;
  EXPECT_TRUE(index.insert(42, 1));
  EXPECT_FALSE(index.insert(42, 2));
  EXPECT_EQ(index.find(42), 1U);
  EXPECT_EQ(index.size(), 1U);
}

TEST(FlatIndex, ClearForgetsEveryKey) {
  FlatIndex<std::uint64_t> index;
  for (std::uint64_t k = 0; k < 100; ++k) {
    index.insert(k, static_cast<std::uint32_t>(k));
  }
  index.clear();
  EXPECT_EQ(index.size(), 0U);
  for (std::uint64_t k = 0; k < 100; ++k) {
    EXPECT_EQ(index.find(k), std::nullopt) << k;
  }
  EXPECT_TRUE(index.insert(7, 70));
  EXPECT_EQ(index.find(7), 70U);
}

// Random inserts and erases over a small key space (many collisions, table stays small so runs
// wrap), compared with std::unordered_map after every step.
TEST(FlatIndex, AgreesWithUnorderedMapOverRandomOperations) {
  Rng rng(2024);
  FlatIndex<std::uint64_t> index;
  std::unordered_map<std::uint64_t, std::uint32_t> reference;
  // Connection-key-like values: port in the top bits, so low bits repeat.
  std::vector<std::uint64_t> keys;
  for (std::uint64_t i = 0; i < 64; ++i) {
    keys.push_back((49152 + i) << 48 | 0x0A000001ULL << 16);
  }
  for (int step = 0; step < 20'000; ++step) {
    const std::uint64_t key = keys[rng.next_u32() % keys.size()];
    const auto value = rng.next_u32();
    if (rng.next_u32() % 3 == 0) {
      EXPECT_EQ(index.erase(key), reference.erase(key) == 1) << "step " << step;
    } else {
      EXPECT_EQ(index.insert(key, value), reference.emplace(key, value).second) << "step " << step;
    }
    ASSERT_EQ(index.size(), reference.size()) << "step " << step;
    for (const std::uint64_t k : keys) {
      const auto it = reference.find(k);
      const std::optional<std::uint32_t> want =
          it == reference.end() ? std::nullopt : std::optional{it->second};
      ASSERT_EQ(index.find(k), want) << "step " << step << " key " << k;
    }
  }
}

// Growth keeps every entry: 100,000 sequential keys, then every other one erased.
TEST(FlatIndex, GrowthAndMassEraseKeepEveryOtherKey) {
  FlatIndex<std::uint32_t> index;
  for (std::uint32_t k = 0; k < 100'000; ++k) {
    ASSERT_TRUE(index.insert(k, k + 1));
  }
  for (std::uint32_t k = 0; k < 100'000; k += 2) {
    ASSERT_TRUE(index.erase(k));
  }
  EXPECT_EQ(index.size(), 50'000U);
  for (std::uint32_t k = 0; k < 100'000; ++k) {
    const std::optional<std::uint32_t> want =
        k % 2 == 0 ? std::nullopt : std::optional<std::uint32_t>{k + 1};
    ASSERT_EQ(index.find(k), want) << k;
  }
}

}  // namespace
}  // namespace ws2sim::testing
