// The shared resources a role opens from the configuration, in one place so every role opens
// them the same way: the Bull queue, a Redis pool and the worker registry keyed under the queue.
#pragma once

#include <cstddef>
#include <memory>

#include "app/config.h"
#include "metrics/worker_registry.h"
#include "queue/queue.h"
#include "redis/pool.h"

namespace crawler::app {

std::unique_ptr<queue::Queue> open_queue(const Config& config);
std::unique_ptr<redis::Pool> open_redis_pool(const Config& config, std::size_t connections);
std::unique_ptr<metrics::WorkerRegistry> open_worker_registry(const Config& config,
                                                              redis::Pool& pool);

}  // namespace crawler::app
