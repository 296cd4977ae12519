// The pieces of the Prometheus text exposition format 0.0.4 that need care: name rules,
// escaping and number formatting. Pure functions, kept apart from the registry so the
// format's rules are tested on their own.
//
//   - HELP text escapes `\` and newline; label values also escape `"`. Everything else
//     (UTF-8 included) passes through: the format is UTF-8.
//   - Numbers: Go's ParseFloat is the reference reader, so +Inf, -Inf and NaN are spelled
//     that way, integral values print without a fraction ("3", not "3.000000") and others
//     use the shortest text that reads back to the same double (std::to_chars).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crawler::metrics {

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]* and not starting with "__" (reserved for Prometheus itself).
bool valid_label_name(std::string_view name);

std::string escape_help(std::string_view text);
std::string escape_label_value(std::string_view value);
std::string format_value(double v);

// `{a="x",b="y"}` (empty string when there are no labels).
std::string format_labels(const std::vector<std::pair<std::string_view, std::string_view>>& labels);

}  // namespace crawler::metrics
