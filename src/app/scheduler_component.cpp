#include "app/scheduler_component.h"

#include <unistd.h>

#include <random>

#include "app/http_component.h"
#include "core/clock.h"
#include "core/hex.h"
#include "metrics/crawler_metrics.h"
#include "metrics/queue_sampler.h"
#include "metrics/worker_registry.h"
#include "scheduler/enqueue_due.h"
#include "scheduler/ticker.h"

namespace crawler::app {
namespace {

// Unique per process, readable in the lease key: host, pid and a random suffix (pids repeat
// across containers).
std::string lease_holder() {
  std::random_device rd;
  return metrics::make_worker_id(metrics::local_hostname(), ::getpid()) + ":" + hex_u32(rd());
}

class SchedulerComponent : public Component {
 public:
  SchedulerComponent(const Config& config, Backends& backends, metrics::Registry& registry)
      : metrics_(registry), ticker_schedule_(config.scheduler_cron) {
    store_ = backends.store(2);
    queue_ = backends.queue();
    coordination_ = backends.scheduler_coordination(lease_holder());
    scheduler::EnqueueOptions enqueue{.interval = config.scheduler_interval};
    ticker_ = std::make_shared<scheduler::Ticker>(
        scheduler::CronSchedule::parse(config.scheduler_cron, config.scheduler_tz), *coordination_,
        [this, enqueue](std::chrono::system_clock::time_point) {
          auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(
              std::chrono::system_clock::now());
          auto report = scheduler::enqueue_due_keywords(*store_, *queue_, now, enqueue);
          metrics_.jobs_scheduled.labels({}).inc(static_cast<double>(report.enqueued()));
          return scheduler::TickResult{report.enqueued(), report.skipped};
        });
    register_tick_metrics(registry);
    sampler_ = std::make_unique<metrics::QueueSampler>(
        *queue_, metrics_.queue_jobs,
        metrics::QueueSamplerOptions{.interval = config.queue_sample_interval});
    server_ = make_role_http_component(config, "scheduler", config.scheduler_port,
                                       backends.readiness_checks(), registry,
                                       [this] { return health(); });
  }

  std::string_view name() const override { return "scheduler"; }

  void start() override {
    server_->start();
    sampler_->start();
    ticker_->start();
  }

  void stop(std::chrono::steady_clock::time_point deadline) override {
    ticker_->stop(deadline);
    sampler_->stop(deadline);
    server_->stop(deadline);
  }

 private:
  boost::json::object health() {
    auto s = ticker_->status();
    boost::json::object last;
    if (s.last_tick_at) {
      last["at"] = epoch_ms(*s.last_tick_at);
      last["durationMs"] = s.last_duration.count();
      last["enqueued"] = s.last_result.enqueued;
      last["skipped"] = s.last_result.skipped;
      last["error"] = s.last_error ? boost::json::value(*s.last_error) : nullptr;
    }
    return boost::json::object{
        {"role", s.leader ? "leader" : "follower"},
        {"cron", ticker_schedule_},
        {"lastTick", s.last_tick_at ? boost::json::value(std::move(last)) : nullptr},
        {"nextTickAt", s.next_tick_at ? boost::json::value(epoch_ms(*s.next_tick_at)) : nullptr},
        {"ticks",
         {{"run", s.ticks_run},
          {"failed", s.ticks_failed},
          {"overlapped", s.ticks_overlapped},
          {"catchUp", s.catch_up_ticks}}}};
  }

  // Read from the ticker's status at scrape time (it keeps the totals; it knows nothing of
  // metrics). The callbacks share the ticker, so they stay valid as long as the registry.
  void register_tick_metrics(metrics::Registry& registry) {
    std::shared_ptr<scheduler::Ticker> ticker = ticker_;
    auto read = [ticker](std::int64_t scheduler::TickerStatus::*field) {
      return [ticker, field] { return static_cast<double>(ticker->status().*field); };
    };
    registry.counter_callback("crawling_scheduler_ticks_total",
                              "Scheduler ticks run (catch-up ticks included)",
                              read(&scheduler::TickerStatus::ticks_run));
    registry.counter_callback("crawling_scheduler_ticks_failed_total",
                              "Scheduler ticks that ended with an error",
                              read(&scheduler::TickerStatus::ticks_failed));
    registry.counter_callback("crawling_scheduler_ticks_overlapped_total",
                              "Firing times skipped because a tick was still running",
                              read(&scheduler::TickerStatus::ticks_overlapped));
    registry.counter_callback("crawling_scheduler_catch_up_ticks_total",
                              "Ticks run at once after downtime or a failover gap",
                              read(&scheduler::TickerStatus::catch_up_ticks));
    registry.gauge_callback("crawling_scheduler_leader", "1 while this replica leads, else 0",
                            [ticker] { return ticker->status().leader ? 1.0 : 0.0; });
  }

  metrics::CrawlerMetrics metrics_;
  std::string ticker_schedule_;
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<queue::Queue> queue_;
  std::unique_ptr<scheduler::Coordination> coordination_;
  std::shared_ptr<scheduler::Ticker> ticker_;
  std::unique_ptr<metrics::QueueSampler> sampler_;
  std::unique_ptr<HttpComponent> server_;
};

}  // namespace

std::unique_ptr<Component> make_scheduler_component(const Config& config, Backends& backends,
                                                    metrics::Registry& registry) {
  return std::make_unique<SchedulerComponent>(config, backends, registry);
}

}  // namespace crawler::app
