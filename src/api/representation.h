// How store rows look in JSON: the original returned PostgreSQL rows as they were (snake_case
// columns), and its client reads those names, so we keep them. Rankings also carry the original's
// *_kb fields, derived from our exact byte counts, for clients that read those.
#pragma once

#include <boost/json/value.hpp>

#include "store/store.h"

namespace crawler::api {

boost::json::value to_json(const store::Keyword& k);
boost::json::value to_json(const store::Ranking& r, bool with_keyword);

}  // namespace crawler::api
