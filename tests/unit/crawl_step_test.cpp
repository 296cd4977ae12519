// The crawl step without a network: profiles and their overrides, crawl() over a fake Fetcher
// (every status), the CRAWL_MODE fallback seam, the HostGate hook, and the sample site's
// documented ranking rule against its own pages. The crawl settings are parsed by the
// settings table (tests/unit/config_test.cpp).
#include <gtest/gtest.h>

#include "crawl/crawl.h"
#include "crawl/extract.h"
#include "crawl/profile.h"
#include "crawl/rank.h"
#include "crawl/sample_site/site.h"

namespace crawler::crawl {
namespace {

using namespace std::chrono_literals;
namespace site = sample_site;

Profile profile(std::string_view rank_type) {
  const auto profiles = default_profiles();
  return *find_profile(profiles, rank_type);
}

// Answers every fetch with a fixed result, and remembers the urls asked for.
class FakeFetcher : public Fetcher {
 public:
  explicit FakeFetcher(FetchResult r) : result_(std::move(r)) {}
  FetchResult fetch(const FetchRequest& request) override {
    urls.push_back(request.url);
    auto r = result_;
    r.final_url = request.url;
    return r;
  }
  std::vector<std::string> urls;

 private:
  FetchResult result_;
};

FetchResult page(std::string body, std::string method = "http") {
  FetchResult r;
  r.status = 200;
  r.body = std::move(body);
  r.method = std::move(method);
  r.request_bytes = 100;
  r.response_bytes = 1000;
  return r;
}

TEST(Profiles, DefaultsAreTheOriginalsAndValid) {
  const auto profiles = default_profiles();
  ASSERT_EQ(profiles.size(), 2u);
  const Profile* ad = find_profile(profiles, "ad");
  ASSERT_NE(ad, nullptr);
  EXPECT_EQ(ad->rank_type, "AD");
  EXPECT_EQ(ad->url_template,
            "https://m.ad.search.naver.com/search.naver?where=m_expd&query={query}");
  EXPECT_NE(find_profile(profiles, "ORGANIC"), nullptr);
  EXPECT_EQ(find_profile(profiles, "SHOPPING"), nullptr);
}

TEST(Profiles, SearchUrlEncodesUtf8) {
  const auto ad = profile("AD");
  EXPECT_EQ(search_url(ad, "신발"),
            "https://m.ad.search.naver.com/search.naver?where=m_expd&query=%EC%8B%A0%EB%B0%9C");
  EXPECT_EQ(search_url(ad, "a b&c=d/~"),
            "https://m.ad.search.naver.com/search.naver?where=m_expd&query=a%20b%26c%3Dd%2F~");
  Profile broken = ad;
  broken.url_template = "http://x/";
  EXPECT_THROW(search_url(broken, "k"), std::invalid_argument);
}

TEST(Profiles, JsonOverridesByNameAndValidates) {
  auto profiles = default_profiles();
  apply_profile_json(profiles, R"({"profiles":[{"name":"organic","items":"div.result",
      "title":"//h2"}, {"name":"shop","rank_type":"shopping","url":"http://s/?q={query}",
      "items":"li","title":".t","display_url":".u"}]})");
  const Profile* organic = find_profile(profiles, "ORGANIC");
  ASSERT_NE(organic, nullptr);
  EXPECT_EQ(organic->title.syntax, Selector::Syntax::xpath);
  EXPECT_EQ(organic->title.text, "//h2");
  EXPECT_EQ(organic->items.syntax, Selector::Syntax::css);
  ASSERT_EQ(organic->items.chains.size(), 1u);
  ASSERT_EQ(organic->items.chains[0].size(), 1u);
  EXPECT_EQ(organic->items.chains[0][0].tag, "div");
  EXPECT_EQ(organic->items.chains[0][0].classes, std::vector<std::string>{"result"});
  EXPECT_EQ(organic->url_template, profile("ORGANIC").url_template);  // untouched
  ASSERT_NE(find_profile(profiles, "SHOPPING"), nullptr);

  for (const char* bad :
       {"", "[]", "{\"profiles\":{}}", "{\"profiles\":[{\"name\":\"ad\",\"items\":\"li:hover\"}]}",
        "{\"profiles\":[{\"name\":\"ad\",\"url\":\"http://no-query/\"}]}",
        "{\"profiles\":[{\"name\":\"new\"}]}", "{\"profiles\":[{\"name\":\"ad\",\"items\":3}]}"}) {
    auto copy = default_profiles();
    EXPECT_THROW(apply_profile_json(copy, bad), std::invalid_argument) << bad;
  }
  EXPECT_THROW(apply_profile_file(profiles, "/nonexistent/profiles.json"), std::runtime_error);
}

