// The embedded queue: Queue, Worker and EventStream over one SQLite connection.
//
// Design and trade-offs:
//   - One process runs every role (embedded mode), so the queue object is shared by them
//     (api, scheduler, worker) and they meet in memory: a Core holds the connection, a mutex
//     around it, a condition variable workers sleep on, and the event subscribers. SQLite
//     state changes take tens of microseconds, so one connection behind a mutex is not the
//     bottleneck of a crawler whose jobs take hundreds of milliseconds; handlers run outside
//     the mutex. Other processes (the admin CLI) open their own Core on the same file and
//     meet this one in SQLite (busy timeout, WAL); they see no events.
//   - Durability: every state change is a committed transaction, so a job is never lost by
//     a crash. What a crash leaves behind is jobs in `active` whose handler died with the
//     process. Bull finds those with lock expiry and a stalled check; here an exclusive
//     flock on "<file>.queue-lock" marks the process that runs workers (the kernel releases
//     it when the process dies), and the first worker that takes it moves every active job
//     back to the head of the line (its stall counted, Bull's limit applies). A second
//     process that tries to run workers on the same file is refused with a clear message.
//   - Workers: each slot is a thread that takes the head of the line (delayed jobs whose time
//     came are promoted first), runs the handler and records the outcome. A slot with
//     nothing to do sleeps on the condition variable until a producer in this process adds a
//     job, the next delayed job is due, or drain_block passes (which also picks up jobs other
//     processes added). Per-try timeouts and the stop deadline are watched by one watchdog
//     thread that sets cancelled(); a timed-out try fails with Bull's reason when its handler
//     returns (a thread cannot be killed; Bull's background promise keeps running too).
//   - A slot rests pause_after_job after recording each outcome, on its own thread: the
//     job's completion is published first, and the other slots go on.
//   - stop(deadline): no new jobs; in-flight ones finish and are recorded. Past the deadline
//     their handlers are told cancelled(), the jobs go back to the head of the line untouched
//     (the try not counted), and whatever those handlers return later is dropped.
#include "queue/embedded/embedded_queue.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <condition_variable>
#include <deque>
#include <list>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "queue/embedded/job_table.h"
#include "queue/try_outcome.h"
#include "sqlite/database.h"

namespace crawler::queue::embedded {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Events to the EventStreams of this process.
class EventHub {
 public:
  struct Subscriber {
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<QueueEvent> events;
  };

  std::shared_ptr<Subscriber> subscribe() {
    auto s = std::make_shared<Subscriber>();
    std::lock_guard lock(mutex_);
    subscribers_.push_back(s);
    return s;
  }

  void publish(const QueueEvent& event) {
    std::lock_guard lock(mutex_);
    for (auto it = subscribers_.begin(); it != subscribers_.end();) {
      auto s = it->lock();
      if (!s) {
        it = subscribers_.erase(it);
        continue;
      }
      {
        std::lock_guard slock(s->mutex);
        // A subscriber that stopped reading must not grow without bound (pub/sub drops too).
        if (s->events.size() < 100000) s->events.push_back(event);
      }
      s->ready.notify_one();
      ++it;
    }
  }

 private:
  std::mutex mutex_;
  std::list<std::weak_ptr<Subscriber>> subscribers_;
};

// What every object of one opened queue shares.
struct Core {
  explicit Core(const EmbeddedOptions& o) try
      : path(o.path), name(o.name), db(o.path), table(db, o.name) {
    create_tables(db);
  } catch (const sqlite::Error& e) {
    throw BackendUnavailable(std::string("embedded queue: ") + e.what());
  }

  // Runs `f(table)` under the mutex, translating SQLite's errors into the queue's.
  template <typename F>
  auto with_table(F&& f) {
    std::lock_guard lock(mutex);
    try {
      return f(table);
    } catch (const sqlite::Error& e) {
      if (e.is_busy()) throw BackendUnavailable("embedded queue " + path + " is busy: " + e.what());
      throw Error("embedded queue " + path + ": " + e.what());
    }
  }

  // Wakes idle worker slots: a job was added or became runnable. The generation makes the
  // wake-up impossible to miss between a slot's empty take_next() and its wait.
  void notify_jobs() {
    {
      std::lock_guard lock(mutex);
      ++generation;
    }
    jobs_changed.notify_all();
  }
  std::uint64_t current_generation() {
    std::lock_guard lock(mutex);
    return generation;
  }

