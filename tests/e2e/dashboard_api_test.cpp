// The REST routes the dashboard added (and the dashboard's own files), over real HTTP against a
// real api process, Redis and PostgreSQL: what they answer, and that bad input is a 4xx naming
// the problem, never a 500.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "queue/bull/bull_queue.h"
#include "support/api_envelope.h"
#include "support/crawler_process.h"
#include "support/finish_jobs.h"
#include "support/http_client.h"
#include "support/poll.h"
#include "support/ports.h"
#include "support/services.h"
#include "support/temp_dir.h"
#include "xlsx/writer.h"

using namespace crawler;
using namespace crawler::testing;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kKey = "dash-key-0123456789abcdef";

class DashboardApi : public ::testing::Test {
 protected:
  void SetUp() override {
    prefix_ = SharedServices::get().unique_prefix();
    server_ = std::make_unique<ApiServer>(
        std::map<std::string, std::string>{{"QUEUE_PREFIX", prefix_}, {"API_KEYS", kKey}});
  }
  HttpResult call(const std::string& method, const std::string& path, const std::string& body = "",
                  std::vector<std::string> headers = {}) {
    return server_->call(method, path, body, std::move(headers));
  }
  static json::value data(const HttpResult& r) { return api_data(r); }
  std::unique_ptr<queue::Queue> open_queue() {
    queue::bull::BullOptions o;
    o.redis_url = SharedServices::get().redis_url();
    o.prefix = prefix_;
    return queue::bull::open_bull_queue(o);
  }

  std::string prefix_;
  std::unique_ptr<ApiServer> server_;
};

}  // namespace

TEST_F(DashboardApi, ServesTheDashboardCompressedWithoutAKey) {
  auto page = http_request("GET", server_->url("/"));
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("/assets/"), std::string::npos);
  EXPECT_EQ(page.headers["cache-control"], "no-cache");
  EXPECT_NE(page.headers["content-security-policy"].find("script-src 'self'"), std::string::npos);
  auto start = page.body.find("/assets/");
  auto end = page.body.find('"', start);
  auto asset = page.body.substr(start, end - start);
  auto gz = http_request("GET", server_->url(asset), "", {"Accept-Encoding: gzip"});
  EXPECT_EQ(gz.status, 200);
  EXPECT_EQ(gz.headers["content-encoding"], "gzip");
  EXPECT_NE(gz.headers["cache-control"].find("immutable"), std::string::npos);
  auto plain = http_request("GET", server_->url(asset));
  EXPECT_EQ(plain.status, 200);
  EXPECT_FALSE(plain.headers.contains("content-encoding"));
  EXPECT_GT(plain.body.size(), gz.body.size());
  EXPECT_EQ(http_request("GET", server_->url("/assets/nothing.js")).status, 404);
  EXPECT_EQ(http_request("GET", server_->url("/assets/..%2Fopenapi.json")).status, 404);
}

