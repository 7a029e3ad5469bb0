// Result<T>::value() on an error names the error (it used to throw std::bad_variant_access,
// whose message is "wrong index for variant": a user of world.add_host(...).value() with a
// mistyped profile learned nothing).
#include "ws2sim/model/status.h"

#include <gtest/gtest.h>

#include <string>

namespace ws2sim {
namespace {

Result<int> parse_port(int n) {
  if (n < 1 || n > 65535) return invalid_argument("port must be 1-65535, got " + std::to_string(n));
  return n;
}

TEST(Result, ValueOfASuccessIsTheValue) {
  EXPECT_EQ(parse_port(80).value(), 80);
  EXPECT_EQ(*parse_port(443), 443);
}

TEST(Result, ValueOfAnErrorThrowsAnExceptionThatNamesTheError) {
  try {
    (void)parse_port(0).value();
    FAIL() << "value() returned";
  } catch (const BadResultAccess& e) {
    EXPECT_STREQ(e.what(),
                 "Result::value() on an error: invalid-argument: port must be 1-65535, got 0");
    EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.error().message, "port must be 1-65535, got 0");
  }
}

TEST(Result, EveryAccessorChecks) {
  const Result<int> bad = parse_port(-1);
  EXPECT_THROW((void)bad.value(), BadResultAccess);
  EXPECT_THROW((void)*bad, BadResultAccess);
  Result<int> moved = parse_port(70000);
  EXPECT_THROW((void)std::move(moved).value(), BadResultAccess);
  // A logic_error: code that catches std::exception sees the message too.
  EXPECT_THROW((void)bad.value(), std::logic_error);
}

}  // namespace
}  // namespace ws2sim
