#include "crawl/css_xpath.h"

#include <cctype>
#include <stdexcept>
#include <vector>

#include "core/ascii.h"

namespace crawler::crawl {
namespace {

bool is_name_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  // Non-ASCII bytes are allowed so UTF-8 class names pass through unchanged.
  return std::isalnum(u) || c == '-' || c == '_' || u >= 0x80;
}

[[noreturn]] void fail(std::string_view css, std::string_view why) {
  throw std::invalid_argument("unsupported CSS selector '" + std::string(css) +
                              "': " + std::string(why));
}

// One compound selector ("li.list_item#x") → "li[...][...]".
std::string compound(std::string_view css, std::string_view part) {
  std::size_t i = 0;
  std::string tag = "*";
  if (i < part.size() && part[i] == '*') {
    ++i;
  } else if (i < part.size() && is_name_char(part[i])) {
    std::size_t start = i;
    while (i < part.size() && is_name_char(part[i])) ++i;
    tag.assign(part.substr(start, i - start));
    for (char& c : tag) c = ascii_to_lower(c);
  }
  std::string predicates;
  while (i < part.size()) {
    const char kind = part[i++];
    if (kind != '.' && kind != '#') fail(css, std::string("unexpected '") + kind + "'");
    std::size_t start = i;
    while (i < part.size() && is_name_char(part[i])) ++i;
    if (i == start) fail(css, std::string("empty name after '") + kind + "'");
    const std::string name(part.substr(start, i - start));
    if (kind == '.')
      predicates += "[contains(concat(' ', normalize-space(@class), ' '), ' " + name + " ')]";
    else
      predicates += "[@id='" + name + "']";
  }
  return tag + predicates;
}

std::string one_selector(std::string_view css, std::string_view sel, XPathScope scope) {
  std::string out = scope == XPathScope::document ? "" : ".";
  std::size_t i = 0;
  bool child_next = false;
  bool any = false;
  while (i < sel.size()) {
    while (i < sel.size() && std::isspace(static_cast<unsigned char>(sel[i]))) ++i;
    if (i == sel.size()) break;
    if (sel[i] == '>') {
      if (!any || child_next) fail(css, "'>' without a selector on its left");
      child_next = true;
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < sel.size() && !std::isspace(static_cast<unsigned char>(sel[i])) && sel[i] != '>')
      ++i;
    out += child_next ? "/" : "//";
    out += compound(css, sel.substr(start, i - start));
    child_next = false;
    any = true;
  }
  if (!any) fail(css, "empty selector");
  if (child_next) fail(css, "'>' without a selector on its right");
  return out;
}

}  // namespace

std::string css_to_xpath(std::string_view css, XPathScope scope) {
  for (char c : css) {
    if (c == '[' || c == ']' || c == ':' || c == '+' || c == '~' || c == '(' || c == ')' ||
        c == '"' || c == '\'' || c == '|' || c == '@')
      fail(css, std::string("'") + c + "' is not supported");
  }
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = css.find(',', start);
    const auto sel = css.substr(start, comma == std::string_view::npos ? css.npos : comma - start);
    if (!out.empty()) out += " | ";
    out += one_selector(css, sel, scope);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool looks_like_xpath(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  if (s.empty()) return false;
  if (s.front() == '/' || s.front() == '(') return true;
  if (s.front() == '.') return s.size() == 1 || s[1] == '/' || s[1] == '.';
  return false;
}

}  // namespace crawler::crawl
