// The Bull backend's Worker: N handler threads fed by one dispatcher thread.
//
// Design:
//   - The dispatcher owns the worker's Redis connection and is the only thread that moves
//     jobs: it takes jobs for free slots, records outcomes, renews locks, promotes due
//     delayed jobs and runs the stalled check. Handler threads only run handlers (and, for
//     progress()/log(), use a second, shared connection).
//   - Batching is the point of this shape. Outcomes that arrive while the dispatcher is
//     busy accumulate, and one completeAndFetch call records all completions and takes as
//     many new jobs as there are free slots. At concurrency 1 this is Bull's own "finish
//     one, fetch one"; at 16 one script call serves many jobs. Failures are rare and go one
//     by one through moveToFailed. The data layout, lock semantics and events stay Bull's.
//   - A drained queue is watched with BRPOPLPUSH on the same connection when no job is in
//     flight (nothing else can happen meanwhile), bounded by drain_block and by the next
//     timer; with jobs in flight the dispatcher waits for outcomes and polls every 100 ms.
//     A job moved by BRPOPLPUSH is locked by the next completeAndFetch (its `claimed`
//     argument); a crash in between leaves it in active without a lock, which the stalled
//     check recovers (Bull has the same window).
//   - Job timeout: when a try runs past opts.timeout, the dispatcher fails it with Bull's
//     reason ("Promise timed out after N milliseconds") and tells the handler cancelled();
//     the slot stays busy until the handler returns, and its late result is dropped. C++
//     cannot kill a thread, so a handler that never looks at cancelled() holds its slot.
//   - Redis failures never end the dispatcher: it drops the connection, waits with
//     exponential backoff (redis::with_retry: reconnect_min doubling to reconnect_max, with
//     jitter) and retries the same step. Recording outcomes is safe to repeat (a repeat finds the
//     lock gone and is ignored). A fetch whose reply was lost leaves its jobs locked in active;
//     they return to wait through the stalled check once the lock expires, so no job is lost.
//   - Data that is not JSON fails the job at once with a clear reason and no retry: no try
//     can fix it, and the worker goes on.
//   - stop(deadline): no new jobs; in-flight ones finish and are recorded. Past the
//     deadline handlers are told cancelled(), the dispatcher gives up, and stop() hands
//     every job not recorded back to wait (moveActiveToWait) on a connection of its own:
//     a task being scaled in must not leave its jobs to another worker's stalled check,
//     which would only see them after the lock expired and count a stall against them.
//     A handler that ignores cancelled() and finishes later may still write its result;
//     the job then runs again elsewhere, which the crawler's idempotent writes absorb.
//     The destructor joins every thread.
//   - What an operator must see (Redis unavailable and retrying, an outcome not recorded, a
//     job not handed back) goes to WorkerOptions::log as structured fields: the process's
//     JSON log unless the owner wires another sink.
//   - RetryLater from a handler (HTTP 429/503 with Retry-After) fails the try like any
//     exception, and its retry waits at least the delay asked for.
//   - pause_after_job: a slot whose try ended is not handed a job until its outcome is
//     recorded (so it is not refilled by the same completeAndFetch) and the pause has passed
//     since; the completion itself, and its event, are not delayed.
#include "queue/bull/worker.h"

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "core/backoff.h"
#include "queue/bull/job_hash.h"
#include "queue/bull/opts_json.h"
#include "queue/bull/redis_link.h"
#include "queue/bull/score.h"
#include "queue/stacktrace.h"
#include "queue/try_outcome.h"
#include "redis/errors.h"
#include "redis/retry.h"

namespace crawler::queue::bull {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Outcome : TryOutcome {
  std::size_t slot = 0;
  // The job itself, not just its slot: by the time the dispatcher records the outcome the
  // slot may already hold the next job.
  Job job;
};

struct Slot {
  std::optional<Job> job;  // set by the dispatcher, cleared by the handler when done
  bool busy = false;       // from hand-out until the handler returned
  bool abandoned = false;  // timed out: the outcome was recorded already
  std::optional<Clock::time_point> deadline;
  std::atomic<bool> cancelled{false};
  std::condition_variable cv;
  // pause_after_job: no job for this slot before then; max() until its outcome is recorded.
  Clock::time_point resting_until{};
};

class BullWorker;

class Context final : public JobContext {
 public:
  Context(BullWorker& worker, const Job& job, const Slot& slot)
      : worker_(worker), job_(job), slot_(slot) {}
  const Job& job() const override { return job_; }
  void progress(std::string_view json) override;
  void log(std::string_view line) override;
  bool cancelled() const override { return slot_.cancelled.load(); }

