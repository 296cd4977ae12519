#include "core/clock.h"

#include <gtest/gtest.h>

namespace crawler {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

// 2015-08-30T12:36:00Z
constexpr auto kT = system_clock::time_point(1440938160s);

TEST(Clock, EpochMilliseconds) {
  EXPECT_EQ(epoch_ms(kT), 1440938160000);
  EXPECT_EQ(epoch_ms(kT + 1999us), 1440938160001);  // truncated, not rounded
  const auto before = epoch_ms(system_clock::now());
  const auto now = epoch_ms();
  EXPECT_GE(now, before);
  EXPECT_LT(now - before, 60'000);
}

TEST(Clock, NowIsWallClockTruncatedToTheMillisecond) {
  const auto before = system_clock::now();
  const std::chrono::sys_time<std::chrono::milliseconds> now = now_ms();
  EXPECT_GE(now + 1ms, before);
  EXPECT_LE(now, system_clock::now());
  EXPECT_EQ(now.time_since_epoch().count(), epoch_ms(now));
}

TEST(Clock, Iso8601WithMilliseconds) {
  EXPECT_EQ(iso8601_ms(kT), "2015-08-30T12:36:00.000Z");
  EXPECT_EQ(iso8601_ms(kT + 42ms + 999us), "2015-08-30T12:36:00.042Z");
  EXPECT_EQ(iso8601_ms(kT + 59s + 999ms), "2015-08-30T12:36:59.999Z");
  EXPECT_EQ(iso8601_ms(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
}

TEST(Clock, FormatsInUtc) {
  EXPECT_EQ(format_utc(kT, "%Y%m%dT%H%M%SZ"), "20150830T123600Z");
  EXPECT_EQ(format_utc(kT + 500ms, "%a, %d %b %Y %H:%M:%S GMT"), "Sun, 30 Aug 2015 12:36:00 GMT");
}

}  // namespace
}  // namespace crawler
