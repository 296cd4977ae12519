// Profile selectors: which elements of a result page are the items and, inside each item,
// which hold its title and its display URL.
//
// A selector is written the way a person reads the page in DevTools, as CSS ("li.list_item",
// ".tit_area .tit"), and parsed once, when the profile is loaded, into the steps below;
// extract() matches those steps by walking libxml2's tree, with no second syntax in between.
// Where CSS cannot say it, a profile may give XPath instead (it starts with '/', '.' or
// '('); that is checked by compiling it and then evaluated by libxml2 as written.
//
// Supported CSS (what SERP profiles need, nothing more): type selectors (`li`, `*`), classes
// (`.a.b`), ids (`#x`), compounds of those (`li.list_item#top`), the descendant combinator
// (whitespace), the child combinator (`>`) and selector lists (`a, b`). Anything else
// (attribute selectors, pseudo-classes, `+`, `~`) is refused with std::invalid_argument
// rather than half-supported: a profile that silently matches the wrong nodes would report
// wrong ranks, which is worse than failing at start-up.
//
// Meaning: exactly that of the XPath 1.0 to_xpath() writes for it, which the tests hold the
// tree walk to by comparing it with libxml2's evaluation on random pages. In CSS terms:
//   - a class matches a whole token of the class attribute ("tit" does not match
//     class="tit_area"), tokens being separated by space, tab, CR or LF (XPath's
//     normalize-space, which does not count form feed as CSS does);
//   - a type selector is lower-cased and compared exactly with the element's name (libxml2's
//     HTML parser lower-cases element names); it never matches a namespaced element;
//   - the title and display-URL selectors match entirely inside their item: ".a .b" needs
//     the .a inside the item too, as jQuery's $(item).find(".a .b") does;
//   - matches come in document order, each element once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crawler::crawl {

// One compound selector of a chain: "li.list_item#top".
struct SelectorStep {
  bool child = false;  // after '>': a child of the previous step's element; else any descendant
  std::string tag;     // lower case; empty for "*" or none written
  std::vector<std::string> classes;  // every one must be a token of the class attribute
  std::vector<std::string> ids;      // every one must equal the id attribute ("#a#a" is valid)
};

struct Selector {
  enum class Syntax { css, xpath };
  Syntax syntax = Syntax::css;
  std::string text;  // as written in the profile
  // CSS: the selector list's members, each a chain of steps from left to right. An element
  // is selected when any chain reaches it.
  std::vector<std::vector<SelectorStep>> chains;
};

// Where a selector is applied: the item selector to the whole document, the title and
// display-URL selectors inside one item.
enum class SelectorScope { document, item };

// A selector as written in a profile, CSS or XPath (looks_like_xpath). Throws
// std::invalid_argument naming what is unsupported or does not compile.
Selector parse_selector(std::string_view text);

// CSS only. Throws std::invalid_argument naming the unsupported part.
Selector parse_css(std::string_view css);

// True when a profile selector is XPath (starts with '/', '.', or '('), false when it is
// CSS. ".tit" is CSS: a '.' followed by a name character; "./x", ".//x" and "." are XPath.
bool looks_like_xpath(std::string_view selector);

// The XPath 1.0 expression that selects what `selector` does in `scope` ("//li[...]" from the
// document, ".//span[...]" inside the context node); XPath is returned as written. A class
// test is contains(concat(' ', normalize-space(@class), ' '), ' name ').
std::string to_xpath(const Selector& selector, SelectorScope scope);

}  // namespace crawler::crawl
