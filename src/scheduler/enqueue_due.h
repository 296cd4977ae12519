// One scheduler tick's work, knowing nothing of cron, leases or HTTP: every due keyword
// becomes a crawl job, unless its job is still pending.
//
// Rules (the original's, without its 30 ms sleep per keyword): due = active and never
// checked, or last checked longer ago than `interval`, oldest first; each due keyword is
// queued by worker::enqueue_scheduled (job id = keyword id, priority 100; a keyword whose job
// is waiting, paused, delayed or active is skipped, one whose job is completed, failed or
// stuck is re-queued).
//
// Cost: keywords stream from one database snapshot in batches, and each batch goes to the
// queue as one pipelined round trip whose check-and-add runs atomically in Redis
// (Queue::add_bulk_unless_pending). Two schedulers running this at once (a failover overlap)
// cannot queue a keyword twice.
#pragma once

#include <chrono>
#include <cstdint>

#include "queue/queue.h"
#include "store/store.h"

namespace crawler::scheduler {

struct EnqueueOptions {
  std::chrono::milliseconds interval{60000};  // SCHEDULER_INTERVAL_MS
  int batch = 1000;                           // keywords per database fetch and queue call
};

struct EnqueueReport {
  std::int64_t due = 0;
  std::int64_t added = 0;     // no job existed
  std::int64_t replaced = 0;  // a finished (completed/failed/stuck) job was replaced
  std::int64_t skipped = 0;   // a job was pending
  std::chrono::milliseconds duration{0};

  std::int64_t enqueued() const { return added + replaced; }
};

// Throws what the store or the queue throws (store::Error, queue::Error); keywords handled
// before the failure stay queued, and the next tick picks up the rest.
EnqueueReport enqueue_due_keywords(store::Store& store, queue::Queue& queue, store::Timestamp now,
                                   const EnqueueOptions& options);

}  // namespace crawler::scheduler
