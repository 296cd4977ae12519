// worker::CrawlProcessor on its own: a fake Fetcher that answers with the sample site's pages
// (or a failure), the embedded SQLite store in a temporary file, and a fake JobContext that
// records progress and log lines. What a job's try does for each crawl outcome: found and not
// found are recorded and returned, a failure or a refusal fails the try, a throttled page is
// RetryLater when the site said how long to wait, and a try cancelled by a stopping worker
// writes nothing.
#include "worker/processor.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <string>
#include <vector>

#include "crawl/profile.h"
#include "crawl/sample_site/site.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace crawler::worker {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
namespace site = crawl::sample_site;

constexpr const char* kKeyword = "강남 맛집";

// Answers each fetch with `answer(url)` and remembers the urls asked for.
class FakeFetcher : public crawl::Fetcher {
 public:
  std::function<crawl::FetchResult(const std::string& url)> answer;
  std::function<void()> during_fetch = [] {};
  std::vector<std::string> urls;

  crawl::FetchResult fetch(const crawl::FetchRequest& request) override {
    urls.push_back(request.url);
    during_fetch();
    auto result = answer(request.url);
    result.final_url = request.url;
    return result;
  }
};

bool is_ad_url(const std::string& url) { return url.find("where=m_expd") != std::string::npos; }

// The sample site's result page for `keyword`: AD or ORGANIC by the url asked for.
crawl::FetchResult serp(const std::string& url, const std::string& method = "http") {
  crawl::FetchResult r;
  r.status = 200;
  r.body = site::render_page(kKeyword, is_ad_url(url) ? site::Page::ad : site::Page::organic);
  r.method = method;
  r.request_bytes = 120;
  r.response_bytes = 3400;
  return r;
}

crawl::FetchResult failure(crawl::FetchError error, std::string message) {
  crawl::FetchResult r;
  r.error = error;
  r.error_message = std::move(message);
  r.method = "http";
  return r;
}

crawl::FetchResult status(int code, std::optional<std::chrono::seconds> retry_after = {}) {
  crawl::FetchResult r;
  r.status = code;
  r.retry_after = retry_after;
  r.method = "http";
  return r;
}

// The job as a queue hands it to a handler; records what the handler reports on it.
class FakeJob : public queue::JobContext {
 public:
  explicit FakeJob(std::string data, int attempts_made = 0) {
    job_.id = "7";
    job_.data = std::move(data);
    job_.timestamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count() -
                     500;
    job_.attempts_made = attempts_made;
  }
  const queue::Job& job() const override { return job_; }
  void progress(std::string_view json) override { progress_.emplace_back(json); }
  void log(std::string_view line) override { logs_.emplace_back(line); }
  bool cancelled() const override { return cancelled_; }

  queue::Job job_;
  std::vector<std::string> progress_;
  std::vector<std::string> logs_;
  bool cancelled_ = false;
};

// What a try that failed threw: its message, and the delay when it was RetryLater.
struct Failure {
  std::string what;
  std::optional<std::chrono::milliseconds> retry_later;
};

Failure failure_of(CrawlProcessor& processor, queue::JobContext& job) {
  try {
    processor.process(job);
  } catch (const queue::RetryLater& e) {
    return {e.what(), e.delay()};
  } catch (const std::exception& e) {
    return {e.what(), std::nullopt};
  }
  ADD_FAILURE() << "the try did not fail";
  return {};
}

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

crawl::Profile profile(std::string_view rank_type) {
  const auto profiles = crawl::default_profiles();
  return *crawl::find_profile(profiles, rank_type);
}

class CrawlProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A site on the AD page, and where it stands on both pages under the sample site's rule.
    target_ = site::results(kKeyword, site::Page::ad)[2].domain;
    ad_rank_ = site::rank_of(kKeyword, target_, site::Page::ad);
    organic_rank_ = site::rank_of(kKeyword, target_, site::Page::organic);
    ASSERT_EQ(ad_rank_, 3);
    keyword_id_ = store_.add_keyword({kKeyword, target_, {}, 5}).id;
    http_.answer = [](const std::string& url) { return serp(url); };
  }

  CrawlProcessor processor(std::vector<std::string> rank_types = {"AD", "ORGANIC"},
                           crawl::CrawlMode mode = crawl::CrawlMode::automatic) {
    ProcessorOptions o;
    o.mode = mode;
    for (const auto& t : rank_types) o.profiles.push_back(profile(t));
    return CrawlProcessor(store_, crawl::Fetchers{&http_, browser_}, std::move(o));
  }
  std::string data(const std::string& target, const std::string& extra = "") const {
    return R"({"keywordId":)" + std::to_string(keyword_id_) + R"(,"keyword":")" + kKeyword +
           R"(","targetUrl":")" + target + R"(","targetRank":5)" + extra + "}";
  }
  std::vector<store::Ranking> rankings() { return store_.keyword_rankings(keyword_id_, 10); }
  const store::Ranking* ranking(const std::string& rank_type) {
    rows_ = rankings();
    for (const auto& r : rows_)
      if (r.rank_type == rank_type) return &r;
    return nullptr;
  }
  // Nothing of the try reached the store.
  void expect_nothing_written() {
    EXPECT_TRUE(rankings().empty());
    auto keyword = store_.get_keyword(keyword_id_);
    ASSERT_TRUE(keyword);
    EXPECT_FALSE(keyword->last_rank);
    EXPECT_FALSE(keyword->last_checked_at);
  }

  crawler::testing::TempDir dir_{"processor-test"};
  store::sqlite::SqliteStore store_{(dir_.path() / "crawler.db").string()};
  FakeFetcher http_;
  crawl::Fetcher* browser_ = nullptr;
  std::string target_;
  std::optional<int> ad_rank_;
  std::optional<int> organic_rank_;
  std::int64_t keyword_id_ = 0;
  std::vector<store::Ranking> rows_;
};

TEST_F(CrawlProcessorTest, RanksEveryProfileAndRecordsOneRowEach) {
  auto p = processor();
  FakeJob job(data(target_), 1);
  const auto result = json::parse(p.process(job)).as_object();

  EXPECT_EQ(result.at("rank"), json::value(*ad_rank_));  // the first profile gives the rank
  EXPECT_EQ(result.at("targetRank"), json::value(5));
  EXPECT_EQ(result.at("keyword"), json::value(kKeyword));
  ASSERT_EQ(http_.urls.size(), 2u);
  EXPECT_TRUE(is_ad_url(http_.urls[0]));
  EXPECT_FALSE(is_ad_url(http_.urls[1]));
  EXPECT_EQ(job.progress_, (std::vector<std::string>{"10", "80", "100"}));

  ASSERT_EQ(job.logs_.size(), 3u);
  EXPECT_EQ(job.logs_[0], std::string("crawl: '") + kKeyword + "' for " + target_);
  EXPECT_TRUE(starts_with(job.logs_[1], "AD: found via http (10 items, HTTP 200, "))
      << job.logs_[1];
  EXPECT_NE(job.logs_[1].find("), rank 3"), std::string::npos) << job.logs_[1];
  EXPECT_TRUE(starts_with(job.logs_[2], "ORGANIC: ")) << job.logs_[2];

  ASSERT_EQ(rankings().size(), 2u);
  const store::Ranking* ad = ranking("AD");
  ASSERT_NE(ad, nullptr);
  EXPECT_EQ(ad->rank, ad_rank_);
  EXPECT_EQ(ad->job_id, "7");
  EXPECT_EQ(ad->job_attempt, 2);  // attempts made before this try, plus this one
  EXPECT_EQ(ad->measured.crawling_method, "http");
  EXPECT_EQ(ad->measured.request_bytes, 120);
  EXPECT_EQ(ad->measured.response_bytes, 3400);
  EXPECT_EQ(ad->measured.total_network_bytes, 3520);
  ASSERT_TRUE(ad->measured.total_duration_ms);
  EXPECT_GE(*ad->measured.total_duration_ms,
            500);  // since the job was created, not since the try began
  const store::Ranking* organic = ranking("ORGANIC");
  ASSERT_NE(organic, nullptr);
  EXPECT_EQ(organic->rank, organic_rank_);

  auto keyword = store_.get_keyword(keyword_id_);
  ASSERT_TRUE(keyword);
  EXPECT_EQ(keyword->last_rank, ad_rank_);  // the AD row's rank, not the ORGANIC one's
  EXPECT_EQ(p.busy(), 0);
}

