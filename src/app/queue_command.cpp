#include "app/queue_command.h"

#include <cstdio>
#include <iostream>

#include "app/backends.h"

namespace crawler::app {
namespace {

// "90s", "30m", "1h", "7d" → milliseconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  if (text.size() < 2) return std::nullopt;
  const char unit = text.back();
  std::int64_t n = 0;
  for (std::size_t i = 0; i + 1 < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9' || n > 1'000'000'000) return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  switch (unit) {
    case 's':
      return std::chrono::seconds(n);
    case 'm':
      return std::chrono::minutes(n);
    case 'h':
      return std::chrono::hours(n);
    case 'd':
      return std::chrono::hours(24 * n);
    default:
      return std::nullopt;
  }
}

int usage(const std::string& message) {
  std::cerr << "crawler queue: " << message
            << "\nusage: crawler queue stats | failed [--limit N] | retry-failed [--limit N] | "
               "clean --state completed|failed --older-than <n>s|m|h|d [--limit N] | pause | "
               "resume\n";
  return 2;
}

}  // namespace

int run_queue_command(const Config& config, const QueueCommand& c) {
  if (c.limit < 1 || c.limit > 100000) return usage("--limit must be 1..100000");
  std::optional<std::chrono::milliseconds> grace;
  if (c.action == "clean") {
    if (c.state != "completed" && c.state != "failed")
      return usage("clean needs --state completed or --state failed");
    grace = parse_duration(c.older_than);
    if (!grace) return usage("clean needs --older-than like 90s, 30m, 1h or 7d");
  }
  try {
    auto backends = Backends::open(config);
    auto queue = backends->queue();
    const std::string where = config.embedded() ? config.queue_name + " in " + backends->describe()
                                                : config.queue_prefix + ":" + config.queue_name;
    if (c.action == "stats") {
      // Embedded: workers live in the server process and are not visible from here.
      auto fleet = backends->worker_registry()->summary();
      const auto n = queue->get_job_counts();
      std::printf(
          "queue %s%s\n  waiting %lld\n  active %lld\n  delayed %lld\n  paused %lld\n"
          "  completed %lld\n  failed %lld\nworkers %lld (slots %lld, busy %lld)\n",
          where.c_str(), queue->is_paused() ? " (PAUSED)" : "", static_cast<long long>(n.waiting),
          static_cast<long long>(n.active), static_cast<long long>(n.delayed),
          static_cast<long long>(n.paused), static_cast<long long>(n.completed),
          static_cast<long long>(n.failed), static_cast<long long>(fleet.workers),
          static_cast<long long>(fleet.slots), static_cast<long long>(fleet.busy_slots));
    } else if (c.action == "failed" || c.action == "retry-failed") {
      auto jobs = queue->get_jobs({queue::JobState::failed}, 0, c.limit - 1, false);
      int retried = 0;
      for (const auto& job : jobs) {
        if (c.action == "failed") {
          std::printf("%s  attempts %d  %s\n    data %s\n", job.id.c_str(), job.attempts_made,
                      job.failed_reason.value_or("").c_str(), job.data.c_str());
        } else {
          try {
            queue->retry(job.id);
            ++retried;
          } catch (const queue::Error& e) {
            std::printf("%s: not retried (%s)\n", job.id.c_str(), e.what());
          }
        }
      }
      if (c.action == "failed")
        std::printf("%zu failed job(s) shown (newest first)\n", jobs.size());
      else
        std::printf("%d failed job(s) moved back to waiting\n", retried);
    } else if (c.action == "clean") {
      auto removed = queue->clean(
          *grace, c.state == "completed" ? queue::JobState::completed : queue::JobState::failed,
          c.limit);
      std::printf("%zu %s job(s) older than %s removed\n", removed.size(), c.state.c_str(),
                  c.older_than.c_str());
    } else if (c.action == "pause") {
      queue->pause();
      std::printf("queue %s paused: workers take no new jobs\n", where.c_str());
    } else if (c.action == "resume") {
      queue->resume();
      std::printf("queue %s resumed\n", where.c_str());
    } else {
      return usage("unknown action '" + c.action + "'");
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "crawler queue: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace crawler::app
