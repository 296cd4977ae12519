// The crawl profile of `rank_type` (AD, ORGANIC) pointed at a running sample site, for the
// crawl tests that fetch from it.
#pragma once

#include <string_view>

#include "crawl/profile.h"
#include "crawl/sample_site/site.h"

namespace crawler::testing {

inline crawl::Profile sample_profile(const crawl::sample_site::Site& site,
                                     std::string_view rank_type) {
  auto profiles = crawl::default_profiles();
  crawl::Profile p = *crawl::find_profile(profiles, rank_type);
  p.url_template = rank_type == "AD" ? site.ad_url_template() : site.organic_url_template();
  return p;
}

}  // namespace crawler::testing