TEST_F(DashboardApi, OneKeywordAndTheLatestRanksValidateTheirInput) {
  auto add = call("POST", "/api/keywords", R"({"keyword":"강남","url":"https://www.a.example"})");
  ASSERT_EQ(add.status, 201) << add.body;
  auto id = data(add).at("id").as_int64();
  auto one = call("GET", "/api/keywords/" + std::to_string(id));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(data(one).at("url").as_string(), "a.example");
  expect_api_error(call("GET", "/api/keywords/999999"), 404, "not found");
  expect_api_error(call("GET", "/api/keywords/abc"), 400, "id");

  auto latest = call("GET", "/api/keywords/latest-ranks?ids=" + std::to_string(id) + ",999999");
  ASSERT_EQ(latest.status, 200) << latest.body;
  auto l = data(latest).as_object();
  EXPECT_TRUE(l.at(std::to_string(id)).at("AD").is_null());  // never checked
  EXPECT_TRUE(l.at("999999").at("ORGANIC").is_null());
  expect_api_error(call("GET", "/api/keywords/latest-ranks"), 400, "ids");
  expect_api_error(call("GET", "/api/keywords/latest-ranks?ids=1,x"), 400, "ids");
  expect_api_error(call("GET", "/api/keywords/latest-ranks?ids=-3"), 400, "ids");
  expect_api_error(call("GET", "/api/keywords/latest-ranks?ids=1,,2"), 400, "ids");
  std::string many = "1";
  for (int i = 2; i <= 201; ++i) many += "," + std::to_string(i);
  expect_api_error(call("GET", "/api/keywords/latest-ranks?ids=" + many), 400, "200");
}

TEST_F(DashboardApi, ImportAddsManyKeywordsReportingDuplicatesAndBadRows) {
  auto r = call("POST", "/api/keywords/import",
                R"({"keywords":[{"keyword":"a","url":"a.example","tags":["x"],"targetRank":3},
                                {"keyword":"a","url":"https://a.example"},
                                {"keyword":"b","url":"ftp://b.example"},
                                {"keyword":"","url":"c.example"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = data(r).as_object();
  EXPECT_EQ(d["added"].as_int64(), 1);
  EXPECT_EQ(d["exists"].as_int64(), 1);
  EXPECT_EQ(d["invalid"].as_int64(), 2);
  auto results = d["results"].as_array();
  EXPECT_EQ(results[1].at("id"), results[0].at("id"));
  EXPECT_FALSE(results[2].at("error").as_string().empty());

  for (auto body : {R"({})", R"({"keywords":[]})", R"({"keywords":"a"})", R"({"keywords":[1]})",
                    R"({"keywords":[{"keyword":"a","url":"a.example","targetRank":0}]})",
                    R"({"keywords":[{"keyword":5,"url":"a.example"}]})", "not json"})
    EXPECT_EQ(call("POST", "/api/keywords/import", body).status, 400) << body;

  // The same from an .xlsx (the bulk search's columns).
  xlsx::Table t;
  t.columns = {{"키워드"}, {"URL"}};
  t.rows = {{std::string("c"), std::string("c.example")},
            {std::string("a"), std::string("a.example")}};
  auto file = xlsx::write_xlsx(t);
  std::string boundary = "----e2eboundary";
  std::string body = "--" + boundary +
                     "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k.xlsx\"\r\n"
                     "Content-Type: application/octet-stream\r\n\r\n" +
                     file + "\r\n--" + boundary + "--\r\n";
  auto up = call("POST", "/api/keywords/import", body,
                 {"Content-Type: multipart/form-data; boundary=" + boundary});
  ASSERT_EQ(up.status, 200) << up.body;
  EXPECT_EQ(data(up).at("added").as_int64(), 1);
  EXPECT_EQ(data(up).at("exists").as_int64(), 1);
  std::string junk =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"k.xlsx\"\r\n\r\n"
      "not a zip\r\n--" +
      boundary + "--\r\n";
  EXPECT_EQ(call("POST", "/api/keywords/import", junk,
                 {"Content-Type: multipart/form-data; boundary=" + boundary})
                .status,
            400);
}

TEST_F(DashboardApi, FailedJobsAreListedWithReasonsAndRetried) {
  auto q = open_queue();
  for (int i = 0; i < 3; ++i) {
    queue::JobOptions o;
    o.attempts = 1;
    o.job_id = "job-" + std::to_string(i);
    q->add(i < 2 ? R"({"fail":true,"keyword":"k"})" : "{}", o);
  }
  ASSERT_TRUE(queue::testing::finish_jobs(
      *q, [](const queue::JobCounts& n) { return n.failed == 2 && n.completed == 1; }));
  auto list = call("GET", "/api/jobs/list?state=failed&limit=1");
  ASSERT_EQ(list.status, 200) << list.body;
  auto l = data(list).as_object();
  EXPECT_EQ(l["total"].as_int64(), 2);
  ASSERT_EQ(l["jobs"].as_array().size(), 1u);
  auto job = l["jobs"].as_array()[0].as_object();
  EXPECT_EQ(job["failedReason"].as_string(), "HTTP 500 from the search page");
  EXPECT_EQ(job["attemptsMade"].as_int64(), 1);
  EXPECT_EQ(job["data"].at("keyword").as_string(), "k");
  EXPECT_EQ(data(call("GET", "/api/jobs/list?state=completed")).at("total").as_int64(), 1);
  expect_api_error(call("GET", "/api/jobs/list"), 400, "state");
  expect_api_error(call("GET", "/api/jobs/list?state=lost"), 400, "state");
  expect_api_error(call("GET", "/api/jobs/list?state=failed&limit=0"), 400, "limit");

  expect_api_error(call("POST", "/api/jobs/job-2/retry"), 409, "completed");
  expect_api_error(call("POST", "/api/jobs/nope/retry"), 404, "not found");
  auto one = call("POST", "/api/jobs/job-0/retry");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(q->get_state("job-0"), queue::JobState::waiting);
  auto all = call("POST", "/api/jobs/retry-failed");
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(data(all).at("retried").as_int64(), 1);
  EXPECT_EQ(q->get_job_counts().waiting, 2);
  EXPECT_EQ(q->get_job_counts().failed, 0);
  expect_api_error(call("POST", "/api/jobs/retry-failed?max=0"), 400, "max");
}

TEST_F(DashboardApi, ScalingShowsTheSamplesAndThePolicysAdvice) {
  HttpResult r;
  ASSERT_TRUE(poll_until(
      [&] {
        r = call("GET", "/api/scaling");
        return r.status == 200 && !data(r).at("samples").as_array().empty();
      },
      10s))
      << r.body;
  auto d = data(r).as_object();
  EXPECT_EQ(d["minutes"].as_array().size(), 1u);
  auto advice = d["advice"].as_object();
  EXPECT_EQ(advice["current"].as_int64(), 0);  // no worker here
  EXPECT_GE(advice["desired"].as_int64(), 0);
  EXPECT_EQ(d["policy"].at("maxCapacity").as_int64(), 50);  // cloudwatch/autoscaling.json
  auto doc = json::parse(call("GET", "/openapi.json").body).as_object();
  for (auto path : {"/api/scaling", "/api/jobs/list", "/api/jobs/{id}/retry",
                    "/api/jobs/retry-failed", "/api/keywords/latest-ranks", "/api/keywords/import"})
    EXPECT_TRUE(doc["paths"].as_object().contains(path)) << path;
  EXPECT_EQ(http_request("GET", server_->url("/api/scaling")).status, 401);  // key required
}

// The README's run command (embedded mode, `crawler --demo`: no Redis, no PostgreSQL) serves the
// dashboard and its routes the same way.
TEST(DashboardEmbedded, TheDemoServesTheDashboardAndItsRoutes) {
  TempDir dir;
  int port = free_port();
  CrawlerProcess process({"--demo"}, {{"PORT", std::to_string(port)},
                                      {"SCHEDULER_PORT", std::to_string(free_port())},
                                      {"DATA_DIR", (dir.path() / "data").string()},
                                      {"METRICS_SINK", "none"},
                                      {"WORKER_INTERVAL_MS", "0"}});
  auto url = [&](const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  };
  ASSERT_TRUE(poll_until([&] { return http_get(url("/ready"), 2s).status == 200; }, 30s))
      << process.log();
  auto page = http_get(url("/"));
  ASSERT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("/assets/"), std::string::npos);

  // The demo's keywords get checked; the latest ranks show them.
  std::string ids;
  ASSERT_TRUE(poll_until(
      [&] {
        auto v = json::parse(http_get(url("/api/keywords?limit=50")).body);
        ids.clear();
        for (const auto& k : v.at("data").at("keywords").as_array()) {
          if (k.at("last_checked_at").is_null()) return false;
          ids += (ids.empty() ? "" : ",") + std::to_string(k.at("id").as_int64());
        }
        return !ids.empty();
      },
      30s))
      << process.log();
  auto latest = json::parse(http_get(url("/api/keywords/latest-ranks?ids=" + ids)).body);
  for (const auto& [id, ranks] : latest.at("data").as_object())
    EXPECT_FALSE(ranks.at("AD").is_null()) << id;

  auto scaling = json::parse(http_get(url("/api/scaling")).body).at("data").as_object();
  EXPECT_FALSE(scaling.at("samples").as_array().empty());
  EXPECT_EQ(scaling.at("advice").at("current").as_int64(), 1);  // the process's own worker
  auto jobs = http_get(url("/api/jobs/list?state=completed"));
  EXPECT_EQ(jobs.status, 200) << jobs.body;
}
