// The dashboard's queue administration, without HTTP: jobs of one state page by page, and
// retrying failed jobs one by one or all at once. The routes in job_routes.cpp only parse and
// shape; the rules (which states may be listed, how many jobs one "retry all" moves) are here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "queue/queue.h"

namespace crawler::api {

struct JobPage {
  std::vector<queue::Job> jobs;
  std::int64_t total = 0;  // jobs in that state
};

// Jobs in `state`, newest first for completed/failed (what a person looks for), queue order
// for waiting/active/delayed; `page` >= 1, `limit` >= 1.
JobPage list_jobs(queue::Queue& queue, queue::JobState state, std::int64_t page,
                  std::int64_t limit);

struct RetryAllResult {
  std::int64_t retried = 0;
  std::int64_t skipped = 0;  // gone or no longer failed between listing and retrying
};

// Moves every failed job (at most `max`) back to waiting.
RetryAllResult retry_all_failed(queue::Queue& queue, std::int64_t max);

}  // namespace crawler::api