  // Takes the worker lock for this process, once; on first success, recovers the active
  // jobs a dead process left. Throws Error when another live process holds it.
  void claim_workers(int max_stalled) {
    std::lock_guard lock(owner_mutex);
    if (owner_fd >= 0) return;
    const std::string lock_path = path + ".queue-lock";
    int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw Error("embedded queue: cannot open " + lock_path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      throw Error("embedded queue " + path +
                  " has workers in another process; one process at a time may run workers on "
                  "an embedded queue (use Redis for several)");
    }
    owner_fd = fd;
    auto failed =
        with_table([&](JobTable& t) { return t.recover_active(max_stalled, epoch_ms()); });
    for (const auto& id : failed)
      events.publish({QueueEvent::Kind::failed, id, "job stalled more than allowable limit"});
    notify_jobs();
  }

  ~Core() {
    if (owner_fd >= 0) ::close(owner_fd);
  }

  std::string path;
  std::string name;
  std::mutex mutex;  // guards db and table
  sqlite::Database db;
  JobTable table;
  std::condition_variable jobs_changed;
  std::uint64_t generation = 0;  // guarded by mutex
  EventHub events;
  std::mutex owner_mutex;
  int owner_fd = -1;
};

class EmbeddedEventStream : public EventStream {
 public:
  explicit EmbeddedEventStream(std::shared_ptr<Core> core)
      : core_(std::move(core)), subscriber_(core_->events.subscribe()) {}

  std::optional<QueueEvent> next(milliseconds timeout) override {
    std::unique_lock lock(subscriber_->mutex);
    if (!subscriber_->ready.wait_for(lock, timeout, [&] { return !subscriber_->events.empty(); }))
      return std::nullopt;
    auto e = std::move(subscriber_->events.front());
    subscriber_->events.pop_front();
    return e;
  }

 private:
  std::shared_ptr<Core> core_;
  std::shared_ptr<EventHub::Subscriber> subscriber_;
};

class EmbeddedWorker : public Worker {
  struct Slot {
    std::optional<Job> job;  // the job in flight
    std::optional<Clock::time_point> timeout_at;
    std::atomic<bool> cancelled{false};
    bool timed_out = false;
    bool handed_back = false;  // by stop(): drop the handler's outcome
  };

  class Context : public JobContext {
   public:
    Context(EmbeddedWorker& w, const Job& job, Slot& slot) : w_(w), job_(job), slot_(slot) {}
    const Job& job() const override { return job_; }
    void progress(std::string_view json_text) override {
      boost::json::error_code ec;
      boost::json::parse(json_text, ec);
      if (ec) throw std::invalid_argument("progress is not JSON: " + ec.message());
      std::string text(json_text);
      w_.core_->with_table([&](JobTable& t) {
        t.set_progress(job_.id, text);
        return 0;
      });
      w_.core_->events.publish({QueueEvent::Kind::progress, job_.id, text});
    }
    void log(std::string_view line) override {
      std::string text(line);
      w_.core_->with_table([&](JobTable& t) {
        t.add_log(job_.id, text);
        return 0;
      });
    }
    bool cancelled() const override { return slot_.cancelled.load(); }

   private:
    EmbeddedWorker& w_;
    const Job& job_;
    Slot& slot_;
  };

 public:
  EmbeddedWorker(std::shared_ptr<Core> core, WorkerOptions options, Handler handler)
      : core_(std::move(core)),
        options_(options),
        handler_(std::move(handler)),
        slots_(static_cast<std::size_t>(std::max(1, options.concurrency))) {
    if (!options_.log) options_.log = default_log_sink();
  }

  ~EmbeddedWorker() override {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
      for (auto& s : slots_) s.cancelled = true;
    }
    core_->notify_jobs();
    wake_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    if (watchdog_.joinable()) watchdog_.join();
  }

  void start() override {
    core_->claim_workers(options_.max_stalled_count);
    std::lock_guard lock(mutex_);
    if (started_) throw std::logic_error("Worker::start called twice");
    started_ = true;
    for (std::size_t i = 0; i < slots_.size(); ++i) threads_.emplace_back([this, i] { run(i); });
    watchdog_ = std::thread([this] { watch(); });
  }

  bool stop(milliseconds deadline) override {
    const auto until = Clock::now() + deadline;
    std::unique_lock lock(mutex_);
    stopping_ = true;
    core_->notify_jobs();
    wake_.notify_all();
    if (idle_.wait_until(lock, until, [&] { return in_flight() == 0; })) return true;
    // Past the deadline: hand every job still running back, untouched.
    for (auto& s : slots_) {
      if (!s.job || s.handed_back) continue;
      s.cancelled = true;
      s.handed_back = true;
      const std::string id = s.job->id;
      core_->with_table([&](JobTable& t) {
        t.hand_back(id);
        return 0;
      });
      ++stats_.handed_back;
    }
    core_->notify_jobs();
    return true;
  }

  WorkerStats stats() const override {
    std::lock_guard lock(mutex_);
    return stats_;
  }

