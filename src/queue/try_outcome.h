// One try of a job, as every backend's worker runs and judges it, so the backends differ only
// in how they store the outcome:
//   - data that is not JSON fails at once and for good (no try can fix it);
//   - the handler's return value must be JSON text ("" counts as null);
//   - an exception fails the try; RetryLater also says how long the retry must wait at least.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "queue/queue.h"

namespace crawler::queue {

struct TryOutcome {
  bool ok = false;
  bool final = false;  // fail without retry, whatever the attempts say (bad data)
  std::string value;   // the return value (JSON text), or the failure reason
  std::optional<std::chrono::milliseconds> retry_after;  // the handler's RetryLater delay
};

// Runs `handler` on `context` (whose job() is the job being tried). Never throws.
TryOutcome run_try(const Handler& handler, JobContext& context);

// After a failed try: nullopt when the job fails for good, else how long its retry waits (0:
// at once), by the job's backoff and the handler's RetryLater, whichever is longer.
// `attempts_made` counts the try that just failed.
std::optional<std::chrono::milliseconds> retry_delay(const Job& job, int attempts_made,
                                                     const TryOutcome& outcome);

}  // namespace crawler::queue
