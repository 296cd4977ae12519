// GET /metrics: the registry as Prometheus text. A plain function so each role adds it to its
// own route table (router.get("/metrics", [&r](http::Request&) { return metrics_response(r); })).
#pragma once

#include "http/message.h"
#include "metrics/registry.h"

namespace crawler::metrics {

// 200 with text/plain; version=0.0.4. Rendering takes the registry's locks briefly and runs
// the callback metrics (a few /proc reads): cheap enough for the handler pool.
http::Response metrics_response(const Registry& registry);

}  // namespace crawler::metrics
