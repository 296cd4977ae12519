// The scheduler role: the cron Ticker (one leader among replicas, via a lease in Redis)
// running enqueue_due_keywords on each tick, the queue sampler for crawling_queue_jobs, and
// its server on SCHEDULER_PORT: /health with the last tick and leadership, /ready, /metrics
// (crawling_jobs_scheduled_total, crawling_scheduler_* tick counters and leader gauge, queue
// gauges).
#pragma once

#include <memory>

#include "app/backends.h"
#include "app/component.h"
#include "app/config.h"
#include "metrics/registry.h"

namespace crawler::app {

std::unique_ptr<Component> make_scheduler_component(const Config& config, Backends& backends,
                                                    metrics::Registry& registry);

}  // namespace crawler::app
