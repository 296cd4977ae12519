// The job queue, independent of where it is stored.
//
// Design:
//   - One abstract Queue (producer + admin operations), one abstract Worker (consumer), one
//     abstract EventStream (the queue's global events). Two backends implement them:
//     Bull on Redis (bull/bull_queue.h) and one SQLite file (embedded/embedded_queue.h), so
//     nothing here names keys, scripts, Redis or SQLite.
//   - The vocabulary is Bull 4's (states, counts, options, event names) because the crawler,
//     its REST API and its dashboards speak it.
//   - Job data, return values and progress are JSON *text*: the queue stores and forwards
//     them verbatim, and only the worker validates a job's data before running a handler
//     (a buggy producer's non-JSON data fails that job with a clear reason).
//   - Errors are exceptions of queue::Error (errors.h); the backend translates its own
//     (e.g. redis::IoError) at its boundary, so callers catch one family.
//   - The worker runs handlers on its own threads (concurrency N); a handler is synchronous
//     and returns the job's return value. It may throw to fail the try.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "queue/errors.h"
#include "queue/job_options.h"

namespace crawler::queue {

// Bull's states. `stuck`: the job exists but is in no list/set (Bull's getState answer).
enum class JobState { waiting, active, completed, failed, delayed, paused, stuck };
std::string_view to_string(JobState s);
// Accepts Bull's names ("waiting"/"wait", "active", ...); throws std::invalid_argument.
JobState job_state_from_string(std::string_view s);

struct JobCounts {
  std::int64_t waiting = 0;
  std::int64_t active = 0;
  std::int64_t completed = 0;
  std::int64_t failed = 0;
  std::int64_t delayed = 0;
  std::int64_t paused = 0;

  friend bool operator==(const JobCounts&, const JobCounts&) = default;
};

// A job as stored. Times are ms since the epoch.
struct Job {
  std::string id;
  std::string name;  // Bull's default name is "__default__"
  std::string data;  // JSON text as stored (not validated here)
  JobOptions opts;
  std::string opts_json;  // the stored options text, for fields this struct does not model
  std::int64_t timestamp = 0;
  std::int64_t delay = 0;
  std::int64_t priority = 0;
  int attempts_made = 0;
  std::optional<std::int64_t> processed_on;
  std::optional<std::int64_t> finished_on;
  std::string progress = "0";               // JSON text
  std::optional<std::string> return_value;  // JSON text
  std::optional<std::string> failed_reason;
  std::vector<std::string> stacktrace;
};

struct NewJob {
  std::string name = "__default__";
  std::string data = "{}";
  JobOptions opts;
};

// Every backend's add refuses data that is not JSON text: std::invalid_argument naming the
// parse error. (Workers still fail, without retry, a job whose stored data is not JSON:
// another producer may have written it.)
void validate_job_data(std::string_view data);

// What a handler sees. Calls on it come from the handler's own thread.
class JobContext {
 public:
  virtual ~JobContext() = default;
  virtual const Job& job() const = 0;
  // Stores the progress (JSON text, e.g. "42" or "{\"step\":2}") and publishes it.
  virtual void progress(std::string_view json) = 0;
  void progress(int percent) { progress(std::to_string(percent)); }
  // Appends a line to the job's log.
  virtual void log(std::string_view line) = 0;
  // True once the try timed out or the worker's stop deadline passed: the result will be
  // discarded, stop as soon as convenient.
  virtual bool cancelled() const = 0;
};

// Returns the return value as JSON text ("" is stored as null). Throw to fail the try.
using Handler = std::function<std::string(JobContext&)>;

// Thrown by a handler whose target asked it to come back later (HTTP 429/503 with
// Retry-After): the try fails as with any exception, and when attempts remain the retry waits
// at least `delay` (longer when the job's own backoff says so).
class RetryLater : public std::runtime_error {
 public:
  RetryLater(const std::string& reason, std::chrono::milliseconds delay)
      : std::runtime_error(reason), delay_(delay) {}
  std::chrono::milliseconds delay() const { return delay_; }

