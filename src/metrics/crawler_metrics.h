// The crawler's own series, declared in one place so every role (api, scheduler, worker)
// exports the same names, labels and buckets. The names are those the Node service exported
// (prom-client; docs/glossary.md), so existing dashboards keep working:
//
//   crawling_job_duration_seconds{phase}          histogram  phase = processing | total
//   crawling_jobs_completed_total{status,method}  counter    status = completed | failed
//   crawling_network_bytes{method,direction}      histogram  direction = sent | received
//   crawling_network_bytes_total{method}          counter
//   crawling_queue_jobs{status}                   gauge      waiting, active, completed, ...
//   crawling_jobs_scheduled_total                 counter
//
// plus what the rewrite adds for the worker fleet (crawling_workers_running,
// crawling_worker_slots, crawling_worker_busy_slots: callbacks registered by whoever owns a
// WorkerRegistry, see worker_registry.h) and the publisher's own health counters.
//
// Construct one CrawlerMetrics per Registry (per process); the families are shared by
// reference, and callers take label handles once (e.g. per method at start-up).
#pragma once

#include "metrics/registry.h"

namespace crawler::metrics {

namespace names {
inline constexpr std::string_view job_duration = "crawling_job_duration_seconds";
inline constexpr std::string_view jobs_completed = "crawling_jobs_completed_total";
inline constexpr std::string_view network_bytes = "crawling_network_bytes";
inline constexpr std::string_view network_bytes_total = "crawling_network_bytes_total";
inline constexpr std::string_view queue_jobs = "crawling_queue_jobs";
inline constexpr std::string_view jobs_scheduled = "crawling_jobs_scheduled_total";
inline constexpr std::string_view workers_running = "crawling_workers_running";
inline constexpr std::string_view worker_slots = "crawling_worker_slots";
inline constexpr std::string_view worker_busy_slots = "crawling_worker_busy_slots";
}  // namespace names

struct CrawlerMetrics {
  explicit CrawlerMetrics(Registry& registry);

  HistogramFamily& job_duration;       // {phase}
  CounterFamily& jobs_completed;       // {status, method}
  HistogramFamily& network_bytes;      // {method, direction}
  CounterFamily& network_bytes_total;  // {method}
  GaugeFamily& queue_jobs;             // {status}
  CounterFamily& jobs_scheduled;       // no labels
};

// Buckets: job durations from 0.1 s to ~7 min (a SERP fetch through a proxy takes seconds,
// a queued job can wait minutes); page sizes from 1 KiB to 16 MiB.
std::vector<double> job_duration_buckets();
std::vector<double> network_bytes_buckets();

}  // namespace crawler::metrics
