// HttpFetcher and crawl() on loopback: the sample site (both profiles, Korean keywords, title
// vs display-URL matches, not found, empty and JS-only pages, 429/503 with Retry-After,
// slow pages, redirects, gzip), the SSRF guard (the redirect to 169.254.169.254, a host name
// resolving to loopback, literal addresses, other schemes), exact byte counts against a raw
// server that knows what it received and sent, and a forwarding test proxy that demands
// Basic authentication with the rotating session user name.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include "crawl/crawl.h"
#include "crawl/http_fetcher.h"
#include "crawl/sample_site/site.h"
#include "sample_profile.h"
#include "support/forward_proxy.h"

namespace crawler::crawl {
namespace {

using namespace std::chrono_literals;
namespace site = sample_site;

// ---- a tiny blocking TCP server for the raw and proxy tests --------------------------------

class TcpServer {
 public:
  // `serve` handles one accepted connection (then it is closed).
  explicit TcpServer(std::function<void(int)> serve) : serve_(std::move(serve)) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd_, 16) != 0)
      throw std::runtime_error("bind/listen failed");
    socklen_t len = sizeof addr;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~TcpServer() {
    stop_ = true;
    thread_.join();
    close(fd_);
  }
  int port() const { return port_; }

 private:
  void run() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      const int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      serve_(client);
      close(client);
    }
  }
  std::function<void(int)> serve_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

std::string gzip(std::string_view in) {
  z_stream z{};
  deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(in.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// ---- the sample site, shared by the suite ---------------------------------------------------

class CrawlFetchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    site::Options options;
    options.slow_delay = 1500ms;
    options.retry_after_seconds = 7;
    site_ = new site::Site(options);
    site_->start();
  }
  static void TearDownTestSuite() {
    delete site_;
    site_ = nullptr;
  }

  // The sample site is on 127.0.0.1: allow exactly loopback, nothing else private.
  static HttpFetcherOptions loopback_options() {
    HttpFetcherOptions o;
    o.ssrf.allowed_networks = {"127.0.0.0/8", "::1/128"};
    return o;
  }
  static Profile profile(std::string_view rank_type) {
    return crawler::testing::sample_profile(*site_, rank_type);
  }
  static site::Page page_of(std::string_view rank_type) {
    return rank_type == "AD" ? site::Page::ad : site::Page::organic;
  }

  static site::Site* site_;
};
site::Site* CrawlFetchTest::site_ = nullptr;

TEST_F(CrawlFetchTest, RightRankOnBothProfilesWithKoreanKeywords) {
  HttpFetcher fetcher(loopback_options());
  for (const char* rank_type : {"AD", "ORGANIC"}) {
    for (const char* keyword : {"신발", "노트북 가방", "running shoes", "여름 원피스 & 샌들"}) {
      const auto expected = site::results(keyword, page_of(rank_type));
      for (int index : {0, 4, 9}) {
        const auto out = crawl({keyword, expected[index].domain, profile(rank_type)}, fetcher);
        EXPECT_EQ(out.status, CrawlStatus::found) << rank_type << " " << keyword << out.error;
        EXPECT_EQ(out.rank, index + 1) << rank_type << " " << keyword;
        EXPECT_EQ(out.items_found, 10u);
        EXPECT_EQ(out.method, "http");
        EXPECT_EQ(out.http_status, 200);
        EXPECT_GT(out.request_bytes, 100u);
        EXPECT_GT(out.response_bytes, 500u);
      }
    }
  }
}

TEST_F(CrawlFetchTest, TitleMatchAndDisplayUrlMatch) {
  HttpFetcher fetcher(loopback_options());
  // Find a keyword whose AD page shows a multiple-of-4 site (title-only match) and an odd one
  // (display URL "www.shop-N.example").
  for (int i = 0;; ++i) {
    const std::string keyword = "키워드 " + std::to_string(i);
    const auto results = site::results(keyword, site::Page::ad);
    const auto title_only = std::find_if(results.begin(), results.end(), [](const auto& r) {
      return r.display_url.find(r.domain) == std::string::npos;
    });
    const auto www = std::find_if(results.begin(), results.end(),
                                  [](const auto& r) { return r.display_url.starts_with("www."); });
    if (title_only == results.end() || www == results.end()) continue;
    auto out = crawl({keyword, title_only->domain, profile("AD")}, fetcher);
    EXPECT_EQ(out.rank, title_only - results.begin() + 1);
    out = crawl({keyword, www->domain, profile("AD")}, fetcher);
    EXPECT_EQ(out.rank, www - results.begin() + 1);
    break;
  }
}

