#include "app/connections.h"

#include "queue/bull/bull_queue.h"
#include "redis/url.h"

namespace crawler::app {

std::unique_ptr<queue::Queue> open_queue(const Config& config) {
  return queue::bull::open_bull_queue(
      {.redis_url = config.redis_url, .prefix = config.queue_prefix, .name = config.queue_name});
}

std::unique_ptr<redis::Pool> open_redis_pool(const Config& config, std::size_t connections) {
  return std::make_unique<redis::Pool>(redis::PoolOptions{
      .endpoint = redis::parse_url(config.redis_url), .max_connections = connections});
}

std::unique_ptr<metrics::WorkerRegistry> open_worker_registry(const Config& config,
                                                              redis::Pool& pool) {
  return std::make_unique<metrics::WorkerRegistry>(
      pool,
      metrics::WorkerRegistryOptions{.key_base = config.queue_prefix + ":" + config.queue_name,
                                     .heartbeat_interval = config.worker_heartbeat_interval});
}

}  // namespace crawler::app
