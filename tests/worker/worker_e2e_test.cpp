// The worker role end to end, as deployed: an api process and a worker process (separate, as
// on EC2 and Fargate) over a real Redis and PostgreSQL, crawling the local sample search site.
// "Check now" through the REST API → the worker crawls → the ranking row, the keyword's last
// rank and the job's result are what the sample site's deterministic ranking says.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "crawl/sample_site/site.h"
#include "support/crawler_process.h"
#include "support/http_client.h"
#include "support/poll.h"
#include "support/ports.h"
#include "support/services.h"

using namespace crawler::testing;
namespace json = boost::json;
namespace site = crawler::crawl::sample_site;
using namespace std::chrono_literals;

namespace {

json::object data_of(const HttpResult& r) {
  auto v = json::parse(r.body).as_object();
  EXPECT_EQ(v["success"], true) << r.body;
  return v["data"].as_object();
}

// A keyword and a domain the sample site ranks, found by its public rule.
std::pair<std::string, std::string> ranked_pair(int* rank) {
  for (int k = 0; k < 50; ++k) {
    std::string keyword = "강남 맛집 " + std::to_string(k);
    for (const auto& r : site::results(keyword, site::Page::ad)) {
      auto found = site::rank_of(keyword, r.domain, site::Page::ad);
      if (found && *found >= 2) {
        *rank = *found;
        return {keyword, r.domain};
      }
    }
  }
  throw std::runtime_error("the sample site ranks nothing");
}

}  // namespace

TEST(WorkerEndToEnd, CheckNowCrawlsTheSampleSiteAndStoresTheRank) {
  site::Site sample;
  sample.start();
  auto prefix = SharedServices::get().unique_prefix();
  auto db = SharedServices::get().fresh_database_url();
  std::map<std::string, std::string> env{{"QUEUE_PREFIX", prefix},
                                         {"DATABASE_URL", db},
                                         {"SERP_AD_URL", sample.ad_url_template()},
                                         {"CRAWL_ALLOW_PRIVATE", "1"},
                                         {"WORKER_INTERVAL_MS", "0"},
                                         {"METRICS_SINK", "none"}};
  ApiServer api(env);  // migrates the fresh database
  auto worker_env = env;
  worker_env["REDIS_URL"] = SharedServices::get().redis_url();
  worker_env["WORKER_PORT"] = std::to_string(free_port());
  worker_env["WORKER_CONCURRENCY"] = "2";
  CrawlerProcess worker({"--process=worker"}, worker_env);

  int expected = 0;
  auto [keyword, domain] = ranked_pair(&expected);
  auto add =
      http_request("POST", api.url("/api/keywords"),
                   json::serialize(json::object{
                       {"keyword", keyword}, {"url", "https://www." + domain}, {"targetRank", 1}}));
  ASSERT_EQ(add.status, 201) << add.body;
  auto id = data_of(add)["id"].as_int64();
  auto missing = http_request(
      "POST", api.url("/api/keywords"),
      json::serialize(json::object{{"keyword", keyword}, {"url", "not-listed.example"}}));
  auto missing_id = data_of(missing)["id"].as_int64();

  auto enqueue =
      http_request("POST", api.url("/api/jobs/enqueue/priority"),
                   "{\"ids\":[" + std::to_string(id) + "," + std::to_string(missing_id) + "]}");
  ASSERT_EQ(enqueue.status, 200) << enqueue.body;

  json::object job;
  ASSERT_TRUE(poll_until(
      [&] {
        auto r = http_request("GET", api.url("/api/jobs/" + std::to_string(id)));
        if (r.status != 200) return false;
        job = data_of(r);
        return job["status"] == "completed";
      },
      60s))
      << json::serialize(job) << "\nworker log:\n"
      << worker.log();
  EXPECT_EQ(job["result"].at("rank").as_int64(), expected);
  EXPECT_EQ(job["result"].at("targetRank").as_int64(), 1);
  EXPECT_EQ(job["result"].at("keyword").as_string(), keyword);

  auto rows =
      json::parse(
          http_request("GET", api.url("/api/rankings/" + std::to_string(id) + "/rankings")).body)
          .as_object()["data"]
          .as_array();
  ASSERT_EQ(rows.size(), 1u);
  auto row = rows[0].as_object();
  EXPECT_EQ(row["rank"].as_int64(), expected);
  EXPECT_EQ(row["rank_type"].as_string(), "AD");
  EXPECT_EQ(row["crawling_method"].as_string(), "http");
  EXPECT_GT(row["response_bytes"].as_int64(), 0);
  EXPECT_GT(row["request_bytes"].as_int64(), 0);
  EXPECT_EQ(row["job_id"].as_string(), std::to_string(id));

  // The keyword not on the page: completed with rank null, stored as "not found".
  ASSERT_TRUE(poll_until(
      [&] {
        auto r = http_request("GET", api.url("/api/jobs/" + std::to_string(missing_id)));
        return r.status == 200 && data_of(r)["status"] == "completed";
      },
      60s));
  auto kw = data_of(http_request("GET", api.url("/api/keywords?sortBy=keyword&order=asc")));
  for (const auto& k : kw["keywords"].as_array()) {
    if (k.at("id").as_int64() == id) {
      EXPECT_EQ(k.at("last_rank").as_int64(), expected);
    }
    if (k.at("id").as_int64() == missing_id) {
      EXPECT_TRUE(k.at("last_rank").is_null());
      EXPECT_FALSE(k.at("last_checked_at").is_null());
    }
  }

  // The worker announced itself and exposes its metrics.
  auto workers = data_of(http_request("GET", api.url("/api/workers")));
  EXPECT_EQ(workers["count"].as_int64(), 1);
  EXPECT_EQ(workers["slots"].as_int64(), 2);
  auto metrics = http_request("GET", "http://127.0.0.1:" + worker_env["WORKER_PORT"] + "/metrics");
  EXPECT_EQ(metrics.status, 200);
  // CRAWL_MODE=auto: the found keyword settled on the fast path; the missing one was handed
  // to the browser (the original's fallback), which did not find it either.
  for (const char* method : {"http", "browser"})
    EXPECT_NE(metrics.body.find(std::string("crawling_jobs_completed_total{status=\"completed\","
                                            "method=\"") +
                                method + "\"} 1"),
              std::string::npos)
        << method << "\n"
        << metrics.body;

  // SIGTERM drains and exits 0.
  worker.process.send_signal(SIGTERM);
  auto status = worker.process.wait_for(30s);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->success()) << worker.log();
}
