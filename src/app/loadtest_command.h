// `crawler loadtest`: load testing and tuning of a deployment as a command. Enqueues N
// synthetic crawl jobs (keywords "<prefix> <i>", not monitored: no keyword rows are created)
// on the configured queue, then follows the drain once a second — queue counts and the live
// worker fleet from the heartbeats, so a scaling fleet (ECS, or --process=autoscaler) is seen
// growing and shrinking — and prints a summary: duration, jobs/s, the wait in queue (p50,
// p95, max, from each job's timestamp and processedOn), failures, peak workers.
//
//   SERP_AD_URL=... crawler loadtest --jobs 2000          (workers point at the sample site)
#pragma once

#include <chrono>
#include <string>

#include "app/config.h"

namespace crawler::app {

struct LoadtestOptions {
  int jobs = 1000;
  std::string keyword_prefix = "부하 테스트";
  std::string target_url = "shop-1.example";
  int timeout_seconds = 1800;
};

int run_loadtest(const Config& config, const LoadtestOptions& options);

}  // namespace crawler::app
