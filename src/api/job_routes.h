// /api/jobs and /api/system: the queue routes existing clients call, with input validation.
#pragma once

#include "http/router.h"
#include "queue/queue.h"
#include "store/store.h"

namespace crawler::api {

void add_job_routes(http::Router& router, queue::Queue& queue, store::Store& store);
// POST /api/system/reset: refused (403) unless API keys are configured, since it erases
// everything and would otherwise be open to anyone who can reach the port.
void add_system_routes(http::Router& router, queue::Queue& queue, store::Store& store,
                       bool api_keys_enabled);

}  // namespace crawler::api
