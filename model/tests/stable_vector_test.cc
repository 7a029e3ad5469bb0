// Tests for StableVector (model/src/stable_vector.h), the network's endpoint storage: elements
// keep their addresses as the array grows past chunk boundaries, new elements are
// value-initialised, and iteration visits every element once in index order.
#include "stable_vector.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

namespace ws2sim::testing {
namespace {

struct Item {
  int value = 7;  // value-initialised elements carry the default member initialisers
  std::string name;
};

TEST(StableVector, ElementsNeverMoveAsItGrows) {
  StableVector<Item> v;
  std::vector<const Item*> addresses;
  const std::size_t n = 3 * StableVector<Item>::kChunk + 5;  // across three chunk boundaries
  for (std::size_t i = 0; i < n; ++i) {
    Item& it = v.emplace_back();
    EXPECT_EQ(it.value, 7);
    it.value = static_cast<int>(i);
    addresses.push_back(&it);
  }
  ASSERT_EQ(v.size(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(&v[i], addresses[i]) << i;
    EXPECT_EQ(v[i].value, static_cast<int>(i));
  }
}

TEST(StableVector, IteratesEveryElementOnceInIndexOrder) {
  StableVector<Item> v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.begin(), v.end());
  for (int i = 0; i < 2'000; ++i) {
    v.emplace_back().value = i;
  }
  int expected = 0;
  for (const Item& it : v) {
    EXPECT_EQ(it.value, expected);
    ++expected;
  }
  EXPECT_EQ(expected, 2'000);
}

// A network with three endpoints must not build a thousand: elements are constructed only when
// appended (the first version value-initialised whole chunks, ~300 KB per world).
TEST(StableVector, ConstructsOnlyTheElementsAppended) {
  static int constructed = 0;
  struct Counted {
    Counted() { ++constructed; }
  };
  constructed = 0;
  StableVector<Counted> v;
  for (int i = 0; i < 3; ++i) {
    v.emplace_back();
  }
  EXPECT_EQ(constructed, 3);
}

}  // namespace
}  // namespace ws2sim::testing
