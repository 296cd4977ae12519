// The browser fetch method with real Chromium against the sample site: JS-only result pages
// ranked right on both profiles, CRAWL_MODE=auto taking the fast path when it settles the job
// and the browser otherwise, the SSRF guard on the page's own requests (a redirect of the
// page and subresources aimed at 169.254.169.254), Chromium killed mid-job (the fetch fails
// cleanly, the next relaunches it), and no Chromium process left behind.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "crawl/browser/browser_fetcher.h"
#include "crawl/crawl.h"
#include "crawl/http_fetcher.h"
#include "crawl/sample_site/site.h"
#include "sample_profile.h"
#include "support/forward_proxy.h"

namespace crawler::crawl::browser {
namespace {

using namespace std::chrono_literals;
namespace site = sample_site;

// This test process's own TMPDIR: Chromium profiles are created under it, so counting the
// processes whose command line names it finds our browsers and no one else's (tests run in
// parallel).
const std::string& test_tmpdir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/crawl-browser-test-XXXXXX";
    std::string d = ::mkdtemp(tmpl);
    ::setenv("TMPDIR", d.c_str(), 1);
    return d;
  }();
  return dir;
}

// Processes whose command line names one of our Chromium profile directories.
int chromium_processes() {
  int count = 0;
  DIR* proc = opendir("/proc");
  while (auto* entry = readdir(proc)) {
    if (entry->d_name[0] < '0' || entry->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + entry->d_name + "/cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    if (cmdline.find(test_tmpdir() + "/crawler-chromium-") != std::string::npos) ++count;
  }
  closedir(proc);
  return count;
}

class CrawlBrowserTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    test_tmpdir();
    site::Options options;
    options.slow_delay = 4000ms;
    site_ = new site::Site(options);
    site_->start();
  }
  static void TearDownTestSuite() {
    delete site_;
    site_ = nullptr;
    EXPECT_EQ(chromium_processes(), 0) << "Chromium processes leaked";
    std::error_code ec;
    std::filesystem::remove_all(test_tmpdir(), ec);
  }

  // Loopback only (the sample site); 169.254/16 and every other private range stay refused.
  static BrowserFetcherOptions options() {
    BrowserFetcherOptions o;
    o.ssrf.allowed_networks = {"127.0.0.0/8", "::1/128"};
    return o;
  }
  static Profile profile(std::string_view rank_type) {
    return crawler::testing::sample_profile(*site_, rank_type);
  }
  // A keyword and a domain the sample site ranks on `page`.
  static std::pair<std::string, std::string> ranked(site::Page page, int* rank) {
    for (int k = 0; k < 50; ++k) {
      std::string keyword = "캠핑 의자 " + std::to_string(k);
      for (const auto& r : site::results(keyword, page))
        if (auto found = site::rank_of(keyword, r.domain, page); found && *found >= 3) {
          *rank = *found;
          return {keyword, r.domain};
        }
    }
    throw std::runtime_error("nothing ranked");
  }
  static site::Site* site_;
};
site::Site* CrawlBrowserTest::site_ = nullptr;

TEST_F(CrawlBrowserTest, JavascriptOnlyPagesRankRightOnBothProfiles) {
  BrowserFetcher browser(options());
  HttpFetcher http([] {
    HttpFetcherOptions o;
    o.ssrf.allowed_networks = {"127.0.0.0/8"};
    return o;
  }());
  for (auto [type, page] : {std::pair{"AD", site::Page::ad}, {"ORGANIC", site::Page::organic}}) {
    int expected = 0;
    auto [keyword, domain] = ranked(page, &expected);
    CrawlInput input{"sample:js:" + keyword, domain, profile(type)};
    // The fast path sees an empty list...
    auto fast = crawl(input, http);
    EXPECT_EQ(fast.status, CrawlStatus::no_items) << type;
    // ...the browser runs the page's script and finds the rank.
    auto outcome = crawl(input, browser);
    EXPECT_EQ(outcome.status, CrawlStatus::found) << type << ": " << outcome.error;
    EXPECT_EQ(outcome.rank, expected) << type;
    EXPECT_EQ(outcome.method, "browser");
    EXPECT_EQ(outcome.http_status, 200);
    EXPECT_GT(outcome.request_bytes, 100u);
    EXPECT_GT(outcome.response_bytes, 100u);
  }
  EXPECT_EQ(browser.launches(), 1);  // one browser for every fetch
}

