// /metrics as served over HTTP parses with a real Prometheus text parser (npm
// parse-prometheus-text-format, via tests/peers/metrics_parse.js), and the parsed families
// carry our names, types, labels (escaping included) and values.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>

#include "metrics/aws_http.h"
#include "metrics/crawler_metrics.h"
#include "metrics/http_handler.h"
#include "metrics/process_metrics.h"
#include "metrics_test_server.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace crawler::metrics {
namespace {

TEST(MetricsPrometheus, ServedTextParsesWithPrometheusParser) {
  Registry registry;
  register_process_metrics(registry);
  CrawlerMetrics m(registry);
  m.jobs_completed.labels({"completed", "http"}).inc(3);
  m.jobs_completed.labels({"failed", "quote\"back\\slash\nnewline"}).inc();
  m.job_duration.labels({"processing"}).observe(1.2);
  m.job_duration.labels({"total"}).observe(42);
  m.network_bytes.labels({"http", "received"}).observe(20000);
  m.network_bytes_total.labels({"http"}).inc(20000);
  m.queue_jobs.labels({"waiting"}).set(7);
  m.jobs_scheduled.labels({}).inc(5);
  registry.histogram("test_latency_seconds", "Help with \\ and\nnewline", {}, {30, 60})
      .labels({})
      .observe(42);

  testing::CaptureServer server([&](http::Router& r, testing::CaptureServer&) {
    r.get("/metrics", [&](http::Request&) { return metrics_response(registry); });
  });
  auto reply = http_call({.url = server.url() + "/metrics"});
  ASSERT_EQ(reply.status, 200);

  crawler::testing::TempDir dir("metrics-prom");
  const auto file = dir.path() / "metrics.txt";
  std::ofstream(file) << reply.body;
  auto out = crawler::testing::run_checked(
      {.argv = {"node", std::string(CRAWLER_PEERS_DIR) + "/metrics_parse.js", file.string()}});
  auto families = boost::json::parse(out).as_array();

  std::map<std::string, boost::json::object> by_name;
  for (auto& f : families) by_name[std::string(f.at("name").as_string())] = f.as_object();
  for (const char* name :
       {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
        "process_start_time_seconds", "crawling_job_duration_seconds",
        "crawling_jobs_completed_total", "crawling_network_bytes", "crawling_network_bytes_total",
        "crawling_queue_jobs", "crawling_jobs_scheduled_total"})
    EXPECT_TRUE(by_name.contains(name)) << name;

  EXPECT_EQ(by_name["process_cpu_seconds_total"].at("type").as_string(), "COUNTER");
  EXPECT_EQ(by_name["crawling_job_duration_seconds"].at("type").as_string(), "HISTOGRAM");
  EXPECT_EQ(by_name["crawling_queue_jobs"].at("type").as_string(), "GAUGE");

  // The escaped label value reads back as written.
  bool found = false;
  for (auto& s : by_name["crawling_jobs_completed_total"].at("metrics").as_array()) {
    const auto& labels = s.at("labels").as_object();
    if (labels.at("method").as_string() == "quote\"back\\slash\nnewline") {
      found = true;
      EXPECT_EQ(s.at("value").as_string(), "1");
    }
  }
  EXPECT_TRUE(found) << out;

  // This parser folds a labelled histogram's series into one object without labels (its
  // prom2json-style flattening), so bucket values are checked on an unlabelled histogram.
  EXPECT_EQ(by_name["test_latency_seconds"].at("help").as_string(), "Help with \\ and\nnewline");
  const auto& h = by_name["test_latency_seconds"].at("metrics").as_array().at(0).as_object();
  EXPECT_EQ(h.at("count").as_string(), "1");
  EXPECT_EQ(h.at("sum").as_string(), "42");
  EXPECT_EQ(h.at("buckets").as_object().at("60").as_string(), "1");
  EXPECT_EQ(h.at("buckets").as_object().at("30").as_string(), "0");
  EXPECT_EQ(h.at("buckets").as_object().at("+Inf").as_string(), "1");
  EXPECT_EQ(by_name["crawling_jobs_scheduled_total"].at("metrics").as_array()[0].at("value"), "5");
}

}  // namespace
}  // namespace crawler::metrics
