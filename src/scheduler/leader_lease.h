// One scheduler leader among replicas (a failover pair must never double-enqueue): a lease in
// Redis, `SET key token NX PX ttl`, renewed by its holder well before it expires and taken
// over by another replica once it lapses (the holder died or lost Redis).
//
// Renew and release are compare-and-act Lua scripts, so a replica whose lease already expired
// and was taken cannot extend or delete the new holder's lease. The classic caveat holds: a
// holder paused longer than the TTL (GC, SIGSTOP) may briefly overlap with the next leader;
// the scheduler's enqueue is idempotent (job id = keyword id), so an overlap cannot
// double-enqueue a keyword.
#pragma once

#include <chrono>
#include <string>

#include "redis/pool.h"

namespace crawler::scheduler {

class LeaderLease {
 public:
  // `key`: e.g. "<prefix>:crawl-jobs:scheduler:leader"; `holder`: unique per process.
  LeaderLease(redis::Pool& pool, std::string key, std::string holder,
              std::chrono::milliseconds ttl);

  // Takes the lease if free, or renews it if we hold it. Returns whether we hold it now.
  // Throws redis::Error when Redis cannot be reached (the caller then is not the leader).
  bool acquire_or_renew();
  // Gives the lease up if we hold it (on shutdown), so a standby takes over at once.
  void release();

  const std::string& holder() const { return holder_; }
  std::chrono::milliseconds ttl() const { return ttl_; }

 private:
  redis::Pool& pool_;
  std::string key_;
  std::string holder_;
  std::chrono::milliseconds ttl_;
};

}  // namespace crawler::scheduler