 private:
  BullWorker& worker_;
  const Job& job_;
  const Slot& slot_;
};

class BullWorker final : public Worker {
 public:
  BullWorker(const QueueSite& site, const WorkerOptions& options, Handler handler)
      : site_(site),
        options_(options),
        handler_(std::move(handler)),
        token_(random_token()),
        link_(site.endpoint, site.connection),
        side_link_(site.endpoint, site.connection),
        slots_(static_cast<std::size_t>(std::max(1, options.concurrency))),
        in_flight_(slots_.size()) {
    if (options_.concurrency < 1) throw std::invalid_argument("worker concurrency must be >= 1");
    options_.fetch_batch = std::clamp(options_.fetch_batch, 1, 1000);
    if (!options_.log) options_.log = default_log_sink();
    reconnect_ = crawler::BackoffOptions{.initial = options_.reconnect_min,
                                         .factor = 2.0,
                                         .max = options_.reconnect_max,
                                         .jitter = 0.5};
    crawler::validate(reconnect_);  // std::invalid_argument now, not in the dispatcher
  }

  ~BullWorker() override {
    if (started_) stop(milliseconds(0));
    join_all();
  }

  void start() override {
    if (started_) throw std::logic_error("Worker::start called twice");
    started_ = true;
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      handlers_.emplace_back([this, i] { handler_loop(i); });
    }
    dispatcher_ = std::thread([this] { dispatch_loop(); });
  }

