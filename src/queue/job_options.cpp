// Pure option rules: Bull's backoff formulas.
#include "queue/job_options.h"

#include <cmath>

namespace crawler::queue {

std::optional<std::chrono::milliseconds> backoff_delay(const std::optional<Backoff>& backoff,
                                                       int attempts_made) {
  if (!backoff) return std::nullopt;
  const double delay = static_cast<double>(backoff->delay.count());
  switch (backoff->type) {
    case Backoff::Type::fixed:
      return backoff->delay;
    case Backoff::Type::exponential:
      // Math.round((2^attemptsMade - 1) * delay), as Bull's builtin strategy.
      return std::chrono::milliseconds(static_cast<std::int64_t>(
          std::floor((std::pow(2.0, attempts_made) - 1.0) * delay + 0.5)));
  }
  return std::nullopt;
}

}  // namespace crawler::queue
