// What the Ticker needs from outside the process: leadership among replicas and the record
// of the last tick (for the one catch-up tick after downtime). Two implementations:
//   RedisCoordination  the fleet: a LeaderLease in Redis and the last tick in a Redis key;
//   SoloCoordination   embedded mode: the only scheduler is always the leader, and the last
//                      tick is kept in the process's SQLite file (DATA_DIR/crawler.db).
// Errors: every method may throw when its backend is unreachable; the Ticker then counts
// itself a follower, or skips the catch-up check, and logs it.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "redis/pool.h"
#include "scheduler/leader_lease.h"

namespace crawler::sqlite {
class Database;
}

namespace crawler::scheduler {

class Coordination {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  virtual ~Coordination() = default;
  // Takes or renews leadership; whether this replica leads now.
  virtual bool acquire_or_renew() = 0;
  // Gives leadership up (shutdown), so a standby takes over at once.
  virtual void release() = 0;
  virtual const std::string& holder() const = 0;
  // How long leadership lasts without renewal (the Ticker renews every third of it).
  virtual std::chrono::milliseconds ttl() const = 0;
  // When the last tick (of any replica) started; nullopt when none ever did.
  virtual std::optional<TimePoint> last_tick() = 0;
  virtual void record_tick(TimePoint started) = 0;
};

class RedisCoordination : public Coordination {
 public:
  // `pool` and `lease` must outlive this; `last_tick_key`, e.g. "<prefix>:<queue>:scheduler:
  // last-tick", holds ms since the epoch.
  RedisCoordination(redis::Pool& pool, LeaderLease& lease, std::string last_tick_key);
  bool acquire_or_renew() override { return lease_.acquire_or_renew(); }
  void release() override { lease_.release(); }
  const std::string& holder() const override { return lease_.holder(); }
  std::chrono::milliseconds ttl() const override { return lease_.ttl(); }
  std::optional<TimePoint> last_tick() override;
  void record_tick(TimePoint started) override;

 private:
  redis::Pool& pool_;
  LeaderLease& lease_;
  std::string key_;
};

class SoloCoordination final : public Coordination {
 public:
  // Opens the SQLite file at `path` (creating the table `scheduler_state`). Throws
  // std::runtime_error naming the path when it cannot.
  SoloCoordination(const std::string& path, std::string holder);
  ~SoloCoordination() override;
  bool acquire_or_renew() override { return true; }
  void release() override {}
  const std::string& holder() const override { return holder_; }
  std::chrono::milliseconds ttl() const override { return std::chrono::milliseconds(3000); }
  std::optional<TimePoint> last_tick() override;
  void record_tick(TimePoint started) override;

 private:
  std::string holder_;
  std::mutex mutex_;
  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace crawler::scheduler
