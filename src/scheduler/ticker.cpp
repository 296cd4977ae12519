#include "scheduler/ticker.h"

namespace crawler::scheduler {
namespace {

using SysClock = std::chrono::system_clock;

CronSchedule::TimePoint to_seconds(SysClock::time_point t) {
  return std::chrono::time_point_cast<std::chrono::seconds>(t);
}

}  // namespace

Ticker::Ticker(CronSchedule schedule, Coordination& coordination, TickFunction tick)
    : schedule_(std::move(schedule)), lease_(coordination), tick_(std::move(tick)) {}

Ticker::~Ticker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (lease_thread_.joinable()) lease_thread_.join();
  if (tick_thread_.joinable()) tick_thread_.join();
}

void Ticker::start() {
  lease_thread_ = std::thread([this] { lease_loop(); });
  tick_thread_ = std::thread([this] { tick_loop(); });
}

void Ticker::stop(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  stopping_ = true;
  wake_.notify_all();
  tick_done_.wait_until(lock, deadline, [&] { return !ticking_; });
  const bool idle = !ticking_;
  lock.unlock();
  if (lease_thread_.joinable()) lease_thread_.join();
  if (idle && tick_thread_.joinable()) tick_thread_.join();
  if (leader_.exchange(false)) {
    try {
      lease_.release();
      logger_.info("leadership released");
    } catch (const std::exception& e) {
      logger_.warn("could not release leadership; it lapses on its own",
                   {{"error", std::string_view(e.what())}});
    }
  }
}

TickerStatus Ticker::status() const {
  std::lock_guard lock(mutex_);
  TickerStatus s = status_;
  s.leader = leader_.load();
  return s;
}

bool Ticker::sleep_until(SysClock::time_point until) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, until, [&] { return stopping_ || catch_up_pending_; });
  return !stopping_;
}

void Ticker::lease_loop() {
  const auto period = std::max(lease_.ttl() / 3, std::chrono::milliseconds(50));
  for (;;) {
    bool holds = false;
    try {
      holds = lease_.acquire_or_renew();
    } catch (const std::exception& e) {
      if (leader_)
        logger_.warn("lost the lease backend: following", {{"error", std::string_view(e.what())}});
    }
    const bool was = leader_.exchange(holds);
    if (holds && !was) {
      logger_.info("leading", {{"holder", lease_.holder()}});
      std::lock_guard lock(mutex_);
      catch_up_pending_ = true;
      wake_.notify_all();
    } else if (!holds && was) {
      logger_.info("following");
    }
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, period, [&] { return stopping_; })) return;
  }
}

bool Ticker::catch_up_due(SysClock::time_point now) {
  try {
    const auto recorded = lease_.last_tick();
    if (!recorded) return false;  // never ticked: wait for the schedule
    const auto last = *recorded;
    // A firing time came and went since the last recorded tick.
    return schedule_.next(to_seconds(last)) <= now;
  } catch (const std::exception& e) {
    logger_.warn("could not read the last tick", {{"error", std::string_view(e.what())}});
    return false;
  }
}

SysClock::time_point Ticker::skip_passed(SysClock::time_point t) {
  // Firing times that passed while a tick ran are skipped and counted, not stacked.
  const auto now = to_seconds(SysClock::now());
  auto at = to_seconds(t);
  std::int64_t missed = 0;
  while (at <= now && missed < 1000000) {
    ++missed;
    at = schedule_.next(at);
  }
  if (missed > 0) {
    logger_.warn("a tick outlasted the schedule: firing times skipped", {{"skipped", missed}});
    std::lock_guard lock(mutex_);
    status_.ticks_overlapped += missed;
  }
  return SysClock::time_point(at);
}

void Ticker::tick_loop() {
  auto next = SysClock::time_point(schedule_.next(to_seconds(SysClock::now())));
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      status_.next_tick_at = next;
    }
    if (!sleep_until(next)) return;
    bool catch_up = false;
    {
      std::lock_guard lock(mutex_);
      catch_up = std::exchange(catch_up_pending_, false);
    }
    const auto now = SysClock::now();
    // Just became leader: one tick now if a firing time was missed, unless the schedule
    // fires now anyway.
    if (catch_up && leader_ && next > now && catch_up_due(now)) {
      run_tick(now, true);
      next = skip_passed(next);
      continue;
    }
    if (now < next) continue;
    if (leader_) run_tick(next, false);
    next = skip_passed(SysClock::time_point(schedule_.next(to_seconds(next))));
  }
}

void Ticker::run_tick(SysClock::time_point nominal, bool catch_up) {
  const auto started = SysClock::now();
  {
    std::lock_guard lock(mutex_);
    ticking_ = true;
  }
  try {
    lease_.record_tick(started);
  } catch (const std::exception& e) {
    logger_.warn("could not record the tick", {{"error", std::string_view(e.what())}});
  }
  TickResult result;
  std::optional<std::string> error;
  try {
    result = tick_(nominal);
  } catch (const std::exception& e) {
    error = e.what();
  }
  const auto duration =
      std::chrono::duration_cast<std::chrono::milliseconds>(SysClock::now() - started);
  {
    std::lock_guard lock(mutex_);
    ticking_ = false;
    status_.last_tick_at = started;
    status_.last_duration = duration;
    status_.last_result = result;
    status_.last_error = error;
    ++status_.ticks_run;
    if (error) ++status_.ticks_failed;
    if (catch_up) ++status_.catch_up_ticks;
  }
  tick_done_.notify_all();
  if (error) {
    logger_.error("tick failed", {{"error", *error}, {"catch_up", catch_up}});
  } else {
    logger_.info("tick", {{"enqueued", result.enqueued},
                          {"skipped", result.skipped},
                          {"duration_ms", duration.count()},
                          {"catch_up", catch_up}});
  }
}

}  // namespace crawler::scheduler
