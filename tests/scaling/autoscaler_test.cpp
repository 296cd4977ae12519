// `crawler --process=autoscaler` on a real load from `crawler loadtest`: the policy engine
// starts worker processes when the queue grows (0 → N), they crawl the sample site until the
// queue is empty, it scales back to 0 by SIGTERM (the workers drain), the load test reports
// every job done, stopping the autoscaler leaves no child — and the simulator, fed the same
// policy and load, predicts the measured worker-seconds and wait within 15 %.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <fstream>

#include "crawl/sample_site/site.h"
#include "queue/bull/bull_queue.h"
#include "scaling/simulator.h"
#include "support/crawler_process.h"
#include "support/http_client.h"
#include "support/poll.h"
#include "support/ports.h"
#include "support/services.h"
#include "support/temp_dir.h"

using namespace crawler;
using namespace crawler::testing;
using namespace std::chrono_literals;
namespace site = crawler::crawl::sample_site;

namespace {

// Out: +1 a period while more than 4 jobs wait or run (1 s cooldown); in: to 0 once the queue
// has been empty for 3 periods.
constexpr const char* kPolicy = R"({
  "ScalableTarget": {"MinCapacity": 0, "MaxCapacity": 3},
  "Policies": [
    {"PolicyName": "out", "PolicyType": "StepScaling",
     "StepScalingPolicyConfiguration": {"AdjustmentType": "ChangeInCapacity",
       "StepAdjustments": [{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
       "Cooldown": 1},
     "Alarm": {"MetricName": "QueueWaitingJobs", "ComparisonOperator": "GreaterThanThreshold",
       "Threshold": 4, "EvaluationPeriods": 1}},
    {"PolicyName": "empty", "PolicyType": "StepScaling",
     "StepScalingPolicyConfiguration": {"AdjustmentType": "ExactCapacity",
       "StepAdjustments": [{"MetricIntervalUpperBound": 0, "ScalingAdjustment": 0}],
       "Cooldown": 1},
     "Alarm": {"MetricName": "QueueWaitingJobs", "ComparisonOperator": "LessThanOrEqualToThreshold",
       "Threshold": 0, "EvaluationPeriods": 3}}
  ]})";

bool alive(std::int64_t pid) { return ::kill(static_cast<pid_t>(pid), 0) == 0; }

}  // namespace

