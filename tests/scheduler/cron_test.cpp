#include "scheduler/cron.h"

#include <cctz/time_zone.h>
#include <gtest/gtest.h>

using crawler::scheduler::CronError;
using crawler::scheduler::CronSchedule;

namespace {

CronSchedule::TimePoint utc(const std::string& text) {
  CronSchedule::TimePoint t;
  EXPECT_TRUE(cctz::parse("%Y-%m-%dT%H:%M:%SZ", text, cctz::utc_time_zone(), &t)) << text;
  return t;
}

std::string iso(CronSchedule::TimePoint t) {
  return cctz::format("%Y-%m-%dT%H:%M:%SZ", t, cctz::utc_time_zone());
}

std::vector<std::string> next_n(const CronSchedule& s, const std::string& from, int n) {
  std::vector<std::string> out;
  auto t = utc(from);
  for (int i = 0; i < n; ++i) out.push_back(iso(t = s.next(t)));
  return out;
}

std::string error_of(const std::string& expr, const std::string& tz = "UTC") {
  try {
    CronSchedule::parse(expr, tz);
  } catch (const CronError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Cron, EveryMinuteIsTheOriginalDefault) {
  auto s = CronSchedule::parse("* * * * *");
  EXPECT_EQ(next_n(s, "2026-01-01T12:00:30Z", 3),
            (std::vector<std::string>{"2026-01-01T12:01:00Z", "2026-01-01T12:02:00Z",
                                      "2026-01-01T12:03:00Z"}));
  EXPECT_EQ(next_n(s, "2026-01-01T12:00:00Z", 1)[0], "2026-01-01T12:01:00Z") << "strictly after";
}

TEST(Cron, ListsRangesStepsAndNames) {
  auto s = CronSchedule::parse("0,30 9-10 * * mon-FRI");
  // 2026-01-02 is a Friday.
  EXPECT_EQ(next_n(s, "2026-01-02T10:45:00Z", 3),
            (std::vector<std::string>{"2026-01-05T09:00:00Z", "2026-01-05T09:30:00Z",
                                      "2026-01-05T10:00:00Z"}));
  EXPECT_EQ(next_n(CronSchedule::parse("*/20 * * * *"), "2026-01-01T00:05:00Z", 3),
            (std::vector<std::string>{"2026-01-01T00:20:00Z", "2026-01-01T00:40:00Z",
                                      "2026-01-01T01:00:00Z"}));
  EXPECT_EQ(next_n(CronSchedule::parse("10/25 * * * *"), "2026-01-01T00:00:00Z", 3),
            (std::vector<std::string>{"2026-01-01T00:10:00Z", "2026-01-01T00:35:00Z",
                                      "2026-01-01T01:10:00Z"}));
  EXPECT_EQ(next_n(CronSchedule::parse("0 0 1 Jun *"), "2026-01-01T00:00:00Z", 1)[0],
            "2026-06-01T00:00:00Z");
}

TEST(Cron, OptionalSecondsField) {
  EXPECT_EQ(next_n(CronSchedule::parse("*/15 * * * * *"), "2026-01-01T00:00:05Z", 3),
            (std::vector<std::string>{"2026-01-01T00:00:15Z", "2026-01-01T00:00:30Z",
                                      "2026-01-01T00:00:45Z"}));
}

TEST(Cron, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // The 13th, or any Friday. 2026-02-06 is a Friday, 2026-02-13 also.
  auto s = CronSchedule::parse("0 0 13 * 5");
  EXPECT_EQ(next_n(s, "2026-02-01T00:00:00Z", 3),
            (std::vector<std::string>{"2026-02-06T00:00:00Z", "2026-02-13T00:00:00Z",
                                      "2026-02-20T00:00:00Z"}));
  EXPECT_EQ(next_n(CronSchedule::parse("0 0 * * 7"), "2026-02-01T00:00:00Z", 1)[0],
            "2026-02-08T00:00:00Z")
      << "7 is Sunday, like 0";
}

TEST(Cron, TimeZone) {
  // 09:00 in Seoul (UTC+9, no DST) is 00:00 UTC.
  EXPECT_EQ(next_n(CronSchedule::parse("0 9 * * *", "Asia/Seoul"), "2026-07-01T03:00:00Z", 1)[0],
            "2026-07-02T00:00:00Z");
}

TEST(Cron, SpringForwardRunsASkippedTimeOnceAtTheJump) {
  // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z).
  auto daily = CronSchedule::parse("30 2 * * *", "America/New_York");
  EXPECT_EQ(next_n(daily, "2026-03-07T12:00:00Z", 2),
            (std::vector<std::string>{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"}));
  // An every-30-minutes schedule just has no ticks in the missing hour.
  auto frequent = CronSchedule::parse("*/30 * * * *", "America/New_York");
  EXPECT_EQ(next_n(frequent, "2026-03-08T06:15:00Z", 3),
            (std::vector<std::string>{"2026-03-08T06:30:00Z", "2026-03-08T07:00:00Z",
                                      "2026-03-08T07:30:00Z"}));
}

TEST(Cron, FallBackRunsAFixedTimeOnceAndFrequentSchedulesThroughBothHours) {
  // New York, 2026-11-01: 02:00 EDT goes back to 01:00 EST; 01:xx happens twice.
  auto daily = CronSchedule::parse("30 1 * * *", "America/New_York");
  EXPECT_EQ(next_n(daily, "2026-11-01T04:00:00Z", 2),
            (std::vector<std::string>{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"}));
  auto frequent = CronSchedule::parse("*/30 * * * *", "America/New_York");
  EXPECT_EQ(next_n(frequent, "2026-11-01T04:45:00Z", 5),
            (std::vector<std::string>{"2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z",
                                      "2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z",
                                      "2026-11-01T07:00:00Z"}));
}

TEST(Cron, BadExpressionsNameTheProblem) {
  EXPECT_NE(error_of("* * * *").find("5 fields"), std::string::npos);
  EXPECT_NE(error_of("60 * * * *").find("minute"), std::string::npos);
  EXPECT_NE(error_of("* 24 * * *").find("hour"), std::string::npos);
  EXPECT_NE(error_of("* * 0 * *").find("day-of-month"), std::string::npos);
  EXPECT_NE(error_of("* * * 13 *").find("month"), std::string::npos);
  EXPECT_NE(error_of("* * * * 8").find("day-of-week"), std::string::npos);
  EXPECT_NE(error_of("* * * * FUN").find("day-of-week"), std::string::npos);
  EXPECT_NE(error_of("5-1 * * * *").find("backwards"), std::string::npos);
  EXPECT_NE(error_of("*/0 * * * *").find("step"), std::string::npos);
  EXPECT_NE(error_of("1,,2 * * * *").find("empty"), std::string::npos);
  EXPECT_NE(error_of("0 0 30 2 *").find("never fires"), std::string::npos);
  EXPECT_NE(error_of("* * * * *", "Mars/Olympus").find("time zone"), std::string::npos);
}
