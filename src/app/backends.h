// The shared resources every role opens from the configuration, in one place so every role
// opens them the same way. Two modes:
//   - Server (DATABASE_URL and REDIS_URL set; the EC2 + Fargate deployment): PostgreSQL holds the
//     store; Redis holds the Bull queue, the worker registry, the fleet-wide per-host rate
//     limit and the scheduler's lease. Each call opens connections of its own, sized by the
//     caller, as the roles would in separate processes.
//   - Embedded (neither set): one SQLite file, DATA_DIR/crawler.db, holds the store, the
//     queue and the scheduler's last tick; the worker registry and the rate limit live in
//     memory. Everything is opened once and shared by the roles of the process, which is why
//     embedded mode runs its roles in one process (config.cpp refuses the others).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/health.h"
#include "crawl/politeness.h"
#include "crawl/rate_limiter.h"
#include "metrics/worker_registry.h"
#include "queue/queue.h"
#include "scheduler/coordination.h"
#include "store/store.h"

namespace crawler::app {

class Backends {
 public:
  // Server or embedded, by the configuration. Opens nothing yet that can fail later calls
  // cannot report; throws naming what failed (an unusable DATA_DIR, a file that is not a
  // database).
  static std::unique_ptr<Backends> open(const Config& config);
  virtual ~Backends() = default;

  virtual bool embedded() const = 0;
  // Where things are kept, for the start-up log (passwords redacted).
  virtual std::string describe() const = 0;

  // `connections`: how many the caller may use at once (its PostgreSQL pool).
  virtual std::shared_ptr<store::Store> store(std::size_t connections) = 0;
  virtual std::shared_ptr<queue::Queue> queue() = 0;
  virtual std::shared_ptr<metrics::WorkerRegistry> worker_registry() = 0;
  virtual std::shared_ptr<crawl::HostGate> host_gate(const crawl::RateLimiterOptions& options) = 0;
  // `holder`: this replica's unique name.
  virtual std::unique_ptr<scheduler::Coordination> scheduler_coordination(std::string holder) = 0;
  // Probes for /ready, each bounded in time.
  virtual std::vector<DependencyCheck> readiness_checks() = 0;
};

}  // namespace crawler::app
