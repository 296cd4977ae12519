// LIKE patterns from user text. A search box must match its input literally: "100%" finds
// "100%", not "100" followed by anything, and "a_b" does not match "axb". Every backend's
// LIKE treats % and _ as wildcards, so they (and the escape character itself) are escaped
// with a backslash; the SQL must say ESCAPE '\' (PostgreSQL's default, SQLite's opt-in).
#pragma once

#include <string>
#include <string_view>

namespace crawler::store {

// `text` with \, % and _ preceded by a backslash.
std::string escape_like(std::string_view text);
// "%<escaped text>%": matches values containing `text` as a substring.
std::string contains_pattern(std::string_view text);

}  // namespace crawler::store
