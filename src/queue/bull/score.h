// The delayed set's score encoding, Bull 4's: `due_ms * 0x1000 + (counter & 0xfff)`.
//
// The low 12 bits keep jobs due in the same millisecond in insertion order (up to 4096 per
// ms). Bull fills them from the job id counter when adding and from the job id when moving a
// failed job to delayed (non-numeric ids give 0 there: JavaScript's `"abc" & 0xfff`). The
// product stays exact in a double (Lua's number) until 2^53 / 4096 ms ≈ year 2039, which is
// Bull's own limit too.
#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>

namespace crawler::queue::bull {

constexpr std::int64_t delayed_score(std::int64_t due_ms, std::int64_t counter) {
  return due_ms * 0x1000 + (counter & 0xfff);
}

constexpr std::int64_t due_from_score(std::int64_t score) { return score / 0x1000; }

// JavaScript's `jobId & 0xfff` for a job id string: integer ids use their low bits, anything
// else 0.
inline std::int64_t id_low_bits(std::string_view id) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
  if (ec != std::errc() || ptr != id.data() + id.size()) return 0;
  return v & 0xfff;
}

}  // namespace crawler::queue::bull
