// The scaling publisher: every `interval` (60 s, the deployment's period) it reads the queue and
// the worker fleet and publishes, in namespace CrawlerService:
//
//   QueueWaitingJobs       waiting + active                          Count    (what the deployed
//                                                                              policy scales on)
//   QueueBacklogPerWorker  waiting ÷ live worker slots                None
//   WorkerErrorRate        100 × failed ÷ (completed + failed) over   Percent
//                          the last period
//
// Definitions and why:
//   - Backlog per worker is the per-capacity form AWS recommends for queue-driven target
//     tracking (waiting + active grows with the fleet itself, since every busy slot adds an
//     active job). "Slots" = the sum of the live workers' concurrency (worker_registry.h).
//     With 0 slots the divisor is taken as 1: waiting jobs and no workers publish the whole
//     backlog (a scale-out signal, as if the first worker were already there), and an empty
//     queue with no workers publishes 0. Dividing by zero would publish nothing (or
//     infinity) exactly when scaling out from zero needs a signal.
//   - The error rate comes from the workers' own cumulative counters (jobs_completed /
//     jobs_failed in their heartbeats), not from the queue's completed/failed set sizes:
//     Bull trims those sets (removeOnComplete / removeOnFail), so their deltas undercount or
//     go negative. Per worker the delta since the previous period is summed; a worker first
//     seen counts in full if it started after the previous period began (else only its
//     baseline is taken, e.g. right after the api restarted). "Failed" counts failed tries,
//     retried or final (queue::WorkerStats). When nothing finished in the period the datum
//     is omitted, not published as 0: configure the alarm with TreatMissingData=notBreaching
//     rather than let idle minutes dilute an average.
//
// Threading and failures: the publisher has its own thread; the API never waits on it. A
// failed read or a failed retryable publish is retried with backoff (1 s doubling, capped at
// 30 s) until the next period is due, and then the period's data is dropped: stale scaling
// data is worse than a gap. Non-retryable failures are logged and dropped at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/log.h"
#include "metrics/cloudwatch.h"
#include "metrics/worker_registry.h"
#include "queue/queue.h"

namespace crawler::metrics {

inline constexpr std::string_view kNamespace = "CrawlerService";

// Where data go. publish() throws on failure: CloudWatchError (see retryable()), anything
// else is treated as retryable.
class MetricSink {
 public:
  virtual ~MetricSink() = default;
  virtual std::string_view name() const = 0;
  virtual void publish(const std::string& metric_namespace,
                       const std::vector<MetricDatum>& data) = 0;
};

// PutMetricData. Without credentials it logs once (with the chain's reason) and skips.
class CloudWatchSink final : public MetricSink {
 public:
  explicit CloudWatchSink(CloudWatchClient& client);
  std::string_view name() const override { return "cloudwatch"; }
  void publish(const std::string& metric_namespace, const std::vector<MetricDatum>& data) override;

 private:
  CloudWatchClient& client_;
  log::Logger logger_{"metrics"};
  bool warned_no_credentials_ = false;
};

// EMF lines through `write` (default: one fwrite of the line plus '\n' to stdout, flushed,
// so a line never interleaves with the logger's).
class EmfSink final : public MetricSink {
 public:
  using Writer = std::function<void(const std::string& line)>;
  explicit EmfSink(Writer write = {});
  std::string_view name() const override { return "emf"; }
  void publish(const std::string& metric_namespace, const std::vector<MetricDatum>& data) override;

 private:
  Writer write_;
};

// What one period reads.
struct PublisherInput {
  queue::JobCounts counts;
  std::optional<std::vector<WorkerInfo>> workers;  // nullopt: no worker registry
  std::chrono::system_clock::time_point time;
};

// Per-worker counter deltas → error rate over the period (pure; not thread-safe).
class ErrorRateTracker {
 public:
  struct Period {
    std::int64_t completed = 0;
    std::int64_t failed = 0;
  };
  // The totals finished since the previous update; the first update only sets baselines,
  // except for workers started after `previous_time` (none on the first call).
  Period update(const std::vector<WorkerInfo>& live, std::chrono::system_clock::time_point now);

 private:
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> last_;
  std::optional<std::chrono::system_clock::time_point> previous_time_;
};

// The data for one period (pure). `period`: from ErrorRateTracker (nullopt: no rate).
std::vector<MetricDatum> compute_data(const PublisherInput& input,
                                      std::optional<ErrorRateTracker::Period> period);

struct PublisherOptions {
  std::string metric_namespace = std::string(kNamespace);
  std::chrono::milliseconds interval{60000};
  std::chrono::milliseconds retry_initial{1000};
  std::chrono::milliseconds retry_max{30000};
};

class Publisher {
 public:
  using Source = std::function<PublisherInput()>;  // may throw: retried
  // `sink` must outlive the publisher.
  Publisher(MetricSink& sink, Source source, PublisherOptions options = {});
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Starts the thread; the first period is published at once. Call once.
  void start();
  // Ends the thread promptly (a call in flight is bounded by its own timeouts) and joins it.
  void stop(std::chrono::steady_clock::time_point deadline);
  // One period on the caller's thread, retrying until `give_up` (or stop). True when the
  // data reached the sink.
  bool publish_once(std::chrono::steady_clock::time_point give_up);

  std::uint64_t published() const;  // periods that reached the sink
  std::uint64_t failed() const;     // periods dropped

 private:
  void run();
  bool wait(std::chrono::steady_clock::time_point until);  // false when stopping

  MetricSink& sink_;
  Source source_;
  PublisherOptions options_;
  ErrorRateTracker tracker_;
  log::Logger logger_{"metrics"};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t published_ = 0;
  std::uint64_t failed_ = 0;
  std::thread thread_;
};

// Reads the queue's counts and (when given) the live workers.
Publisher::Source make_source(queue::Queue& queue, WorkerRegistry* workers);

}  // namespace crawler::metrics
