// Percent-encoding (RFC 3986 section 2.1) of URL parts, query values and header parameters.
// Escapes are written in upper-case hex, as the RFC recommends and AWS signing requires.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crawler {

// Beside letters and digits, RFC 3986's unreserved characters.
inline constexpr std::string_view kUnreservedMarks = "-._~";

// Every byte but an ASCII letter, a digit or one of `keep` becomes "%XX".
std::string percent_encode(std::string_view in, std::string_view keep = kUnreservedMarks);

// "%XX" with two hex digits becomes its byte; any other '%' is kept as it is, as browsers and
// servers do. With `plus_is_space` (form encoding) a '+' becomes a space.
std::string percent_decode(std::string_view in, bool plus_is_space = false);

// As percent_decode, but nullopt when a '%' is not followed by two hex digits: for values
// such as credentials, where a guess would be worse than an error.
std::optional<std::string> percent_decode_strict(std::string_view in);

}  // namespace crawler
