// The worker role: WORKER_CONCURRENCY slots taking crawl jobs from the queue and running them
// through worker::CrawlProcessor (crawl → store), with the fleet-wide per-host rate limit in
// Redis. stop() drains: no new jobs, in-flight ones finish within the shutdown deadline, and
// what cannot finish is left to the queue's stalled check.
#pragma once

#include <memory>

#include "app/backends.h"
#include "app/component.h"
#include "app/config.h"
#include "metrics/registry.h"

namespace crawler::app {

std::unique_ptr<Component> make_worker_component(const Config& config, Backends& backends,
                                                 metrics::Registry& registry);

}  // namespace crawler::app
