// Names of the backend-neutral enums (Bull's spellings).
#include "queue/queue.h"

#include <stdexcept>
#include <string>

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

}  // namespace crawler::queue
