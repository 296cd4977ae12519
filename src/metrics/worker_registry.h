// WorkerRegistry: worker processes announce themselves in Redis so the api role can list
// them (GET /api/workers), export fleet gauges and compute backlog per worker slot.
//
// Keys (all under `<key_base>:workers:`, where key_base is "<QUEUE_PREFIX>:<QUEUE_NAME>",
// so a "{bull}" prefix keeps them in the queue's Redis Cluster slot and one pipeline works):
//   <key_base>:workers:index       sorted set: worker id → last heartbeat (ms since epoch)
//   <key_base>:workers:<id>        hash: id, host, pid, role, concurrency, busy, started_at,
//                                  heartbeat; PEXPIRE = ttl (3 × heartbeat interval)
// Worker ids are "<host>:<pid>:<random hex>", so they never equal "index".
//
// Design:
//   - The hash's TTL is the source of truth: a worker that dies (SIGKILL, lost network)
//     vanishes ttl after its last heartbeat with no one cleaning up, by Redis's clock. The
//     index only makes listing cheap (no SCAN); list_live() drops index entries whose hash
//     has expired or whose score is older than the ttl, so it never grows.
//   - Scores use the announcing host's clock; hosts' clocks differ by far less than a ttl
//     of 15 s on NTP-synced EC2/Fargate, and the hash TTL does not depend on them.
//   - announce() writes hash + TTL + index in one MULTI/EXEC (a reader never sees a hash
//     without its TTL). It is idempotent, so heartbeats are simply repeated announces.
//   - Errors: redis::IoError / redis::Error propagate (the heartbeat thread logs and
//     retries on its next tick); a worker must keep working while Redis is away, and its
//     entry then expires, which is the truth: nobody can see it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/log.h"
#include "redis/pool.h"

namespace crawler::metrics {

struct WorkerInfo {
  std::string id;  // see make_worker_id()
  std::string host;
  std::int64_t pid = 0;
  std::string role = "worker";
  int concurrency = 1;          // job slots
  int busy = 0;                 // slots running a job now
  std::int64_t started_at = 0;  // ms since epoch
  std::int64_t heartbeat = 0;   // ms since epoch, set by announce()
  // Cumulative over the process's life (queue::WorkerStats): the publisher's error rate is
  // the per-period delta of these, summed over workers (see publisher.h).
  std::int64_t jobs_completed = 0;
  std::int64_t jobs_failed = 0;
};

struct FleetSummary {
  std::int64_t workers = 0;
  std::int64_t slots = 0;
  std::int64_t busy_slots = 0;
};

// "<host>:<pid>:<8 random hex>".
std::string make_worker_id(const std::string& host, std::int64_t pid);
// gethostname(), or "unknown".
std::string local_hostname();

struct WorkerRegistryOptions {
  std::string key_base = "bull:crawl-jobs";  // "<QUEUE_PREFIX>:<QUEUE_NAME>"
  std::chrono::milliseconds heartbeat_interval{5000};
  int ttl_multiplier = 3;
};

// Where workers announce themselves; the api role lists them. Two implementations: Redis
// (below, the fleet) and in memory (LocalWorkerRegistry, embedded mode: every worker is in
// the process).
class WorkerRegistry {
 public:
  // Throws std::invalid_argument for a non-positive interval or multiplier.
  explicit WorkerRegistry(WorkerRegistryOptions options);
  virtual ~WorkerRegistry() = default;

  std::chrono::milliseconds ttl() const;
  const WorkerRegistryOptions& options() const { return options_; }

  // Writes (or refreshes) the worker's entry with heartbeat = now.
  virtual void announce(WorkerInfo info) = 0;
  // Removes the entry at once (graceful shutdown).
  virtual void remove(const std::string& id) = 0;
  // Live workers (heartbeat within the ttl), oldest started first.
  virtual std::vector<WorkerInfo> list_live() = 0;
  // Totals over list_live().
  FleetSummary summary();

 protected:
  WorkerRegistryOptions options_;
};

// The fleet's registry in Redis (keys and design above). Throws redis errors.
class RedisWorkerRegistry final : public WorkerRegistry {
 public:
  // `pool` must outlive the registry.
  RedisWorkerRegistry(redis::Pool& pool, WorkerRegistryOptions options);

  std::string index_key() const;
  std::string worker_key(const std::string& id) const;

  void announce(WorkerInfo info) override;
  void remove(const std::string& id) override;
  // Also prunes dead index entries.
  std::vector<WorkerInfo> list_live() override;

 private:
  redis::Pool& pool_;
};

// One process's registry, in memory: the same entries, ttl and order as the Redis one.
class LocalWorkerRegistry final : public WorkerRegistry {
 public:
  explicit LocalWorkerRegistry(WorkerRegistryOptions options);
  void announce(WorkerInfo info) override;
  void remove(const std::string& id) override;
  std::vector<WorkerInfo> list_live() override;

 private:
  std::mutex mutex_;
  std::map<std::string, WorkerInfo> workers_;
};

// The worker side: announces `info` every heartbeat interval, on its own thread, after
// `refresh` updated its live fields (busy, jobs_completed, jobs_failed), and removes the
// entry on stop().
//
//   WorkerHeartbeat hb(registry, info, [&](WorkerInfo& w) {
//     auto s = worker->stats(); w.jobs_completed = s.completed; w.jobs_failed = s.failed;
//     w.busy = busy_slots(); });
//   hb.start(); ... hb.stop(deadline);
class WorkerHeartbeat {
 public:
  using Refresh = std::function<void(WorkerInfo&)>;
  WorkerHeartbeat(WorkerRegistry& registry, WorkerInfo info, Refresh refresh);
  ~WorkerHeartbeat();
  WorkerHeartbeat(const WorkerHeartbeat&) = delete;
  WorkerHeartbeat& operator=(const WorkerHeartbeat&) = delete;

  // First announce happens on the thread at once; failures are logged and retried.
  void start();
  // Ends the thread and removes the entry (best effort, errors logged). Idempotent.
  void stop(std::chrono::steady_clock::time_point deadline);
  const std::string& id() const { return info_.id; }

 private:
  void run();
  bool beat();

  WorkerRegistry& registry_;
  WorkerInfo info_;
  Refresh refresh_;
  log::Logger logger_{"worker"};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool failing_ = false;
  std::thread thread_;
};

}  // namespace crawler::metrics
