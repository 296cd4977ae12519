// The crawl job: everything a producer needs to queue one and the worker needs to read it, in
// one place, so the api, the scheduler, the demo and the worker cannot drift apart.
//
//   data   {keywordId, keyword, targetUrl, targetRank, bulkSearchKeywordId?}
//   result {rank, targetRank, keyword}
//   id     a keyword's job has the keyword id as job id, so a keyword is queued at most once
//          whoever queues it (scheduler, "check now", a bulk search); a bulk row of a keyword
//          that is not monitored has "bulk-<bulkSearchKeywordId>"
//   priority  "check now" 1, bulk search 50, scheduler 100 (1 is served first)
//   options   3 tries, exponential backoff from 2 s, the newest 100 completed and 50 failed
//             jobs kept
//
// Node producers (the Node API, a Bull dashboard) may write numbers as strings or leave
// optional fields null; parsing accepts that and names the field when it cannot.
//
// Enqueue policies, one per producer; each writes a keyword's job with one atomic queue
// operation, so producers racing for a keyword's id cannot queue it twice:
//   enqueue_scheduled   add unless pending: a waiting, paused, delayed or active job is left
//                       alone, a finished one replaced (Queue::add_bulk_unless_pending);
//   enqueue_check_now   replace unless active: any job of the keyword that is not running is
//                       replaced at priority 1, keeping the bulk row a pending one carried
//                       (Queue::add_bulk_unless_active);
//   enqueue_bulk        a bulk search's pending rows (see there);
//   enqueue_adhoc       POST /api/jobs/enqueue: a job with an id of the queue's own.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "queue/queue.h"
#include "store/model.h"

namespace crawler::worker {

inline constexpr std::int64_t kCheckNowPriority = 1;
inline constexpr std::int64_t kBulkPriority = 50;
inline constexpr std::int64_t kScheduledPriority = 100;

struct CrawlJobData {
  std::optional<std::int64_t> keyword_id;  // null for a bulk row whose keyword is not monitored
  std::string keyword;
  std::string target_url;  // normalised (scheme and leading www. removed)
  std::optional<int> target_rank;
  std::optional<std::int64_t> bulk_search_keyword_id;
};

// Throws std::invalid_argument naming the field that is missing or malformed.
CrawlJobData parse_job_data(std::string_view json);
// keywordId and targetRank are null when absent, bulkSearchKeywordId only present when set.
std::string job_data_json(const CrawlJobData& data);

std::string result_json(std::optional<int> rank, std::optional<int> target_rank,
                        const std::string& keyword);

std::string keyword_job_id(std::int64_t keyword_id);
std::string bulk_job_id(std::int64_t bulk_search_keyword_id);

// The options every crawl job is queued with (no id, no priority).
queue::JobOptions crawl_job_options();

// A monitored keyword's job: id = keyword id, the keyword's current target rank.
queue::NewJob keyword_job(const store::Keyword& keyword, std::int64_t priority);

// Outcomes in the order of `keywords`. Throw what the queue throws.
std::vector<queue::Queue::AddOutcome> enqueue_scheduled(
    queue::Queue& queue, const std::vector<store::Keyword>& keywords);
// `skipped`: the keyword's job is being crawled right now.
std::vector<queue::Queue::AddOutcome> enqueue_check_now(
    queue::Queue& queue, const std::vector<store::Keyword>& keywords);

// A bulk search's pending rows (other rows are ignored) at priority 50. A job completes
// exactly one bulk row (its data carries one bulkSearchKeywordId), so rows cannot simply
// share jobs:
//   - A row whose keyword+url is a monitored keyword uses that keyword's job (one crawl then
//     updates the keyword and the bulk row), unless that job is active or delayed (retrying)
//     or already serves another bulk row: then the row gets its own job (below). A waiting
//     job is replaced with this row attached, keeping its targetRank and its priority when
//     higher (a "check now" job stays at 1); a finished one is replaced. The replacement is
//     atomic and refused when a worker took the job meanwhile, so a row never waits for a
//     crawl that will not settle it. One keyword's job serves at most one row per search.
//   - Every other row gets its own job "bulk-<bulkSearchKeywordId>", unique per row, so rows
//     of different searches for the same unmonitored keyword+url are crawled separately.
// Cost: own jobs are added in batches (one backend round trip per 500); rows of monitored
// keywords take two or three round trips each. Returns the number of jobs queued (one per
// pending row).
int enqueue_bulk(queue::Queue& queue, const std::vector<store::BulkSearchKeyword>& rows);

// Returns the job id the queue gave.
std::string enqueue_adhoc(queue::Queue& queue, const CrawlJobData& data);

}  // namespace crawler::worker