TEST(Crawl, FoundNotFoundAndNoItems) {
  const std::string html = site::render_page("신발", site::Page::ad);
  const auto expected = site::results("신발", site::Page::ad);
  FakeFetcher fetcher(page(html));
  const CrawlInput input{"신발", expected[2].domain, profile("AD")};
  const auto found = crawl(input, fetcher);
  EXPECT_EQ(found.status, CrawlStatus::found);
  EXPECT_EQ(found.rank, 3);
  EXPECT_EQ(found.items_found, 10u);
  EXPECT_EQ(found.method, "http");
  EXPECT_EQ(found.request_bytes, 100u);
  EXPECT_EQ(found.response_bytes, 1000u);
  EXPECT_FALSE(found.wants_fallback());
  ASSERT_EQ(fetcher.urls.size(), 1u);
  EXPECT_EQ(fetcher.urls[0], search_url(profile("AD"), "신발"));

  const auto missing = crawl({"신발", "nowhere.example", profile("AD")}, fetcher);
  EXPECT_EQ(missing.status, CrawlStatus::not_found);
  EXPECT_EQ(missing.rank, std::nullopt);
  EXPECT_TRUE(missing.wants_fallback());

  FakeFetcher empty(page("<html><body>검색결과가 없습니다</body></html>"));
  const auto none = crawl({"신발", "x.example", profile("AD")}, empty);
  EXPECT_EQ(none.status, CrawlStatus::no_items);
  EXPECT_EQ(none.items_found, 0u);
  EXPECT_TRUE(none.wants_fallback());
}

TEST(Crawl, FetchFailuresBecomeStatuses) {
  FetchResult throttled;
  throttled.status = 429;
  throttled.retry_after = 7s;
  FakeFetcher f429(throttled);
  auto out = crawl({"k", "x.example", profile("AD")}, f429);
  EXPECT_EQ(out.status, CrawlStatus::throttled);
  EXPECT_EQ(out.retry_after, 7s);
  EXPECT_FALSE(out.wants_fallback());

  FetchResult refused;
  refused.error = FetchError::refused;
  refused.error_message = "169.254.169.254 is link_local";
  FakeFetcher fr(refused);
  out = crawl({"k", "x.example", profile("AD")}, fr);
  EXPECT_EQ(out.status, CrawlStatus::refused);
  EXPECT_NE(out.error.find("link_local"), std::string::npos);
  EXPECT_FALSE(out.wants_fallback());

  FetchResult timeout;
  timeout.error = FetchError::timeout;
  FakeFetcher ft(timeout);
  EXPECT_EQ(crawl({"k", "x.example", profile("AD")}, ft).status, CrawlStatus::failed);

  FetchResult server_error;
  server_error.status = 500;
  FakeFetcher f500(server_error);
  out = crawl({"k", "x.example", profile("AD")}, f500);
  EXPECT_EQ(out.status, CrawlStatus::failed);
  EXPECT_EQ(out.http_status, 500);
}

class RecordingGate : public HostGate {
 public:
  explicit RecordingGate(bool grant) : grant_(grant) {}
  bool acquire(std::string_view host, std::chrono::steady_clock::time_point) override {
    hosts.emplace_back(host);
    return grant_;
  }
  std::vector<std::string> hosts;

 private:
  bool grant_;
};