 private:
  std::size_t in_flight() const {
    return static_cast<std::size_t>(std::count_if(
        slots_.begin(), slots_.end(), [](const Slot& s) { return s.job && !s.handed_back; }));
  }

  // How long an idle slot sleeps: until the next delayed job is due, at most drain_block.
  milliseconds idle_wait() {
    auto due = core_->with_table([](JobTable& t) { return t.next_due(); });
    auto wait = options_.drain_block;
    if (due) wait = std::min(wait, milliseconds(std::max<std::int64_t>(*due - epoch_ms(), 1)));
    return std::min(wait, options_.delayed_guard_interval);
  }

  void run(std::size_t index) {
    Slot& slot = slots_[index];
    bool busy = false;
    while (true) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
      }
      const auto seen = core_->current_generation();
      std::optional<Job> job;
      try {
        job = core_->with_table([](JobTable& t) { return t.take_next(epoch_ms()); });
      } catch (const Error& e) {
        // The file is busy (another process writing): try again shortly. Said once per
        // streak, not at every attempt.
        if (!busy) {
          options_.log(log::Level::warn, "queue file busy; retrying",
                       {{"queue", core_->name}, {"error", std::string_view(e.what())}});
        }
        busy = true;
        std::this_thread::sleep_for(options_.reconnect_min);
        continue;
      }
      busy = false;
      if (!job) {
        auto wait = idle_wait();
        std::unique_lock lock(core_->mutex);
        core_->jobs_changed.wait_for(lock, wait, [&] { return core_->generation != seen; });
        continue;
      }
      {
        std::lock_guard lock(mutex_);
        if (stopping_) {  // stop() came while we were taking it: not ours to run
          core_->with_table([&](JobTable& t) {
            t.hand_back(job->id);
            return 0;
          });
          return;
        }
        slot.job = job;
        slot.cancelled = false;
        slot.timed_out = false;
        slot.handed_back = false;
        if (job->opts.timeout) slot.timeout_at = Clock::now() + *job->opts.timeout;
      }
      auto outcome = run_handler(*job, slot);
      record(slot, *job, outcome);
      rest();
    }
  }

  // WorkerOptions::pause_after_job, after the outcome was recorded and published.
  void rest() {
    if (options_.pause_after_job <= milliseconds(0)) return;
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, options_.pause_after_job, [&] { return stopping_; });
  }

  TryOutcome run_handler(const Job& job, Slot& slot) {
    Context ctx(*this, job, slot);
    return run_try(handler_, ctx);
  }

  void record(Slot& slot, Job job, TryOutcome out) {
    bool drop = false;
    {
      std::lock_guard lock(mutex_);
      drop = slot.handed_back;
      if (slot.timed_out) {
        out.ok = false;
        out.retry_after.reset();
        out.value = "Promise timed out after " + std::to_string(job.opts.timeout->count()) +
                    " milliseconds";
      }
    }
    if (!drop) {
      try {
        if (out.ok) {
          if (core_->with_table(
                  [&](JobTable& t) { return t.complete(job, out.value, epoch_ms()); }))
            core_->events.publish({QueueEvent::Kind::completed, job.id, out.value});
          std::lock_guard lock(mutex_);
          ++stats_.completed;
        } else {
          job.attempts_made += 1;
          FailAction action;
          const auto delay = retry_delay(job, job.attempts_made, out);
          const bool retry = delay.has_value();
          if (retry) {
            action.kind = delay->count() > 0 ? FailAction::Kind::delayed : FailAction::Kind::retry;
            action.due_at = epoch_ms() + delay->count();
          }
          if (core_->with_table(
                  [&](JobTable& t) { return t.fail(job, out.value, action, epoch_ms()); }) &&
              !retry)
            core_->events.publish({QueueEvent::Kind::failed, job.id, out.value});
          std::lock_guard lock(mutex_);
          ++stats_.failed;
        }
      } catch (const Error& e) {
        // The outcome could not be written (the file is broken or busy past the timeout):
        // the job stays active and is recovered on the next start, as after a crash.
        options_.log(
            log::Level::warn, "job outcome not recorded; recovered on the next start",
            {{"queue", core_->name}, {"job", job.id}, {"error", std::string_view(e.what())}});
      }
    }
    {
      std::lock_guard lock(mutex_);
      slot.job.reset();
      slot.timeout_at.reset();
    }
    core_->notify_jobs();  // a retry may be runnable now
    idle_.notify_all();
  }

  void watch() {
    std::unique_lock lock(mutex_);
    while (!(stopping_ &&
             std::all_of(slots_.begin(), slots_.end(), [](const Slot& s) { return !s.job; }))) {
      wake_.wait_for(lock, milliseconds(20));
      auto now = Clock::now();
      for (auto& s : slots_) {
        if (s.job && s.timeout_at && now >= *s.timeout_at && !s.timed_out) {
          s.timed_out = true;
          s.cancelled = true;
        }
      }
    }
  }

  std::shared_ptr<Core> core_;
  WorkerOptions options_;
  Handler handler_;
  mutable std::mutex mutex_;  // guards slots_' bookkeeping, stats_, stopping_
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::vector<Slot> slots_;
  std::vector<std::thread> threads_;
  std::thread watchdog_;
  bool started_ = false;
  bool stopping_ = false;
  WorkerStats stats_;
};

