#include "api/worker_routes.h"

#include <boost/json.hpp>

#include "api/api_error.h"
#include "api/handler.h"
#include "api/json_io.h"
#include "redis/errors.h"

namespace crawler::api {

void add_worker_routes(http::Router& router, metrics::WorkerRegistry& workers) {
  router.get("/api/workers", handle([&workers](http::Request&) {
               std::vector<metrics::WorkerInfo> live;
               try {
                 live = workers.list_live();
               } catch (const redis::Error&) {
                 throw ApiError(503, "Redis unavailable, retry later");
               }
               boost::json::array rows;
               std::int64_t slots = 0, busy = 0;
               for (const auto& w : live) {
                 slots += w.concurrency;
                 busy += w.busy;
                 rows.push_back({{"id", w.id},
                                 {"host", w.host},
                                 {"pid", w.pid},
                                 {"role", w.role},
                                 {"concurrency", w.concurrency},
                                 {"busy", w.busy},
                                 {"startedAt", w.started_at},
                                 {"heartbeat", w.heartbeat},
                                 {"jobsCompleted", w.jobs_completed},
                                 {"jobsFailed", w.jobs_failed}});
               }
               return ok(boost::json::object{{"workers", std::move(rows)},
                                             {"count", static_cast<std::int64_t>(live.size())},
                                             {"slots", slots},
                                             {"busySlots", busy}});
             }),
             {.summary = "Live workers (heartbeat within 3 intervals), with slots and busy slots",
              .tag = "workers",
              .response_schema = "Workers",
              .errors = {503}});
}

namespace {

const char* comparison_symbol(scaling::Comparison c) {
  switch (c) {
    case scaling::Comparison::greater:
      return ">";
    case scaling::Comparison::greater_or_equal:
      return ">=";
    case scaling::Comparison::less:
      return "<";
    case scaling::Comparison::less_or_equal:
      return "<=";
  }
  return "?";
}

}  // namespace

void add_scaling_routes(http::Router& router, QueueHistory& history,
                        metrics::WorkerRegistry& workers,
                        std::optional<scaling::ScalingConfig> policy) {
  router.get(
      "/api/scaling", handle([&history, &workers, policy](http::Request&) {
        auto samples = history.samples();
        int current = 0;
        try {
          current = static_cast<int>(workers.list_live().size());
        } catch (const redis::Error&) {
          throw ApiError(503, "Redis unavailable, retry later");
        }
        boost::json::array sample_rows;
        for (const auto& s : samples)
          sample_rows.push_back({{"at", s.at_ms},
                                 {"waiting", s.counts.waiting},
                                 {"active", s.counts.active},
                                 {"delayed", s.counts.delayed},
                                 {"failed", s.counts.failed},
                                 {"workers", s.workers},
                                 {"slots", s.slots},
                                 {"busy", s.busy}});
        auto minutes = per_minute(samples);
        boost::json::array minute_rows;
        for (const auto& m : minutes)
          minute_rows.push_back({{"at", m.minute_ms},
                                 {"queueWaitingJobs", m.queue_waiting_jobs},
                                 {"backlogPerWorker", m.backlog_per_worker}});
        boost::json::object out{
            {"intervalMs", history.interval().count()},
            {"samples", std::move(sample_rows)},
            {"minutes", std::move(minute_rows)},
        };
        if (policy) {
          boost::json::array names;
          for (const auto& p : policy->target_policies)
            names.push_back({{"name", p.name}, {"type", "target"}, {"target", p.target}});
          for (const auto& p : policy->step_policies)
            names.push_back({{"name", p.name},
                             {"type", "step"},
                             {"comparison", comparison_symbol(p.comparison)},
                             {"threshold", p.threshold}});
          auto advice = advise(*policy, minutes, current);
          out["policy"] = boost::json::object{{"minCapacity", policy->min_capacity},
                                              {"maxCapacity", policy->max_capacity},
                                              {"policies", std::move(names)}};
          out["advice"] = boost::json::object{
              {"current", advice.current},
              {"desired", advice.desired},
              {"policy", advice.policy},
              {"metric", advice.metric ? boost::json::value(*advice.metric) : nullptr}};
        } else {
          out["policy"] = nullptr;
          out["advice"] = nullptr;
        }
        return ok(std::move(out));
      }),
      {.summary = "The queue metric over the last hour (sampled by this api process) and what "
                  "the scaling policy (cloudwatch/autoscaling.json) would do now",
       .tag = "workers",
       .response_schema = "Scaling",
       .errors = {503}});
}

}  // namespace crawler::api
