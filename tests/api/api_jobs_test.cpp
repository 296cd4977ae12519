// /api/jobs and /api/system over real HTTP, against a real Redis (Bull layout) and PostgreSQL.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/api_envelope.h"
#include "support/crawler_process.h"
#include "support/http_client.h"
#include "support/services.h"

using namespace crawler::testing;
namespace json = boost::json;

namespace {

constexpr const char* kKey = "test-key-0123456789abcdef";

class ApiJobs : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<ApiServer>(std::map<std::string, std::string>{
        {"QUEUE_PREFIX", SharedServices::get().unique_prefix()}, {"API_KEYS", kKey}});
  }

  HttpResult call(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return server_->call(method, path, body);
  }
  json::object data(const HttpResult& r) { return api_data(r).as_object(); }
  std::int64_t add_keyword(const std::string& k) {
    auto r =
        call("POST", "/api/keywords", "{\"keyword\":\"" + k + "\",\"url\":\"" + k + ".example\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    return data(r)["id"].as_int64();
  }

  std::unique_ptr<ApiServer> server_;
};

}  // namespace

TEST_F(ApiJobs, EnqueueValidatesThenQueues) {
  for (auto body : {R"({})", R"({"keywordId":"x","keyword":"k","targetUrl":"a.com"})",
                    R"({"keywordId":1,"targetUrl":"a.com"})", R"({"keywordId":1,"keyword":"k"})",
                    R"({"keywordId":1,"keyword":"k","targetUrl":"ftp://a"})",
                    R"({"keywordId":-5,"keyword":"k","targetUrl":"a.com"})",
                    R"({"keywordId":1,"keyword":"k","targetUrl":"a.com","targetRank":0})"}) {
    auto r = call("POST", "/api/jobs/enqueue", body);
    EXPECT_EQ(r.status, 400) << body << " → " << r.body;
  }
  auto r =
      call("POST", "/api/jobs/enqueue",
           R"({"keywordId":7,"keyword":"강남","targetUrl":"https://www.a.com","targetRank":3})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = data(r);
  EXPECT_EQ(d["status"].as_string(), "waiting");
  auto job_id = std::string(d["jobId"].as_string());

  auto q = data(call("GET", "/api/jobs/queue"));
  EXPECT_EQ(q["waiting"].as_int64(), 1);
  EXPECT_EQ(q["active"].as_int64(), 0);
  ASSERT_EQ(q["jobs"].as_array().size(), 1u);
  auto job = q["jobs"].as_array()[0].as_object();
  EXPECT_EQ(job["id"].as_string(), job_id);
  EXPECT_EQ(job["status"].as_string(), "waiting");
  EXPECT_EQ(job["data"].at("keyword").as_string(), "강남");
  EXPECT_EQ(job["data"].at("targetUrl").as_string(), "a.com");
  EXPECT_EQ(job["data"].at("targetRank").as_int64(), 3);

  auto one = data(call("GET", "/api/jobs/" + job_id));
  EXPECT_EQ(one["status"].as_string(), "waiting");
  EXPECT_TRUE(one["result"].is_null());
  EXPECT_EQ(call("GET", "/api/jobs/no-such-job").status, 404);

  EXPECT_EQ(call("DELETE", "/api/jobs/" + job_id).status, 200);
  EXPECT_EQ(call("DELETE", "/api/jobs/" + job_id).status, 404);
  EXPECT_EQ(data(call("GET", "/api/jobs/queue"))["waiting"].as_int64(), 0);
}

TEST_F(ApiJobs, PriorityEnqueueUsesTheKeywordIdAndReplacesWaitingJobs) {
  auto a = add_keyword("alpha"), b = add_keyword("beta");
  auto body = "{\"ids\":[" + std::to_string(a) + "," + std::to_string(b) + ",999999]}";
  auto r = call("POST", "/api/jobs/enqueue/priority", body);
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = data(r);
  EXPECT_EQ(d["queued"].as_int64(), 2);
  auto results = d["results"].as_array();
  EXPECT_EQ(results[0].at("status").as_string(), "queued");
  EXPECT_EQ(results[0].at("jobId").as_string(), std::to_string(a));
  EXPECT_EQ(results[2].at("status").as_string(), "not_found");
  // Again: the waiting jobs are replaced, not duplicated.
  EXPECT_EQ(data(call("POST", "/api/jobs/enqueue/priority", body))["queued"].as_int64(), 2);
  auto q = data(call("GET", "/api/jobs/queue"));
  EXPECT_EQ(q["waiting"].as_int64(), 2);
  auto job = data(call("GET", "/api/jobs/" + std::to_string(a)));
  EXPECT_EQ(job["status"].as_string(), "waiting");

  for (auto bad :
       {R"({})", R"({"ids":[]})", R"({"ids":"1"})", R"({"ids":["x"]})", R"({"ids":[0]})"})
    EXPECT_EQ(call("POST", "/api/jobs/enqueue/priority", bad).status, 400) << bad;
}

TEST_F(ApiJobs, CleanEmptiesTheQueue) {
  call("POST", "/api/jobs/enqueue", R"({"keywordId":1,"keyword":"k","targetUrl":"a.com"})");
  call("POST", "/api/jobs/enqueue", R"({"keywordId":2,"keyword":"k","targetUrl":"b.com"})");
  EXPECT_EQ(data(call("GET", "/api/jobs/queue"))["waiting"].as_int64(), 2);
  EXPECT_EQ(call("POST", "/api/jobs/clean").status, 200);
  auto q = data(call("GET", "/api/jobs/queue"));
  EXPECT_EQ(q["waiting"].as_int64(), 0);
  EXPECT_EQ(q["jobs"].as_array().size(), 0u);
}

TEST_F(ApiJobs, SystemResetErasesEverything) {
  add_keyword("reset-me");
  call("POST", "/api/jobs/enqueue", R"({"keywordId":1,"keyword":"k","targetUrl":"a.com"})");
  EXPECT_EQ(http_request("POST", server_->url("/api/system/reset")).status, 401);
  ASSERT_EQ(call("POST", "/api/system/reset").status, 200);
  EXPECT_EQ(data(call("GET", "/api/keywords"))["total"].as_int64(), 0);
  EXPECT_EQ(data(call("GET", "/api/jobs/queue"))["waiting"].as_int64(), 0);
  // The queue still works afterwards (not left paused).
  call("POST", "/api/jobs/enqueue", R"({"keywordId":1,"keyword":"k","targetUrl":"a.com"})");
  auto q = data(call("GET", "/api/jobs/queue"));
  EXPECT_EQ(q["waiting"].as_int64(), 1);
  EXPECT_EQ(q["paused"].as_int64(), 0);
}

TEST(ApiSystem, ResetIsRefusedWithoutApiKeys) {
  ApiServer server(
      std::map<std::string, std::string>{{"QUEUE_PREFIX", SharedServices::get().unique_prefix()}});
  auto r = http_request("POST", server.url("/api/system/reset"));
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("API_KEYS"), std::string::npos);
}
