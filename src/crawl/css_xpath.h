// A small CSS-selector → XPath 1.0 translator, so search profiles can be written the way a
// person reads the page in DevTools ("li.list_item", ".tit_area .tit") and still be evaluated
// by libxml2, which only speaks XPath.
//
// Supported (what SERP profiles need, nothing more): type selectors (`li`, `*`), classes
// (`.a.b`), ids (`#x`), compounds of those (`li.list_item#top`), the descendant combinator
// (whitespace), the child combinator (`>`) and selector lists (`a, b` → XPath union).
// Anything else (attribute selectors, pseudo-classes, `+`, `~`) is refused with
// std::invalid_argument rather than half-translated: a profile that silently matches the
// wrong nodes would report wrong ranks, which is worse than failing at start-up.
//
// Classes are matched the standard way: contains(concat(' ', normalize-space(@class), ' '),
// ' name '), so "tit" does not match class="tit_area".
#pragma once

#include <string>
#include <string_view>

namespace crawler::crawl {

enum class XPathScope {
  document,  // "//li[...]": anywhere in the document (item selectors)
  relative,  // ".//span[...]": inside the context node (title / display URL inside an item)
};

// Throws std::invalid_argument naming the unsupported part.
std::string css_to_xpath(std::string_view css, XPathScope scope);

// True when a profile selector is already XPath (starts with '/', '.', or '('), false when it
// is CSS. ".tit" is CSS: a '.' followed by a name character; "./x", ".//x" and "." are XPath.
bool looks_like_xpath(std::string_view selector);

}  // namespace crawler::crawl
