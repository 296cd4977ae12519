// The fetch stage's interface: one GET of a url, answered with the body and an exact account
// of what it cost. Two implementations: HttpFetcher (libcurl, http_fetcher.h) and BrowserFetcher
// (headless Chromium, browser/browser_fetcher.h) whose body is the rendered DOM. Kept deliberately
// narrow (no sessions, no cookies, no callbacks) so the browser one can honour it.
//
// Errors are values, not exceptions: a timeout, a refused address or a 429 is an ordinary
// outcome of crawling that the caller (crawl.h) reports and the worker retries; exceptions
// are reserved for programming and configuration errors.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crawler::crawl {

struct FetchRequest {
  std::string url;
  // Extra request headers (name, value); replace the fetcher's defaults of the same name.
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds timeout{10000};  // for the whole fetch, redirects included
};

enum class FetchError {
  none,
  bad_url,  // unparsable, or a scheme other than http/https
  refused,  // SSRF guard: the address (or a redirect's) is not allowed
  timeout,
  network,    // DNS, connect, TLS, reset...
  too_large,  // body over the fetcher's limit
  too_many_redirects,
};

std::string_view to_string(FetchError e);

struct FetchResult {
  int status = 0;    // HTTP status of the last response; 0 when none was received
  std::string body;  // decoded (gzip/br/deflate undone)
  std::string final_url;
  std::string content_type;
  // On the wire, every hop (redirects, a proxy's CONNECT answer) included: request line and
  // headers sent; status lines, headers and the body as transferred (still compressed).
  std::uint64_t request_bytes = 0;
  std::uint64_t response_bytes = 0;
  std::chrono::milliseconds duration{0};
  std::string method;  // "http" | "browser": recorded as crawling_method
  int redirects = 0;
  // 429 / 503 with a valid Retry-After: the wait it asks for (capped).
  std::optional<std::chrono::seconds> retry_after;
  FetchError error = FetchError::none;
  std::string error_message;  // human-readable detail when error != none
  // Browser: requests of the page the SSRF guard refused (subresources; the page itself
  // being refused is error == refused). Logged, so a probing page is visible.
  std::vector<std::string> blocked_requests;

  bool ok() const { return error == FetchError::none && status >= 200 && status < 300; }
  // The server asks us to slow down: retry later, honouring retry_after.
  bool throttled() const { return status == 429 || status == 503; }
};

class Fetcher {
 public:
  virtual ~Fetcher() = default;
  // Thread-safe: one Fetcher serves every worker slot of a process.
  virtual FetchResult fetch(const FetchRequest& request) = 0;
};

}  // namespace crawler::crawl
