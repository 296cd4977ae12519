// The crawl step: a job's data (keyword, target url, profile) → a rank with timings and
// bytes. Fetch (Fetcher), extract (extract.h), rank (rank.h), with optional fleet-wide
// politeness (HostGate) before the fetch.
//
// Errors: everything about the page (unreachable, refused, throttled, empty) is a
// CrawlStatus value; only a HostGate failure (Redis down) propagates as an exception, because
// whether to crawl unthrottled is the worker's decision, not this step's.
//
// The browser seam: crawl() works with any Fetcher; crawl_with_mode() implements
// CRAWL_MODE=auto|http|browser over an HTTP fetcher and an optional browser fetcher (whose
// body is the rendered DOM, parsed by the same profile). In auto mode the browser takes over
// when the fast path does not find the url (not_found, no_items, failed): a page built
// by script may hold what the raw HTML lacks; a throttled or refused fetch is not retried in a
// browser, which would be throttled or refused too.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crawl/extract.h"
#include "crawl/fetcher.h"
#include "crawl/politeness.h"
#include "crawl/profile.h"

namespace crawler::crawl {

enum class CrawlStatus {
  found,      // rank is set
  not_found,  // items were found, none matches: rank null (a browser may still see it)
  no_items,   // the page had no result items (empty SERP, markup changed, JS-only page)
  throttled,  // 429/503: retry later, after retry_after when given
  refused,    // SSRF guard or a non-http(s) url: never retried
  failed,     // network error, timeout, other HTTP status, polite slot not granted in time
};
std::string_view to_string(CrawlStatus s);

struct CrawlInput {
  std::string keyword;
  std::string target_url;  // as stored: scheme and leading www. removed
  Profile profile;
};

struct CrawlOptions {
  std::chrono::milliseconds timeout{10000};  // the fetch's (10 s: CRAWL_TIMEOUT_MS)
  ExtractLimits limits{};
  HostGate* gate = nullptr;                        // fleet-wide politeness; null: none
  std::chrono::milliseconds max_gate_wait{30000};  // give up (failed) after waiting this long
};

struct CrawlOutcome {
  CrawlStatus status = CrawlStatus::failed;
  std::optional<int> rank;  // 1-based; set only when found
  std::size_t items_found = 0;
  std::string method;  // "http" | "browser" (the fetcher that produced the final answer)
  std::string url;     // fetched
  int http_status = 0;
  std::optional<std::chrono::seconds> retry_after;
  std::uint64_t request_bytes = 0;  // all attempts (an auto-mode fallback adds both)
  std::uint64_t response_bytes = 0;
  std::chrono::milliseconds gate_wait{0};  // waiting for the polite slot
  std::chrono::milliseconds fetch_duration{0};
  std::chrono::milliseconds parse_duration{0};
  std::chrono::milliseconds total_duration{0};  // all of the above, all attempts
  std::string error;          // detail when status is throttled, refused or failed
  std::string fallback_from;  // auto mode: why the http attempt handed over ("no_items"...)

  // The fast path did not settle it: a browser attempt may.
  bool wants_fallback() const {
    return status == CrawlStatus::not_found || status == CrawlStatus::no_items ||
           status == CrawlStatus::failed;
  }
};

CrawlOutcome crawl(const CrawlInput& input, Fetcher& fetcher, const CrawlOptions& options = {});

enum class CrawlMode { automatic, http, browser };
// "auto" | "http" | "browser" (case-insensitive); nullopt otherwise.
std::optional<CrawlMode> parse_crawl_mode(std::string_view text);

struct Fetchers {
  Fetcher* http = nullptr;
  Fetcher* browser = nullptr;  // null until the browser path exists
};

// CRAWL_MODE semantics. A mode whose fetcher is missing (browser without one; http without
// one) yields status failed with an explanatory error rather than throwing: a misconfigured
// worker fails its jobs visibly.
CrawlOutcome crawl_with_mode(const CrawlInput& input, CrawlMode mode, const Fetchers& fetchers,
                             const CrawlOptions& options = {});

}  // namespace crawler::crawl
