#include "core/json_integer.h"

#include <charconv>
#include <cmath>

namespace crawler {

std::optional<std::int64_t> json_integer(const boost::json::value& v) {
  if (v.is_int64()) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
    return static_cast<std::int64_t>(v.as_uint64());
  if (v.is_double() && std::isfinite(v.as_double()) && std::floor(v.as_double()) == v.as_double() &&
      std::fabs(v.as_double()) < 9e15)
    return static_cast<std::int64_t>(v.as_double());
  if (v.is_string()) {
    const auto& s = v.as_string();
    std::int64_t n = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (!s.empty() && ec == std::errc() && ptr == s.data() + s.size()) return n;
  }
  return std::nullopt;
}

}  // namespace crawler
