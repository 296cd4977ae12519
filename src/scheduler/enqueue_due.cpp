#include "scheduler/enqueue_due.h"

#include "worker/crawl_job.h"

namespace crawler::scheduler {

EnqueueReport enqueue_due_keywords(store::Store& store, queue::Queue& queue, store::Timestamp now,
                                   const EnqueueOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  EnqueueReport report;
  store.for_each_due_keyword(now, options.interval, options.batch,
                             [&](std::vector<store::Keyword>& keywords) {
                               report.due += static_cast<std::int64_t>(keywords.size());
                               for (auto outcome : worker::enqueue_scheduled(queue, keywords)) {
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
