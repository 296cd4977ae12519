// Runs the roles of one process: builds their components from the configuration, starts
// them, waits for SIGTERM or SIGINT, then stops them in reverse order within
// SHUTDOWN_TIMEOUT_MS. This is the only place that knows which role needs which component.
#pragma once

#include "app/config.h"

namespace crawler::app {

// Returns the process exit code: 0 after a clean shutdown, 1 when a component failed to start.
int run_process(const Config& config);

// `crawler migrate`: applies pending migrations to DATABASE_URL. Returns 0, or 1 on failure.
int run_migrations(const Config& config);

}  // namespace crawler::app
