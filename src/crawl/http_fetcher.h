// HttpFetcher: the fast path's Fetcher, on libcurl.
//
// What a request looks like: an iPhone Safari User-Agent (Naver's mobile pages) and ko-KR
// Accept-Language, Accept-Encoding for everything libcurl can decode (gzip, deflate, br),
// HTTP/2 over TLS when the server offers it, the request's timeout for the whole fetch.
//
// Design:
//   - Redirects are followed here, not by libcurl (FOLLOWLOCATION off), one hop at a time:
//     each hop's scheme and literal address are checked before it is requested, and each
//     hop's bytes are added to the totals. The SSRF guard proper is on the socket: every
//     connection libcurl opens goes through our CURLOPT_OPENSOCKETFUNCTION, which refuses an
//     address the policy does not allow, so what is checked is what is connected (see ssrf.h).
//   - With a proxy (PROXY_*), sockets go to the proxy, which the operator configured and which
//     resolves names in its own network; only literal addresses in urls are checked then.
//     Environment proxies (http_proxy...) are ignored: they would bypass the guard unseen.
//   - Bytes are libcurl's own counts per hop (CURLINFO_REQUEST_SIZE, CURLINFO_HEADER_SIZE,
//     CURLINFO_SIZE_DOWNLOAD_T: the body as transferred, before decompression), i.e. exact
//     HTTP bytes, not estimates. TLS record overhead is not included.
//   - Thread-safe: easy handles come from a small mutex-guarded pool and are reused, so
//     keep-alive connections, TLS sessions and the DNS cache survive between fetches
//     (the benchmark's jobs/s depend on it).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "crawl/fetcher.h"
#include "crawl/proxy.h"
#include "crawl/ssrf.h"

namespace crawler::crawl {

// A current iPhone Safari; any iPhone Safari UA gets the same mobile pages. Override with
// HttpFetcherOptions::user_agent.
inline constexpr const char* kIphoneSafariUserAgent =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
inline constexpr const char* kKoreanAcceptLanguage = "ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7";

struct HttpFetcherOptions {
  std::string user_agent = kIphoneSafariUserAgent;
  std::string accept_language = kKoreanAcceptLanguage;
  int max_redirects = 5;
  std::size_t max_body_bytes = 8 * 1024 * 1024;  // decoded; beyond → FetchError::too_large
  std::chrono::milliseconds connect_timeout{5000};
  SsrfPolicy ssrf{};
  std::optional<ProxyConfig> proxy{};
  std::size_t max_idle_handles = 16;
  // Time source for the proxy session suffix (tests pin it).
  std::function<std::chrono::system_clock::time_point()> clock{};
};

class HttpFetcher final : public Fetcher {
 public:
  // Throws std::invalid_argument for invalid options (bad allowed network, proxy without
  // host/port), std::runtime_error if libcurl cannot be initialised.
  explicit HttpFetcher(HttpFetcherOptions options = {});
  ~HttpFetcher() override;
  HttpFetcher(const HttpFetcher&) = delete;
  HttpFetcher& operator=(const HttpFetcher&) = delete;

  FetchResult fetch(const FetchRequest& request) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crawler::crawl
