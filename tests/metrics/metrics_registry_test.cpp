// The Prometheus registry and text format: exact output for small registries, escaping,
// naming rules, histogram buckets, concurrent updates, process metrics, the handler.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include "metrics/crawler_metrics.h"
#include "metrics/http_handler.h"
#include "metrics/process_metrics.h"
#include "metrics/registry.h"
#include "metrics/text_format.h"

namespace crawler::metrics {
namespace {

TEST(TextFormat, EscapesAndNumbers) {
  EXPECT_EQ(escape_help("a\\b\nc\"d"), "a\\\\b\\nc\"d");
  EXPECT_EQ(escape_label_value("a\\b\nc\"d"), "a\\\\b\\nc\\\"d");
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
  EXPECT_TRUE(valid_metric_name("a:b_c9"));
  EXPECT_FALSE(valid_metric_name("9a"));
  EXPECT_FALSE(valid_metric_name("a-b"));
  EXPECT_TRUE(valid_label_name("_x1"));
  EXPECT_FALSE(valid_label_name("__x"));
  EXPECT_FALSE(valid_label_name("a:b"));
}

TEST(Registry, RendersCountersAndGauges) {
  Registry r;
  auto& c = r.counter("jobs_total", "Jobs\ndone", {"status"});
  c.labels({"ok"}).inc();
  c.labels({"ok"}).inc(2);
  c.labels({"b\"ad"}).inc();
  c.labels({"ok"}).inc(-5);  // ignored
  r.gauge("depth", "Depth").labels({}).set(-1.5);
  EXPECT_EQ(r.render(),
            "# HELP jobs_total Jobs\\ndone\n"
            "# TYPE jobs_total counter\n"
            "jobs_total{status=\"b\\\"ad\"} 1\n"
            "jobs_total{status=\"ok\"} 3\n"
            "# HELP depth Depth\n"
            "# TYPE depth gauge\n"
            "depth -1.5\n");
}

TEST(Registry, RendersHistogramsCumulatively) {
  Registry r;
  auto h = r.histogram("size_bytes", "Sizes", {"m"}, {1, 10}).labels({"x"});
  h.observe(0.5);
  h.observe(1);  // le is inclusive
  h.observe(5);
  h.observe(100);
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(r.render(),
            "# HELP size_bytes Sizes\n"
            "# TYPE size_bytes histogram\n"
            "size_bytes_bucket{m=\"x\",le=\"1\"} 2\n"
            "size_bytes_bucket{m=\"x\",le=\"10\"} 3\n"
            "size_bytes_bucket{m=\"x\",le=\"+Inf\"} 4\n"
            "size_bytes_sum{m=\"x\"} 106.5\n"
            "size_bytes_count{m=\"x\"} 4\n");
}

TEST(Registry, EnforcesNamingAndShapes) {
  Registry r;
  EXPECT_THROW(r.counter("jobs", "no _total"), std::invalid_argument);
  EXPECT_THROW(r.gauge("bad-name", "x"), std::invalid_argument);
  EXPECT_THROW(r.gauge("g", "x", {"__reserved"}), std::invalid_argument);
  EXPECT_THROW(r.gauge("g", "x", {"a", "a"}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "x", {"le"}, {1}), std::invalid_argument);
  EXPECT_THROW(r.histogram("h", "x", {}, {2, 1}), std::invalid_argument);
  auto& g = r.gauge("g", "x", {"a"});
  EXPECT_EQ(&g, &r.gauge("g", "x", {"a"}));  // same shape: shared
  EXPECT_THROW(r.gauge("g", "x", {"b"}), std::invalid_argument);
  EXPECT_THROW(r.counter("g_total", "x").labels({"extra"}), std::invalid_argument);
  EXPECT_THROW(g.labels({}), std::invalid_argument);
}

TEST(Registry, HandlesAreThreadSafe) {
  Registry r;
  auto& family = r.counter("hits_total", "Hits", {"t"});
  auto hist = r.histogram("lat_seconds", "L", {}, default_buckets()).labels({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto mine = family.labels({t % 2 ? "odd" : "even"});
      for (int i = 0; i < 10000; ++i) {
        mine.inc();
        hist.observe(0.01);
        if (i % 1000 == 0) (void)r.render();
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(family.labels({"odd"}).value() + family.labels({"even"}).value(), 40000);
  EXPECT_EQ(hist.count(), 40000u);
}

TEST(Registry, InertHandlesDoNothing) {
  Counter c;
  Gauge g;
  Histogram h;
  c.inc();
  g.set(3);
  h.observe(1);
  EXPECT_EQ(c.value(), 0);
  EXPECT_EQ(g.value(), 0);
  EXPECT_EQ(h.count(), 0u);
}

TEST(ProcessMetrics, ParsesProcStat) {
  auto s = parse_proc_stat(
      "42 (a (weird) name) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0 1000 "
      "123456789 300 18446744073709551615",
      100);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(s->cpu_seconds, 3.0);
  EXPECT_DOUBLE_EQ(s->start_after_boot, 10.0);
  EXPECT_EQ(s->vsize_bytes, 123456789u);
  EXPECT_EQ(s->rss_pages, 300u);
  EXPECT_FALSE(parse_proc_stat("garbage", 100));
  EXPECT_EQ(parse_boot_time("cpu 1 2\nbtime 1700000000\nprocesses 5\n"), 1700000000);
}

TEST(ProcessMetrics, ExportsTheStandardSeries) {
  Registry r;
  register_process_metrics(r);
  const std::string text = r.render();
  for (const char* name :
       {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_open_fds ",
        "process_max_fds ", "process_start_time_seconds ", "process_virtual_memory_bytes "})
    EXPECT_NE(text.find(std::string("\n") + name), std::string::npos) << name;
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter"), std::string::npos);
}

TEST(CrawlerMetrics, DeclaresTheOriginalSeries) {
  Registry r;
  CrawlerMetrics m(r);
  m.jobs_completed.labels({"completed", "http"}).inc();
  m.job_duration.labels({"processing"}).observe(1.5);
  m.network_bytes.labels({"http", "received"}).observe(50000);
  m.network_bytes_total.labels({"http"}).inc(50000);
  m.queue_jobs.labels({"waiting"}).set(4);
  m.jobs_scheduled.labels({}).inc();
  CrawlerMetrics again(r);  // another role in the same process shares the families
  EXPECT_EQ(&again.jobs_completed, &m.jobs_completed);
  const std::string text = r.render();
  for (const char* s :
       {"crawling_jobs_completed_total{status=\"completed\",method=\"http\"} 1",
        "crawling_job_duration_seconds_count{phase=\"processing\"} 1",
        "crawling_network_bytes_sum{method=\"http\",direction=\"received\"} 50000",
        "crawling_network_bytes_total{method=\"http\"} 50000",
        "crawling_queue_jobs{status=\"waiting\"} 4", "crawling_jobs_scheduled_total 1"})
    EXPECT_NE(text.find(s), std::string::npos) << s;
}

TEST(MetricsResponse, HasTheExpositionContentType) {
  Registry r;
  r.gauge("up", "Up").labels({}).set(1);
  auto resp = metrics_response(r);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(resp.body, "# HELP up Up\n# TYPE up gauge\nup 1\n");
}

}  // namespace
}  // namespace crawler::metrics