TEST(Autoscaler, ScalesLocalWorkersFromZeroToTheLoadAndBackToZero) {
  site::Site sample(site::Options{.slow_delay = 300ms});
  sample.start();
  auto& services = SharedServices::get();
  const auto prefix = services.unique_prefix();
  const auto database_url = services.fresh_database_url();
  ASSERT_TRUE(run_crawler({"migrate"}, {{"DATABASE_URL", database_url}}).status.success());
  TempDir dir;
  const auto policy = dir.path() / "policy.json";
  std::ofstream(policy) << kPolicy;

  queue::bull::BullOptions qo;
  qo.redis_url = services.redis_url();
  qo.prefix = prefix;
  auto queue = queue::bull::open_bull_queue(qo);
  const int port = free_port();
  CrawlerProcess autoscaler({"--process=autoscaler"}, {{"QUEUE_PREFIX", prefix},
                                                       {"REDIS_URL", services.redis_url()},
                                                       {"DATABASE_URL", database_url},
                                                       {"AUTOSCALER_PORT", std::to_string(port)},
                                                       {"AUTOSCALER_POLICY", policy.string()},
                                                       {"AUTOSCALER_PERIOD_MS", "500"},
                                                       {"WORKER_CONCURRENCY", "2"},
                                                       {"WORKER_INTERVAL_MS", "0"},
                                                       {"CRAWL_MODE", "http"},
                                                       {"CRAWL_RATE_PER_HOST", "0"},
                                                       {"CRAWL_ALLOW_PRIVATE", "1"},
                                                       {"SERP_AD_URL", sample.ad_url_template()},
                                                       {"SHUTDOWN_TIMEOUT_MS", "5000"},
                                                       {"TMPDIR", dir.path().string()}});
  const auto url = "http://127.0.0.1:" + std::to_string(port) + "/health";
  auto health = [&]() -> boost::json::object {
    auto r = http_get(url, 2s);
    if (r.status != 200) return {};
    return boost::json::parse(r.body).as_object();
  };
  auto workers = [&]() -> std::int64_t {
    auto h = health();
    return h.contains("workers") ? h.at("workers").as_int64() : -1;
  };
  ASSERT_TRUE(poll_until([&] { return workers() == 0; }, 30s)) << autoscaler.log();

  // `crawler loadtest` queues the jobs and follows the drain.
  std::map<std::string, std::string> env{{"QUEUE_PREFIX", prefix},
                                         {"REDIS_URL", services.redis_url()},
                                         {"DATABASE_URL", database_url}};
  CrawlerProcess loadtest(
      {"loadtest", "--jobs", "160", "--keyword-prefix", "sample:slow:부하", "--timeout", "120"},
      env);
  std::int64_t peak = 0;
  std::vector<std::int64_t> pids;
  ASSERT_TRUE(poll_until(
      [&] {
        auto h = health();
        if (h.contains("workers") && h.at("workers").as_int64() > peak) {
          peak = h.at("workers").as_int64();
          pids.clear();
          for (const auto& p : h.at("pids").as_array()) pids.push_back(p.as_int64());
        }
        return !loadtest.process.running();
      },
      120s))
      << autoscaler.log();
  EXPECT_TRUE(loadtest.process.exit_status()->success()) << loadtest.log();
  EXPECT_NE(loadtest.log().find("completed 160, failed 0"), std::string::npos) << loadtest.log();
  EXPECT_NE(loadtest.log().find("peak workers"), std::string::npos) << loadtest.log();
  EXPECT_GE(peak, 2);                               // scaled out on the load
  EXPECT_LE(peak, 3);                               // never above its maximum
  EXPECT_EQ(queue->get_job_counts().completed, 0);  // loadtest cleaned up after itself

  // Idle: back to zero, and the stopped workers are gone.
  ASSERT_TRUE(poll_until([&] { return workers() == 0; }, 30s)) << autoscaler.log();
  ASSERT_TRUE(poll_until(
      [&] {
        for (auto pid : pids)
          if (alive(pid)) return false;
        return true;
      },
      15s));
  const double worker_seconds = health().at("workerSeconds").as_double();
  EXPECT_TRUE(autoscaler.process.terminate(20s, SIGTERM).success()) << autoscaler.log();

  // The simulator, given the same policy, the same burst and the crawl time the load test
  // measured, predicts the worker-seconds and the wait in queue within 15 %.
  const auto log = loadtest.log();
  auto number_after = [&](const std::string& label) {
    const auto at = log.find(label);
    EXPECT_NE(at, std::string::npos) << label << " missing in\n" << log;
    return at == std::string::npos ? 0.0 : std::stod(log.substr(at + label.size()));
  };
  const double crawl = number_after("mean crawl ");
  const double p95_wait = number_after("p95 ");
  scaling::Scenario burst;
  burst.name = "loadtest";
  burst.burst_jobs = 160;
  burst.burst_at = 500ms;  // half a period: the load test starts at a random point of one
  burst.duration_seconds = 120;
  scaling::FleetModel fleet;
  fleet.base_workers = 0;
  fleet.task_concurrency = 2;                // WORKER_CONCURRENCY of the children
  fleet.task_startup = scaling::Seconds(0);  // a local process starts well within a period
  fleet.service_seconds_mean = crawl;
  fleet.metric_period = scaling::Seconds(1);  // AUTOSCALER_PERIOD_MS
  fleet.step = std::chrono::milliseconds(10);
  auto predicted = scaling::simulate(scaling::load_scaling_config(policy), burst, fleet, 1);
  const double predicted_seconds = predicted.summary.task_hours * 3600;
  std::printf(
      "worker-seconds measured %.1f, predicted %.1f; p95 wait measured %.1f s, "
      "predicted %.1f s (crawl %.3f s)\n",
      worker_seconds, predicted_seconds, p95_wait, predicted.summary.p95_wait_seconds, crawl);
  EXPECT_NEAR(predicted_seconds, worker_seconds, 0.15 * worker_seconds);
  EXPECT_NEAR(predicted.summary.p95_wait_seconds, p95_wait, 0.15 * p95_wait);
}
