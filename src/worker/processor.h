// One crawl job, start to finish: the queue handler of the worker role.
//
//   job data → for each watched profile (AD, optionally ORGANIC): crawl (fast path, then the
//   browser when there is one) → one store transaction per profile (the ranking row keyed by
//   job id, creation time and attempt, so a retried or duplicated job never writes twice; the
//   keyword's last rank; the bulk row) → result {rank, targetRank, keyword}.
//
// The pause after each job (WORKER_INTERVAL_MS) is the queue worker's, per slot, after the
// job is recorded (queue::WorkerOptions::pause_after_job), so it holds no result back.
// Progress 10 / 80 / 100 and log lines go on the job, where Bull dashboards show them. A page that
// is throttled or unreachable throws, so the queue retries the job with its backoff; a refused
// target (SSRF guard) or malformed job data also throws, with a reason saying so.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "crawl/crawl.h"
#include "metrics/crawler_metrics.h"
#include "queue/queue.h"
#include "store/store.h"

namespace crawler::worker {

struct ProcessorOptions {
  crawl::CrawlMode mode = crawl::CrawlMode::automatic;
  std::vector<crawl::Profile> profiles;  // watched, in order; the first gives the job's rank
  crawl::CrawlOptions crawl;
  metrics::CrawlerMetrics* metrics = nullptr;  // the crawling_* series; optional
};

class CrawlProcessor {
 public:
  CrawlProcessor(store::Store& store, crawl::Fetchers fetchers, ProcessorOptions options)
      : store_(store), fetchers_(fetchers), options_(std::move(options)) {}

  // The queue::Handler. Returns the result JSON; throws to fail the try.
  std::string process(queue::JobContext& job);
  // Jobs being processed right now (the worker's busy slots).
  int busy() const { return busy_.load(); }

 private:
  std::string run(queue::JobContext& job, std::string& method);

  store::Store& store_;
  crawl::Fetchers fetchers_;
  ProcessorOptions options_;
  std::atomic<int> busy_{0};
};

}  // namespace crawler::worker
