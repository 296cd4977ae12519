#include "app/loadtest_command.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <thread>

#include "app/backends.h"
#include "core/clock.h"
#include "worker/crawl_job.h"

namespace crawler::app {
namespace {

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int run_loadtest(const Config& config, const LoadtestOptions& o) {
  if (o.jobs < 1 || o.jobs > 1000000) {
    std::cerr << "crawler loadtest: --jobs must be 1..1000000\n";
    return 2;
  }
  try {
    auto backends = Backends::open(config);
    auto queue = backends->queue();
    auto registry = backends->worker_registry();
    const auto before = queue->get_job_counts();
    const std::string run = std::to_string(epoch_ms());
    std::vector<queue::NewJob> jobs;
    std::vector<std::string> ids;
    for (int i = 0; i < o.jobs; ++i) {
      worker::CrawlJobData data;
      data.keyword = o.keyword_prefix + " " + std::to_string(i);
      data.target_url = o.target_url;
      queue::NewJob job;
      job.data = worker::job_data_json(data);
      job.opts = worker::crawl_job_options();
      job.opts.job_id = "loadtest-" + run + "-" + std::to_string(i);
      // Keep every result until the summary has read it.
      job.opts.remove_on_complete = queue::KeepJobs::keep_all();
      job.opts.remove_on_fail = queue::KeepJobs::keep_all();
      ids.push_back(*job.opts.job_id);
      jobs.push_back(std::move(job));
    }
    const auto started = std::chrono::steady_clock::now();
    for (std::size_t first = 0; first < jobs.size(); first += 1000)
      queue->add_bulk(std::vector<queue::NewJob>(
          jobs.begin() + static_cast<std::ptrdiff_t>(first),
          jobs.begin() + static_cast<std::ptrdiff_t>(std::min(jobs.size(), first + 1000))));
    std::printf("loadtest: %d jobs queued on %s:%s\n", o.jobs, config.queue_prefix.c_str(),
                config.queue_name.c_str());
    std::printf("%6s %8s %7s %9s %7s %8s\n", "t(s)", "waiting", "active", "completed", "failed",
                "workers");
    std::int64_t peak_workers = 0;
    for (;;) {
      const auto counts = queue->get_job_counts();
      const auto fleet = registry->summary();
      peak_workers = std::max(peak_workers, fleet.workers);
      const auto done = counts.completed - before.completed + counts.failed - before.failed;
      const auto elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
      std::printf("%6.0f %8lld %7lld %9lld %7lld %8lld\n", elapsed.count(),
                  static_cast<long long>(counts.waiting), static_cast<long long>(counts.active),
                  static_cast<long long>(counts.completed - before.completed),
                  static_cast<long long>(counts.failed - before.failed),
                  static_cast<long long>(fleet.workers));
      std::fflush(stdout);
      if (done >= o.jobs) break;
      if (elapsed.count() > o.timeout_seconds) {
        std::printf("loadtest: timed out after %d s with %lld of %d jobs finished\n",
                    o.timeout_seconds, static_cast<long long>(done), o.jobs);
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::vector<double> waits;
    double crawl_total = 0;
    std::int64_t crawled = 0;
    std::int64_t completed = 0, failed = 0;
    for (const auto& id : ids) {
      auto job = queue->get_job(id);
      if (!job) continue;
      if (job->failed_reason && !job->return_value)
        ++failed;
      else
        ++completed;
      if (job->processed_on)
        waits.push_back(static_cast<double>(*job->processed_on - job->timestamp) / 1000.0);
      if (job->processed_on && job->finished_on) {
        crawl_total += static_cast<double>(*job->finished_on - *job->processed_on) / 1000.0;
        ++crawled;
      }
      queue->remove(id);  // leave the queue as it was
    }
    std::printf(
        "loadtest summary: %d jobs in %.1f s (%.1f jobs/s); completed %lld, failed %lld; "
        "peak workers %lld; wait in queue (to the last try's start) p50 %.1f s, p95 %.1f s, "
        "max %.1f s; mean crawl %.3f s\n",
        o.jobs, seconds, o.jobs / seconds, static_cast<long long>(completed),
        static_cast<long long>(failed), static_cast<long long>(peak_workers),
        percentile(waits, 0.5), percentile(waits, 0.95), waits.empty() ? 0.0 : waits.back(),
        crawled ? crawl_total / static_cast<double>(crawled) : 0.0);
    return failed > 0 ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "crawler loadtest: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace crawler::app
