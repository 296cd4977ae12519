// The embedded backend: a queue::Queue kept in a SQLite file (the same file as the embedded
// store), for a single process that runs every role — a laptop, a small VM, the demo.
//
//   auto q = queue::embedded::open_embedded_queue({.path = "data/crawler.db"});
//   q->add(R"({"keywordId":1})", {.attempts = 3});
//
// Same interface and semantics as the Bull backend (queue.h): priority, delay, attempts and
// backoff, custom-id dedupe, counts by state, progress, logs, events, pause, clean, the
// scheduler's add_bulk_unless_pending, RetryLater, hand-back on stop. Design and trade-offs
// are in the top comment of embedded_queue.cpp; the one difference that matters to callers:
//   - Workers run in the process that opened the queue, and only one process at a time can
//     run workers on a file (an exclusive lock next to it, DATA_DIR/crawler.db.queue-lock);
//     when that process dies, its active jobs go back to waiting the next time a worker
//     starts on the file (the crash recovery Bull does with lock expiry and stalled checks).
//     Producers and admin commands from other processes (`crawler queue stats`) work at any
//     time; events are delivered within the process only.
#pragma once

#include <memory>
#include <string>

#include "queue/queue.h"

namespace crawler::queue::embedded {

struct EmbeddedOptions {
  std::string path = "data/crawler.db";  // created when missing; its directory must exist
  std::string name = "crawl-jobs";
};

// Opens (creating the tables when needed) the queue `name` in the SQLite file. Throws
// queue::BackendUnavailable naming the path when the file cannot be opened or used, and
// std::invalid_argument for an empty name. The Queue and the workers and event streams it
// makes share one connection, which lives as long as any of them.
std::shared_ptr<Queue> open_embedded_queue(const EmbeddedOptions& options);

}  // namespace crawler::queue::embedded
