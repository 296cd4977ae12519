#include "queue/try_outcome.h"

#include <algorithm>
#include <boost/json.hpp>

namespace crawler::queue {

TryOutcome run_try(const Handler& handler, JobContext& context) {
  TryOutcome out;
  boost::json::error_code ec;
  boost::json::parse(context.job().data, ec);
  if (ec) {
    out.final = true;
    out.value = "job data is not valid JSON (" + ec.message() + ")";
    return out;
  }
  try {
    out.value = handler(context);
    if (out.value.empty()) out.value = "null";
    ec = {};
    boost::json::parse(out.value, ec);
    if (ec) {
      out.value = "handler returned a value that is not JSON (" + ec.message() + ")";
      return out;
    }
    out.ok = true;
  } catch (const RetryLater& e) {
    out.value = e.what();
    out.retry_after = e.delay();
  } catch (const std::exception& e) {
    out.value = e.what();
  } catch (...) {
    out.value = "handler threw a non-standard exception";
  }
  return out;
}

std::optional<std::chrono::milliseconds> retry_delay(const Job& job, int attempts_made,
                                                     const TryOutcome& outcome) {
  if (outcome.final || attempts_made >= job.opts.attempts) return std::nullopt;
  auto delay =
      backoff_delay(job.opts.backoff, attempts_made).value_or(std::chrono::milliseconds(0));
  if (outcome.retry_after) delay = std::max(delay, *outcome.retry_after);
  return delay;
}

}  // namespace crawler::queue
