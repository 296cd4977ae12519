#include "app/api_component.h"

#include "api/auth.h"
#include "api/bulk_routes.h"
#include "api/dashboard.h"
#include "api/job_routes.h"
#include "api/keyword_routes.h"
#include "api/openapi.h"
#include "api/worker_routes.h"
#include "app/metrics_component.h"
#include "events/events_service.h"
#include "http/cors.h"
#include "http/server.h"
#include "metrics/http_handler.h"

namespace crawler::app {
namespace {

class ApiComponent : public Component {
 public:
  ApiComponent(const Config& config, Backends& backends, std::vector<DependencyCheck> checks,
               metrics::Registry& registry)
      : logger_("api"),
        store_(backends.store(static_cast<std::size_t>(config.database_pool_size))),
        queue_(backends.queue()),
        router_(std::make_shared<http::Router>()),
        workers_(backends.worker_registry()),
        metrics_(config.publisher_in_api
                     ? make_metrics_component(config, *queue_, *workers_, registry)
                     : nullptr),
        history_(std::make_unique<api::QueueHistory>(*queue_, workers_.get())) {
    api::ApiKeys keys(config.api_keys);
    if (!keys.enabled())
      logger_.warn("API_KEYS is not set: the REST API and WebSocket accept anyone");
    auto& r = *router_;
    r.before(api::require_api_key(keys));
    http::enable_cors(r, config.cors_origins);
    add_health_routes(r, std::move(checks));
    r.get("/metrics", [&registry](http::Request&) { return metrics::metrics_response(registry); });
    api::add_worker_routes(r, *workers_);
    api::add_scaling_routes(r, *history_, *workers_,
                            api::dashboard_scaling_config(config.autoscaler_policy));
    api::add_keyword_routes(r, *store_);
    api::add_ranking_routes(r, *store_);
    api::add_job_routes(r, *queue_, *store_);
    api::add_bulk_routes(r, *store_, *queue_, config.bulk_search_monitoring_interval);
    api::add_system_routes(r, *queue_, *store_, keys.enabled());
    api::add_openapi_routes(r, keys.enabled());
    api::add_dashboard_routes(r);  // the web dashboard at /

    http::ServerOptions options;
    options.name = "api";
    options.bind_address = config.bind_address;
    options.port = config.port;
    // Handlers block on PostgreSQL: as many threads as connections keeps both busy.
    options.handler_threads = config.database_pool_size;
    server_ = std::make_unique<http::Server>(options, router_, logger_);

    // Real-time events (Socket.IO at /socket.io/, JSON frames at /ws) on the same port.
    events::EventsOptions ev;
    ev.socketio.cors_origins = config.cors_origins;
    ev.socketio.keys = {keys.enabled(), [keys](std::string_view k) { return keys.accepts(k); }};
    events_ = std::make_unique<events::EventsService>(*queue_, ev, log::Logger("events"));
    events_->attach(*server_);
  }

  std::string_view name() const override { return "api"; }
  void start() override {
    server_->start();
    events_->start();
    history_->start();
    if (metrics_) metrics_->start();
  }
  void stop(std::chrono::steady_clock::time_point deadline) override {
    events_->stop();
    history_->stop();
    server_->stop(deadline);
    if (metrics_) metrics_->stop(deadline);
  }

 private:
  log::Logger logger_;
  std::shared_ptr<store::Store> store_;
  std::shared_ptr<queue::Queue> queue_;
  std::shared_ptr<http::Router> router_;
  std::shared_ptr<metrics::WorkerRegistry> workers_;
  std::unique_ptr<Component> metrics_;
  std::unique_ptr<api::QueueHistory> history_;  // the dashboard's last hour of queue samples
  std::unique_ptr<http::Server> server_;
  std::unique_ptr<events::EventsService> events_;  // destroyed first: it uses queue_
};

}  // namespace

std::unique_ptr<Component> make_api_component(const Config& config, Backends& backends,
                                              std::vector<DependencyCheck> checks,
                                              metrics::Registry& registry) {
  return std::make_unique<ApiComponent>(config, backends, std::move(checks), registry);
}

}  // namespace crawler::app
