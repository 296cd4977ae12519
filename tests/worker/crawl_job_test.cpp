// The crawl job's one owner (worker/crawl_job.h): data and result JSON, ids, priorities and
// options, and each producer's enqueue policy, run against the embedded queue (a fresh
// SQLite file per test; the queue contract suite holds the Bull backend to the same queue
// semantics).
#include "worker/crawl_job.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <thread>

#include "queue/embedded/embedded_queue.h"
#include "support/poll.h"
#include "support/temp_dir.h"

namespace crawler::worker {
namespace {

using namespace std::chrono_literals;
using Outcome = queue::Queue::AddOutcome;
namespace json = boost::json;

store::Keyword keyword(std::int64_t id, std::optional<int> target_rank = std::nullopt) {
  store::Keyword k;
  k.id = id;
  k.keyword = "keyword " + std::to_string(id);
  k.url = "shop-" + std::to_string(id) + ".example";
  k.target_rank = target_rank;
  return k;
}

store::BulkSearchKeyword bulk_row(std::int64_t id, std::optional<std::int64_t> keyword_id) {
  store::BulkSearchKeyword row;
  row.id = id;
  row.keyword_id = keyword_id;
  row.keyword = "keyword " + std::to_string(keyword_id.value_or(900 + id));
  row.url = "shop.example";
  return row;
}

json::object data_of(const queue::Job& job) { return json::parse(job.data).as_object(); }

class CrawlJobPolicies : public ::testing::Test {
 protected:
  void SetUp() override {
    queue_ = queue::embedded::open_embedded_queue({.path = (dir_.path() / "crawler.db").string()});
  }

  queue::Job job(const std::string& id) {
    auto j = queue_->get_job(id);
    EXPECT_TRUE(j) << id;
    return j.value_or(queue::Job{});
  }

  crawler::testing::TempDir dir_{"crawl-job"};
  std::shared_ptr<queue::Queue> queue_;
};

// Holds every job it takes until released, so jobs stay active.
struct HeldWorker {
  std::atomic<bool> release{false};
  std::atomic<int> running{0};
  std::unique_ptr<queue::Worker> worker;

