#include "scheduler/enqueue_due.h"

#include "queue/job_options.h"
#include "worker/job_data.h"

namespace crawler::scheduler {

EnqueueReport enqueue_due_keywords(store::Store& store, queue::Queue& queue, store::Timestamp now,
                                   const EnqueueOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  EnqueueReport report;
  auto opts = queue::crawler_default_job_options();
  opts.priority = options.priority;
  std::vector<queue::NewJob> jobs;
  store.for_each_due_keyword(now, options.interval, options.batch,
                             [&](std::vector<store::Keyword>& keywords) {
                               jobs.clear();
                               for (const auto& k : keywords) {
                                 worker::CrawlJobData data;
                                 data.keyword_id = k.id;
                                 data.keyword = k.keyword;
                                 data.target_url = k.url;
                                 data.target_rank = k.target_rank;
                                 auto& job = jobs.emplace_back();
                                 job.data = worker::job_data_json(data);
                                 job.opts = opts;
                                 job.opts.job_id = std::to_string(k.id);
                               }
                               report.due += static_cast<std::int64_t>(keywords.size());
                               for (auto outcome : queue.add_bulk_unless_pending(jobs)) {
                                 switch (outcome) {
                                   case queue::Queue::AddOutcome::added:
                                     ++report.added;
                                     break;
                                   case queue::Queue::AddOutcome::replaced:
                                     ++report.replaced;
                                     break;
                                   case queue::Queue::AddOutcome::skipped:
                                     ++report.skipped;
                                     break;
                                 }
                               }
                             });
  report.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return report;
}

}  // namespace crawler::scheduler
