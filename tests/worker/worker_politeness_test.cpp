// The worker process against the sample site, on what a fleet owes a site and what a scale-in
// owes the queue:
//   - the per-host rate limit holds across two worker processes (shared through Redis);
//   - a 429 with Retry-After delays the retry by at least what the site asked;
//   - WORKER_INTERVAL_MS rests the slot after a job is recorded, not the job itself;
//   - SIGTERM during a job: with time left the job finishes; without, it is handed back to
//     the queue untouched (waiting, try not counted, nothing written) and the process exits 0.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>

#include "crawl/sample_site/site.h"
#include "queue/bull/bull_queue.h"
#include "store/postgres/postgres_store.h"
#include "support/crawler_process.h"
#include "support/poll.h"
#include "support/ports.h"
#include "support/services.h"
#include "support/temp_dir.h"
#include "worker/crawl_job.h"

using namespace crawler;
using namespace crawler::testing;
using namespace std::chrono_literals;
namespace site = crawler::crawl::sample_site;

namespace {

class WorkerPolitenessTest : public ::testing::Test {
 protected:
  void start_site(site::Options options = {}) {
    site_ = std::make_unique<site::Site>(options);
    site_->start();
  }

  void SetUp() override {
    auto& services = SharedServices::get();
    prefix_ = services.unique_prefix();
    database_url_ = services.fresh_database_url();
    ASSERT_TRUE(run_crawler({"migrate"}, {{"DATABASE_URL", database_url_}}).status.success());
    store_ =
        std::make_unique<store::postgres::PostgresStore>(std::make_shared<store::postgres::Pool>(
            store::postgres::PoolOptions{.url = database_url_, .size = 1}));
    queue::bull::BullOptions qo;
    qo.redis_url = services.redis_url();
    qo.prefix = prefix_;
    queue_ = queue::bull::open_bull_queue(qo);
  }

  // A keyword and its crawl job (id = keyword id), as the scheduler would queue it.
  std::string queue_keyword(const std::string& keyword) {
    auto k = store_->add_keyword(store::NewKeyword{keyword, "shop-3.example", {}, std::nullopt});
    worker::CrawlJobData data;
    data.keyword_id = k.id;
    data.keyword = keyword;
    data.target_url = k.url;
    auto opts = worker::crawl_job_options();
    opts.job_id = worker::keyword_job_id(k.id);
    return queue_->add(worker::job_data_json(data), opts);
  }

  std::map<std::string, std::string> worker_env(std::map<std::string, std::string> extra) const {
    std::map<std::string, std::string> env{{"QUEUE_PREFIX", prefix_},
                                           {"DATABASE_URL", database_url_},
                                           {"REDIS_URL", SharedServices::get().redis_url()},
                                           {"SERP_AD_URL", site_->ad_url_template()},
                                           {"CRAWL_ALLOW_PRIVATE", "1"},
                                           {"WORKER_INTERVAL_MS", "0"},
                                           // The browser fallback re-fetches not-found pages:
                                           // these tests count fetches, so HTTP only unless
                                           // a test asks for the browser.
                                           {"CRAWL_MODE", "http"},
                                           {"TMPDIR", tmpdir_.path().string()},
                                           {"WORKER_PORT", std::to_string(free_port())}};
    for (auto& [k, v] : extra) env[k] = v;
    return env;
  }

  std::size_t searches_for(const std::string& query) const {
    auto all = site_->searches();
    return static_cast<std::size_t>(
        std::count_if(all.begin(), all.end(), [&](const auto& e) { return e.query == query; }));
  }

