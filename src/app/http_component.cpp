#include "app/http_component.h"

#include "metrics/http_handler.h"

namespace crawler::app {

std::unique_ptr<HttpComponent> make_role_http_component(const Config& config, std::string name,
                                                        std::uint16_t port,
                                                        std::vector<DependencyCheck> checks,
                                                        metrics::Registry& registry,
                                                        HealthDetails details) {
  auto router = std::make_shared<http::Router>();
  add_health_routes(*router, std::move(checks), std::move(details));
  router->get("/metrics",
              [&registry](http::Request&) { return metrics::metrics_response(registry); });
  http::ServerOptions options;
  options.name = std::move(name);
  options.bind_address = config.bind_address;
  options.port = port;
  return std::make_unique<HttpComponent>(std::move(options), std::move(router));
}

}  // namespace crawler::app
