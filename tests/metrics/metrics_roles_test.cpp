// /metrics of every role of the real binary parses with npm parse-prometheus-text-format, and
// carries the process metrics and the original's crawling_* series.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "support/crawler_process.h"
#include "support/http_client.h"
#include "support/poll.h"
#include "support/ports.h"
#include "support/services.h"
#include "support/temp_dir.h"

using namespace crawler::testing;
using namespace std::chrono_literals;

namespace {

// Returns the metric family names parsed by the npm parser (fails the test on a parse error).
std::set<std::string> parse_with_npm(const std::string& text) {
  TempDir dir;
  auto file = dir.path() / "metrics.txt";
  std::ofstream(file) << text;
  auto r = run_command(
      {.argv = {"node", std::string(CRAWLER_PEERS_DIR) + "/metrics_parse.js", file.string()}});
  EXPECT_TRUE(r.status.success()) << r.output;
  std::set<std::string> names;
  if (!r.status.success()) return names;
  auto parsed = boost::json::parse(r.output);
  for (const auto& family : parsed.as_array())
    names.insert(std::string(family.at("name").as_string()));
  return names;
}

void expect_role_metrics(int port, const CrawlerProcess& process) {
  auto url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  ASSERT_TRUE(poll_until([&] { return http_get(url, 2s).status == 200; }, 30s)) << process.log();
  auto res = http_get(url);
  EXPECT_NE(res.headers["content-type"].find("text/plain; version=0.0.4"), std::string::npos);
  auto names = parse_with_npm(res.body);
  for (auto expected :
       {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
        "process_start_time_seconds", "crawling_jobs_completed_total",
        "crawling_job_duration_seconds", "crawling_queue_jobs", "crawling_network_bytes"})
    EXPECT_TRUE(names.contains(expected)) << expected << " missing on port " << port;
}

}  // namespace

TEST(MetricsRoles, EveryRoleServesParsablePrometheusText) {
  auto prefix = SharedServices::get().unique_prefix();
  ApiServer api(
      std::map<std::string, std::string>{{"QUEUE_PREFIX", prefix}, {"METRICS_SINK", "none"}});
  expect_role_metrics(api.port, api.process);

  int scheduler_port = free_port(), worker_port = free_port();
  CrawlerProcess others({"--process=scheduler,worker"},
                        {{"QUEUE_PREFIX", prefix},
                         {"SCHEDULER_PORT", std::to_string(scheduler_port)},
                         {"WORKER_PORT", std::to_string(worker_port)},
                         {"REDIS_URL", SharedServices::get().redis_url()},
                         {"DATABASE_URL", SharedServices::get().fresh_database_url()}});
  expect_role_metrics(scheduler_port, others);
  expect_role_metrics(worker_port, others);
}

TEST(MetricsRoles, PublisherRunsAloneWhenMovedOutOfTheApi) {
  auto prefix = SharedServices::get().unique_prefix();
  std::map<std::string, std::string> env{{"QUEUE_PREFIX", prefix},
                                         {"METRICS_SINK", "emf"},
                                         {"METRICS_PUBLISHER", "separate"},
                                         {"CLOUDWATCH_PUBLISH_INTERVAL_MS", "1000"}};
  ApiServer api(env);
  for (int i = 1; i <= 3; ++i)
    ASSERT_EQ(http_request("POST", api.url("/api/jobs/enqueue"),
                           "{\"keywordId\":" + std::to_string(i) +
                               ",\"keyword\":\"k\",\"targetUrl\":\"a.example\"}")
                  .status,
              200);
  auto env2 = env;
  env2["REDIS_URL"] = SharedServices::get().redis_url();
  CrawlerProcess publisher({"--process=publisher"}, env2);

  // The publisher prints an EMF line per period with QueueWaitingJobs = waiting + active.
  std::optional<boost::json::object> emf;
  ASSERT_TRUE(poll_until(
      [&] {
        std::istringstream lines(publisher.process.has_child() ? publisher.log() : "");
        for (std::string line; std::getline(lines, line);) {
          if (line.find("\"_aws\"") == std::string::npos) continue;
          emf = boost::json::parse(line).as_object();
          return true;
        }
        return false;
      },
      20s))
      << publisher.log();
  EXPECT_EQ((*emf)["QueueWaitingJobs"].to_number<double>(), 3.0);
  EXPECT_EQ((*emf)["_aws"].at("CloudWatchMetrics").at(0).at("Namespace").as_string(),
            "CrawlerService");
  // The api, told the publisher runs elsewhere, publishes nothing.
  EXPECT_EQ(api.process.log().find("\"_aws\""), std::string::npos);
}
