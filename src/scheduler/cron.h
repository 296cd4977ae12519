// SCHEDULER_CRON: a cron expression evaluated in a time zone (SCHEDULER_TZ, IANA name).
//
// Syntax: 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading seconds
// field, as node-cron accepts (existing SCHEDULER_CRON values keep working). Each field: `*`, a
// value, a range `a-b`, a step `*/n` or `a-b/n` or `a/n`, and comma lists of those; months JAN-DEC
// and days SUN-SAT by name (case-insensitive); day-of-week 0 and 7 are both Sunday. When both
// day-of-month and day-of-week are restricted, a day matches if either does (classic cron).
//
// Daylight-saving changes follow cronie's rule, so nothing runs twice and nothing is lost:
//   - a civil time that does not exist (spring forward) runs once, at the moment the clocks
//     jump — unless the hour field is `*`, in which case that hour simply has no ticks;
//   - a civil time that happens twice (fall back) runs once, at its first occurrence — unless
//     the hour field is `*`, in which case both occurrences run (the schedule follows the
//     clock that actually elapsed: "every 5 minutes" stays every 5 minutes).
#pragma once

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <bitset>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace crawler::scheduler {

class CronError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class CronSchedule {
 public:
  using Clock = std::chrono::system_clock;
  using TimePoint = std::chrono::time_point<Clock, std::chrono::seconds>;

  // Throws CronError naming the field and what is wrong, or an unknown time zone, or an
  // expression that never fires (e.g. "0 0 30 2 *").
  static CronSchedule parse(std::string_view expression, std::string_view time_zone = "UTC");

  // The first firing strictly after `after`.
  TimePoint next(TimePoint after) const;

  const std::string& expression() const { return expression_; }
  const std::string& time_zone() const { return tz_name_; }

 private:
  CronSchedule() = default;
  bool day_matches(int year, int month, int day) const;
  std::optional<TimePoint> search(const cctz::time_zone& tz, cctz::civil_second from,
                                  TimePoint after) const;

  std::string expression_;
  std::string tz_name_;
  std::bitset<60> seconds_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool dom_any_ = true;
  bool dow_any_ = true;
  bool hour_any_ = true;
};

}  // namespace crawler::scheduler