  bool stop(milliseconds deadline) override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    std::unique_lock lock(mutex_);
    const bool clean = done_cv_.wait_for(lock, deadline, [&] { return dispatcher_done_; });
    if (clean) return !gave_up_;
    hard_stop_ = true;
    for (auto& s : slots_) s.cancelled = true;
    wake_.notify_all();
    // The dispatcher leaves at its next step: a Redis call in progress is bounded by the
    // connection's I/O timeout, a retry sleep checks hard_stop_ every 20 ms.
    done_cv_.wait_for(lock, site_.connection.io_timeout + options_.drain_block,
                      [&] { return dispatcher_done_; });
    if (!dispatcher_done_) return false;  // still inside Redis: leave the jobs to stalled
    std::vector<Job> unfinished;
    for (std::size_t i = 0; i < slots_.size(); ++i)
      if (slots_[i].busy && !slots_[i].abandoned) unfinished.push_back(in_flight_[i]);
    for (auto& o : outcomes_) unfinished.push_back(std::move(o.job));
    outcomes_.clear();
    lock.unlock();
    const auto handed = hand_back(unfinished);
    lock.lock();
    stats_.handed_back += static_cast<std::int64_t>(handed);
    return handed == unfinished.size();
  }

  WorkerStats stats() const override {
    std::lock_guard lock(mutex_);
    return stats_;
  }

  // Called from handler threads through Context.
  void side_call(const Script& s, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args, const char* what) {
    std::lock_guard lock(side_mutex_);
    // A few attempts only: the handler waits meanwhile, and a progress line is not worth
    // holding a job for.
    const redis::RetryOptions retry{.backoff = reconnect_, .max_attempts = 5};
    try {
      redis::with_retry([&] { side_link_.eval(s, keys, args); }, &hard_stop_, retry);
    } catch (const redis::Error& e) {
      throw BackendUnavailable(std::string(what) + ": " + e.what());
    }
  }

  const Keys& keys() const { return site_.keys; }

 private:
  // Returns how many of `jobs` went back to wait; one attempt per job, on a fresh connection.
  std::size_t hand_back(const std::vector<Job>& jobs) {
    if (jobs.empty()) return 0;
    const Keys& k = site_.keys;
    RedisLink link(site_.endpoint, site_.connection);
    std::size_t handed = 0;
    for (const auto& job : jobs) {
      try {
        const auto r = link.eval(script("moveActiveToWait"),
                                 {k.active(), k.wait(), k.paused(), k.meta_paused(), k.priority(),
                                  k.stalled(), k.job(job.id), k.lock(job.id)},
                                 {job.id, token_});
        if (r.is_integer() && r.integer() == 0)
          ++handed;
        else
          report(log::Level::warn, "job not handed back",
                 {{"queue", k.queue_name()},
                  {"job", job.id},
                  {"code", r.is_integer() ? r.integer() : 0}});
      } catch (const redis::Error& e) {
        report(log::Level::warn, "job not handed back; the stalled check will recover it",
               {{"queue", k.queue_name()}, {"job", job.id}, {"error", std::string_view(e.what())}});
      }
    }
    return handed;
  }

  // ---- handler threads ----

  void handler_loop(std::size_t index) {
    Slot& slot = slots_[index];
    for (;;) {
      Job job;
      {
        std::unique_lock lock(mutex_);
        slot.cv.wait(lock, [&] { return slot.job.has_value() || dispatcher_done_; });
        if (!slot.job) return;
        job = std::move(*slot.job);
        slot.job.reset();
      }
      Outcome out = run_handler(index, job, slot);
      out.job = std::move(job);
      {
        std::lock_guard lock(mutex_);
        if (options_.pause_after_job > milliseconds(0))
          slot.resting_until =
              slot.abandoned ? Clock::now() + options_.pause_after_job : Clock::time_point::max();
        if (!slot.abandoned) outcomes_.push_back(std::move(out));
        slot.busy = false;
        slot.abandoned = false;
        slot.deadline.reset();
      }
      wake_.notify_all();
    }
  }

  Outcome run_handler(std::size_t index, const Job& job, const Slot& slot) {
    Context ctx(*this, job, slot);
    Outcome out;
    static_cast<TryOutcome&>(out) = run_try(handler_, ctx);
    out.slot = index;
    return out;
  }

  // ---- dispatcher ----

  void dispatch_loop() {
    auto now = Clock::now();
    next_stalled_check_ = now;  // Bull checks once at start, then every stalledInterval
    next_renew_ = now + options_.lock_renew_time;
    next_delayed_ = now;
    bool drained = false;
    std::string claimed;

    for (;;) {
      std::vector<Outcome> outcomes;
      bool stopping = false;
      std::size_t free = 0;
      {
        std::lock_guard lock(mutex_);
        outcomes.swap(outcomes_);
        stopping = stopping_;
        const auto at = Clock::now();
        for (auto& s : slots_) {
          if (!s.busy && s.resting_until <= at) ++free;
        }
        collect_timeouts(outcomes);
      }
      if (hard_stop_) {
        keep_for_hand_back(std::move(outcomes));
        break;
      }

      // Failures one by one, then completions batched with the next fetch.
      std::vector<Outcome> completions;
      for (auto& o : outcomes) {
        if (o.ok) {
          completions.push_back(std::move(o));
        } else {
          record_failure(o);
          rest(o.slot);
        }
      }
      const std::size_t want = stopping ? 0 : std::min<std::size_t>(free, options_.fetch_batch);
      const bool poll = want > 0 && (!drained || Clock::now() >= next_poll_);
      if (!completions.empty() || poll || !claimed.empty()) {
        auto fetched =
            complete_and_fetch(completions, poll || !claimed.empty() ? want : 0, claimed, !drained);
        if (hard_stop_) {
          if (gave_up_) keep_for_hand_back(std::move(completions));  // Redis was unreachable
          std::vector<Outcome> taken;  // fetched (locked, active) but never started
          for (auto& job : fetched) taken.push_back(Outcome{.job = std::move(job)});
          keep_for_hand_back(std::move(taken));
          break;
        }
        for (const auto& c : completions) rest(c.slot);
        claimed.clear();
        if (poll) {
          drained = fetched.size() < want;
          next_poll_ = Clock::now() + milliseconds(100);
        }
        hand_out(std::move(fetched));
      }
      run_timers();
      if (hard_stop_) break;

      std::unique_lock lock(mutex_);
      const bool idle =
          std::all_of(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.busy; });
      if (stopping_ && idle && outcomes_.empty()) break;
      if (!outcomes_.empty() || (stopping_ && !stopping)) continue;
      const auto rest_end = end_of_rests();
      if (idle && drained && !stopping_ && rest_end == Clock::time_point::max()) {
        // Nothing in flight: only a new job or a timer can give work, so block on the list.
        lock.unlock();
        claimed = block_for_job(next_timer());
        continue;
      }
      const auto wake_at =
          std::min(next_timer(), drained ? next_poll_ : Clock::now() + milliseconds(100));
      if (!drained && want > 0 && !stopping_) continue;  // more jobs may be waiting
      wake_.wait_until(lock, std::min({wake_at, earliest_deadline(), rest_end}));
    }

    std::lock_guard lock(mutex_);
    dispatcher_done_ = true;
    done_cv_.notify_all();
    for (auto& s : slots_) s.cv.notify_all();
  }

  // At a hard stop, outcomes the dispatcher took but did not record go back where stop()
  // looks for the jobs to hand back; otherwise they would stay in active until the stalled
  // check of another worker found them.
  void keep_for_hand_back(std::vector<Outcome> outcomes) {
    std::lock_guard lock(mutex_);
    for (auto& o : outcomes) outcomes_.push_back(std::move(o));
  }

  Clock::time_point next_timer() const {
    return std::min({next_stalled_check_, next_renew_, next_delayed_});
  }

  // Under mutex_.
  Clock::time_point earliest_deadline() const {
    auto t = Clock::time_point::max();
    for (const auto& s : slots_) {
      if (s.busy && !s.abandoned && s.deadline) t = std::min(t, *s.deadline);
    }
    return t;
  }

  // After the outcome of the slot's try was recorded: its pause starts now.
  void rest(std::size_t index) {
    if (options_.pause_after_job <= milliseconds(0)) return;
    std::lock_guard lock(mutex_);
    slots_[index].resting_until = Clock::now() + options_.pause_after_job;
  }

  // Under mutex_: when the first resting idle slot may take a job again (max: none rests).
  Clock::time_point end_of_rests() const {
    const auto now = Clock::now();
    auto t = Clock::time_point::max();
    for (const auto& s : slots_)
      if (!s.busy && s.resting_until > now) t = std::min(t, s.resting_until);
    return t;
  }

  // Under mutex_: tries past their timeout fail now; their handlers are told to stop.
  void collect_timeouts(std::vector<Outcome>& outcomes) {
    const auto now = Clock::now();
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      Slot& s = slots_[i];
      if (s.busy && !s.abandoned && s.deadline && *s.deadline <= now) {
        s.abandoned = true;
        s.cancelled = true;
        Outcome o;
        o.slot = i;
        o.job = in_flight_[i];
        o.value = "Promise timed out after " +
                  std::to_string(in_flight_[i].opts.timeout.value_or(milliseconds(0)).count()) +
                  " milliseconds";
        outcomes.push_back(std::move(o));
      }
    }
  }

  // Runs f until it gets through Redis, reconnecting with backoff; false when the stop
  // deadline passed first. Every redis::Error is retried: the dispatcher must not end while
  // the worker lives, and a lasting one (wrong password) is logged at each attempt.
  template <class F>
  bool with_redis(F&& f) {
    redis::BasicRetryOptions<redis::Error> retry{.backoff = reconnect_};
    retry.on_retry = [&](const redis::Error& e, std::uint32_t attempt, milliseconds delay) {
      link_.drop();
      const bool io = dynamic_cast<const redis::IoError*>(&e) != nullptr;
      if (io) {
        std::lock_guard lock(mutex_);
        ++stats_.reconnects;
      }
      report(log::Level::warn, io ? "Redis unavailable; retrying" : "Redis error; retrying",
             {{"queue", site_.keys.queue_name()},
              {"error", std::string_view(e.what())},
              {"attempt", attempt},
              {"retry_in_ms", delay.count()}});
    };
    try {
      redis::with_retry(f, &hard_stop_, retry);
      return true;
    } catch (const redis::Error&) {
      if (!hard_stop_) throw;  // cannot happen: only the stop ends the retries
      gave_up_ = true;
      return false;
    }
  }

  void report(log::Level level, std::string_view message, log::Fields fields) const {
    options_.log(level, message, fields);
  }

  std::vector<Job> complete_and_fetch(const std::vector<Outcome>& completions, std::size_t want,
                                      const std::string& claimed, bool announce_drained) {
    const Keys& k = site_.keys;
    std::vector<std::string> args = {token_,
                                     std::to_string(options_.lock_duration.count()),
                                     "",  // timestamp, set per attempt
                                     std::to_string(want),
                                     claimed,
                                     announce_drained ? "1" : "0",
                                     std::to_string(completions.size())};
    for (const auto& c : completions) {
      const Job& job = c.job;
      args.push_back(job.id);
      args.push_back(c.value);
      args.push_back(std::to_string(job.opts.remove_on_complete.count()));
      args.push_back("{\"jobId\":" + json_quote(job.id) + ",\"val\":" + json_quote(c.value) + "}");
    }
    const std::vector<std::string> keys = {k.active(),
                                           k.completed(),
                                           k.wait(),
                                           k.priority(),
                                           k.stalled(),
                                           k.base(),
                                           k.key("active@" + token_),
                                           k.key("drained")};
    std::vector<Job> fetched;
    redis::Reply reply;
    const bool ok = with_redis([&] {
      args[2] = std::to_string(epoch_ms());
      reply = link_.eval(script("completeAndFetch"), keys, args);
    });
    if (!ok) return fetched;
    const auto& codes = reply.elements().at(0).elements();
    std::int64_t done = 0, lost = 0;
    for (std::size_t i = 0; i < codes.size(); ++i) {
      if (codes[i].integer() == 0) {
        ++done;
      } else {
        ++lost;
        report(log::Level::warn, "job not recorded as completed",
               {{"queue", k.queue_name()},
                {"job", completions[i].job.id},
                {"code", codes[i].integer()}});
      }
    }
    {
      std::lock_guard lock(mutex_);
      stats_.completed += done;
      stats_.lost_locks += lost;
    }
    const auto& jobs = reply.elements().at(1).elements();
    const std::int64_t processed = epoch_ms();
    for (std::size_t i = 0; i + 1 < jobs.size(); i += 2) {
      Job job = job_from_fields(jobs[i].str(), jobs[i + 1].elements());
      job.processed_on = processed;
      fetched.push_back(std::move(job));
    }
    return fetched;
  }

  void record_failure(const Outcome& o) {
    const Keys& k = site_.keys;
    const Job& job = o.job;
    const int attempts_made = job.attempts_made + 1;
    std::string action = "failed";
    std::string extra = std::to_string(job.opts.remove_on_fail.count());
    std::optional<Clock::time_point> promote_at;
    if (auto delay = retry_delay(job, attempts_made, o)) {
      if (delay->count() > 0) {
        action = "delayed";
        extra = std::to_string(delayed_score(epoch_ms() + delay->count(), id_low_bits(job.id)));
        promote_at = Clock::now() + *delay;
      } else {
        action = "retry";
        extra = job.opts.lifo ? "1" : "0";
      }
    }
    const std::string stack =
        append_stacktrace(job.stacktrace, o.value, job.opts.stack_trace_limit);
    const std::string payload =
        "{\"jobId\":" + json_quote(job.id) + ",\"val\":" + json_quote(o.value) + "}";
    redis::Reply reply;
    const bool ok = with_redis([&] {
      reply =
          link_.eval(script("moveToFailed"),
                     {k.active(), k.failed(), k.delayed(), k.wait(), k.paused(), k.meta_paused(),
                      k.priority(), k.stalled(), k.job(job.id), k.lock(job.id)},
                     {job.id, token_, std::to_string(epoch_ms()), o.value, stack,
                      std::to_string(attempts_made), action, extra, payload});
    });
    std::lock_guard lock(mutex_);
    ++stats_.failed;
    if (ok && reply.is_integer() && reply.integer() != 0) ++stats_.lost_locks;
    if (promote_at) next_delayed_ = std::min(next_delayed_, *promote_at);
  }

  void hand_out(std::vector<Job> jobs) {
    if (jobs.empty()) return;
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    std::size_t next = 0;
    for (std::size_t i = 0; i < slots_.size() && next < jobs.size(); ++i) {
      Slot& s = slots_[i];
      if (s.busy || s.resting_until > now) continue;
      Job& job = jobs[next++];
      in_flight_[i] = job;
      s.busy = true;
      s.abandoned = false;
      s.cancelled = false;
      s.deadline.reset();
      if (job.opts.timeout) s.deadline = Clock::now() + *job.opts.timeout;
      s.job = std::move(job);
      s.cv.notify_one();
    }
  }

  // Bounded wait for a job while nothing is in flight; returns its id ("" for none).
  std::string block_for_job(Clock::time_point wake_at) {
    const auto left = std::chrono::duration_cast<milliseconds>(wake_at - Clock::now());
    const auto block = std::min(left, options_.drain_block);
    if (block < milliseconds(10)) return "";
    const Keys& k = site_.keys;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(block.count()) / 1000.0);
    std::string id;
    with_redis([&] {
      const auto r = link_.command({"BRPOPLPUSH", k.wait(), k.active(), seconds},
                                   block + site_.connection.io_timeout);
      id = r.is_string() ? r.str() : "";
    });
    return id;
  }

  void run_timers() {
    const Keys& k = site_.keys;
    const auto now = Clock::now();
    if (now >= next_delayed_) {
      redis::Reply r;
      if (!with_redis([&] {
            r = link_.eval(
                script("promoteDelayed"),
                {k.delayed(), k.wait(), k.priority(), k.paused(), k.meta_paused(), k.base()},
                {std::to_string(epoch_ms()), token_});
          })) {
        return;
      }
      auto next = Clock::now() + options_.delayed_guard_interval;
      if (r.is_integer()) {
        const auto due_in = milliseconds(r.integer() - epoch_ms());
        next = std::min(next, Clock::now() + std::max(due_in, milliseconds(0)));
      }
      next_delayed_ = next;
    }
    if (now >= next_renew_) {
      std::vector<std::string> args = {token_, std::to_string(options_.lock_duration.count())};
      {
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i < slots_.size(); ++i) {
          if (slots_[i].busy && !slots_[i].abandoned) args.push_back(in_flight_[i].id);
        }
      }
      if (args.size() > 2) {
        redis::Reply r;
        with_redis([&] { r = link_.eval(script("extendLocks"), {k.stalled(), k.base()}, args); });
      }
      next_renew_ = Clock::now() + options_.lock_renew_time;
    }
    if (now >= next_stalled_check_) {
      redis::Reply r;
      with_redis([&] {
        r = link_.eval(script("moveStalledJobsToWait"),
                       {k.stalled(), k.wait(), k.active(), k.failed(), k.stalled_check(),
                        k.meta_paused(), k.paused(), k.base()},
                       {std::to_string(options_.max_stalled_count), std::to_string(epoch_ms()),
                        std::to_string(options_.stalled_interval.count())});
      });
      next_stalled_check_ = Clock::now() + options_.stalled_interval;
    }
  }

  void join_all() {
    if (dispatcher_.joinable()) dispatcher_.join();
    for (auto& t : handlers_) {
      if (t.joinable()) t.join();
    }
  }

  QueueSite site_;
  WorkerOptions options_;
  crawler::BackoffOptions reconnect_;
  Handler handler_;
  std::string token_;
  RedisLink link_;       // dispatcher thread only
  RedisLink side_link_;  // progress/log from handler threads, under side_mutex_
  std::mutex side_mutex_;

  mutable std::mutex mutex_;  // guards everything below except the dispatcher-only fields
  std::condition_variable wake_;
  std::condition_variable done_cv_;
  std::vector<Slot> slots_;
  // Slot -> the job it holds. Written and read by the dispatcher only (handlers get copies).
  std::vector<Job> in_flight_;
  std::vector<Outcome> outcomes_;
  bool stopping_ = false;
  bool dispatcher_done_ = false;
  std::atomic<bool> hard_stop_{false};
  std::atomic<bool> gave_up_{false};
  WorkerStats stats_;
  bool started_ = false;

  // Dispatcher-only.
  Clock::time_point next_stalled_check_{};
  Clock::time_point next_renew_{};
  Clock::time_point next_delayed_{};
  Clock::time_point next_poll_{};

  std::thread dispatcher_;
  std::vector<std::thread> handlers_;
};

void Context::progress(std::string_view json) {
  const Keys& k = worker_.keys();
  const std::string text(json);
  boost::json::error_code ec;
  boost::json::parse(text, ec);
  if (ec) throw std::invalid_argument("progress is not JSON: " + ec.message());
  worker_.side_call(script("updateProgress"), {k.job(job_.id), k.key("progress")},
                    {text, "{\"jobId\":" + json_quote(job_.id) + ",\"progress\":" + text + "}"},
                    "progress");
}

void Context::log(std::string_view line) {
  const Keys& k = worker_.keys();
  worker_.side_call(script("addLog"), {k.job(job_.id), k.logs(job_.id)}, {std::string(line)},
                    "log");
}

}  // namespace

std::unique_ptr<Worker> make_bull_worker(const QueueSite& site, const WorkerOptions& options,
                                         Handler handler) {
  return std::make_unique<BullWorker>(site, options, std::move(handler));
}

}  // namespace crawler::queue::bull