  TempDir tmpdir_;  // the workers' TMPDIR: their Chromium profiles live here
  std::string prefix_, database_url_;
  std::unique_ptr<site::Site> site_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<queue::Queue> queue_;
};

TEST_F(WorkerPolitenessTest, RateLimitPerHostHoldsAcrossTwoWorkerProcesses) {
  start_site();
  constexpr int kJobs = 24;
  constexpr int kRate = 4;  // per second, for the whole fleet
  constexpr int kBurst = 1;
  for (int i = 0; i < kJobs; ++i) queue_keyword("polite " + std::to_string(i));
  const std::map<std::string, std::string> politeness{
      {"WORKER_CONCURRENCY", "4"},
      {"CRAWL_RATE_PER_HOST", std::to_string(kRate)},
      {"CRAWL_RATE_BURST", std::to_string(kBurst)}};
  CrawlerProcess a({"--process=worker"}, worker_env(politeness));
  CrawlerProcess b({"--process=worker"}, worker_env(politeness));
  ASSERT_TRUE(poll_until([&] { return queue_->get_job_counts().completed == kJobs; }, 60s))
      << a.log() << b.log();

  auto searches = site_->searches();
  ASSERT_EQ(searches.size(), static_cast<std::size_t>(kJobs));
  std::vector<std::chrono::steady_clock::time_point> at;
  for (const auto& s : searches) at.push_back(s.at);
  std::sort(at.begin(), at.end());
  // 8 slots would fetch all 24 pages in well under a second; the fleet-wide limit spreads
  // them over (24 - burst) / rate seconds. One request of slack for arrival jitter.
  std::size_t most_in_a_second = 0;
  for (std::size_t i = 0; i < at.size(); ++i) {
    auto end = std::upper_bound(at.begin(), at.end(), at[i] + 999ms);
    most_in_a_second = std::max(most_in_a_second, static_cast<std::size_t>(end - (at.begin() + i)));
  }
  EXPECT_LE(most_in_a_second, static_cast<std::size_t>(kRate + kBurst + 1));
  EXPECT_GE(at.back() - at.front(), std::chrono::milliseconds(1000 * (kJobs - kBurst - 1) / kRate));
}

TEST_F(WorkerPolitenessTest, RetryAfterDelaysTheRetryAtLeastAsLongAsTheSiteAsked) {
  // Retry-After 5 s: longer than the job's own first backoff (2 s), so the gap proves it.
  start_site(site::Options{.retry_after_seconds = 5});
  auto id = queue_keyword("sample:429:busy");
  CrawlerProcess w({"--process=worker"}, worker_env({{"WORKER_CONCURRENCY", "1"}}));
  ASSERT_TRUE(poll_until([&] { return searches_for("sample:429:busy") >= 2; }, 30s)) << w.log();
  auto searches = site_->searches();
  std::vector<std::chrono::steady_clock::time_point> at;
  for (const auto& s : searches)
    if (s.query == "sample:429:busy") at.push_back(s.at);
  EXPECT_GE(at[1] - at[0], 4900ms);
  auto job = queue_->get_job(id);
  ASSERT_TRUE(job);
  EXPECT_GE(job->attempts_made, 1);
  ASSERT_TRUE(job->failed_reason.has_value());
  EXPECT_NE(job->failed_reason->find("HTTP 429"), std::string::npos) << *job->failed_reason;
}

TEST_F(WorkerPolitenessTest, TheIntervalRestsTheSlotAfterTheJobIsRecorded) {
  start_site();
  auto first = queue_keyword("interval first");
  auto second = queue_keyword("interval second");
  CrawlerProcess w({"--process=worker"},
                   worker_env({{"WORKER_CONCURRENCY", "1"}, {"WORKER_INTERVAL_MS", "4000"}}));
  ASSERT_TRUE(poll_until([&] { return queue_->get_job_counts().completed == 2; }, 30s)) << w.log();
  // Each job completes as soon as its ranking is written: the interval is not part of it.
  for (const auto& id : {first, second}) {
    auto job = queue_->get_job(id);
    ASSERT_TRUE(job && job->processed_on && job->finished_on) << id;
    EXPECT_LT(*job->finished_on - *job->processed_on, 2000) << id << "\n" << w.log();
  }
  // But the slot waited the interval before its next search.
  auto searches = site_->searches();
  ASSERT_EQ(searches.size(), 2u);
  EXPECT_GE(searches[1].at - searches[0].at, 3900ms);
  // A stop ends the rest at once.
  const auto stopping = std::chrono::steady_clock::now();
  EXPECT_TRUE(w.process.terminate(15s, SIGTERM).success()) << w.log();
  EXPECT_LT(std::chrono::steady_clock::now() - stopping, 3s);
}

TEST_F(WorkerPolitenessTest, SigtermWithTimeLeftFinishesTheJob) {
  start_site(site::Options{.slow_delay = 2000ms});
  auto id = queue_keyword("sample:slow:finish");
  CrawlerProcess w({"--process=worker"},
                   worker_env({{"WORKER_CONCURRENCY", "1"}, {"SHUTDOWN_TIMEOUT_MS", "10000"}}));
  ASSERT_TRUE(poll_until([&] { return searches_for("sample:slow:finish") == 1; }, 30s)) << w.log();
  w.process.send_signal(SIGTERM);
  auto status = w.process.terminate(15s, SIGTERM);
  EXPECT_TRUE(status.success()) << w.log();
  EXPECT_EQ(queue_->get_state(id), queue::JobState::completed) << w.log();
}

TEST_F(WorkerPolitenessTest, SigtermWithoutTimeHandsTheJobBackUntouched) {
  start_site(site::Options{.slow_delay = 4000ms});
  auto id = queue_keyword("sample:slow:handback");
  CrawlerProcess w({"--process=worker"},
                   worker_env({{"WORKER_CONCURRENCY", "1"}, {"SHUTDOWN_TIMEOUT_MS", "1500"}}));
  ASSERT_TRUE(poll_until([&] { return searches_for("sample:slow:handback") == 1; }, 30s))
      << w.log();
  w.process.send_signal(SIGTERM);
  // Handed back at the stop deadline, before the slow page even answered.
  ASSERT_TRUE(poll_until([&] { return queue_->get_state(id) == queue::JobState::waiting; }, 3s))
      << w.log();
  auto status = w.process.terminate(15s, SIGTERM);
  EXPECT_TRUE(status.success()) << w.log();
  auto job = queue_->get_job(id);
  ASSERT_TRUE(job);
  EXPECT_EQ(job->attempts_made, 0);
  EXPECT_EQ(queue_->get_state(id), queue::JobState::waiting);
  // The try saw cancelled() after the page came back and wrote nothing.
  EXPECT_TRUE(store_->keyword_rankings(std::stoll(id), 10).empty());
  EXPECT_NE(w.log().find("handed_back"), std::string::npos);
}

TEST_F(WorkerPolitenessTest, JavascriptOnlyPagesGoThroughTheBrowserAndTheDrainClosesIt) {
  start_site();
  // A keyword the sample site ranks shop-3.example for (queue_keyword's target url).
  std::string keyword;
  int expected = 0;
  for (int i = 0; i < 200 && keyword.empty(); ++i) {
    auto k = "여름 원피스 " + std::to_string(i);
    if (auto r = site::rank_of(k, "shop-3.example", site::Page::ad)) {
      keyword = k;
      expected = *r;
    }
  }
  ASSERT_FALSE(keyword.empty());
  auto js = queue_keyword("sample:js:" + keyword);
  auto plain = queue_keyword(keyword);
  CrawlerProcess w({"--process=worker"},
                   worker_env({{"WORKER_CONCURRENCY", "2"}, {"CRAWL_MODE", "auto"}}));
  ASSERT_TRUE(poll_until([&] { return queue_->get_job_counts().completed == 2; }, 60s)) << w.log();
  auto js_rows = store_->keyword_rankings(std::stoll(js), 10);
  ASSERT_EQ(js_rows.size(), 1u);
  EXPECT_EQ(js_rows[0].rank, expected);
  EXPECT_EQ(js_rows[0].measured.crawling_method, "browser");
  auto plain_rows = store_->keyword_rankings(std::stoll(plain), 10);
  ASSERT_EQ(plain_rows.size(), 1u);
  EXPECT_EQ(plain_rows[0].rank, expected);
  EXPECT_EQ(plain_rows[0].measured.crawling_method, "http");
  EXPECT_TRUE(w.process.terminate(15s, SIGTERM).success()) << w.log();
  // The drain closed Chromium: nothing of it is left running.
  const std::string pattern = "pgrep -f '" + tmpdir_.path().string() + "/[c]rawler-chromium-'";
  EXPECT_EQ(std::system((pattern + " >/dev/null").c_str()), 256);
}

}  // namespace
