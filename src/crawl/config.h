// The crawl stage's settings as typed values. The settings table (app/config.cpp) is the one
// place that reads and validates them from flags, the environment and .env; the worker turns
// them into fetcher options. Variables:
//   CRAWL_MODE           auto (default) | http | browser
//   CRAWL_TIMEOUT_MS     fetch timeout, default 10000
//   SERP_AD_URL, SERP_ORGANIC_URL  url templates of the AD and ORGANIC profiles ({query})
//   CRAWL_PROFILE_FILE   JSON profile overrides (see profile.h), applied after the two above
//   CRAWL_PROFILES       the rank types each job checks, in order
//   CRAWL_ALLOW_PRIVATE, CRAWL_ALLOWED_NETWORKS  the SSRF policy (ssrf.h)
//   CRAWL_RATE_PER_HOST, CRAWL_RATE_BURST        the fleet-wide limit per host
//   PROXY_HOST, PROXY_PORT, PROXY_USER, PROXY_PASS  the proxy (host and port enable it)
//   CHROMIUM_PATH, CRAWL_BROWSER_BLOCK           the browser method
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "crawl/crawl.h"
#include "crawl/profile.h"
#include "crawl/proxy.h"
#include "crawl/ssrf.h"

namespace crawler::crawl {

struct BrowserSettings {
  std::string chromium_path = "/usr/bin/chromium";
  // CDP resource types refused before they are requested; empty: none refused.
  std::vector<std::string> blocked_resource_types = {"Image", "Font", "Media"};
};

struct CrawlConfig {
  CrawlMode mode = CrawlMode::automatic;
  std::chrono::milliseconds timeout{10000};
  // Every known profile with the url templates and profile file applied.
  std::vector<Profile> profiles = default_profiles();
  std::vector<std::string> rank_types = {"AD"};  // checked per job; the first gives its rank
  std::string profile_file;  // CRAWL_PROFILE_FILE, applied to `profiles` by load_config()
  SsrfPolicy ssrf;
  // Without the session salt: each worker process draws its own (proxy.h).
  std::optional<ProxyConfig> proxy;
  double rate_per_host = 5.0;  // 0: no fleet-wide limit
  int rate_burst = 1;
  BrowserSettings browser;
};

}  // namespace crawler::crawl
