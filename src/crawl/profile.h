// Search profiles as data: which page to fetch for a keyword and which selectors find the
// result items in it. Two ship compiled in (profiles.json, embedded by cmake/Embed.cmake):
//   AD       Naver's mobile ad search ("power link"), selectors proven on the live page.
//   ORGANIC  Naver's mobile web search; its selectors are our choice and MUST be verified
//            against the live page before production (Naver changes its markup often, and
//            that is exactly why they are data: a fix is a profile file, not a release).
//
// Overrides, in order: SERP_AD_URL / SERP_ORGANIC_URL replace a url template (tests and the
// demo point them at the sample site); a profile file (JSON of the same shape as
// profiles.json, profiles matched by "name") replaces any field it names.
//
// Selectors may be CSS or XPath (see selector.h); they are parsed and checked once here, so a
// broken profile fails at start-up (std::invalid_argument / std::runtime_error), never in the
// middle of a crawl.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawl/selector.h"

namespace crawler::crawl {

struct Profile {
  std::string name;          // "ad", "organic": the key a profile file overrides by
  std::string rank_type;     // stored in keyword_rankings.rank_type: "AD" | "ORGANIC"
  std::string url_template;  // contains "{query}"
  // Parsed, ready for extract(): items from the document, the others inside an item.
  Selector items;
  Selector title;
  Selector display_url;
};

// The compiled-in profiles (throws only if the embedded file is broken: a build bug).
std::vector<Profile> default_profiles();

// Applies a profile file's JSON text over `profiles` (a name not present is added; it must
// then give every field). Throws std::invalid_argument on malformed JSON or selectors.
void apply_profile_json(std::vector<Profile>& profiles, std::string_view json);

// Reads `path` and applies it. Throws std::runtime_error when it cannot be read.
void apply_profile_file(std::vector<Profile>& profiles, const std::string& path);

// The profile whose rank_type is `rank_type` ("AD"/"ORGANIC", case-insensitive), if any.
const Profile* find_profile(const std::vector<Profile>& profiles, std::string_view rank_type);

// The url to fetch: the template with "{query}" replaced by the percent-encoded UTF-8
// keyword (RFC 3986 unreserved bytes kept, space as %20 like encodeURIComponent). Throws
// std::invalid_argument if the template has no "{query}".
std::string search_url(const Profile& profile, std::string_view keyword);

}  // namespace crawler::crawl
