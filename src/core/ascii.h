// ASCII character classes and case mapping for protocol text: header and scheme names, HTTP
// methods, host names, cron and configuration words. Bytes >= 0x80 (the UTF-8 of keywords and
// titles) pass through unchanged and are never letters, digits or space. <cctype> is not used
// for this: its functions take an int, so a `char` >= 0x80 passed straight in is negative and
// undefined behaviour, and their answers follow the C locale.
#pragma once

#include <string>
#include <string_view>

namespace crawler {

constexpr bool is_ascii_upper(char c) { return c >= 'A' && c <= 'Z'; }
constexpr bool is_ascii_lower(char c) { return c >= 'a' && c <= 'z'; }
constexpr bool is_ascii_alpha(char c) { return is_ascii_upper(c) || is_ascii_lower(c); }
constexpr bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_ascii_alnum(char c) { return is_ascii_alpha(c) || is_ascii_digit(c); }
// The "C" locale's isspace: space, \t, \n, \v, \f, \r.
constexpr bool is_ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

constexpr char ascii_to_lower(char c) {
  return is_ascii_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}
constexpr char ascii_to_upper(char c) {
  return is_ascii_lower(c) ? static_cast<char>(c - 'a' + 'A') : c;
}

// True when `s` is not empty and has nothing but the digits 0-9 (no sign, no space).
bool all_ascii_digits(std::string_view s);

std::string ascii_lower(std::string_view s);
std::string ascii_upper(std::string_view s);

// Equal when lower-cased (HTTP header names, URL schemes).
bool ascii_iequals(std::string_view a, std::string_view b);
bool ascii_istarts_with(std::string_view s, std::string_view prefix);

// `s` without leading and trailing is_ascii_space characters.
std::string_view ascii_trim(std::string_view s);

}  // namespace crawler
