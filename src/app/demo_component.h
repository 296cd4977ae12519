// `crawler --demo`: the whole system working within seconds, with no internet and nothing
// installed but the binary. It serves the sample search site (crawl/sample_site, the same one
// the tests crawl) on a free loopback port, points the crawl at it (SERP_AD_URL,
// SERP_ORGANIC_URL, both rank types, auto mode made http: no browser needed)
// and allows private addresses as crawl targets (the site is on 127.0.0.1; nothing else is
// crawled in a demo), then seeds a few keywords —
// Korean ones among them — whose target sites rank on that site, and queues them at once.
// One target is set better than its rank, so a rank_alert shows up as well.
#pragma once

#include <memory>
#include <string>

#include "app/backends.h"
#include "app/component.h"
#include "app/config.h"

namespace crawler::app {

// Where the demo's sample site serves its two search pages ({query} in each).
struct DemoSite {
  std::string ad_url_template;
  std::string organic_url_template;
};

// Points the crawl settings at the sample site: both url templates, both rank types, private
// addresses allowed (the site is on loopback), and auto mode made http (the site's pages are
// static, so no browser is needed; CRAWL_MODE=browser still wins). Applied to the config
// before any component is built from it.
void apply_demo_overrides(Config& config, const DemoSite& site);

struct Demo {
  std::unique_ptr<Component> component;  // seeds the keywords on start(), stops the site
  DemoSite site;
};

// Starts the sample site at once, so its port is known before the other components are built.
// Throws std::runtime_error when the site cannot bind a port.
Demo start_demo(Backends& backends);

}  // namespace crawler::app
