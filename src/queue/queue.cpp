// Names of the backend-neutral enums (Bull's spellings), the default log sink of workers, and
// the Queue operations that have a backend-neutral default.
#include "queue/queue.h"

#include <boost/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace crawler::queue {

std::string_view to_string(JobState s) {
  switch (s) {
    case JobState::waiting:
      return "waiting";
    case JobState::active:
      return "active";
    case JobState::completed:
      return "completed";
    case JobState::failed:
      return "failed";
    case JobState::delayed:
      return "delayed";
    case JobState::paused:
      return "paused";
    case JobState::stuck:
      return "stuck";
  }
  return "stuck";
}

JobState job_state_from_string(std::string_view s) {
  if (s == "waiting" || s == "wait") return JobState::waiting;
  if (s == "active") return JobState::active;
  if (s == "completed") return JobState::completed;
  if (s == "failed") return JobState::failed;
  if (s == "delayed") return JobState::delayed;
  if (s == "paused") return JobState::paused;
  if (s == "stuck") return JobState::stuck;
  throw std::invalid_argument("unknown job state '" + std::string(s) + "'");
}

LogSink default_log_sink(std::string role) {
  return [logger = log::Logger(std::move(role))](log::Level level, std::string_view message,
                                                 log::Fields fields) {
    switch (level) {
      case log::Level::trace:
        return logger.trace(message, fields);
      case log::Level::debug:
        return logger.debug(message, fields);
      case log::Level::info:
        return logger.info(message, fields);
      case log::Level::warn:
        return logger.warn(message, fields);
      case log::Level::error:
        return logger.error(message, fields);
      case log::Level::off:
        return;
    }
  };
}

void validate_job_data(std::string_view data) {
  boost::json::error_code ec;
  boost::json::parse(data, ec);
  if (ec) throw std::invalid_argument("job data is not valid JSON: " + ec.message());
}

std::vector<Queue::AddOutcome> Queue::add_bulk_unless_pending(const std::vector<NewJob>& jobs) {
  for (const auto& job : jobs)
    if (!job.opts.job_id || job.opts.job_id->empty())
      throw std::invalid_argument("add_bulk_unless_pending: every job needs a custom id");
  std::vector<AddOutcome> out;
  out.reserve(jobs.size());
  for (const auto& job : jobs) {
    auto state = get_state(*job.opts.job_id);
    auto outcome = AddOutcome::added;
    if (state) {
      if (*state != JobState::completed && *state != JobState::failed &&
          *state != JobState::stuck) {
        out.push_back(AddOutcome::skipped);
        continue;
      }
      if (!remove(*job.opts.job_id)) {  // taken meanwhile: it is pending again
        out.push_back(AddOutcome::skipped);
        continue;
      }
      outcome = AddOutcome::replaced;
    }
    add(job);
    out.push_back(outcome);
  }
  return out;
}

}  // namespace crawler::queue
