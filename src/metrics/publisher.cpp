#include "metrics/publisher.h"

#include <algorithm>
#include <cstdio>

#include "core/backoff.h"
#include "core/clock.h"
#include "metrics/emf.h"

namespace crawler::metrics {

CloudWatchSink::CloudWatchSink(CloudWatchClient& client) : client_(client) {}

void CloudWatchSink::publish(const std::string& metric_namespace,
                             const std::vector<MetricDatum>& data) {
  if (client_.put_metric_data(metric_namespace, data) == PutOutcome::no_credentials) {
    if (!warned_no_credentials_)
      logger_.warn("no AWS credentials found; CloudWatch metrics are not published",
                   {{"region", client_.options().region}});
    warned_no_credentials_ = true;
    return;
  }
  warned_no_credentials_ = false;
}

EmfSink::EmfSink(Writer write) : write_(std::move(write)) {
  if (!write_) {
    write_ = [](const std::string& line) {
      std::string out = line + '\n';
      std::fwrite(out.data(), 1, out.size(), stdout);
      std::fflush(stdout);
    };
  }
}

void EmfSink::publish(const std::string& metric_namespace, const std::vector<MetricDatum>& data) {
  write_(emf_line(metric_namespace, data, std::chrono::system_clock::now()));
}

ErrorRateTracker::Period ErrorRateTracker::update(const std::vector<WorkerInfo>& live,
                                                  std::chrono::system_clock::time_point now) {
  Period p;
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> next;
  for (const auto& w : live) {
    next[w.id] = {w.jobs_completed, w.jobs_failed};
    auto it = last_.find(w.id);
    if (it != last_.end()) {
      // max(0, ...): a counter never goes down for one id, but be safe against bad data.
      p.completed += std::max<std::int64_t>(0, w.jobs_completed - it->second.first);
      p.failed += std::max<std::int64_t>(0, w.jobs_failed - it->second.second);
    } else if (previous_time_ && w.started_at >= epoch_ms(*previous_time_)) {
      p.completed += w.jobs_completed;
      p.failed += w.jobs_failed;
    }
  }
  last_ = std::move(next);
  previous_time_ = now;
  return p;
}

std::vector<MetricDatum> compute_data(const PublisherInput& input,
                                      std::optional<ErrorRateTracker::Period> period) {
  std::vector<MetricDatum> out;
  out.push_back({"QueueWaitingJobs",
                 static_cast<double>(input.counts.waiting + input.counts.active),
                 "Count",
                 {},
                 input.time});
  if (input.workers) {
    std::int64_t slots = 0;
    for (const auto& w : *input.workers) slots += std::max(0, w.concurrency);
    const double per_slot = static_cast<double>(input.counts.waiting) /
                            static_cast<double>(std::max<std::int64_t>(1, slots));
    out.push_back({"QueueBacklogPerWorker", per_slot, "None", {}, input.time});
  }
  if (period && period->completed + period->failed > 0) {
    const double rate = 100.0 * static_cast<double>(period->failed) /
                        static_cast<double>(period->completed + period->failed);
    out.push_back({"WorkerErrorRate", rate, "Percent", {}, input.time});
  }
  return out;
}

Publisher::Publisher(MetricSink& sink, Source source, PublisherOptions options)
    : sink_(sink), source_(std::move(source)), options_(std::move(options)) {
  if (options_.interval <= std::chrono::milliseconds::zero() ||
      options_.retry_initial <= std::chrono::milliseconds::zero() ||
      options_.retry_max < options_.retry_initial)
    throw std::invalid_argument("Publisher: invalid interval or retry delays");
}

Publisher::~Publisher() { stop(std::chrono::steady_clock::now()); }

void Publisher::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) throw std::logic_error("Publisher already started");
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
  logger_.info("metrics publisher started",
               {{"sink", sink_.name()},
                {"namespace", options_.metric_namespace},
                {"interval_ms", static_cast<std::int64_t>(options_.interval.count())}});
}

void Publisher::stop(std::chrono::steady_clock::time_point) {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool Publisher::wait(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_until(lock, until, [this] { return stopping_; });
}

bool Publisher::publish_once(std::chrono::steady_clock::time_point give_up) {
  std::optional<std::vector<MetricDatum>> data;
  // No jitter: the delays are exactly the documented ones (1 s doubling, see publisher.h).
  Backoff backoff(
      {.initial = options_.retry_initial, .factor = 2.0, .max = options_.retry_max, .jitter = 0.0});
  for (std::uint32_t attempt = 1;; ++attempt) {
    std::string error;
    bool retryable = true;
    try {
      if (!data) {
        PublisherInput input = source_();
        std::optional<ErrorRateTracker::Period> period;
        if (input.workers) period = tracker_.update(*input.workers, input.time);
        data = compute_data(input, period);
      }
      sink_.publish(options_.metric_namespace, *data);
      std::lock_guard lock(mutex_);
      ++published_;
      return true;
    } catch (const CloudWatchError& e) {
      error = e.what();
      retryable = e.retryable();
    } catch (const std::exception& e) {
      error = e.what();
    }
    const auto delay = backoff.next();
    const auto next_try = std::chrono::steady_clock::now() + delay;
    const bool again = retryable && next_try < give_up;
    logger_.warn(again ? "publishing metrics failed; retrying" : "publishing metrics failed",
                 {{"sink", sink_.name()},
                  {"error", error},
                  {"attempt", static_cast<std::int64_t>(attempt)},
                  {"retry_in_ms", again ? static_cast<std::int64_t>(delay.count()) : -1}});
    if (!again || !wait(next_try)) break;
  }
  std::lock_guard lock(mutex_);
  ++failed_;
  return false;
}

void Publisher::run() {
  auto next = std::chrono::steady_clock::now();
  for (;;) {
    next += options_.interval;
    // Retries stop short of the next period so periods never pile up.
    publish_once(next - std::min(options_.interval / 10, std::chrono::milliseconds(1000)));
    if (!wait(next)) return;
    // After a long stall (a suspended container) start afresh instead of catching up.
    if (std::chrono::steady_clock::now() > next + options_.interval)
      next = std::chrono::steady_clock::now();
  }
}

std::uint64_t Publisher::published() const {
  std::lock_guard lock(mutex_);
  return published_;
}
std::uint64_t Publisher::failed() const {
  std::lock_guard lock(mutex_);
  return failed_;
}

Publisher::Source make_source(queue::Queue& queue, WorkerRegistry* workers) {
  return [&queue, workers] {
    PublisherInput input;
    input.counts = queue.get_job_counts();
    if (workers) input.workers = workers->list_live();
    input.time = std::chrono::system_clock::now();
    return input;
  };
}

}  // namespace crawler::metrics
