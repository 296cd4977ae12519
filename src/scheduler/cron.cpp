#include "scheduler/cron.h"

#include <cctz/civil_time.h>
#include <cctz/time_zone.h>

#include <algorithm>
#include <charconv>
#include <vector>

#include "core/ascii.h"

namespace crawler::scheduler {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const char* const* names;  // nullptr or names for min..min+count-1
  int names_count;
};

const char* const kMonths[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                               "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const char* const kDays[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

int parse_value(std::string_view token, const FieldSpec& spec) {
  if (spec.names) {
    const std::string upper = ascii_upper(token);
    for (int i = 0; i < spec.names_count; ++i)
      if (upper == spec.names[i]) return spec.min + i;
  }
  int v = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (token.empty() || ec != std::errc() || ptr != token.data() + token.size())
    throw CronError(std::string(spec.name) + ": '" + std::string(token) + "' is not a number" +
                    (spec.names ? " or a name" : ""));
  int max = spec.max;
  if (std::string_view(spec.name) == "day-of-week") max = 7;  // 7 is Sunday too
  if (v < spec.min || v > max)
    throw CronError(std::string(spec.name) + ": " + std::to_string(v) + " is outside " +
                    std::to_string(spec.min) + "-" + std::to_string(max));
  return v;
}

// Returns the set of values and whether the field was an unrestricted `*`.
template <std::size_t N>
bool parse_field(std::string_view text, const FieldSpec& spec, std::bitset<N>& out) {
  if (text == "*" || text == "?") {
    for (int v = spec.min; v <= spec.max; ++v) out.set(static_cast<std::size_t>(v));
    return true;
  }
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) throw CronError(std::string(spec.name) + ": empty list item");
    int step = 1;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      auto step_text = item.substr(slash + 1);
      auto [ptr, ec] = std::from_chars(step_text.data(), step_text.data() + step_text.size(), step);
      if (step_text.empty() || ec != std::errc() || ptr != step_text.data() + step_text.size() ||
          step <= 0)
        throw CronError(std::string(spec.name) + ": step '" + std::string(step_text) +
                        "' must be a positive number");
      item = item.substr(0, slash);
    }
    int lo, hi;
    if (item == "*") {
      lo = spec.min;
      hi = spec.max;
    } else if (auto dash = item.find('-'); dash != std::string_view::npos) {
      lo = parse_value(item.substr(0, dash), spec);
      hi = parse_value(item.substr(dash + 1), spec);
      if (lo > hi)
        throw CronError(std::string(spec.name) + ": range '" + std::string(item) +
                        "' is backwards");
    } else {
      lo = parse_value(item, spec);
      hi = step > 1 ? spec.max : lo;  // "a/n": from a to the end, every n
    }
    for (int v = lo; v <= hi; v += step) {
      int value = (std::string_view(spec.name) == "day-of-week" && v == 7) ? 0 : v;
      out.set(static_cast<std::size_t>(value));
    }
  }
  return false;
}

