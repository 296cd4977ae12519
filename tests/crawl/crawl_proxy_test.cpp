// Pure helpers of the HTTP fetcher: the proxy session user name (rotation every 30 minutes
// as a function of time) and Retry-After parsing (seconds and the three HTTP-date forms).
#include <gtest/gtest.h>

#include <set>

#include "crawl/proxy.h"
#include "crawl/retry_after.h"

namespace crawler::crawl {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

system_clock::time_point at(int y, unsigned m, unsigned d, int hh, int mm, int ss) {
  return sys_days(year{y} / month{m} / day{d}) + hours(hh) + minutes(mm) + seconds(ss);
}

// "<user>-session-<8 lowercase hex>" (std::regex trips GCC 12 warnings under ASan builds).
bool session_format(const std::string& name, const std::string& user) {
  const std::string prefix = user + "-session-";
  if (!name.starts_with(prefix) || name.size() != prefix.size() + 8) return false;
  for (char c : name.substr(prefix.size()))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

TEST(ProxySession, Format) {
  const auto name = proxy_session_username("customer-abc", 1, at(2026, 11, 26, 12, 0, 0));
  EXPECT_TRUE(session_format(name, "customer-abc")) << name;
  EXPECT_FALSE(session_format(name + "0", "customer-abc"));
}

TEST(ProxySession, StableWithinAWindowAndRotatesAtItsEdge) {
  const std::uint64_t salt = 0x1234;
  const auto start = at(2026, 11, 26, 12, 0, 0);  // a multiple of 30 minutes since the epoch
  const auto a = proxy_session_username("u", salt, start);
  EXPECT_EQ(proxy_session_username("u", salt, start + 29min + 59s), a);
  EXPECT_EQ(proxy_session_username("u", salt, start + 1s), a);
  const auto b = proxy_session_username("u", salt, start + 30min);
  EXPECT_NE(b, a);
  EXPECT_NE(proxy_session_username("u", salt, start - 1s), a);
  EXPECT_EQ(proxy_session_username("u", salt, start + 59min), b);
  // A day of windows: all distinct (48 random-looking 32-bit ids).
  std::set<std::string> seen;
  for (int i = 0; i < 48; ++i) seen.insert(proxy_session_username("u", salt, start + i * 30min));
  EXPECT_EQ(seen.size(), 48u);
}

TEST(ProxySession, SaltSeparatesWorkersAndPeriodIsConfigurable) {
  const auto t = at(2026, 1, 1, 0, 10, 0);
  EXPECT_NE(proxy_session_username("u", 1, t), proxy_session_username("u", 2, t));
  EXPECT_EQ(proxy_session_username("u", 1, t, 5min),
            proxy_session_username("u", 1, t + 4min, 5min));
  EXPECT_NE(proxy_session_username("u", 1, t, 5min),
            proxy_session_username("u", 1, t + 5min, 5min));
  EXPECT_THROW(proxy_session_username("u", 1, t, 0min), std::invalid_argument);
  EXPECT_NO_THROW(proxy_session_username("u", 1, system_clock::time_point{} - 1h));
}

TEST(RetryAfter, Seconds) {
  const auto now = at(2026, 11, 26, 0, 0, 0);
  EXPECT_EQ(parse_retry_after("120", now), 120s);
  EXPECT_EQ(parse_retry_after(" 0 ", now), 0s);
  EXPECT_EQ(parse_retry_after("7200", now), 3600s);  // capped at 1 h by default
  EXPECT_EQ(parse_retry_after("7200", now, 10000s), 7200s);
  EXPECT_EQ(parse_retry_after("99999999999999999999", now), 3600s);
  for (const char* bad : {"", "-1", "1.5", "abc", "12 s", "+3"})
    EXPECT_EQ(parse_retry_after(bad, now), std::nullopt) << bad;
}

TEST(RetryAfter, HttpDates) {
  const auto now = at(1994, 11, 6, 8, 49, 0);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), 37s);
  EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:49:37 GMT", now), 37s);
  EXPECT_EQ(parse_retry_after("Sun Nov  6 08:49:37 1994", now), 37s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), 0s);  // in the past
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", now + 500ms), 0s);
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:01 GMT", now + 500ms), 1s);  // rounds up
  EXPECT_EQ(parse_retry_after("Mon, 07 Nov 1994 08:49:00 GMT", now), 3600s);
  for (const char* bad : {"Sun, 31 Feb 1994 08:49:37 GMT", "Sun, 06 Foo 1994 08:49:37 GMT",
                          "Sun, 06 Nov 1994 25:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 PST",
                          "06 Nov 1994", "Sun, 06 Nov 94 08:49:37 GMT"})
    EXPECT_EQ(parse_retry_after(bad, now), std::nullopt) << bad;
}

}  // namespace
}  // namespace crawler::crawl