class EmbeddedQueue : public Queue {
 public:
  explicit EmbeddedQueue(std::shared_ptr<Core> core) : core_(std::move(core)) {}

  const std::string& name() const override { return core_->name; }

  std::string add(const NewJob& job) override {
    validate_job_data(job.data);
    auto id = core_->with_table([&](JobTable& t) { return t.add(job, epoch_ms()); });
    core_->notify_jobs();
    return id;
  }
  std::vector<std::string> add_bulk(const std::vector<NewJob>& jobs) override {
    for (const auto& j : jobs) validate_job_data(j.data);
    auto ids = core_->with_table([&](JobTable& t) { return t.add_bulk(jobs, epoch_ms()); });
    core_->notify_jobs();
    return ids;
  }
  std::vector<AddOutcome> add_bulk_unless_pending(const std::vector<NewJob>& jobs) override {
    for (const auto& j : jobs) validate_job_data(j.data);
    auto out =
        core_->with_table([&](JobTable& t) { return t.add_bulk_unless_pending(jobs, epoch_ms()); });
    core_->notify_jobs();
    return out;
  }
  std::vector<AddOutcome> add_bulk_unless_active(
      const std::vector<NewJob>& jobs, const std::vector<std::string>& inherited_fields) override {
    for (const auto& j : jobs) validate_job_data(j.data);
    auto out = core_->with_table(
        [&](JobTable& t) { return t.add_bulk_unless_active(jobs, inherited_fields, epoch_ms()); });
    core_->notify_jobs();
    return out;
  }
  std::optional<Job> get_job(const std::string& id) override {
    return core_->with_table([&](JobTable& t) { return t.get(id); });
  }
  std::optional<JobState> get_state(const std::string& id) override {
    return core_->with_table([&](JobTable& t) { return t.state(id); });
  }
  JobCounts get_job_counts() override {
    return core_->with_table([](JobTable& t) { return t.counts(); });
  }
  std::vector<Job> get_jobs(const std::vector<JobState>& states, std::int64_t start,
                            std::int64_t end, bool asc) override {
    return core_->with_table([&](JobTable& t) { return t.list(states, start, end, asc); });
  }
  bool remove(const std::string& id) override {
    return core_->with_table([&](JobTable& t) { return t.remove(id); });
  }
  void retry(const std::string& id) override {
    core_->with_table([&](JobTable& t) {
      t.retry(id);
      return 0;
    });
    core_->notify_jobs();
  }
  void promote(const std::string& id) override {
    core_->with_table([&](JobTable& t) {
      t.promote(id);
      return 0;
    });
    core_->notify_jobs();
  }
  std::vector<std::string> clean(milliseconds grace, JobState state, std::int64_t limit) override {
    return core_->with_table(
        [&](JobTable& t) { return t.clean(epoch_ms() - grace.count(), state, limit); });
  }
  void pause() override {
    core_->with_table([](JobTable& t) {
      t.set_paused(true);
      return 0;
    });
  }
  void resume() override {
    core_->with_table([](JobTable& t) {
      t.set_paused(false);
      return 0;
    });
    core_->notify_jobs();
  }
  bool is_paused() override {
    return core_->with_table([](JobTable& t) { return t.paused(); });
  }
  void empty() override {
    core_->with_table([](JobTable& t) {
      t.empty();
      return 0;
    });
  }
  void obliterate(bool force) override {
    core_->with_table([&](JobTable& t) {
      t.obliterate(force);
      return 0;
    });
  }
  std::unique_ptr<Worker> make_worker(const WorkerOptions& options, Handler handler) override {
    return std::make_unique<EmbeddedWorker>(core_, options, std::move(handler));
  }
  std::unique_ptr<EventStream> events() override {
    return std::make_unique<EmbeddedEventStream>(core_);
  }

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace

std::shared_ptr<Queue> open_embedded_queue(const EmbeddedOptions& options) {
  if (options.name.empty()) throw std::invalid_argument("embedded queue: empty queue name");
  return std::make_shared<EmbeddedQueue>(std::make_shared<Core>(options));
}

}  // namespace crawler::queue::embedded
