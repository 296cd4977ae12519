// GET /api/workers: the live workers of the fleet (host, pid, concurrency, busy slots,
// heartbeat), as they announce themselves in Redis (metrics/worker_registry.h).
#pragma once

#include "http/router.h"
#include "metrics/worker_registry.h"

namespace crawler::api {

void add_worker_routes(http::Router& router, metrics::WorkerRegistry& workers);

}  // namespace crawler::api
