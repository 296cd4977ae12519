// The `autoscaler` role: the scaling policy engine (scaling/policy.h) driving worker processes
// on this host instead of ECS tasks — for single-host deployments, and to check the simulator
// against real processes. Every AUTOSCALER_PERIOD_MS it reads the queue (QueueWaitingJobs =
// waiting + active, QueueBacklogPerWorker = waiting / its workers' slots), asks the engine, and
// spawns `crawler --process=worker` children (this very binary, same environment, WORKER_PORT
// 0) or stops the newest with SIGTERM, which makes them drain: finish or hand back their jobs.
// A child that dies is reaped and replaced. /health on AUTOSCALER_PORT shows the workers and
// the last decision; stopping the role stops every child.
#pragma once

#include <memory>

#include "app/backends.h"
#include "app/component.h"
#include "app/config.h"
#include "metrics/registry.h"

namespace crawler::app {

std::unique_ptr<Component> make_autoscaler_component(const Config& config, Backends& backends,
                                                     metrics::Registry& registry);

}  // namespace crawler::app
