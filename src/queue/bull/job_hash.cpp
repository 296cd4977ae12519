// Job hash decoding (see job_hash.h).
#include "queue/bull/job_hash.h"

#include <charconv>

#include "queue/bull/opts_json.h"
#include "queue/stacktrace.h"

namespace crawler::queue::bull {

namespace {

std::int64_t to_int(const std::string& s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

}  // namespace

Job job_from_fields(std::string id, const std::vector<redis::Reply>& f) {
  Job job;
  job.id = std::move(id);
  job.name = "__default__";
  job.data = "{}";
  for (std::size_t i = 0; i + 1 < f.size(); i += 2) {
    if (!f[i].is_string() || !f[i + 1].is_string()) continue;
    const std::string& k = f[i].str();
    const std::string& v = f[i + 1].str();
    if (k == "name") {
      job.name = v;
    } else if (k == "data") {
      job.data = v;
    } else if (k == "opts") {
      job.opts_json = v;
      try {
        job.opts = parse_opts_json(v);
      } catch (const std::invalid_argument&) {
        job.opts = JobOptions{};
      }
    } else if (k == "timestamp") {
      job.timestamp = to_int(v);
    } else if (k == "delay") {
      job.delay = to_int(v);
    } else if (k == "priority") {
      job.priority = to_int(v);
    } else if (k == "attemptsMade") {
      job.attempts_made = static_cast<int>(to_int(v));
    } else if (k == "processedOn") {
      job.processed_on = to_int(v);
    } else if (k == "finishedOn") {
      job.finished_on = to_int(v);
    } else if (k == "progress") {
      job.progress = v;
    } else if (k == "returnvalue") {
      job.return_value = v;
    } else if (k == "failedReason") {
      job.failed_reason = v;
    } else if (k == "stacktrace") {
      job.stacktrace = parse_stacktrace(v);
    }
  }
  return job;
}

}  // namespace crawler::queue::bull
