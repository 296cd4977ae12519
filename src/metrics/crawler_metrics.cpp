#include "metrics/crawler_metrics.h"

namespace crawler::metrics {

std::vector<double> job_duration_buckets() {
  return {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 420};
}

std::vector<double> network_bytes_buckets() { return exponential_buckets(1024, 4, 8); }

CrawlerMetrics::CrawlerMetrics(Registry& registry)
    : job_duration(registry.histogram(names::job_duration,
                                      "Duration of crawling jobs in seconds, by phase "
                                      "(processing: in the worker; total: enqueue to done)",
                                      {"phase"}, job_duration_buckets())),
      jobs_completed(registry.counter(names::jobs_completed,
                                      "Crawling jobs finished, by status and crawling method",
                                      {"status", "method"})),
      network_bytes(registry.histogram(names::network_bytes,
                                       "Bytes sent or received per crawling job",
                                       {"method", "direction"}, network_bytes_buckets())),
      network_bytes_total(registry.counter(
          names::network_bytes_total, "Bytes transferred by crawling jobs, by method", {"method"})),
      queue_jobs(
          registry.gauge(names::queue_jobs, "Jobs in the crawl queue, by state", {"status"})),
      jobs_scheduled(registry.counter(names::jobs_scheduled,
                                      "Crawling jobs added to the queue by the scheduler")) {}

}  // namespace crawler::metrics
