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

}  // namespace crawler::api
