// Hexadecimal digits, for digests and tokens written as hex and for escapes read back
// (percent-encoding, xlsx's _xHHHH_).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crawler {

enum class HexCase { lower, upper };

// The digit for `v` (0 to 15).
constexpr char hex_digit(unsigned v, HexCase letter_case = HexCase::lower) {
  return (letter_case == HexCase::lower ? "0123456789abcdef" : "0123456789ABCDEF")[v & 15];
}

// The value of a hex digit of either case; -1 for any other character.
constexpr int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Two lower-case digits per byte (how SHA digests are written for AWS and Redis).
std::string hex_encode(std::string_view bytes);

// Eight lower-case digits, zero-padded: the random suffixes of worker ids and proxy sessions.
std::string hex_u32(std::uint32_t v);

}  // namespace crawler
