#include "app/metrics_component.h"

#include "metrics/cloudwatch.h"
#include "metrics/crawler_metrics.h"
#include "metrics/credentials.h"
#include "metrics/publisher.h"
#include "metrics/queue_sampler.h"

namespace crawler::app {
namespace {

class MetricsComponent : public Component {
 public:
  MetricsComponent(const Config& config, queue::Queue& queue, metrics::WorkerRegistry& workers,
                   metrics::Registry& registry)
      : logger_("metrics"), crawler_metrics_(registry) {
    sampler_ = std::make_unique<metrics::QueueSampler>(
        queue, crawler_metrics_.queue_jobs,
        metrics::QueueSamplerOptions{.interval = config.queue_sample_interval}, &workers,
        &registry);
    if (config.metrics_sink == "emf") {
      sink_ = std::make_unique<metrics::EmfSink>();
    } else if (config.metrics_sink == "cloudwatch") {
      const auto& aws = config.aws;
      if (aws.region.empty()) {
        logger_.warn("AWS_REGION is not set: the CloudWatch publisher is off");
      } else {
        credentials_ = std::make_unique<metrics::CredentialsChain>(
            metrics::CredentialsChainOptions{.sources = aws.credentials});
        client_ = std::make_unique<metrics::CloudWatchClient>(
            metrics::CloudWatchOptions{
                .region = aws.region,
                .endpoint = metrics::cloudwatch_endpoint(aws.cloudwatch_endpoint, aws.region)},
            *credentials_);
        sink_ = std::make_unique<metrics::CloudWatchSink>(*client_);
      }
    }
    if (sink_)
      publisher_ = std::make_unique<metrics::Publisher>(
          *sink_, metrics::make_source(queue, &workers),
          metrics::PublisherOptions{.interval = config.cloudwatch_publish_interval});
  }

  std::string_view name() const override { return "metrics"; }
  void start() override {
    sampler_->start();
    if (publisher_) publisher_->start();
  }
  void stop(std::chrono::steady_clock::time_point deadline) override {
    if (publisher_) publisher_->stop(deadline);
    sampler_->stop(deadline);
  }

 private:
  log::Logger logger_;
  metrics::CrawlerMetrics crawler_metrics_;
  std::unique_ptr<metrics::QueueSampler> sampler_;
  std::unique_ptr<metrics::CredentialsChain> credentials_;
  std::unique_ptr<metrics::CloudWatchClient> client_;
  std::unique_ptr<metrics::MetricSink> sink_;
  std::unique_ptr<metrics::Publisher> publisher_;
};

// Owns the queue and Redis connections the metrics component reads.
class PublisherComponent : public Component {
 public:
  PublisherComponent(const Config& config, Backends& backends, metrics::Registry& registry)
      : queue_(backends.queue()),
        workers_(backends.worker_registry()),
        inner_(std::make_unique<MetricsComponent>(config, *queue_, *workers_, registry)) {}

  std::string_view name() const override { return "publisher"; }
  void start() override { inner_->start(); }
  void stop(std::chrono::steady_clock::time_point deadline) override { inner_->stop(deadline); }

 private:
  std::shared_ptr<queue::Queue> queue_;
  std::shared_ptr<metrics::WorkerRegistry> workers_;
  std::unique_ptr<MetricsComponent> inner_;
};

}  // namespace

std::unique_ptr<Component> make_publisher_component(const Config& config, Backends& backends,
                                                    metrics::Registry& registry) {
  return std::make_unique<PublisherComponent>(config, backends, registry);
}

std::unique_ptr<Component> make_metrics_component(const Config& config, queue::Queue& queue,
                                                  metrics::WorkerRegistry& workers,
                                                  metrics::Registry& registry) {
  return std::make_unique<MetricsComponent>(config, queue, workers, registry);
}

}  // namespace crawler::app
