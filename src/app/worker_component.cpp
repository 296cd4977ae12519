#include "app/worker_component.h"

#include <unistd.h>

#include "core/clock.h"
#include "crawl/browser/browser_fetcher.h"
#include "crawl/config.h"
#include "crawl/http_fetcher.h"
#include "metrics/crawler_metrics.h"
#include "metrics/worker_registry.h"
#include "worker/processor.h"

namespace crawler::app {
namespace {

constexpr std::chrono::milliseconds kHandBackReserve{1000};

// Both fetch methods guard and proxy alike: same SSRF policy, same proxy and session salt.
crawl::HttpFetcherOptions http_options(const crawl::CrawlConfig& crawl) {
  crawl::HttpFetcherOptions o;
  o.ssrf = crawl.ssrf;
  o.proxy = crawl.proxy;
  if (o.proxy) o.proxy->session_salt = crawl::random_session_salt();
  return o;
}

crawl::browser::BrowserFetcherOptions browser_options(const crawl::CrawlConfig& crawl,
                                                      const crawl::HttpFetcherOptions& http) {
  crawl::browser::BrowserFetcherOptions o;
  o.ssrf = http.ssrf;
  o.proxy = http.proxy;
  o.user_agent = http.user_agent;
  o.accept_language = http.accept_language;
  o.chromium.executable = crawl.browser.chromium_path;
  o.blocked_resource_types = crawl.browser.blocked_resource_types;
  return o;
}

class WorkerComponent : public Component {
 public:
  WorkerComponent(const Config& config, Backends& backends, metrics::Registry& registry)
      : logger_("worker"), metrics_(registry) {
    const auto& crawl = config.crawl;
    const auto http = http_options(crawl);
    store_ = backends.store(static_cast<std::size_t>(config.worker_concurrency) + 1);
    queue_ = backends.queue();
    fetcher_ = std::make_unique<crawl::HttpFetcher>(http);

    worker::ProcessorOptions options;
    options.mode = crawl.mode;
    options.crawl.timeout = crawl.timeout;
    options.metrics = &metrics_;
    for (const auto& type : crawl.rank_types)
      if (const auto* p = crawl::find_profile(crawl.profiles, type)) options.profiles.push_back(*p);
    if (crawl.rate_per_host > 0) {
      limiter_ = backends.host_gate(crawl::RateLimiterOptions{
          .rate_per_second = crawl.rate_per_host, .burst = crawl.rate_burst});
      options.crawl.gate = limiter_.get();
    }
    // The browser is launched on the first job that needs it, not here: an auto-mode worker
    // whose pages all settle on the fast path never starts Chromium.
    if (crawl.mode != crawl::CrawlMode::http)
      browser_ = std::make_unique<crawl::browser::BrowserFetcher>(browser_options(crawl, http));
    processor_ = std::make_unique<worker::CrawlProcessor>(
        *store_, crawl::Fetchers{.http = fetcher_.get(), .browser = browser_.get()}, options);
    queue::WorkerOptions worker_options;
    worker_options.concurrency = config.worker_concurrency;
    // The queue's own lines (Redis unavailable, outcomes not recorded) in this role's log.
    worker_options.log = queue::default_log_sink(logger_.role());
    worker_options.pause_after_job = config.worker_interval;
    worker_ = queue_->make_worker(
        worker_options, [this](queue::JobContext& job) { return processor_->process(job); });
    concurrency_ = config.worker_concurrency;

    // Announce this worker (GET /api/workers, the backlog-per-worker metric).
    workers_ = backends.worker_registry();
    metrics::WorkerInfo info;
    info.host = metrics::local_hostname();
    info.pid = static_cast<std::int64_t>(::getpid());
    info.id = metrics::make_worker_id(info.host, info.pid);
    info.concurrency = config.worker_concurrency;
    info.started_at = epoch_ms();
    heartbeat_ =
        std::make_unique<metrics::WorkerHeartbeat>(*workers_, info, [this](metrics::WorkerInfo& w) {
          auto stats = worker_->stats();
          w.jobs_completed = stats.completed;
          w.jobs_failed = stats.failed;
          w.busy = processor_->busy();
        });
  }

  std::string_view name() const override { return "worker"; }
  void start() override {
    worker_->start();
    heartbeat_->start();
    logger_.info("taking jobs", {{"concurrency", concurrency_}});
  }
  void stop(std::chrono::steady_clock::time_point deadline) override {
    // In-flight jobs get the shutdown budget minus a moment to hand back those that cannot
    // finish (Fargate sends SIGKILL when its stop timeout ends).
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now() - kHandBackReserve);
    bool clean = worker_->stop(std::max(left, std::chrono::milliseconds(0)));
    heartbeat_->stop(deadline);
    if (browser_) browser_->shutdown();  // after the last job
    auto stats = worker_->stats();
    logger_.info(clean ? "drained" : "stopped with jobs left to the stalled check",
                 {{"completed", stats.completed},
                  {"failed", stats.failed},
                  {"handed_back", stats.handed_back}});
  }

 private:
  log::Logger logger_;
  metrics::CrawlerMetrics metrics_;
  int concurrency_ = 1;
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<queue::Queue> queue_;
  std::unique_ptr<crawl::HttpFetcher> fetcher_;
  std::unique_ptr<crawl::browser::BrowserFetcher> browser_;
  std::shared_ptr<crawl::HostGate> limiter_;
  std::unique_ptr<worker::CrawlProcessor> processor_;
  std::unique_ptr<queue::Worker> worker_;
  std::shared_ptr<metrics::WorkerRegistry> workers_;
  std::unique_ptr<metrics::WorkerHeartbeat> heartbeat_;
};

}  // namespace

std::unique_ptr<Component> make_worker_component(const Config& config, Backends& backends,
                                                 metrics::Registry& registry) {
  return std::make_unique<WorkerComponent>(config, backends, registry);
}

}  // namespace crawler::app