TEST_F(CrawlProcessorTest, ATargetNotOnThePageIsARankOfNull) {
  auto p = processor({"AD"});
  FakeJob job(data("not-listed.example"));
  const auto result = json::parse(p.process(job)).as_object();
  EXPECT_TRUE(result.at("rank").is_null());
  EXPECT_EQ(job.progress_, (std::vector<std::string>{"10", "80", "100"}));
  ASSERT_EQ(job.logs_.size(), 2u);
  EXPECT_TRUE(starts_with(job.logs_[1], "AD: not_found via http (10 items, HTTP 200, "))
      << job.logs_[1];
  ASSERT_EQ(rankings().size(), 1u);
  EXPECT_FALSE(rankings()[0].rank);
}

TEST_F(CrawlProcessorTest, AFetchFailureFailsTheTryAndWritesNothing) {
  http_.answer = [](const std::string&) {
    return failure(crawl::FetchError::network, "connection reset");
  };
  auto p = processor();
  FakeJob job(data(target_));
  const auto failed = failure_of(p, job);
  EXPECT_TRUE(starts_with(failed.what, "AD search failed via http")) << failed.what;
  EXPECT_NE(failed.what.find("connection reset"), std::string::npos) << failed.what;
  EXPECT_FALSE(failed.retry_later);  // the job's own backoff applies
  EXPECT_EQ(http_.urls.size(), 1u);  // the ORGANIC profile is not tried
  EXPECT_EQ(job.progress_, (std::vector<std::string>{"10"}));
  ASSERT_EQ(job.logs_.size(), 2u);
  EXPECT_TRUE(starts_with(job.logs_[1], "AD: failed via http")) << job.logs_[1];
  expect_nothing_written();
  EXPECT_EQ(p.busy(), 0);
}

TEST_F(CrawlProcessorTest, AnHttpErrorStatusFailsTheTry) {
  http_.answer = [](const std::string&) { return status(500); };
  auto p = processor({"AD"});
  FakeJob job(data(target_));
  const auto failed = failure_of(p, job);
  EXPECT_TRUE(starts_with(failed.what, "AD search failed via http")) << failed.what;
  EXPECT_NE(failed.what.find("HTTP 500"), std::string::npos) << failed.what;
  EXPECT_FALSE(failed.retry_later);
  expect_nothing_written();
}

TEST_F(CrawlProcessorTest, AThrottledPageWithRetryAfterIsRetryLater) {
  http_.answer = [](const std::string&) { return status(429, std::chrono::seconds(7)); };
  auto p = processor();
  FakeJob job(data(target_));
  const auto failed = failure_of(p, job);
  EXPECT_EQ(failed.retry_later, 7000ms);
  EXPECT_TRUE(starts_with(failed.what, "AD search throttled via http")) << failed.what;
  EXPECT_NE(failed.what.find("HTTP 429"), std::string::npos) << failed.what;
  expect_nothing_written();
}

TEST_F(CrawlProcessorTest, AThrottledPageWithoutRetryAfterFailsWithTheJobsOwnBackoff) {
  http_.answer = [](const std::string&) { return status(503); };
  auto p = processor();
  FakeJob job(data(target_));
  const auto failed = failure_of(p, job);
  EXPECT_FALSE(failed.retry_later);
  EXPECT_TRUE(starts_with(failed.what, "AD search throttled via http")) << failed.what;
  expect_nothing_written();
}

TEST_F(CrawlProcessorTest, ARefusedTargetFailsTheTryWithTheReason) {
  http_.answer = [](const std::string&) {
    return failure(crawl::FetchError::refused, "169.254.169.254 is a link-local address");
  };
  auto p = processor();
  FakeJob job(data(target_));
  const auto failed = failure_of(p, job);
  EXPECT_TRUE(starts_with(failed.what, "AD search refused: refused: ")) << failed.what;
  EXPECT_NE(failed.what.find("link-local"), std::string::npos) << failed.what;
  EXPECT_FALSE(failed.retry_later);
  expect_nothing_written();
}

