#include "metrics/queue_sampler.h"

#include "metrics/crawler_metrics.h"
#include "metrics/worker_registry.h"

namespace crawler::metrics {

QueueSampler::QueueSampler(queue::Queue& queue, GaugeFamily& gauges, QueueSamplerOptions options,
                           WorkerRegistry* workers, Registry* registry_for_fleet)
    : queue_(queue), options_(options), workers_(workers) {
  if (options_.interval <= std::chrono::milliseconds::zero())
    throw std::invalid_argument("QueueSampler: interval must be positive");
  // Handles taken once: the thread then only stores into atomics.
  waiting_ = gauges.labels({"waiting"});
  active_ = gauges.labels({"active"});
  completed_ = gauges.labels({"completed"});
  failed_ = gauges.labels({"failed"});
  delayed_ = gauges.labels({"delayed"});
  paused_ = gauges.labels({"paused"});
  if (workers_ && registry_for_fleet) {
    workers_running_ =
        registry_for_fleet->gauge(names::workers_running, "Worker processes with a live heartbeat")
            .labels({});
    worker_slots_ = registry_for_fleet
                        ->gauge(names::worker_slots, "Job slots (concurrency) of the live workers")
                        .labels({});
    worker_busy_ =
        registry_for_fleet
            ->gauge(names::worker_busy_slots, "Job slots of the live workers running a job")
            .labels({});
  }
}

QueueSampler::~QueueSampler() { stop(std::chrono::steady_clock::now()); }

void QueueSampler::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) throw std::logic_error("QueueSampler already started");
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void QueueSampler::stop(std::chrono::steady_clock::time_point) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool QueueSampler::sample_once() {
  try {
    const queue::JobCounts c = queue_.get_job_counts();
    waiting_.set(static_cast<double>(c.waiting));
    active_.set(static_cast<double>(c.active));
    completed_.set(static_cast<double>(c.completed));
    failed_.set(static_cast<double>(c.failed));
    delayed_.set(static_cast<double>(c.delayed));
    paused_.set(static_cast<double>(c.paused));
    if (workers_) {
      const FleetSummary fleet = workers_->summary();
      workers_running_.set(static_cast<double>(fleet.workers));
      worker_slots_.set(static_cast<double>(fleet.slots));
      worker_busy_.set(static_cast<double>(fleet.busy_slots));
    }
    std::lock_guard lock(mutex_);
    last_ = c;
    if (consecutive_failures_ > 0)
      logger_.info("queue sampling recovered",
                   {{"failures", static_cast<std::int64_t>(consecutive_failures_)}});
    consecutive_failures_ = 0;
    return true;
  } catch (const std::exception& e) {
    std::uint64_t n = 0;
    {
      std::lock_guard lock(mutex_);
      n = ++consecutive_failures_;
    }
    if (n == 1 || n % 10 == 0)
      logger_.warn("queue sampling failed; keeping the last values",
                   {{"error", std::string_view(e.what())},
                    {"consecutive_failures", static_cast<std::int64_t>(n)}});
    return false;
  }
}

std::optional<queue::JobCounts> QueueSampler::last() const {
  std::lock_guard lock(mutex_);
  return last_;
}

void QueueSampler::run() {
  for (;;) {
    sample_once();
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, options_.interval, [this] { return stopping_; })) return;
  }
}

}  // namespace crawler::metrics
