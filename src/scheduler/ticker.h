// The scheduler's clock: fires a tick function on a cron schedule, on one replica only.
//
// Design:
//   - Leadership: a lease thread renews a LeaderLease every ttl/3 and records whether this
//     replica holds it. A follower's ticks are not run (and not counted as skipped); when
//     the leader dies its lease lapses and the follower takes over within one ttl (plus one
//     renew period). A replica that cannot reach Redis counts itself a follower.
//   - Overlap: ticks run on the tick thread, one at a time. Firing times that pass while a
//     tick is still running are skipped and counted, never stacked up behind it.
//   - Catch-up: the start of every tick is recorded (Coordination::record_tick). A replica
//     that becomes leader and finds that a firing time passed since the recorded tick
//     (downtime, or a failover gap) runs one tick at once — one, however many were missed.
//     With no record at all (first deployment) it waits for the schedule.
//   - The tick function is the business step (enqueue_due_keywords in the scheduler role);
//     its exceptions are logged, counted and reported in status(), and the next firing
//     time tries again.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/log.h"
#include "scheduler/coordination.h"
#include "scheduler/cron.h"

namespace crawler::scheduler {

struct TickResult {
  std::int64_t enqueued = 0;
  std::int64_t skipped = 0;
};

// Called with the tick's nominal time (the cron firing time, or now for a catch-up tick).
using TickFunction = std::function<TickResult(std::chrono::system_clock::time_point)>;

struct TickerStatus {
  bool leader = false;
  std::optional<std::chrono::system_clock::time_point> last_tick_at;  // when it started
  std::chrono::milliseconds last_duration{0};
  TickResult last_result;
  std::optional<std::string> last_error;  // of the last tick, if it failed
  std::optional<std::chrono::system_clock::time_point> next_tick_at;
  std::int64_t ticks_run = 0;
  std::int64_t ticks_failed = 0;
  std::int64_t ticks_overlapped = 0;  // firing times skipped: a tick was still running
  std::int64_t catch_up_ticks = 0;
};

class Ticker {
 public:
  // `coordination` must outlive the ticker.
  Ticker(CronSchedule schedule, Coordination& coordination, TickFunction tick);
  ~Ticker();
  Ticker(const Ticker&) = delete;
  Ticker& operator=(const Ticker&) = delete;

  void start();
  // Waits for a running tick until `deadline` (then leaves it running and detaches nothing:
  // the destructor still joins), releases the lease when held, so a standby takes over now.
  void stop(std::chrono::steady_clock::time_point deadline);

  TickerStatus status() const;

 private:
  void lease_loop();
  void tick_loop();
  void run_tick(std::chrono::system_clock::time_point nominal, bool catch_up);
  bool catch_up_due(std::chrono::system_clock::time_point now);
  // The first firing time from `t` on that is still ahead; those passed are counted.
  std::chrono::system_clock::time_point skip_passed(std::chrono::system_clock::time_point t);
  // Sleeps until `until` or stop; false when stopping.
  bool sleep_until(std::chrono::system_clock::time_point until);

  CronSchedule schedule_;
  Coordination& lease_;
  TickFunction tick_;
  log::Logger logger_{"scheduler"};

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool ticking_ = false;
  std::condition_variable tick_done_;
  TickerStatus status_;
  std::atomic<bool> leader_{false};
  bool catch_up_pending_ = false;  // set by the lease thread when it became leader

  std::thread lease_thread_;
  std::thread tick_thread_;
};

}  // namespace crawler::scheduler
