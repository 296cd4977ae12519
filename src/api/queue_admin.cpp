#include "api/queue_admin.h"

#include "queue/errors.h"

namespace crawler::api {

JobPage list_jobs(queue::Queue& queue, queue::JobState state, std::int64_t page,
                  std::int64_t limit) {
  using S = queue::JobState;
  auto counts = queue.get_job_counts();
  JobPage out;
  switch (state) {
    case S::waiting:
      out.total = counts.waiting;
      break;
    case S::active:
      out.total = counts.active;
      break;
    case S::completed:
      out.total = counts.completed;
      break;
    case S::failed:
      out.total = counts.failed;
      break;
    case S::delayed:
      out.total = counts.delayed;
      break;
    case S::paused:
      out.total = counts.paused;
      break;
    case S::stuck:
      out.total = 0;
      break;
  }
  if (state == S::stuck) return out;
  auto start = (page - 1) * limit;
  bool asc = !(state == S::completed || state == S::failed);
  out.jobs = queue.get_jobs({state}, start, start + limit - 1, asc);
  return out;
}

RetryAllResult retry_all_failed(queue::Queue& queue, std::int64_t max) {
  RetryAllResult result;
  constexpr std::int64_t kBatch = 200;
  std::int64_t left_in_list = 0;  // refused jobs that stay at the head of the failed list
  while (result.retried + result.skipped < max) {
    auto batch = std::min(kBatch, max - result.retried - result.skipped);
    // Always the head of the list: retried jobs leave it, so the next batch is the next jobs.
    auto jobs =
        queue.get_jobs({queue::JobState::failed}, left_in_list, left_in_list + batch - 1, false);
    if (jobs.empty()) break;
    for (const auto& job : jobs) {
      try {
        queue.retry(job.id);
        ++result.retried;
      } catch (const queue::JobNotFound&) {
        ++result.skipped;
      } catch (const queue::InvalidJobState&) {
        ++result.skipped;
        ++left_in_list;
      }
    }
  }
  return result;
}

}  // namespace crawler::api
