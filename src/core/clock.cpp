#include "core/clock.h"

#include <fmt/chrono.h>

#include <ctime>

namespace crawler {

std::string iso8601_ms(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
  const auto seconds = std::chrono::floor<std::chrono::seconds>(ms);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", seconds, (ms - seconds).count());
}

std::string format_utc(std::chrono::system_clock::time_point t, const char* format) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[128];
  return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

}  // namespace crawler
