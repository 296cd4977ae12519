// An HTTP server as a Component: each role that has a port (api/ws on PORT, scheduler on
// SCHEDULER_PORT, a worker-only process on WORKER_PORT) owns one, built from its route table.
#pragma once

#include <memory>

#include "app/component.h"
#include "app/config.h"
#include "app/health.h"
#include "http/server.h"
#include "metrics/registry.h"

namespace crawler::app {

class HttpComponent : public Component {
 public:
  HttpComponent(http::ServerOptions options, std::shared_ptr<const http::Router> router)
      : name_(options.name), server_(std::move(options), std::move(router), log::Logger(name_)) {}

  std::string_view name() const override { return name_; }
  void start() override { server_.start(); }
  void stop(std::chrono::steady_clock::time_point deadline) override { server_.stop(deadline); }
  std::uint16_t port() const { return server_.port(); }

 private:
  std::string name_;
  http::Server server_;
};

// The server of a role without REST routes (scheduler, worker-only): /health (with the
// role's details), /ready and /metrics of the whole process.
// `checks`: the process's dependencies for /ready (Backends::readiness_checks()).
std::unique_ptr<HttpComponent> make_role_http_component(const Config& config, std::string name,
                                                        std::uint16_t port,
                                                        std::vector<DependencyCheck> checks,
                                                        metrics::Registry& registry,
                                                        HealthDetails details = {});

}  // namespace crawler::app
