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

#include "app/backends.h"
#include "app/component.h"
#include "app/config.h"

namespace crawler::app {

// Starts the sample site at once and rewrites `config`'s crawl settings to crawl it, so build
// the other components from `config` afterwards. Seeds the keywords on start(). Throws
// std::runtime_error when the site cannot bind a port.
std::unique_ptr<Component> make_demo_component(Config& config, Backends& backends);

}  // namespace crawler::app
