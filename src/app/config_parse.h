// The value grammars of the settings table (config.cpp), one per kind of value, so that every
// variable of a kind accepts the same spellings. Each parser throws std::invalid_argument with
// a short reason; load_config() puts the variable's name and source in front of it and its
// accepted form after it, so the reason never repeats them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crawler::app {

// A decimal integer in [min, max], nothing around it.
std::int64_t parse_int(std::string_view text, std::int64_t min, std::int64_t max);

// A finite decimal number >= min ("0.5", "5").
double parse_number(std::string_view text, double min);

// true/false, 1/0, yes/no, on/off, in any letter case.
bool parse_bool(std::string_view text);

enum class EmptyItems { skip, keep };

// A comma-separated list; spaces around items are dropped. Empty items ("a,,b", a trailing
// comma) are skipped, or kept as "" for a caller that must reject them.
std::vector<std::string> split_list(std::string_view text, EmptyItems empty = EmptyItems::skip);

}  // namespace crawler::app
