// The browser fetch method: a Fetcher whose body is the page's DOM after its scripts ran,
// from Debian's Chromium driven over the DevTools protocol (cdp_client.h, chromium_process.h).
// The crawl step parses that body with the same profile and extraction as the fast path, so
// one set of selectors serves both methods.
//
// Per process one browser, launched on first need and relaunched when it died (crash, OOM
// kill) or stopped answering commands. Per fetch:
//   - a fresh incognito browser context (no cookies or cache shared between jobs), through
//     the proxy when one is configured, disposed at the end;
//   - mobile emulation: 375×812 at 3x, touch, the iPhone UA and ko-KR Accept-Language, as
//     the fast path presents itself;
//   - every request the page makes is paused (Fetch domain) and judged before it leaves:
//     images, fonts and media are refused (bandwidth; configurable), so is any url the SSRF
//     guard refuses (ssrf.h's check_url, the fast path's check: a scheme other than http(s),
//     or a host that is or resolves to an address the policy refuses, 169.254.169.254
//     included) — main document, redirects and subresources alike;
//     proxy authentication challenges are answered with the rotating session user name;
//   - navigate, wait for the load event and then network idle (no request in flight for
//     `network_idle`, at most `max_idle_wait` after load), all bounded by the request's
//     timeout; then the DOM is serialised.
// Bytes: request lines and headers as sent plus encodedDataLength of every response
// (Network events), so a browser crawl is accounted like an HTTP one.
//
// Residual risk, stated: the SSRF check resolves the host itself (once per page), and
// Chromium resolves it again to connect; a DNS answer that changes in between (rebinding) is
// not caught here as it is on the fast path, which checks the connected socket. Mitigation in
// deployment: the task's security group and IMDSv2 with a hop limit of 1 keep the metadata service
// out of a container's reach.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crawl/browser/chromium_process.h"
#include "crawl/fetcher.h"
#include "crawl/proxy.h"
#include "crawl/ssrf.h"

namespace crawler::crawl::browser {

struct BrowserFetcherOptions {
  ChromiumOptions chromium;
  std::string user_agent;       // empty: the fast path's iPhone UA
  std::string accept_language;  // empty: the fast path's ko-KR list
  int viewport_width = 375;
  int viewport_height = 812;
  double device_scale_factor = 3;
  // CDP resource types refused before they are requested (CRAWL_BROWSER_BLOCK).
  std::vector<std::string> blocked_resource_types = {"Image", "Font", "Media"};
  std::chrono::milliseconds network_idle{500};
  std::chrono::milliseconds max_idle_wait{3000};
  // A DevTools command (not a page load) that takes longer means the browser hangs.
  std::chrono::milliseconds command_timeout{10000};
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  SsrfPolicy ssrf{};
  std::optional<ProxyConfig> proxy{};
  std::function<std::chrono::system_clock::time_point()> clock{};
};

// The DevTools protocol's resource types (Network.ResourceType): what blocked_resource_types
// may name, spelt as the protocol reports them.
inline constexpr std::string_view kResourceTypes[] = {"Stylesheet",
                                                      "Image",
                                                      "Media",
                                                      "Font",
                                                      "Script",
                                                      "TextTrack",
                                                      "XHR",
                                                      "Fetch",
                                                      "Prefetch",
                                                      "EventSource",
                                                      "WebSocket",
                                                      "Manifest",
                                                      "Ping",
                                                      "Other",
                                                      "Preflight",
                                                      "SignedExchange",
                                                      "CSPViolationReport"};

class BrowserFetcher final : public Fetcher {
 public:
  // Does not launch the browser yet. Throws std::invalid_argument for invalid options.
  explicit BrowserFetcher(BrowserFetcherOptions options);
  ~BrowserFetcher() override;  // shutdown()
  BrowserFetcher(const BrowserFetcher&) = delete;
  BrowserFetcher& operator=(const BrowserFetcher&) = delete;

  FetchResult fetch(const FetchRequest& request) override;

  // Closes the browser (the worker's drain, after its last job). A later fetch relaunches.
  void shutdown();
  // For tests and metrics: browsers launched so far, and the running one's pid (-1: none).
  int launches() const;
  int browser_pid() const;

 private:
  std::shared_ptr<ChromiumProcess> acquire_browser();
  void discard_browser(const std::shared_ptr<ChromiumProcess>& browser);

  BrowserFetcherOptions options_;
  mutable std::mutex mutex_;
  std::shared_ptr<ChromiumProcess> browser_;
  int launches_ = 0;
};

}  // namespace crawler::crawl::browser
