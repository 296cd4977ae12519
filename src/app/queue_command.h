// `crawler queue ...`: the runbook's admin commands against the configured queue (REDIS_URL,
// QUEUE_PREFIX, QUEUE_NAME), so an operator needs neither redis-cli nor a Bull dashboard:
//   crawler queue stats                       counts, paused or not, live workers and slots
//   crawler queue failed [--limit N]          the newest failed jobs with their reasons
//   crawler queue retry-failed [--limit N]    failed jobs back to waiting
//   crawler queue clean --state completed|failed --older-than 1h [--limit N]
//   crawler queue pause | resume              stop / restart every worker taking jobs
#pragma once

#include <string>

#include "app/config.h"

namespace crawler::app {

struct QueueCommand {
  std::string action;  // stats | failed | retry-failed | clean | pause | resume
  int limit = 20;
  std::string state;       // clean: completed | failed
  std::string older_than;  // clean: "<n>s|m|h|d"
};

// Prints to stdout; usage errors to stderr with exit code 2; queue errors exit 1.
int run_queue_command(const Config& config, const QueueCommand& command);

}  // namespace crawler::app
