// The dashboard's "workers and scaling" view, without HTTP: an in-memory ring of queue samples
// kept by the api process (the last hour), and what the scaling policy would do now.
//
// The samples are this process's own (no CloudWatch read): every `interval` the queue's counts
// and the live workers' slots. "What the policy would do" replays the last hour, one datapoint
// per minute (the average of that minute's samples, as the CloudWatch alarms' Average
// statistic), through scaling::PolicyEngine with the current worker count as capacity, and
// reports the decision at the latest datapoint: the policy's answer if the alarm state and
// cooldowns of that hour let it act now, else "no change". The fleet's past sizes are not
// known here, so cooldowns are judged against the replay's own activities.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/log.h"
#include "metrics/worker_registry.h"
#include "queue/queue.h"
#include "scaling/policy.h"

namespace crawler::api {

struct QueueSample {
  std::int64_t at_ms = 0;  // epoch ms
  queue::JobCounts counts;
  std::int64_t workers = 0;
  std::int64_t slots = 0;
  std::int64_t busy = 0;
};

class QueueHistory {
 public:
  // Keeps samples younger than `window`. `workers` may be null (no worker counts).
  QueueHistory(queue::Queue& queue, metrics::WorkerRegistry* workers,
               std::chrono::milliseconds interval = std::chrono::seconds(10),
               std::chrono::milliseconds window = std::chrono::hours(1));
  ~QueueHistory();
  QueueHistory(const QueueHistory&) = delete;
  QueueHistory& operator=(const QueueHistory&) = delete;

  void start();  // the first sample at once
  void stop();   // idempotent
  bool sample_once();
  void record(const QueueSample& s);  // for tests and the thread
  std::vector<QueueSample> samples() const;
  std::chrono::milliseconds interval() const { return interval_; }

 private:
  void run();

  queue::Queue& queue_;
  metrics::WorkerRegistry* workers_;
  std::chrono::milliseconds interval_;
  std::chrono::milliseconds window_;
  log::Logger logger_{"api"};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool failing_ = false;  // logs the first failure and the recovery only
  std::deque<QueueSample> samples_;
  std::thread thread_;
};

struct MinuteMetric {
  std::int64_t minute_ms = 0;     // start of the minute, epoch ms
  double queue_waiting_jobs = 0;  // waiting + active, the published QueueWaitingJobs
  double backlog_per_worker = 0;  // waiting per worker slot
};

// One datapoint per minute (averages), oldest first.
std::vector<MinuteMetric> per_minute(const std::vector<QueueSample>& samples);

struct ScalingAdvice {
  int current = 0;
  int desired = 0;               // == current when the policy would not act now
  std::string policy;            // the policy whose answer was taken, empty for no change
  std::optional<double> metric;  // the latest QueueWaitingJobs datapoint
};

// The policy the deployment registers: `path` when that file exists (the autoscaler's
// AUTOSCALER_POLICY setting), else the copy of cloudwatch/autoscaling.json built into the
// binary. nullopt (and a log line) when neither parses.
std::optional<scaling::ScalingConfig> dashboard_scaling_config(const std::string& path);

ScalingAdvice advise(const scaling::ScalingConfig& config, const std::vector<MinuteMetric>& minutes,
                     int current_workers);

}  // namespace crawler::api