std::vector<std::string_view> split_fields(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_ascii_space(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !is_ascii_space(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

const cctz::time_zone& zone_for(const std::string& name) {
  // cctz caches loaded zones internally; load_time_zone is cheap after the first call.
  thread_local cctz::time_zone tz;
  thread_local std::string loaded;
  if (loaded != name) {
    if (!cctz::load_time_zone(name, &tz)) throw CronError("unknown time zone '" + name + "'");
    loaded = name;
  }
  return tz;
}

}  // namespace

CronSchedule CronSchedule::parse(std::string_view expression, std::string_view time_zone) {
  CronSchedule s;
  s.expression_ = std::string(expression);
  s.tz_name_ = time_zone.empty() ? "UTC" : std::string(time_zone);
  cctz::time_zone tz;
  if (!cctz::load_time_zone(s.tz_name_, &tz))
    throw CronError("unknown time zone '" + s.tz_name_ +
                    "' (expected an IANA name such as "
                    "Asia/Seoul)");

  auto fields = split_fields(expression);
  if (fields.size() != 5 && fields.size() != 6)
    throw CronError(
        "expected 5 fields (minute hour day-of-month month day-of-week) or 6 with "
        "seconds first, got " +
        std::to_string(fields.size()));
  size_t i = 0;
  if (fields.size() == 6) {
    parse_field(fields[i++], {"seconds", 0, 59, nullptr, 0}, s.seconds_);
  } else {
    s.seconds_.set(0);
  }
  parse_field(fields[i++], {"minute", 0, 59, nullptr, 0}, s.minutes_);
  s.hour_any_ = parse_field(fields[i++], {"hour", 0, 23, nullptr, 0}, s.hours_);
  s.dom_any_ = parse_field(fields[i++], {"day-of-month", 1, 31, nullptr, 0}, s.days_);
  parse_field(fields[i++], {"month", 1, 12, kMonths, 12}, s.months_);
  s.dow_any_ = parse_field(fields[i++], {"day-of-week", 0, 6, kDays, 7}, s.weekdays_);

  // An expression that can never fire ("0 0 31 2 *") is an error now, not a silent scheduler.
  auto probe = std::chrono::time_point_cast<std::chrono::seconds>(Clock::now());
  s.next(probe);
  return s;
}

bool CronSchedule::day_matches(int year, int month, int day) const {
  bool dom = days_.test(static_cast<std::size_t>(day));
  auto wd = cctz::get_weekday(cctz::civil_day(year, month, day));
  // cctz: monday=0 .. sunday=6 → cron: sunday=0 .. saturday=6
  int cron_wd = (static_cast<int>(wd) + 1) % 7;
  bool dow = weekdays_.test(static_cast<std::size_t>(cron_wd));
  if (dom_any_ && dow_any_) return true;
  if (dom_any_) return dow;
  if (dow_any_) return dom;
  return dom || dow;
}

CronSchedule::TimePoint CronSchedule::next(TimePoint after) const {
  const auto& tz = zone_for(tz_name_);
  auto found = search(tz, cctz::convert(after, tz) + 1, after);
  if (hour_any_) {
    // In a fall-back change the clock replays an hour. Walking civil time forward from
    // `after` skips that replay, so look at it explicitly: the replayed civil times map to
    // instants after the transition.
    cctz::time_zone::civil_transition t;
    if (tz.next_transition(after, &t) && t.to < t.from) {
      auto transition = tz.lookup(t.to).trans;
      if (!found || transition <= *found) {
        auto replay =
            search(tz, t.to,
                   std::max(after, std::chrono::time_point_cast<std::chrono::seconds>(transition) -
                                       std::chrono::seconds(1)));
        if (replay && (!found || *replay < *found)) found = replay;
      }
    }
  }
  if (!found) throw CronError("'" + expression_ + "' never fires");
  return *found;
}

std::optional<CronSchedule::TimePoint> CronSchedule::search(const cctz::time_zone& tz,
                                                            cctz::civil_second c,
                                                            TimePoint after) const {
  auto instant = [](auto t) { return std::chrono::time_point_cast<std::chrono::seconds>(t); };
  const auto limit = c + 60LL * 60 * 24 * 366 * 5;  // five years
  while (c < limit) {
    if (!months_.test(static_cast<std::size_t>(c.month()))) {
      c = cctz::civil_second(cctz::civil_month(c) + 1);
      continue;
    }
    if (!day_matches(static_cast<int>(c.year()), c.month(), c.day())) {
      c = cctz::civil_second(cctz::civil_day(c) + 1);
      continue;
    }
    if (!hours_.test(static_cast<std::size_t>(c.hour()))) {
      c = cctz::civil_second(cctz::civil_hour(c) + 1);
      continue;
    }
    if (!minutes_.test(static_cast<std::size_t>(c.minute()))) {
      c = cctz::civil_second(cctz::civil_minute(c) + 1);
      continue;
    }
    if (!seconds_.test(static_cast<std::size_t>(c.second()))) {
      c += 1;
      continue;
    }
    auto lookup = tz.lookup(c);
    switch (lookup.kind) {
      case cctz::time_zone::civil_lookup::UNIQUE:
        if (instant(lookup.pre) > after) return instant(lookup.pre);
        break;
      case cctz::time_zone::civil_lookup::SKIPPED:
        // The clocks jumped over this time: run at the jump, once, unless hourly anyway.
        if (!hour_any_ && instant(lookup.trans) > after) return instant(lookup.trans);
        break;
      case cctz::time_zone::civil_lookup::REPEATED:
        if (instant(lookup.pre) > after) return instant(lookup.pre);
        if (hour_any_ && instant(lookup.post) > after) return instant(lookup.post);
        break;
    }
    c += 1;
  }
  return std::nullopt;
}

}  // namespace crawler::scheduler
