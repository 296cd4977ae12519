// text[] values in PostgreSQL's text format, so tags travel as one ordinary text parameter
// ("{a,"b c"}") instead of SQL built from strings. Every element is written quoted (then only
// " and \ need escaping, whatever the content: commas, braces, spaces, "NULL", Korean text);
// reading accepts what the server prints: unquoted elements, quoted ones with escapes, NULL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crawler::store::postgres {

std::string encode_text_array(const std::vector<std::string>& values);
// Throws store::Error for text that is not a one-dimensional array literal. A NULL element
// (never stored by us) is read as an empty string.
std::vector<std::string> decode_text_array(std::string_view text);

}  // namespace crawler::store::postgres