TEST_F(CrawlFetchTest, NotFoundEmptyAndJavascriptOnlyPages) {
  HttpFetcher fetcher(loopback_options());
  const auto results = site::results("신발", site::Page::ad);
  std::string absent;
  for (int n = 1; n <= 20 && absent.empty(); ++n) {
    const std::string d = "shop-" + std::to_string(n) + ".example";
    if (!site::rank_of("신발", d, site::Page::ad)) absent = d;
  }
  auto out = crawl({"신발", absent, profile("AD")}, fetcher);
  EXPECT_EQ(out.status, CrawlStatus::not_found);
  EXPECT_EQ(out.rank, std::nullopt);
  EXPECT_EQ(out.items_found, 10u);

  out = crawl({"sample:empty", "shop-1.example", profile("ORGANIC")}, fetcher);
  EXPECT_EQ(out.status, CrawlStatus::no_items);
  EXPECT_TRUE(out.wants_fallback());

  out = crawl({"sample:js:신발", results[0].domain, profile("AD")}, fetcher);
  EXPECT_EQ(out.status, CrawlStatus::no_items);  // the items exist only after JavaScript
  EXPECT_TRUE(out.wants_fallback());
}

TEST_F(CrawlFetchTest, ThrottlingIsSurfacedWithRetryAfter) {
  HttpFetcher fetcher(loopback_options());
  auto out = crawl({"sample:429", "x.example", profile("AD")}, fetcher);
  EXPECT_EQ(out.status, CrawlStatus::throttled);
  EXPECT_EQ(out.http_status, 429);
  EXPECT_EQ(out.retry_after, 7s);
  EXPECT_FALSE(out.wants_fallback());

  out = crawl({"sample:503", "x.example", profile("AD")}, fetcher);
  EXPECT_EQ(out.status, CrawlStatus::throttled);
  EXPECT_EQ(out.http_status, 503);
  ASSERT_TRUE(out.retry_after.has_value());
  EXPECT_GE(*out.retry_after, 5s);
  EXPECT_LE(*out.retry_after, 8s);
}

TEST_F(CrawlFetchTest, SlowPageTimesOut) {
  HttpFetcher fetcher(loopback_options());
  CrawlOptions options;
  options.timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  const auto out = crawl({"sample:slow:신발", "x.example", profile("AD")}, fetcher, options);
  EXPECT_EQ(out.status, CrawlStatus::failed);
  EXPECT_NE(out.error.find("timeout"), std::string::npos) << out.error;
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1200ms);
}

TEST_F(CrawlFetchTest, RedirectsAreFollowedAndCounted) {
  HttpFetcher fetcher(loopback_options());
  const auto results = site::results("신발", site::Page::organic);
  const auto direct = crawl({"신발", results[1].domain, profile("ORGANIC")}, fetcher);
  const auto redirected =
      crawl({"sample:redirect:신발", results[1].domain, profile("ORGANIC")}, fetcher);
  EXPECT_EQ(redirected.status, CrawlStatus::found) << redirected.error;
  EXPECT_EQ(redirected.rank, 2);
  EXPECT_GT(redirected.request_bytes, direct.request_bytes);
  EXPECT_GT(redirected.response_bytes, direct.response_bytes);

  const auto fetched =
      fetcher.fetch({.url = search_url(profile("ORGANIC"), "sample:redirect:신발"), .timeout = 5s});
  EXPECT_EQ(fetched.redirects, 1);
  EXPECT_NE(fetched.final_url.find("query=%EC%8B%A0%EB%B0%9C"), std::string::npos);
}

TEST_F(CrawlFetchTest, GzipIsNegotiatedAndDecoded) {
  HttpFetcher fetcher(loopback_options());
  const auto r =
      fetcher.fetch({.url = search_url(profile("AD"), "sample:big:신발"), .timeout = 5s});
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_NE(r.body.find("</html>"), std::string::npos);
  EXPECT_GT(r.body.size(), 1024u * 1024u);
  // The filler compresses well: what crossed the wire is far smaller than the page.
  EXPECT_LT(r.response_bytes, r.body.size() / 5);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
}

