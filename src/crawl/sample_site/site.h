// The sample search site: a local stand-in for both Naver result pages, used by tests,
// benchmarks and `crawler --demo`, served by our own http::Server.
//
//   GET /search.naver?where=m_expd&query=K   the AD page (m.ad.search.naver.com's shape:
//                                            li.list_item / .tit_area .tit / .url_link)
//   GET /search.naver?where=m_web&query=K    the ORGANIC page (ul.lst_total li.bx /
//                                            .total_tit / .source_txt, as profiles.json)
//   GET /health                              "ok"
// Any other `where` serves the organic page. Responses are gzip-compressed when the request
// accepts gzip, so byte counts of compressed pages are exercised everywhere.
//
// THE RANKING RULE (deterministic, so tests know the answer without the site):
//   h      = FNV-1a 64-bit hash of the keyword's UTF-8 bytes (after any "sample:<mode>:")
//   offset = h % 20 on the AD page, (h / 20) % 20 on the ORGANIC page
//   the item at rank r (1..10) is the site shop-N.example, N = (offset + r - 1) % 20 + 1
//   so shop-N.example ranks ((N - 1 - offset) mod 20) + 1 when that is <= 10, else absent.
//   How an item shows its site (exercises the rank rule):
//     N % 4 == 0   display URL "ad.link.example/c/N" (no match); the TITLE contains
//                  "shop-N.example": a match by title only
//     N odd        display URL "www.shop-N.example" (the stored url has no www.)
//     otherwise    display URL "https://shop-N.example/store"
//   Decoys that correct selectors must skip: an li.list_item_banner on the AD page, an
//   li.bx outside ul.lst_total on the ORGANIC page.
// sample_results() / sample_rank() implement exactly this rule.
//
// Special keywords "sample:<mode>" or "sample:<mode>:<keyword>" (the rule then applies to
// <keyword>):
//   empty     a result page with no items            slow      the page after `slow_delay`
//   429       429 with Retry-After: <seconds>        503       503 with an HTTP-date Retry-After
//   js        items only built by JavaScript (the static HTML has none: forces a browser)
//   beacon    the normal page plus a script and a fetch() to 169.254.169.254 (a browser's
//             request guard must block both)
//   metadata  302 to http://169.254.169.254/latest/meta-data/ (the SSRF guard must refuse)
//   redirect  302 to the same page for <keyword> (redirects are followed and counted)
//   big       the normal items preceded by ~1 MB of filler (size limits, throughput)
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace crawler::crawl::sample_site {

enum class Page { ad, organic };

struct Options {
  std::chrono::milliseconds slow_delay{3000};
  int retry_after_seconds = 7;
  int handler_threads = 8;  // slow pages hold a handler thread each
};

struct Result {
  std::string domain;  // "shop-7.example": what a keyword's target url would be
  std::string title;
  std::string display_url;
};

std::uint64_t keyword_hash(std::string_view keyword);
// The ten results for `keyword` (a "sample:<mode>:" prefix is ignored), in rank order.
std::vector<Result> results(std::string_view keyword, Page page);
// Where `domain` ranks for `keyword` on `page` under the rule above; nullopt when absent.
std::optional<int> rank_of(std::string_view keyword, std::string_view domain, Page page);

// The page's HTML (no special modes; `javascript_only` gives the "js" variant).
std::string render_page(std::string_view keyword, Page page, bool javascript_only = false);

// Every search request the site answered (tests check politeness and retry timing with it).
class SearchLog {
 public:
  struct Entry {
    std::chrono::steady_clock::time_point at;
    std::string query;  // as sent, "sample:<mode>:" prefix included
  };
  void record(std::string query);
  std::vector<Entry> entries() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

std::shared_ptr<http::Router> make_router(const Options& options,
                                          std::shared_ptr<SearchLog> log = nullptr);

// The site on a port of its own (0: any free one), for tests, benchmarks and the demo.
class Site {
 public:
  explicit Site(Options options = {}, std::string bind_address = "127.0.0.1",
                std::uint16_t port = 0);
  ~Site();
  Site(const Site&) = delete;
  Site& operator=(const Site&) = delete;

  void start();  // throws std::runtime_error if the port cannot be bound
  void stop();
  std::uint16_t port() const;
  // "http://127.0.0.1:PORT", and the templates for SERP_AD_URL / SERP_ORGANIC_URL.
  std::string base_url() const;
  std::string ad_url_template() const;
  std::string organic_url_template() const;
  // The search requests answered so far.
  std::vector<SearchLog::Entry> searches() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crawler::crawl::sample_site
