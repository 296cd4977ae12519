// The rank rule, pure: the 1-based position of the first item whose title or display URL
// contains the keyword's target url; none → nullopt.
//
// The target url is as stored (core/target_url.h: scheme and leading "www." removed). The
// original compared raw strings, so "WWW.Shop.example" on the page missed "shop.example";
// here both sides are normalised the same way and compared ASCII-case-insensitively (host
// names are case-insensitive; Korean text has no case, and UTF-8 bytes ≥ 0x80 are left as
// they are). A display URL is normalised as a url ("https://www.x.com/" → "x.com/"); a title
// is only lower-cased, since a url can appear anywhere inside it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawl/extract.h"

namespace crawler::crawl {

// Scheme ("http://", "https://", any case) and a leading "www." removed, ASCII lower-cased.
std::string normalize_for_match(std::string_view url);

// Where in `items` the target url first appears (1-based). An empty target never matches.
std::optional<int> find_rank(const std::vector<Item>& items, std::string_view target_url);

}  // namespace crawler::crawl
