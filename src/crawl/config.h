// The crawl stage's settings from the environment, in one place so the worker's wiring (and
// `crawler --demo`) only calls crawl_config_from_env(). Variables:
//   CRAWL_MODE           auto (default) | http | browser
//   CRAWL_TIMEOUT_MS     fetch timeout, default 10000 (the original's)
//   SERP_AD_URL          AD profile's url template, must contain {query}
//   SERP_ORGANIC_URL     ORGANIC profile's url template
//   CRAWL_PROFILE_FILE   JSON profile overrides (see profile.h)
//   CRAWL_ALLOW_PRIVATE  1: the SSRF guard allows every address (tests, local demo only)
//   CRAWL_ALLOWED_NETWORKS  comma-separated CIDRs allowed although not global
//   CRAWL_RATE_PER_HOST  requests per second per host across the fleet; 0 disables (default 5)
//   CRAWL_RATE_BURST     back-to-back requests allowed, default 1
//   PROXY_HOST, PROXY_PORT, PROXY_USER, PROXY_PASS  as the original (host and port enable it)
// Invalid values throw std::invalid_argument naming the variable: configuration errors stop
// the worker at start-up instead of failing every job.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawl/crawl.h"
#include "crawl/http_fetcher.h"
#include "crawl/profile.h"

namespace crawler::crawl {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the process environment (getenv).
EnvLookup process_environment();

struct CrawlConfig {
  CrawlMode mode = CrawlMode::automatic;
  std::chrono::milliseconds timeout{10000};
  std::vector<Profile> profiles;
  HttpFetcherOptions http;
  double rate_per_host = 5.0;  // 0: no fleet-wide limit
  int rate_burst = 1;
};

CrawlConfig crawl_config_from_env(const EnvLookup& env);

}  // namespace crawler::crawl
