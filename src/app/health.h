// Liveness and readiness, as ECS and load balancers use them:
//   GET /health  200 {"status":"ok", ...role details} while the process serves at all
//                (liveness);
//   GET /ready   200 when every dependency answers, else 503 naming the one that does not
//                (readiness: take the task out of rotation, do not kill it).
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/router.h"

namespace crawler::app {

struct DependencyCheck {
  std::string name;  // "redis", "postgres"
  // Returns the failure, or nullopt when the dependency is healthy. Must be bounded in time.
  std::function<std::optional<std::string>()> probe;
};

// Extra fields a role adds to its /health body (the scheduler's last tick, leadership).
// Must be cheap and never block: it reads state the role keeps in memory.
using HealthDetails = std::function<boost::json::object()>;

void add_health_routes(http::Router& router, std::vector<DependencyCheck> checks,
                       HealthDetails details = {});

// Probes of the real dependencies, each bounded by `timeout`.
DependencyCheck redis_check(std::string redis_url, std::chrono::milliseconds timeout);
DependencyCheck postgres_check(std::string database_url, std::chrono::milliseconds timeout);

}  // namespace crawler::app