TEST_F(CrawlFetchTest, ExactBytesOnTheWire) {
  const std::string page = site::render_page("신발", site::Page::ad);
  const std::string body = gzip(page);
  const std::string response =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
      "Content-Encoding: gzip\r\nConnection: close\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  std::atomic<std::size_t> received{0};
  std::string head_seen;
  std::mutex mutex;
  TcpServer raw([&](int fd) {
    const std::string head = crawler::testing::read_http_head(fd);
    received += head.size();
    {
      std::lock_guard lock(mutex);
      head_seen = head;
    }
    crawler::testing::send_all(fd, response);
  });
  HttpFetcher fetcher(loopback_options());
  const auto r = fetcher.fetch(
      {.url = "http://127.0.0.1:" + std::to_string(raw.port()) + "/x", .timeout = 5s});
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, page);
  EXPECT_EQ(r.request_bytes, received.load());
  EXPECT_EQ(r.response_bytes, response.size());
  std::lock_guard lock(mutex);
  EXPECT_NE(head_seen.find("Accept-Language: ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7\r\n"),
            std::string::npos);
  EXPECT_NE(head_seen.find("User-Agent: Mozilla/5.0 (iPhone;"), std::string::npos);
  EXPECT_NE(head_seen.find("gzip"), std::string::npos);  // Accept-Encoding
}

TEST_F(CrawlFetchTest, SsrfRedirectToMetadataIsRefused) {
  HttpFetcher fetcher(loopback_options());
  const auto out = crawl({"sample:metadata", "x.example", profile("AD")}, fetcher);
  EXPECT_EQ(out.status, CrawlStatus::refused);
  EXPECT_NE(out.error.find("169.254.169.254 is link_local"), std::string::npos) << out.error;
  EXPECT_FALSE(out.wants_fallback());
  EXPECT_GT(out.response_bytes, 0u);  // the 302 itself was received and counted
}

TEST_F(CrawlFetchTest, SsrfLoopbackRefusedUnlessAllowed) {
  HttpFetcher strict{HttpFetcherOptions{}};
  const std::string path = "/search.naver?where=m_expd&query=x";
  const std::string port = std::to_string(site_->port());

  // A host name that resolves to loopback: refused on the socket, after resolution.
  auto r = strict.fetch({.url = "http://localhost:" + port + path, .timeout = 5s});
  EXPECT_EQ(r.error, FetchError::refused) << r.error_message;
  EXPECT_NE(r.error_message.find("loopback"), std::string::npos) << r.error_message;
  EXPECT_EQ(r.status, 0);

  // Literal and disguised forms of loopback.
  for (const std::string host : {"127.0.0.1", "[::1]", "127.1", "2130706433", "0x7f000001"}) {
    r = strict.fetch({.url = "http://" + host + ":" + port + path, .timeout = 5s});
    EXPECT_EQ(r.error, FetchError::refused) << host << ": " << r.error_message;
  }
  // The metadata service, directly.
  r = strict.fetch({.url = "http://169.254.169.254/latest/meta-data/", .timeout = 5s});
  EXPECT_EQ(r.error, FetchError::refused);

  for (const char* url : {"ftp://127.0.0.1/", "file:///etc/passwd", "gopher://x/", "not a url"}) {
    r = strict.fetch({.url = url, .timeout = 5s});
    EXPECT_EQ(r.error, FetchError::bad_url) << url;
  }

  HttpFetcherOptions open;
  open.ssrf.allow_private = true;  // CRAWL_ALLOW_PRIVATE=1
  HttpFetcher permissive(open);
  r = permissive.fetch({.url = "http://localhost:" + port + path, .timeout = 5s});
  EXPECT_TRUE(r.ok()) << r.error_message;
}

TEST_F(CrawlFetchTest, TooLargeBodiesAreCut) {
  HttpFetcherOptions o = loopback_options();
  o.max_body_bytes = 100 * 1024;
  HttpFetcher fetcher(o);
  const auto r = fetcher.fetch({.url = search_url(profile("AD"), "sample:big:x"), .timeout = 5s});
  EXPECT_EQ(r.error, FetchError::too_large);
}

TEST_F(CrawlFetchTest, ThroughAnAuthenticatingProxy) {
  crawler::testing::ForwardProxy proxy("pa55");
  HttpFetcherOptions o = loopback_options();
  o.proxy = ProxyConfig{.host = "127.0.0.1",
                        .port = static_cast<std::uint16_t>(proxy.port()),
                        .user = "customer",
                        .password = "pa55",
                        .session_salt = 42};
  HttpFetcher fetcher(o);
  const auto results = site::results("프록시", site::Page::ad);
  const auto out = crawl({"프록시", results[3].domain, profile("AD")}, fetcher);
  EXPECT_EQ(out.status, CrawlStatus::found) << out.error;
  EXPECT_EQ(out.rank, 4);
  const auto users = proxy.users();
  ASSERT_FALSE(users.empty());
  EXPECT_TRUE(users.back().starts_with("customer-session-")) << users.back();
  EXPECT_EQ(users.back().size(), std::string("customer-session-").size() + 8);
  EXPECT_EQ(users.back(), proxy_session_username("customer", 42, std::chrono::system_clock::now()));
}

}  // namespace
}  // namespace crawler::crawl