 private:
  std::chrono::milliseconds delay_;
};

// Where a worker reports what an operator must see: the backend unreachable and retrying,
// an outcome it could not record, a job it could not hand back. Fields are structured
// (log::Field), so the lines stay filterable JSON in the process's log.
using LogSink = std::function<void(log::Level level, std::string_view message, log::Fields fields)>;

// The process's JSON logger (core/log.h) under `role`: the default of WorkerOptions::log.
LogSink default_log_sink(std::string role = "queue");

struct WorkerOptions {
  int concurrency = 1;
  std::chrono::milliseconds lock_duration{30000};
  std::chrono::milliseconds lock_renew_time{15000};
  std::chrono::milliseconds stalled_interval{30000};
  int max_stalled_count = 1;
  // Longest sleep between checks for due delayed jobs (Bull's guardInterval). Bull uses 5 s
  // but also wakes on the `delayed` channel when a producer adds an earlier job; we poll
  // every second instead (one cheap script call per second per worker), which bounds how
  // late a delayed job or a retry with backoff can start, whoever added it.
  std::chrono::milliseconds delayed_guard_interval{1000};
  // How long one blocking wait for new jobs lasts when the queue is drained.
  std::chrono::milliseconds drain_block{1000};
  // Reconnect backoff after the backend became unreachable.
  std::chrono::milliseconds reconnect_min{100};
  std::chrono::milliseconds reconnect_max{5000};
  // Most jobs taken from the queue in one backend call (bounded by free slots).
  int fetch_batch = 64;
  // Empty: default_log_sink().
  LogSink log;
  // How long a slot rests after each try it ran was recorded, before it takes another job:
  // politeness towards whatever the handlers visit, paid by the slot, not by the job (its
  // completion and events are not held back). A stop ends the rest.
  std::chrono::milliseconds pause_after_job{0};
};

struct WorkerStats {
  std::int64_t completed = 0;
  std::int64_t failed = 0;  // tries that failed (retried or final)
  std::int64_t lost_locks = 0;
  std::int64_t reconnects = 0;
  std::int64_t handed_back = 0;  // jobs returned to waiting by stop() past its deadline
};

class Worker {
 public:
  virtual ~Worker() = default;
  // Starts taking jobs. Call once.
  virtual void start() = 0;
  // Stops taking jobs and waits until the in-flight ones finished and were recorded, or the
  // deadline passed: then their handlers are told cancelled() and their jobs are handed back
  // to the queue (waiting again, at the head of the line, the try not counted), so nothing
  // is left for the stalled check of another worker. Returns true when everything in flight
  // was recorded (or handed back).
  virtual bool stop(std::chrono::milliseconds deadline) = 0;
  virtual WorkerStats stats() const = 0;
};

struct QueueEvent {
  enum class Kind { completed, failed, progress };
  Kind kind;
  std::string job_id;
  // completed: the return value (JSON text); failed: the reason; progress: JSON text.
  std::string payload;
};

class EventStream {
 public:
  virtual ~EventStream() = default;
  // The next event, or nullopt after `timeout` without one.
  virtual std::optional<QueueEvent> next(std::chrono::milliseconds timeout) = 0;
};

class Queue {
 public:
  virtual ~Queue() = default;

  virtual const std::string& name() const = 0;

  // Returns the job id (for a custom id that exists already: that id, nothing added).
  virtual std::string add(const NewJob& job) = 0;
  std::string add(std::string data, JobOptions opts = {}) {
    return add(NewJob{"__default__", std::move(data), std::move(opts)});
  }
  // All in one backend round trip; ids in order.
  virtual std::vector<std::string> add_bulk(const std::vector<NewJob>& jobs) = 0;

  // The scheduler's enqueue. Every job must carry a custom id (throws std::invalid_argument
  // otherwise). Per job: when a job with that id is waiting, paused, delayed or active it is
  // left alone (skipped); when it is completed, failed or stuck it is removed and the new job
  // added in its place (replaced); otherwise the new job is added. The backend does each
  // job's check-and-add atomically and the whole batch in as few round trips as it can; this
  // default does it job by job, without atomicity, for backends that have nothing better.
  enum class AddOutcome { added, replaced, skipped };
  virtual std::vector<AddOutcome> add_bulk_unless_pending(const std::vector<NewJob>& jobs);

  // "Check now": every job must carry a custom id (throws std::invalid_argument otherwise).
  // Per job, atomically: a job with that id that is active is left alone (skipped); one in
  // any other state (waiting, paused, delayed, completed, failed, stuck) is removed and the
  // new job added in its place (replaced); otherwise the new job is added. When the replaced
  // job had not finished (not completed or failed), each of `inherited_fields` that its data
  // has (not null) and the new job's data lacks is copied into the new data (top-level fields
  // of JSON objects; numbers are kept exactly up to 2^53), so what a pending job carried is
  // not lost by replacing it. Batches take as few round trips as the backend can.
  virtual std::vector<AddOutcome> add_bulk_unless_active(
      const std::vector<NewJob>& jobs, const std::vector<std::string>& inherited_fields = {}) = 0;

  virtual std::optional<Job> get_job(const std::string& id) = 0;
  // nullopt: no such job.
  virtual std::optional<JobState> get_state(const std::string& id) = 0;
  virtual JobCounts get_job_counts() = 0;
  // Jobs in the given states, ranges as Bull's getJobs (start..end inclusive, -1 = last).
  virtual std::vector<Job> get_jobs(const std::vector<JobState>& states, std::int64_t start,
                                    std::int64_t end, bool asc) = 0;

  // False when the job does not exist or is locked by a worker.
  virtual bool remove(const std::string& id) = 0;
  // Moves a failed job back to waiting. Throws JobNotFound / InvalidJobState.
  virtual void retry(const std::string& id) = 0;
  // Moves a delayed job to waiting now. Throws InvalidJobState if it is not delayed.
  virtual void promote(const std::string& id) = 0;
  // Removes jobs of `state` older than `grace`; at most `limit` (0: all). Returns their ids.
  virtual std::vector<std::string> clean(std::chrono::milliseconds grace, JobState state,
                                         std::int64_t limit = 0) = 0;
  virtual void pause() = 0;
  virtual void resume() = 0;
  virtual bool is_paused() = 0;
  // Removes waiting/paused/delayed jobs (Bull's empty()).
  virtual void empty() = 0;
  // Removes the whole queue. Without force, throws InvalidJobState when jobs are active.
  virtual void obliterate(bool force) = 0;

  virtual std::unique_ptr<Worker> make_worker(const WorkerOptions& options, Handler handler) = 0;
  virtual std::unique_ptr<EventStream> events() = 0;
};

}  // namespace crawler::queue
