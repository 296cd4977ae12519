// UTF-8 validation for text that reaches PostgreSQL or JSON: PostgreSQL rejects invalid
// sequences and NUL bytes with an error, which must surface as a 400 naming the field, not 500.
#pragma once

#include <string_view>

namespace crawler {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF) without NUL.
bool is_clean_utf8(std::string_view s);

}  // namespace crawler
