// /api/keywords and /api/rankings: the original's keyword management and ranking history.
#pragma once

#include "http/router.h"
#include "store/store.h"

namespace crawler::api {

void add_keyword_routes(http::Router& router, store::Store& store);
void add_ranking_routes(http::Router& router, store::Store& store);

}  // namespace crawler::api
