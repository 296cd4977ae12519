#include "worker/processor.h"

#include <stdexcept>

#include "core/clock.h"
#include "worker/crawl_job.h"

namespace crawler::worker {
namespace {

std::string describe(const crawl::CrawlOutcome& o) {
  std::string s = std::string(crawl::to_string(o.status)) + " via " + o.method + " (" +
                  std::to_string(o.items_found) + " items, HTTP " + std::to_string(o.http_status) +
                  ", " + std::to_string(o.total_duration.count()) + " ms)";
  if (o.rank) s += ", rank " + std::to_string(*o.rank);
  if (!o.error.empty()) s += ": " + o.error;
  return s;
}

}  // namespace

std::string CrawlProcessor::process(queue::JobContext& ctx) {
  struct Busy {
    std::atomic<int>& n;
    explicit Busy(std::atomic<int>& c) : n(c) { ++n; }
    ~Busy() { --n; }
  } busy(busy_);
  const auto started = std::chrono::steady_clock::now();
  std::string method = "http";
  auto count = [&](const char* status) {
    if (options_.metrics) options_.metrics->jobs_completed.labels({status, method}).inc();
  };
  try {
    auto result = run(ctx, method);
    count("completed");
    if (options_.metrics) {
      double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      options_.metrics->job_duration.labels({"processing"}).observe(seconds);
      double total = static_cast<double>(epoch_ms() - ctx.job().timestamp) / 1000.0;
      options_.metrics->job_duration.labels({"total"}).observe(total);
    }
    return result;
  } catch (...) {
    count("failed");
    throw;
  }
}

std::string CrawlProcessor::run(queue::JobContext& ctx, std::string& method_out) {
  const auto& job = ctx.job();
  ctx.progress(10);
  CrawlJobData data = parse_job_data(job.data);
  ctx.log("crawl: '" + data.keyword + "' for " + data.target_url);

  std::optional<int> first_rank;
  bool first = true;
  for (const auto& profile : options_.profiles) {
    crawl::CrawlInput input{data.keyword, data.target_url, profile};
    auto outcome = crawl::crawl_with_mode(input, options_.mode, fetchers_, options_.crawl);
    if (!outcome.method.empty()) method_out = outcome.method;
    if (options_.metrics) {
      options_.metrics->network_bytes.labels({outcome.method, "request"})
          .observe(static_cast<double>(outcome.request_bytes));
      options_.metrics->network_bytes.labels({outcome.method, "response"})
          .observe(static_cast<double>(outcome.response_bytes));
      options_.metrics->network_bytes_total.labels({outcome.method})
          .inc(static_cast<double>(outcome.request_bytes + outcome.response_bytes));
    }
    ctx.log(profile.rank_type + ": " + describe(outcome));
    switch (outcome.status) {
      case crawl::CrawlStatus::found:
      case crawl::CrawlStatus::not_found:
      case crawl::CrawlStatus::no_items:
        break;
      case crawl::CrawlStatus::throttled:
        // The queue's retry waits at least as long as the site asked (Retry-After); without
        // the header the job's own exponential backoff applies.
        if (outcome.retry_after)
          throw queue::RetryLater(
              profile.rank_type + " search " + describe(outcome),
              std::chrono::duration_cast<std::chrono::milliseconds>(*outcome.retry_after));
        throw std::runtime_error(profile.rank_type + " search " + describe(outcome));
      case crawl::CrawlStatus::failed:
        throw std::runtime_error(profile.rank_type + " search " + describe(outcome));
      case crawl::CrawlStatus::refused:
        throw std::runtime_error(profile.rank_type + " search refused: " + outcome.error);
    }
    // Past the worker's stop deadline the job is being handed back to the queue: another
    // worker will run it, so this try must not write anything.
    if (ctx.cancelled()) throw std::runtime_error("cancelled: the worker is shutting down");
    if (first) ctx.progress(80);

    store::RankingWrite write;
    write.keyword_id = data.keyword_id;
    write.rank = outcome.rank;
    write.rank_type = profile.rank_type;
    write.checked_at = now_ms();
    write.job_id = job.id;
    write.job_created_at = store::Timestamp(std::chrono::milliseconds(job.timestamp));
    write.job_attempt = job.attempts_made + 1;
    write.measured.crawling_duration_ms = outcome.total_duration.count();
    write.measured.total_duration_ms = (write.checked_at - write.job_created_at).count();
    write.measured.crawling_method = outcome.method;
    write.measured.request_bytes = static_cast<std::int64_t>(outcome.request_bytes);
    write.measured.response_bytes = static_cast<std::int64_t>(outcome.response_bytes);
    write.measured.total_network_bytes =
        static_cast<std::int64_t>(outcome.request_bytes + outcome.response_bytes);
    // Only the first profile's row settles a bulk-search row: one job, one bulk answer.
    if (first) write.bulk_search_keyword_id = data.bulk_search_keyword_id;
    auto written = store_.record_ranking(write);
    if (written.duplicate) ctx.log(profile.rank_type + ": already recorded by an earlier run");
    if (first) first_rank = outcome.rank;
    first = false;
  }
  ctx.progress(100);
  return result_json(first_rank, data.target_rank, data.keyword);
}

}  // namespace crawler::worker
