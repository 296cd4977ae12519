#include "crawl/retry_after.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "core/ascii.h"

namespace crawler::crawl {
namespace {

std::optional<int> number(std::string_view s) {
  if (!all_ascii_digits(s) || s.size() > 4) return std::nullopt;
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::optional<unsigned> month_index(std::string_view m) {
  static constexpr std::array<std::string_view, 12> names = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned i = 0; i < names.size(); ++i)
    if (names[i] == m) return i + 1;
  return std::nullopt;
}

// "hh:mm:ss" → seconds of the day.
std::optional<int> time_of_day(std::string_view t) {
  if (t.size() != 8 || t[2] != ':' || t[5] != ':') return std::nullopt;
  const auto h = number(t.substr(0, 2)), m = number(t.substr(3, 2)), s = number(t.substr(6, 2));
  if (!h || !m || !s || *h > 23 || *m > 59 || *s > 60) return std::nullopt;
  return *h * 3600 + *m * 60 + *s;
}

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    std::size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::optional<std::chrono::system_clock::time_point> http_date(std::string_view s) {
  using namespace std::chrono;
  const auto w = words(s);
  std::optional<int> day, year, secs;
  std::optional<unsigned> month;
  if (w.size() == 6 && w[0].size() == 4 && w[0].back() == ',' && w[5] == "GMT") {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    day = number(w[1]);
    month = month_index(w[2]);
    year = w[3].size() == 4 ? number(w[3]) : std::nullopt;
    secs = time_of_day(w[4]);
  } else if (w.size() == 4 && w[0].back() == ',' && w[3] == "GMT" && w[1].size() == 9) {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT" (two-digit year: 70-99 → 19xx).
    day = number(w[1].substr(0, 2));
    month = month_index(w[1].substr(3, 3));
    if (auto yy = number(w[1].substr(7, 2))) year = *yy + (*yy >= 70 ? 1900 : 2000);
    secs = time_of_day(w[2]);
  } else if (w.size() == 5) {
    // asctime: "Sun Nov  6 08:49:37 1994"
    month = month_index(w[1]);
    day = number(w[2]);
    secs = time_of_day(w[3]);
    year = w[4].size() == 4 ? number(w[4]) : std::nullopt;
  }
  if (!day || !month || !year || !secs) return std::nullopt;
  const year_month_day ymd{std::chrono::year{*year}, std::chrono::month{*month},
                           std::chrono::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd) + seconds(*secs);
}

}  // namespace

std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now,
                                                      std::chrono::seconds cap) {
  using namespace std::chrono;
  value = ascii_trim(value);
  if (all_ascii_digits(value)) {
    // Anything longer than 9 digits exceeds any sane cap; avoid overflow by clamping early.
    if (value.size() > 9) return cap;
    long long v = 0;
    for (char c : value) v = v * 10 + (c - '0');
    return std::min(seconds(v), cap);
  }
  const auto when = http_date(value);
  if (!when) return std::nullopt;
  const auto wait = ceil<seconds>(*when - now);
  if (wait.count() < 0) return seconds(0);
  return std::min(wait, cap);
}

}  // namespace crawler::crawl