TEST_F(CrawlBrowserTest, AutoModeUsesTheFastPathWhenItSucceedsAndTheBrowserOtherwise) {
  BrowserFetcher browser(options());
  HttpFetcherOptions ho;
  ho.ssrf.allowed_networks = {"127.0.0.0/8"};
  HttpFetcher http(ho);
  const Fetchers both{.http = &http, .browser = &browser};
  int expected = 0;
  auto [keyword, domain] = ranked(site::Page::ad, &expected);

  auto plain = crawl_with_mode({keyword, domain, profile("AD")}, CrawlMode::automatic, both);
  EXPECT_EQ(plain.status, CrawlStatus::found);
  EXPECT_EQ(plain.method, "http");
  EXPECT_EQ(browser.launches(), 0);  // never needed: never launched

  auto js =
      crawl_with_mode({"sample:js:" + keyword, domain, profile("AD")}, CrawlMode::automatic, both);
  EXPECT_EQ(js.status, CrawlStatus::found) << js.error;
  EXPECT_EQ(js.rank, expected);
  EXPECT_EQ(js.method, "browser");
  EXPECT_EQ(js.fallback_from, "no_items");

  auto forced = crawl_with_mode({keyword, domain, profile("AD")}, CrawlMode::browser, both);
  EXPECT_EQ(forced.method, "browser");
  EXPECT_EQ(forced.rank, expected);
}

TEST_F(CrawlBrowserTest, ThroughAnAuthenticatingProxyWithTheRotatingSessionUser) {
  crawler::testing::ForwardProxy proxy("pa55");
  auto o = options();
  o.proxy = ProxyConfig{.host = "127.0.0.1",
                        .port = static_cast<std::uint16_t>(proxy.port()),
                        .user = "customer",
                        .password = "pa55",
                        .session_salt = 42};
  BrowserFetcher browser(o);
  int expected = 0;
  auto [keyword, domain] = ranked(site::Page::ad, &expected);
  auto out = crawl({"sample:js:" + keyword, domain, profile("AD")}, browser);
  EXPECT_EQ(out.status, CrawlStatus::found) << out.error;
  EXPECT_EQ(out.rank, expected);
  EXPECT_GE(proxy.challenges(), 1);  // Chromium asked first, we answered Fetch.authRequired
  const auto users = proxy.users();
  ASSERT_FALSE(users.empty());
  EXPECT_EQ(users.back(), proxy_session_username("customer", 42, std::chrono::system_clock::now()));
}

TEST_F(CrawlBrowserTest, RequestsToTheMetadataServiceAreBlocked) {
  BrowserFetcher browser(options());
  int expected = 0;
  auto [keyword, domain] = ranked(site::Page::ad, &expected);
  // Subresources: blocked, and the page still ranks.
  auto p = profile("AD");
  auto beacon = browser.fetch({.url = search_url(p, "sample:beacon:" + keyword), .timeout = 10s});
  EXPECT_TRUE(beacon.ok()) << beacon.error_message;
  ASSERT_FALSE(beacon.blocked_requests.empty());
  for (const auto& url : beacon.blocked_requests)
    EXPECT_NE(url.find("169.254.169.254"), std::string::npos) << url;
  // The page itself redirected there: the fetch is refused.
  auto redirect =
      browser.fetch({.url = search_url(p, "sample:metadata:" + keyword), .timeout = 10s});
  EXPECT_EQ(redirect.error, FetchError::refused) << redirect.error_message;
  // And without the loopback allowance the sample site itself is refused.
  BrowserFetcher strict(BrowserFetcherOptions{});
  auto local = strict.fetch({.url = search_url(p, keyword), .timeout = 10s});
  EXPECT_EQ(local.error, FetchError::refused) << local.error_message;
}

TEST_F(CrawlBrowserTest, ChromiumKilledMidJobFailsTheFetchAndIsRelaunched) {
  BrowserFetcher browser(options());
  int expected = 0;
  auto [keyword, domain] = ranked(site::Page::ad, &expected);
  const auto p = profile("AD");
  ASSERT_TRUE(browser.fetch({.url = search_url(p, keyword)}).ok());
  const int first_pid = browser.browser_pid();
  ASSERT_GT(first_pid, 0);

  FetchResult during;
  std::thread job([&] {
    during = browser.fetch({.url = search_url(p, "sample:slow:" + keyword), .timeout = 10s});
  });
  // The slow page is being loaded: kill the browser's main process, as the OOM killer would.
  auto slow_seen = [&] {
    for (const auto& e : site_->searches())
      if (e.query.starts_with("sample:slow:")) return true;
    return false;
  };
  for (int i = 0; i < 500 && !slow_seen(); ++i) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(300ms);
  const auto killed_at = std::chrono::steady_clock::now();
  kill(first_pid, SIGKILL);
  job.join();
  EXPECT_LT(std::chrono::steady_clock::now() - killed_at, 3s);  // fails fast, no hang
  EXPECT_EQ(during.error, FetchError::network);
  EXPECT_NE(during.error_message.find("browser"), std::string::npos) << during.error_message;

  auto after = crawl({keyword, domain, p}, browser);
  EXPECT_EQ(after.status, CrawlStatus::found) << after.error;
  EXPECT_EQ(browser.launches(), 2);
  EXPECT_NE(browser.browser_pid(), first_pid);
  browser.shutdown();
  EXPECT_EQ(chromium_processes(), 0);
}

}  // namespace
}  // namespace crawler::crawl::browser