TEST_F(CrawlProcessorTest, ACancelledTryWritesNothing) {
  auto p = processor();
  FakeJob job(data(target_));
  // The worker's stop deadline passes while the page is being fetched.
  http_.during_fetch = [&job] { job.cancelled_ = true; };
  const auto failed = failure_of(p, job);
  EXPECT_TRUE(starts_with(failed.what, "cancelled")) << failed.what;
  EXPECT_EQ(job.progress_, (std::vector<std::string>{"10"}));
  expect_nothing_written();
}

TEST_F(CrawlProcessorTest, ARepeatedTryIsRecordedOnce) {
  auto p = processor({"AD"});
  FakeJob first(data(target_));
  p.process(first);
  FakeJob again(data(target_));  // the same job id, creation time and attempt
  again.job_.timestamp = first.job_.timestamp;
  const auto result = json::parse(p.process(again)).as_object();
  EXPECT_EQ(result.at("rank"), json::value(*ad_rank_));
  EXPECT_EQ(rankings().size(), 1u);
  ASSERT_EQ(again.logs_.size(), 3u);
  EXPECT_EQ(again.logs_[2], "AD: already recorded by an earlier run");
}

TEST_F(CrawlProcessorTest, TheFirstProfileSettlesTheBulkSearchRow) {
  const auto now =
      std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto created = store_.create_bulk_search({"b", "b.xlsx", {{kKeyword, target_}}}, now, 1h);
  ASSERT_EQ(created.keywords.size(), 1u);
  const auto row_id = created.keywords[0].id;
  auto p = processor();
  FakeJob job(data(target_, R"(,"bulkSearchKeywordId":)" + std::to_string(row_id)));
  p.process(job);

  auto rows = store_.bulk_search_keywords(created.search.id, 1, 10, std::nullopt).keywords;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].status, store::BulkKeywordStatus::completed);
  EXPECT_EQ(rows[0].rank, ad_rank_);
  auto search = store_.get_bulk_search(created.search.id);
  ASSERT_TRUE(search);
  EXPECT_EQ(search->status, "completed");
  EXPECT_EQ(search->completed_count, 1);
}

TEST_F(CrawlProcessorTest, MalformedJobDataFailsBeforeAnyFetch) {
  auto p = processor();
  FakeJob job(R"({"keywordId":1,"targetUrl":"a.example"})");
  EXPECT_THROW(p.process(job), std::invalid_argument);
  EXPECT_TRUE(http_.urls.empty());
  EXPECT_EQ(p.busy(), 0);
}

TEST_F(CrawlProcessorTest, AutoModeRecordsTheBrowsersAnswerWhenTheFastPathHasNoItems) {
  http_.answer = [](const std::string&) {
    auto r = status(200);
    r.body = "<html><body>검색결과가 없습니다</body></html>";
    r.request_bytes = 100;
    r.response_bytes = 200;
    return r;
  };
  FakeFetcher browser;
  browser.answer = [](const std::string& url) { return serp(url, "browser"); };
  browser_ = &browser;
  auto p = processor({"AD"});
  FakeJob job(data(target_));
  const auto result = json::parse(p.process(job)).as_object();
  EXPECT_EQ(result.at("rank"), json::value(*ad_rank_));
  const store::Ranking* ad = ranking("AD");
  ASSERT_NE(ad, nullptr);
  EXPECT_EQ(ad->measured.crawling_method, "browser");
  EXPECT_EQ(ad->measured.request_bytes, 220);  // both attempts count
  EXPECT_EQ(ad->measured.response_bytes, 3600);
  EXPECT_TRUE(starts_with(job.logs_[1], "AD: found via browser")) << job.logs_[1];
}

TEST_F(CrawlProcessorTest, BusyCountsTheJobsInFlight) {
  auto p = processor({"AD"});
  int seen = -1;
  http_.during_fetch = [&] { seen = p.busy(); };
  FakeJob job(data(target_));
  p.process(job);
  EXPECT_EQ(seen, 1);
  EXPECT_EQ(p.busy(), 0);
}

}  // namespace
}  // namespace crawler::worker
