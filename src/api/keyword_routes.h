// /api/keywords and /api/rankings: keyword management and ranking history, routes as existing
// clients call them.
#pragma once

#include "http/router.h"
#include "store/store.h"

namespace crawler::api {

void add_keyword_routes(http::Router& router, store::Store& store);
void add_ranking_routes(http::Router& router, store::Store& store);

}  // namespace crawler::api