  explicit HeldWorker(queue::Queue& q) {
    queue::WorkerOptions w;
    w.drain_block = 100ms;
    worker = q.make_worker(w, [this](queue::JobContext& ctx) -> std::string {
      ++running;
      while (!release && !ctx.cancelled()) std::this_thread::sleep_for(5ms);
      return "{}";
    });
    worker->start();
  }
  ~HeldWorker() {
    release = true;
    worker->stop(5s);
  }
};

}  // namespace

TEST(CrawlJob, OptionsIdsAndPriorities) {
  const auto o = crawl_job_options();
  EXPECT_EQ(o.attempts, 3);
  EXPECT_EQ(o.backoff, (queue::Backoff{queue::Backoff::Type::exponential, 2000ms}));
  EXPECT_EQ(o.remove_on_complete, queue::KeepJobs::keep_last(100));
  EXPECT_EQ(o.remove_on_fail, queue::KeepJobs::keep_last(50));
  EXPECT_FALSE(o.job_id);
  EXPECT_EQ(o.priority, 0);
  EXPECT_EQ(keyword_job_id(42), "42");
  EXPECT_EQ(bulk_job_id(7), "bulk-7");
  EXPECT_LT(kCheckNowPriority, kBulkPriority);
  EXPECT_LT(kBulkPriority, kScheduledPriority);
}

TEST(CrawlJob, AKeywordsJobCarriesTheKeyword) {
  const auto j = keyword_job(keyword(5, 3), kScheduledPriority);
  EXPECT_EQ(j.opts.job_id, "5");
  EXPECT_EQ(j.opts.priority, 100);
  EXPECT_EQ(j.opts.attempts, 3);
  EXPECT_EQ(j.data,
            R"({"keywordId":5,"keyword":"keyword 5","targetUrl":"shop-5.example","targetRank":3})");
  const auto data = parse_job_data(j.data);
  EXPECT_EQ(data.keyword_id, 5);
  EXPECT_EQ(data.target_rank, 3);
  EXPECT_FALSE(data.bulk_search_keyword_id);
}

TEST(CrawlJob, DataAsNodeWritesItAndErrorsNamingTheField) {
  const auto data = parse_job_data(
      R"({"keywordId":"12","keyword":"k","targetUrl":"https://www.a.com/x","targetRank":"",)"
      R"("bulkSearchKeywordId":7})");
  EXPECT_EQ(data.keyword_id, 12);
  EXPECT_EQ(data.target_url, "a.com/x");
  EXPECT_FALSE(data.target_rank);
  EXPECT_EQ(data.bulk_search_keyword_id, 7);
  EXPECT_EQ(job_data_json(data),
            R"({"keywordId":12,"keyword":"k","targetUrl":"a.com/x","targetRank":null,)"
            R"("bulkSearchKeywordId":7})");
  for (const char* bad : {R"([])", R"({"targetUrl":"a.com"})", R"({"keyword":"k"})",
                          R"({"keyword":"k","targetUrl":"a.com","targetRank":0})",
                          R"({"keyword":"k","targetUrl":"a.com","keywordId":"x"})"})
    EXPECT_THROW(parse_job_data(bad), std::invalid_argument) << bad;
  EXPECT_EQ(result_json(2, std::nullopt, "k"), R"({"rank":2,"targetRank":null,"keyword":"k"})");
}

TEST_F(CrawlJobPolicies, ScheduledSkipsPendingJobsAndCheckNowReplacesThem) {
  EXPECT_EQ(enqueue_scheduled(*queue_, {keyword(1), keyword(2)}),
            (std::vector<Outcome>{Outcome::added, Outcome::added}));
  EXPECT_EQ(enqueue_scheduled(*queue_, {keyword(1)}), (std::vector<Outcome>{Outcome::skipped}));
  EXPECT_EQ(job("1").priority, kScheduledPriority);
  EXPECT_EQ(enqueue_check_now(*queue_, {keyword(1, 4), keyword(3)}),
            (std::vector<Outcome>{Outcome::replaced, Outcome::added}));
  EXPECT_EQ(job("1").priority, kCheckNowPriority);
  EXPECT_EQ(parse_job_data(job("1").data).target_rank, 4);  // the keyword as it is now
  EXPECT_EQ(queue_->get_job_counts().waiting, 3);
}

TEST_F(CrawlJobPolicies, CheckNowLeavesARunningJobAlone) {
  enqueue_scheduled(*queue_, {keyword(1)});
  HeldWorker held(*queue_);
  ASSERT_TRUE(crawler::testing::poll_until([&] { return held.running == 1; }, 10s));
  EXPECT_EQ(enqueue_check_now(*queue_, {keyword(1)}), (std::vector<Outcome>{Outcome::skipped}));
  EXPECT_EQ(job("1").priority, kScheduledPriority);
}

TEST_F(CrawlJobPolicies, CheckNowKeepsTheBulkRowAWaitingJobCarries) {
  EXPECT_EQ(enqueue_bulk(*queue_, {bulk_row(70, 1)}), 1);
  EXPECT_EQ(data_of(job("1")).at("bulkSearchKeywordId").as_int64(), 70);
  EXPECT_EQ(enqueue_check_now(*queue_, {keyword(1, 2)}), (std::vector<Outcome>{Outcome::replaced}));
  const auto replaced = job("1");
  EXPECT_EQ(replaced.priority, kCheckNowPriority);
  EXPECT_EQ(data_of(replaced).at("bulkSearchKeywordId").as_int64(), 70);
  EXPECT_EQ(data_of(replaced).at("targetRank").as_int64(), 2);
  EXPECT_EQ(queue_->get_job_counts().waiting, 1);
}

TEST_F(CrawlJobPolicies, BulkRowsShareWaitingKeywordJobsOncePerSearch) {
  // The scheduler's job for keyword 1 (target rank 3) and a "check now" job for keyword 2.
  enqueue_scheduled(*queue_, {keyword(1, 3)});
  enqueue_check_now(*queue_, {keyword(2)});
  auto pending_elsewhere = bulk_row(14, 1);
  pending_elsewhere.status = store::BulkKeywordStatus::cached;
  EXPECT_EQ(enqueue_bulk(*queue_, {bulk_row(10, 1), bulk_row(11, 1), bulk_row(12, 2),
                                   bulk_row(13, std::nullopt), pending_elsewhere}),
            4);
  const auto first = job("1");
  EXPECT_EQ(first.priority, kBulkPriority);
  EXPECT_EQ(data_of(first).at("bulkSearchKeywordId").as_int64(), 10);
  EXPECT_EQ(data_of(first).at("targetRank").as_int64(), 3);
  // A keyword's job serves one row of a search; the next row of the same keyword has its own.
  EXPECT_EQ(data_of(job("bulk-11")).at("keywordId").as_int64(), 1);
  // "Check now" keeps its priority when a row joins it.
  EXPECT_EQ(job("2").priority, kCheckNowPriority);
  EXPECT_EQ(data_of(job("2")).at("bulkSearchKeywordId").as_int64(), 12);
  EXPECT_TRUE(data_of(job("bulk-13")).at("keywordId").is_null());
  EXPECT_EQ(job("bulk-13").priority, kBulkPriority);
  EXPECT_FALSE(queue_->get_job("bulk-14"));
  // A second search finds the keyword jobs serving the first: its rows get their own.
  EXPECT_EQ(enqueue_bulk(*queue_, {bulk_row(20, 1)}), 1);
  EXPECT_EQ(data_of(job("1")).at("bulkSearchKeywordId").as_int64(), 10);
  EXPECT_EQ(data_of(job("bulk-20")).at("bulkSearchKeywordId").as_int64(), 20);
  EXPECT_EQ(queue_->get_job_counts().waiting, 5);
}

TEST_F(CrawlJobPolicies, ABulkRowOfAKeywordBeingCrawledGetsItsOwnJob) {
  enqueue_scheduled(*queue_, {keyword(1)});
  HeldWorker held(*queue_);
  ASSERT_TRUE(crawler::testing::poll_until([&] { return held.running == 1; }, 10s));
  EXPECT_EQ(enqueue_bulk(*queue_, {bulk_row(10, 1)}), 1);
  EXPECT_FALSE(data_of(job("1")).contains("bulkSearchKeywordId"));
  EXPECT_EQ(data_of(job("bulk-10")).at("bulkSearchKeywordId").as_int64(), 10);
}

TEST_F(CrawlJobPolicies, AdhocJobsHaveTheQueuesOwnIds) {
  CrawlJobData data;
  data.keyword_id = 42;
  data.keyword = "k";
  data.target_url = "a.com";
  const auto a = enqueue_adhoc(*queue_, data);
  const auto b = enqueue_adhoc(*queue_, data);
  EXPECT_NE(a, b);
  EXPECT_NE(a, "42");
  EXPECT_EQ(job(a).opts.attempts, 3);
  EXPECT_EQ(job(a).priority, 0);
}

}  // namespace crawler::worker
