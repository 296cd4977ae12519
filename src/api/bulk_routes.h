// /api/bulk-searches: upload a sheet of keyword+url rows, follow and export the results.
#pragma once

#include <chrono>

#include "http/router.h"
#include "queue/queue.h"
#include "store/store.h"

namespace crawler::api {

// `cache_interval`: a keyword+url checked more recently than this is answered from its last
// result instead of being crawled again (BULK_SEARCH_MONITORING_INTERVAL_MS).
void add_bulk_routes(http::Router& router, store::Store& store, queue::Queue& queue,
                     std::chrono::milliseconds cache_interval);

}  // namespace crawler::api
