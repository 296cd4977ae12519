// The api role's metrics side: the queue sampler (crawling_queue_jobs and the fleet gauges,
// every QUEUE_SAMPLE_INTERVAL_MS) and the CloudWatch publisher that drives the deployment's
// autoscaling (QueueWaitingJobs, QueueBacklogPerWorker, WorkerErrorRate every
// CLOUDWATCH_PUBLISH_INTERVAL_MS, through the CloudWatch API or as EMF lines on stdout).
// Neither ever blocks a request: each runs on its own thread and retries on its own.
#pragma once

#include <memory>

#include "app/backends.h"
#include "app/component.h"
#include "app/config.h"
#include "metrics/registry.h"
#include "metrics/worker_registry.h"
#include "queue/queue.h"

namespace crawler::app {

std::unique_ptr<Component> make_metrics_component(const Config& config, queue::Queue& queue,
                                                  metrics::WorkerRegistry& workers,
                                                  metrics::Registry& registry);

// The `publisher` role (METRICS_PUBLISHER=separate): the same, with its own queue and Redis
// connections, in a process that serves no API.
std::unique_ptr<Component> make_publisher_component(const Config& config, Backends& backends,
                                                    metrics::Registry& registry);

}  // namespace crawler::app
