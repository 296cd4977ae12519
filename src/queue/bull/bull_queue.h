// The Bull 4 backend: a queue::Queue stored in Redis exactly as npm `bull` 4.16 stores it, so
// Node producers, Node workers, Bull's getJobCounts() and dashboards share the queue with
// our processes.
//
//   auto q = queue::bull::open_bull_queue({.redis_url = "rediss://user:pw@host:6380",
//                                          .prefix = "{bull}", .name = "crawl-jobs"});
//   q->add(R"({"keywordId":1})", {.attempts = 3});
//
// The Queue object is thread-safe (one connection behind a mutex: producer calls are short);
// each Worker and EventStream it makes opens its own connections.
#pragma once

#include <memory>
#include <string>

#include "queue/queue.h"
#include "redis/connection.h"

namespace crawler::queue::bull {

struct BullOptions {
  std::string redis_url = "redis://127.0.0.1:6379";
  redis::Connection::Options connection{};
  // Key prefix; "{bull}" puts every key of the queue in one Redis Cluster slot.
  std::string prefix = "bull";
  std::string name = "crawl-jobs";
};

// Does not connect yet (the first call does). Throws std::invalid_argument for a bad URL,
// prefix or name.
std::unique_ptr<Queue> open_bull_queue(const BullOptions& options);

}  // namespace crawler::queue::bull
