// Extraction: a result page's HTML → its items (title text, display-URL text) in page order.
//
// libxml2's HTML parser in recovery mode (what browsers do with broken markup: keep going),
// with no network access and libxml2's default size limits (no HTML_PARSE_HUGE), then the
// profile's selectors (selector.h): items from the document, title and display URL inside
// each item. CSS selectors are matched by walking the parsed tree, XPath ones by libxml2.
//
// Errors are values: extract() never throws for anything a server can send. Garbage yields
// zero items, not an exception; a page too large is cut at max_input_bytes (result pages are
// far smaller; a huge body is an attack or an error page) and the result says so. The only
// thrown error is std::invalid_argument for an XPath that does not compile, which profile
// loading already rules out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "crawl/profile.h"

namespace crawler::crawl {

struct ExtractLimits {
  std::size_t max_input_bytes = 8 * 1024 * 1024;
  std::size_t max_items = 500;        // items after this are ignored (Naver shows ~15)
  std::size_t max_text_bytes = 4096;  // per title / display URL, cut on a UTF-8 boundary
};

struct Item {
  std::string title;        // text content, whitespace collapsed and trimmed
  std::string display_url;  // likewise
};

struct Extraction {
  std::vector<Item> items;
  bool truncated = false;  // the input or the item list hit a limit
};

// The selectors are the profile's (item from the document, the others inside an item).
Extraction extract(std::string_view html, const Profile& profile, const ExtractLimits& limits = {});

}  // namespace crawler::crawl
