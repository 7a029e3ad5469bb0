// OptionsTable (model/src/options_table.h): endpoints share equal option sets, a change to one
// endpoint's options never reaches another, and sets go with their last endpoint. And Fifo, which
// is one pointer until used: copies are deep, moves leave the source empty.
#include "options_table.h"

#include <gtest/gtest.h>

#include "test_support.h"
#include "ws2sim/model/fifo.h"

namespace ws2sim::testing {
namespace {

EndpointOptions with_idle(Duration idle) {
  EndpointOptions o;
  o.keepalive = {.enabled = true, .idle = idle, .interval = 1s, .probe_count = 10};
  return o;
}

TEST(OptionsTable, EqualSetsShareOneEntryAndGoWithTheirLastUser) {
  OptionsTable table;
  const OptionsRef a = table.intern(with_idle(10s));
  const OptionsRef b = table.intern(with_idle(10s));
  const OptionsRef c = table.intern(with_idle(20s));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(table.size(), 2U);
  EXPECT_EQ(table.get(c).keepalive.idle, 20s);
  table.release(a);
  EXPECT_EQ(table.size(), 2U);  // b still uses it
  table.release(b);
  EXPECT_EQ(table.size(), 1U);
  // The freed slot is reused, and a new set is never confused with the old one.
  const OptionsRef d = table.intern(with_idle(30s));
  EXPECT_EQ(d, a);
  EXPECT_EQ(table.get(d).keepalive.idle, 30s);
  EXPECT_NE(table.intern(with_idle(10s)), c);
}

TEST(OptionsTable, ReplaceInternsTheNewSetAndReleasesTheOld) {
  OptionsTable table;
  OptionsRef a = table.intern(with_idle(10s));
  const OptionsRef keep = table.share(a);
  a = table.replace(a, with_idle(99s));
  EXPECT_EQ(table.get(keep).keepalive.idle, 10s);  // the other user's set is untouched
  EXPECT_EQ(table.get(a).keepalive.idle, 99s);
  EXPECT_EQ(table.size(), 2U);
  table.release(keep);
  EXPECT_EQ(table.size(), 1U);
}

using SharedOptions = ConnectedPair;

// Two endpoints with the same options share one set: setting keep-alive on one must leave the
// other's as it was.
TEST_F(SharedOptions, ChangingOneEndpointsKeepAliveLeavesItsTwinAlone) {
  constexpr KeepAliveConfig kTwoHours{
      .enabled = true, .idle = 2h, .interval = 1s, .probe_count = 10};
  connect_with(kTwoHours);
  Network& net = world.network();
  EndpointOptions options;
  options.keepalive = kTwoHours;
  const EndpointId twin = net.connect(client, {net.address(server), 443}, options).value();
  ASSERT_TRUE(
      net.set_keepalive(conn, {.enabled = true, .idle = 5s, .interval = 1s, .probe_count = 3})
          .ok());
  EXPECT_EQ(net.info(conn)->options.keepalive.idle, 5s);
  EXPECT_EQ(net.info(twin)->options.keepalive.idle, 2h);
  EXPECT_EQ(net.info(twin)->options.keepalive.probe_count, 10U);
  RetransmissionConfig rc;
  rc.max_retransmissions = 9;
  ASSERT_TRUE(net.set_retransmission(twin, rc).ok());
  EXPECT_EQ(net.info(twin)->options.retransmission.max_retransmissions, 9U);
  EXPECT_EQ(net.info(conn)->options.retransmission.max_retransmissions, 5U);
  // The accepted end took the listener's options, not the client's.
  EXPECT_FALSE(net.info(peer)->options.keepalive.enabled);
}

TEST(Fifo, CopiesAreDeepAndAnEmptyOneHasNoItems) {
  Fifo<int> empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.begin(), empty.end());
  Fifo<int> a;
  const int items[] = {1, 2, 3};
  a.append(std::begin(items), std::end(items));
  Fifo<int> b = a;
  b.pop_front();
  EXPECT_EQ(a.size(), 3U);
  EXPECT_EQ(b.front(), 2);
  Fifo<int> c = std::move(a);
  EXPECT_EQ(c.size(), 3U);
  b = c;
  EXPECT_EQ(b.front(), 1);
  c.clear();
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(b.size(), 3U);
  c.push_back(7);
  EXPECT_EQ(c.front(), 7);
}

}  // namespace
}  // namespace ws2sim::testing
