// The embedded queue's storage: every state change of a job is one method here and one SQLite
// transaction, as each state change of the Bull backend is one Lua script. Nothing here
// knows about threads or events: the caller (embedded_queue.cpp) holds the connection's mutex
// and publishes events after a method returned.
//
// Tables (shared by every queue in the file, keyed by queue name):
//   queue_meta (queue, next_id, next_seq, paused)
//   queue_jobs (queue, id, ..., state, lane, ord_priority, seq, due_at, ...)
//   queue_job_logs (queue, id, line_no, line)
// A waiting (or paused) job's place in line is (lane, ord_priority, seq), smallest first:
//   lane 0  the head: LIFO jobs, jobs handed back on stop or recovered after a crash
//           (seq decreasing, so the newest arrival goes first, as Bull's RPUSH);
//   lane 1  prioritised jobs (ord_priority = priority, 1 first; FIFO within a priority);
//   lane 2  plain FIFO jobs.
// Bull puts prioritised jobs ahead of plain ones the same way (insertion by priority near
// the right end of the wait list, plain jobs LPUSHed at the left).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "queue/queue.h"
#include "sqlite/database.h"

namespace crawler::queue::embedded {

void create_tables(sqlite::Database& db);

// What a finished try does next, decided by the caller from the job's options.
struct FailAction {
  enum class Kind { failed, delayed, retry } kind = Kind::failed;
  std::int64_t due_at = 0;  // delayed: when it becomes waiting again
};

class JobTable {
 public:
  JobTable(sqlite::Database& db, std::string queue);

  // add: the id (existing custom id: nothing added). now: ms since the epoch.
  std::string add(const NewJob& job, std::int64_t now);
  std::vector<std::string> add_bulk(const std::vector<NewJob>& jobs, std::int64_t now);
  std::vector<Queue::AddOutcome> add_bulk_unless_pending(const std::vector<NewJob>& jobs,
                                                         std::int64_t now);
  std::vector<Queue::AddOutcome> add_bulk_unless_active(
      const std::vector<NewJob>& jobs, const std::vector<std::string>& inherited_fields,
      std::int64_t now);

  std::optional<Job> get(const std::string& id);
  std::optional<JobState> state(const std::string& id);
  JobCounts counts();
  std::vector<Job> list(const std::vector<JobState>& states, std::int64_t start, std::int64_t end,
                        bool asc);

  bool remove(const std::string& id);  // false: unknown or active
  void retry(const std::string& id);
  void promote(const std::string& id);
  std::vector<std::string> clean(std::int64_t older_than, JobState state, std::int64_t limit);
  void set_paused(bool paused);
  bool paused();
  void empty();
  // Removes every job and the queue's meta row; InvalidJobState when jobs are active and not
  // `force`.
  void obliterate(bool force);

  // ---- the worker's side ----
  // Delayed jobs due by `now` become waiting; then the head of the line becomes active.
  std::optional<Job> take_next(std::int64_t now);
  // When the earliest delayed job is due (ms since the epoch), if any.
  std::optional<std::int64_t> next_due();
  // Records a successful try; false when the job is no longer active (removed meanwhile).
  bool complete(const Job& job, const std::string& return_value, std::int64_t now);
  // Records a failed try (attempts_made already counted in `job`); false as above.
  bool fail(const Job& job, const std::string& reason, const FailAction& action, std::int64_t now);
  // Puts an active job back at the head of the line, the try not counted.
  void hand_back(const std::string& id);
  // Crash recovery: every active job (its process died) goes back to the head of the line,
  // its stall counted; a job stalled more than `max_stalled` times fails with Bull's reason.
  // Returns the ids that failed.
  std::vector<std::string> recover_active(int max_stalled, std::int64_t now);
  void set_progress(const std::string& id, const std::string& json);
  void add_log(const std::string& id, const std::string& line);

 private:
  struct Place {
    int lane;
    std::int64_t ord_priority;
    std::int64_t seq;
  };
  std::int64_t next_counter(const char* column);
  Place place_for(const JobOptions& opts, bool head);
  // Moves a job to waiting (paused when the queue is) at `place`; `also_set` adds
  // ", column = value" assignments.
  void put_in_line(const std::string& id, const Place& place, std::string_view also_set);
  std::string insert(const NewJob& job, std::int64_t now);
  // Deletes one job and its log lines (inside the caller's transaction).
  void erase(const std::string& id);
  void trim_finished(const char* state, std::int64_t keep);
  Job read_job(sqlite::Statement& row);

  sqlite::Database& db_;
  std::string queue_;
};

}  // namespace crawler::queue::embedded
