// Retry-After (RFC 9110 §10.2.3) as sent with 429 and 503: either delay-seconds ("120") or an
// HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT", IMF-fixdate; the obsolete RFC 850 and asctime
// forms are accepted too). Pure: the current time is a parameter.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace crawler::crawl {

// The wait it asks for, never negative (a date in the past → 0), capped at `cap` so a hostile
// or broken server cannot park a worker for days. nullopt when the value is not valid.
std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now,
    std::chrono::seconds cap = std::chrono::hours(1));

}  // namespace crawler::crawl
