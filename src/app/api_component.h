// The api (and ws) role's HTTP server on PORT with everything behind it: the PostgreSQL store,
// the REST routes, API-key auth, CORS, OpenAPI, health and readiness. Owns what its handlers
// use, so those outlive the server.
#pragma once

#include <memory>
#include <vector>

#include "app/backends.h"
#include "app/component.h"
#include "app/config.h"
#include "app/health.h"
#include "metrics/registry.h"

namespace crawler::app {

std::unique_ptr<Component> make_api_component(const Config& config, Backends& backends,
                                              std::vector<DependencyCheck> checks,
                                              metrics::Registry& registry);

}  // namespace crawler::app
