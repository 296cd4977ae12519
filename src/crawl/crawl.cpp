#include "crawl/crawl.h"

#include <boost/url/parse.hpp>

#include "core/ascii.h"
#include "crawl/rank.h"

namespace crawler::crawl {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

milliseconds since(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t);
}

std::string host_of(const std::string& url) {
  auto parsed = boost::urls::parse_uri(url);
  if (!parsed) return {};
  return std::string(parsed->host());
}

}  // namespace

std::string_view to_string(CrawlStatus s) {
  switch (s) {
    case CrawlStatus::found:
      return "found";
    case CrawlStatus::not_found:
      return "not_found";
    case CrawlStatus::no_items:
      return "no_items";
    case CrawlStatus::throttled:
      return "throttled";
    case CrawlStatus::refused:
      return "refused";
    case CrawlStatus::failed:
      return "failed";
  }
  return "unknown";
}

CrawlOutcome crawl(const CrawlInput& input, Fetcher& fetcher, const CrawlOptions& options) {
  const auto started = Clock::now();
  CrawlOutcome out;
  auto done = [&]() -> CrawlOutcome {
    out.total_duration = since(started);
    return out;
  };
  try {
    out.url = search_url(input.profile, input.keyword);
  } catch (const std::invalid_argument& e) {
    out.status = CrawlStatus::refused;
    out.error = e.what();
    return done();
  }

  if (options.gate) {
    const auto host = host_of(out.url);
    const auto gate_start = Clock::now();
    const bool granted = options.gate->acquire(host, gate_start + options.max_gate_wait);
    out.gate_wait = since(gate_start);
    if (!granted) {
      out.status = CrawlStatus::failed;
      out.error = "no polite slot for " + host + " within " +
                  std::to_string(options.max_gate_wait.count()) + " ms";
      return done();
    }
  }

  const FetchResult fetched = fetcher.fetch({.url = out.url, .timeout = options.timeout});
  out.method = fetched.method;
  out.http_status = fetched.status;
  out.request_bytes = fetched.request_bytes;
  out.response_bytes = fetched.response_bytes;
  out.fetch_duration = fetched.duration;
  if (fetched.error != FetchError::none) {
    out.status = fetched.error == FetchError::refused || fetched.error == FetchError::bad_url
                     ? CrawlStatus::refused
                     : CrawlStatus::failed;
    out.error = std::string(to_string(fetched.error)) + ": " + fetched.error_message;
    return done();
  }
  if (fetched.throttled()) {
    out.status = CrawlStatus::throttled;
    out.retry_after = fetched.retry_after;
    out.error = "HTTP " + std::to_string(fetched.status);
    return done();
  }
  if (!fetched.ok()) {
    out.status = CrawlStatus::failed;
    out.error = "HTTP " + std::to_string(fetched.status);
    return done();
  }

  const auto parse_start = Clock::now();
  const Extraction extraction = extract(fetched.body, input.profile, options.limits);
  out.items_found = extraction.items.size();
  out.rank = find_rank(extraction.items, input.target_url);
  out.parse_duration = since(parse_start);
  out.status = out.rank                   ? CrawlStatus::found
               : extraction.items.empty() ? CrawlStatus::no_items
                                          : CrawlStatus::not_found;
  return done();
}

std::optional<CrawlMode> parse_crawl_mode(std::string_view text) {
  const std::string s = ascii_lower(text);
  if (s == "auto") return CrawlMode::automatic;
  if (s == "http") return CrawlMode::http;
  if (s == "browser") return CrawlMode::browser;
  return std::nullopt;
}

CrawlOutcome crawl_with_mode(const CrawlInput& input, CrawlMode mode, const Fetchers& fetchers,
                             const CrawlOptions& options) {
  auto missing = [](std::string what) {
    CrawlOutcome out;
    out.status = CrawlStatus::failed;
    out.error = std::move(what);
    return out;
  };
  if (mode == CrawlMode::browser) {
    if (!fetchers.browser) return missing("CRAWL_MODE=browser but no browser fetcher is available");
    return crawl(input, *fetchers.browser, options);
  }
  if (!fetchers.http) return missing("no http fetcher is available");
  CrawlOutcome first = crawl(input, *fetchers.http, options);
  if (mode == CrawlMode::http || !fetchers.browser || !first.wants_fallback()) return first;

  CrawlOutcome second = crawl(input, *fetchers.browser, options);
  second.fallback_from = std::string(to_string(first.status));
  if (!first.error.empty()) second.fallback_from += ": " + first.error;
  second.request_bytes += first.request_bytes;
  second.response_bytes += first.response_bytes;
  second.gate_wait += first.gate_wait;
  second.fetch_duration += first.fetch_duration;
  second.parse_duration += first.parse_duration;
  second.total_duration += first.total_duration;
  return second;
}

}  // namespace crawler::crawl