TEST(Crawl, AsksTheGateForTheHost) {
  FakeFetcher fetcher(page(site::render_page("k", site::Page::ad)));
  RecordingGate yes(true);
  CrawlOptions options;
  options.gate = &yes;
  EXPECT_EQ(crawl({"k", "x.example", profile("AD")}, fetcher, options).status,
            CrawlStatus::not_found);
  EXPECT_EQ(yes.hosts, std::vector<std::string>{"m.ad.search.naver.com"});

  RecordingGate no(false);
  options.gate = &no;
  const auto out = crawl({"k", "x.example", profile("AD")}, fetcher, options);
  EXPECT_EQ(out.status, CrawlStatus::failed);
  EXPECT_EQ(fetcher.urls.size(), 1u);  // not fetched without a slot
}

TEST(CrawlMode, ParsesAndFallsBack) {
  EXPECT_EQ(parse_crawl_mode("auto"), CrawlMode::automatic);
  EXPECT_EQ(parse_crawl_mode("Browser"), CrawlMode::browser);
  EXPECT_EQ(parse_crawl_mode("puppeteer"), std::nullopt);

  // The "js" page has no items in its HTML; the browser (here a fake returning the rendered
  // DOM) sees them.
  const auto expected = site::results("가방", site::Page::organic);
  FakeFetcher http(page(site::render_page("sample:js:가방", site::Page::organic, true)));
  FakeFetcher browser(page(site::render_page("가방", site::Page::organic), "browser"));
  const CrawlInput input{"sample:js:가방", expected[5].domain, profile("ORGANIC")};

  auto out = crawl_with_mode(input, CrawlMode::http, {&http, &browser});
  EXPECT_EQ(out.status, CrawlStatus::no_items);
  EXPECT_EQ(browser.urls.size(), 0u);

  out = crawl_with_mode(input, CrawlMode::automatic, {&http, &browser});
  EXPECT_EQ(out.status, CrawlStatus::found);
  EXPECT_EQ(out.rank, 6);
  EXPECT_EQ(out.method, "browser");
  EXPECT_EQ(out.fallback_from, "no_items");
  EXPECT_EQ(out.request_bytes, 200u);  // both attempts

  out = crawl_with_mode(input, CrawlMode::automatic, {&http, nullptr});
  EXPECT_EQ(out.status, CrawlStatus::no_items);  // no browser yet: the http answer stands

  out = crawl_with_mode(input, CrawlMode::browser, {&http, nullptr});
  EXPECT_EQ(out.status, CrawlStatus::failed);
  EXPECT_NE(out.error.find("browser"), std::string::npos);
}

TEST(SampleSite, RuleMatchesItsPages) {
  for (const char* keyword : {"신발", "running shoes", "노트북 가방", "a&b <c>", "x"}) {
    for (auto page_kind : {site::Page::ad, site::Page::organic}) {
      const auto p = profile(page_kind == site::Page::ad ? "AD" : "ORGANIC");
      const auto items = extract(site::render_page(keyword, page_kind), p).items;
      ASSERT_EQ(items.size(), 10u) << keyword;
      const std::uint64_t h = site::keyword_hash(keyword);
      const std::uint64_t offset = page_kind == site::Page::ad ? h % 20 : (h / 20) % 20;
      for (int n = 1; n <= 20; ++n) {
        const std::string domain = "shop-" + std::to_string(n) + ".example";
        const int r = static_cast<int>((n - 1 + 20 - static_cast<int>(offset)) % 20) + 1;
        const std::optional<int> documented = r <= 10 ? std::optional(r) : std::nullopt;
        EXPECT_EQ(site::rank_of(keyword, domain, page_kind), documented) << keyword << domain;
        EXPECT_EQ(find_rank(items, domain), documented) << keyword << " " << domain;
        if (documented && n % 4 == 0) {
          EXPECT_EQ(items[r - 1].display_url.find(domain), std::string::npos);
          EXPECT_NE(items[r - 1].title.find(domain), std::string::npos);
        }
      }
    }
  }
  EXPECT_EQ(site::results("sample:slow:신발", site::Page::ad)[0].domain,
            site::results("신발", site::Page::ad)[0].domain);
}

}  // namespace
}  // namespace crawler::crawl
