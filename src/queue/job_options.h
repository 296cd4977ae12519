// Job options and the pure rules attached to them (backoff), shared by every backend.
//
// Design: plain values mirroring Bull 4's job options (`queue.add(data, opts)`), because the
// first backend must read and write Bull's stored `opts` JSON field byte-compatibly and a
// Node producer may have written any of them. The Redis specifics (how these map to keys,
// scores and the `opts` JSON) live in bull/; this header has no Redis in it so that the
// embedded SQLite backend can share it.
//
// Defaults are Bull's library defaults (attempts 1, no backoff, keep finished jobs); what an
// application queues its jobs with is its own policy (the crawler's: worker/crawl_job.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace crawler::queue {

struct Backoff {
  enum class Type { fixed, exponential };
  Type type = Type::fixed;
  std::chrono::milliseconds delay{0};

  friend bool operator==(const Backoff&, const Backoff&) = default;
};

// What to keep of finished jobs: Bull's removeOnComplete / removeOnFail, which is either a
// boolean or a count. Unset is "keep all" and is not written to the opts JSON (as in Bull,
// where the property is simply absent).
class KeepJobs {
 public:
  enum class Kind { unset, keep_all, remove_all, keep_last };

  KeepJobs() = default;
  static KeepJobs keep_all() { return KeepJobs(Kind::keep_all, -1); }                 // `false`
  static KeepJobs remove_all() { return KeepJobs(Kind::remove_all, 0); }              // `true`
  static KeepJobs keep_last(std::int64_t n) { return KeepJobs(Kind::keep_last, n); }  // `n`

  Kind kind() const { return kind_; }
  // The count Bull's finishing script works with: -1 keep everything, 0 delete the job at
  // once, n > 0 keep the newest n. (keep_last(0) is therefore "remove at once", as the
  // number 0 is in Bull.)
  std::int64_t count() const { return count_; }

  friend bool operator==(const KeepJobs&, const KeepJobs&) = default;

 private:
  KeepJobs(Kind k, std::int64_t n) : kind_(k), count_(n) {}
  Kind kind_ = Kind::unset;
  std::int64_t count_ = -1;
};

struct JobOptions {
  // Custom job id: adding a job whose id already exists adds nothing and returns that id.
  std::optional<std::string> job_id;
  // 0: no priority (plain FIFO/LIFO). 1 is the highest priority; larger is lower.
  std::int64_t priority = 0;
  std::chrono::milliseconds delay{0};
  // Total tries, the first included (Bull's `attempts`).
  int attempts = 1;
  std::optional<Backoff> backoff;
  bool lifo = false;
  // Per-try time limit. On expiry the try fails ("Promise timed out after N milliseconds",
  // Bull's reason) and the handler is asked to stop through JobContext::cancelled().
  std::optional<std::chrono::milliseconds> timeout;
  KeepJobs remove_on_complete;
  KeepJobs remove_on_fail;
  // Keep at most this many stack traces in the job (Bull's stackTraceLimit).
  std::optional<int> stack_trace_limit;
  // Creation time in ms since the epoch; unset: now.
  std::optional<std::int64_t> timestamp;

  friend bool operator==(const JobOptions&, const JobOptions&) = default;
};

// Delay before the next try after `attempts_made` tries failed (attempts_made >= 1), as
// Bull computes it: fixed → delay; exponential → round((2^attempts_made - 1) * delay).
// nullopt: no backoff configured, retry at once.
std::optional<std::chrono::milliseconds> backoff_delay(const std::optional<Backoff>& backoff,
                                                       int attempts_made);

}  // namespace crawler::queue
