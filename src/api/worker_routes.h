// GET /api/workers: the live workers of the fleet (host, pid, concurrency, busy slots,
// heartbeat), as they announce themselves in Redis (metrics/worker_registry.h).
#pragma once

#include "api/scaling_status.h"
#include "http/router.h"
#include "metrics/worker_registry.h"

namespace crawler::api {

void add_worker_routes(http::Router& router, metrics::WorkerRegistry& workers);

// GET /api/scaling: the api process's queue samples of the last hour, per-minute datapoints of
// the scaling metric, and what the policy would do now (scaling_status.h). `policy` may be
// empty (no advice then).
void add_scaling_routes(http::Router& router, QueueHistory& history,
                        metrics::WorkerRegistry& workers,
                        std::optional<scaling::ScalingConfig> policy);

}  // namespace crawler::api
