#include "crawl/selector.h"

#include <libxml/xpath.h>

#include <stdexcept>

#include "core/ascii.h"
#include "crawl/libxml_setup.h"

namespace crawler::crawl {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_name_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  // Non-ASCII bytes are allowed so UTF-8 class names pass through unchanged.
  return (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || c == '-' ||
         c == '_' || u >= 0x80;
}

[[noreturn]] void fail(std::string_view css, std::string_view why) {
  throw std::invalid_argument("unsupported CSS selector '" + std::string(css) +
                              "': " + std::string(why));
}

// One compound selector: "li.list_item#x".
SelectorStep compound(std::string_view css, std::string_view part, bool child) {
  SelectorStep step;
  step.child = child;
  std::size_t i = 0;
  if (i < part.size() && part[i] == '*') {
    ++i;
  } else {
    while (i < part.size() && is_name_char(part[i])) {
      const char c = part[i++];
      step.tag += ascii_to_lower(c);
    }
  }
  while (i < part.size()) {
    const char kind = part[i++];
    if (kind != '.' && kind != '#') fail(css, std::string("unexpected '") + kind + "'");
    const std::size_t start = i;
    while (i < part.size() && is_name_char(part[i])) ++i;
    if (i == start) fail(css, std::string("empty name after '") + kind + "'");
    (kind == '.' ? step.classes : step.ids).emplace_back(part.substr(start, i - start));
  }
  return step;
}

// One member of a selector list: compounds joined by whitespace or '>'.
std::vector<SelectorStep> chain(std::string_view css, std::string_view member) {
  std::vector<SelectorStep> steps;
  std::size_t i = 0;
  bool child_next = false;
  while (i < member.size()) {
    while (i < member.size() && is_space(member[i])) ++i;
    if (i == member.size()) break;
    if (member[i] == '>') {
      if (steps.empty() || child_next) fail(css, "'>' without a selector on its left");
      child_next = true;
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < member.size() && !is_space(member[i]) && member[i] != '>') ++i;
    steps.push_back(compound(css, member.substr(start, i - start), child_next));
    child_next = false;
  }
  if (steps.empty()) fail(css, "empty selector");
  if (child_next) fail(css, "'>' without a selector on its right");
  return steps;
}

std::string step_xpath(const SelectorStep& step) {
  std::string out = step.tag.empty() ? "*" : step.tag;
  for (const auto& name : step.classes)
    out += "[contains(concat(' ', normalize-space(@class), ' '), ' " + name + " ')]";
  for (const auto& name : step.ids) out += "[@id='" + name + "']";
  return out;
}

}  // namespace

Selector parse_css(std::string_view css) {
  for (char c : css) {
    if (c == '[' || c == ']' || c == ':' || c == '+' || c == '~' || c == '(' || c == ')' ||
        c == '"' || c == '\'' || c == '|' || c == '@')
      fail(css, std::string("'") + c + "' is not supported");
  }
  Selector selector{.syntax = Selector::Syntax::css, .text = std::string(css)};
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = css.find(',', start);
    selector.chains.push_back(
        chain(css, css.substr(start, comma == std::string_view::npos ? css.npos : comma - start)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return selector;
}

Selector parse_selector(std::string_view text) {
  if (!looks_like_xpath(text)) return parse_css(text);
  Selector selector{.syntax = Selector::Syntax::xpath, .text = std::string(text)};
  detail::libxml_setup();
  xmlXPathCompExprPtr compiled =
      xmlXPathCompile(reinterpret_cast<const xmlChar*>(selector.text.c_str()));
  if (!compiled) throw std::invalid_argument("selector '" + selector.text + "' is not valid XPath");
  xmlXPathFreeCompExpr(compiled);
  return selector;
}

bool looks_like_xpath(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  if (s.empty()) return false;
  if (s.front() == '/' || s.front() == '(') return true;
  if (s.front() == '.') return s.size() == 1 || s[1] == '/' || s[1] == '.';
  return false;
}

std::string to_xpath(const Selector& selector, SelectorScope scope) {
  if (selector.syntax == Selector::Syntax::xpath) return selector.text;
  std::string out;
  for (const auto& steps : selector.chains) {
    if (!out.empty()) out += " | ";
    if (scope == SelectorScope::item) out += '.';
    for (const auto& step : steps) out += (step.child ? "/" : "//") + step_xpath(step);
  }
  return out;
}

}  // namespace crawler::crawl
