// Wall-clock time at millisecond precision: the unit of JavaScript's Date, of Bull's job
// timestamps, of the stores and of the JSON the API and the logs write.
//
// Everything here reads std::chrono::system_clock, because these instants are stored, sent
// and compared across processes and hosts. Durations and deadlines within one process use
// std::chrono::steady_clock directly: it never jumps when the wall clock is set.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace crawler {

// Now, truncated to the millisecond (the type of store::Timestamp).
inline std::chrono::sys_time<std::chrono::milliseconds> now_ms() {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

// Milliseconds since the Unix epoch, as Date.now() counts them: of `t`, or of now.
inline std::int64_t epoch_ms(std::chrono::system_clock::time_point t) {
  return std::chrono::floor<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
inline std::int64_t epoch_ms() { return epoch_ms(std::chrono::system_clock::now()); }

// "2026-12-02T07:05:09.042Z": UTC with milliseconds, as Date.prototype.toISOString writes it.
std::string iso8601_ms(std::chrono::system_clock::time_point t);

// `t` in UTC through strftime's `format`, e.g. "%a, %d %b %Y %H:%M:%S GMT" (an HTTP date).
std::string format_utc(std::chrono::system_clock::time_point t, const char* format);

}  // namespace crawler
