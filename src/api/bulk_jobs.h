// Queues the crawl jobs of a new bulk search's pending rows (priority 50, between "check now"
// at 1 and the scheduler at 100, as in the original).
//
// Job ids. A bulk job completes exactly one bulk row (its data carries one
// bulkSearchKeywordId), so rows cannot simply share jobs. The scheme:
//   - A row whose keyword+url is a monitored keyword uses that keyword's own job id, the
//     keyword id (the id the scheduler and "check now" use, so a keyword is crawled once):
//       * no job, or a finished/stuck one  → added (the finished one removed first);
//       * a waiting (or paused) job that serves no bulk row → re-queued at priority 50 with
//         this row attached; one crawl then updates the keyword and the bulk row. A "check
//         now" job (priority 1) keeps its higher priority, and its targetRank is kept;
//       * an active or delayed (retrying) job, or a waiting one already serving another bulk
//         row → left alone, and the row gets its own job (below).
//   - Every other row gets its own job "bulk-<bulkSearchKeywordId>": unique per row, so rows
//     of different searches for the same unmonitored keyword+url are crawled separately (a
//     shared job could complete only one of them).
// After adding a keyword-id job we read it back: if the scheduler re-added the keyword's job
// between our remove and add (custom ids are added only once), the row falls back to its own
// job rather than waiting for a crawl that will never complete it.
//
// Cost: rows with their own job are added in batches (one backend round trip per 500); rows
// of monitored keywords take a few round trips each.
#pragma once

#include <string>
#include <vector>

#include "queue/queue.h"
#include "store/model.h"

namespace crawler::api {

inline constexpr std::int64_t kBulkPriority = 50;

std::string bulk_job_id(std::int64_t bulk_search_keyword_id);

// Returns the number of jobs queued (one per pending row). Throws what the queue throws.
int queue_bulk_jobs(queue::Queue& queue, const std::vector<store::BulkSearchKeyword>& rows);

}  // namespace crawler::api
