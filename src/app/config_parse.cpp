#include "app/config_parse.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <system_error>

#include "core/ascii.h"

namespace crawler::app {

std::int64_t parse_int(std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || ptr != text.data() + text.size() || out < min || out > max)
    throw std::invalid_argument("not an integer in " + std::to_string(min) + ".." +
                                std::to_string(max));
  return out;
}

double parse_number(std::string_view text, double min) {
  double out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(out) || out < min) {
    char shown[32];
    std::snprintf(shown, sizeof shown, "%g", min);
    throw std::invalid_argument(std::string("not a number >= ") + shown);
  }
  return out;
}

bool parse_bool(std::string_view text) {
  for (auto yes : {"true", "1", "yes", "on"})
    if (ascii_iequals(text, yes)) return true;
  for (auto no : {"false", "0", "no", "off"})
    if (ascii_iequals(text, no)) return false;
  throw std::invalid_argument("not a boolean (true/false, 1/0, yes/no, on/off)");
}

std::vector<std::string> split_list(std::string_view text, EmptyItems empty) {
  std::vector<std::string> out;
  while (true) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty() || empty == EmptyItems::keep) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace crawler::app
