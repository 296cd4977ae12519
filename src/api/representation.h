// How store rows look in JSON: snake_case column names, because existing clients read rows by
// those names (docs/glossary.md). Rankings also carry the
// *_kb fields clients display, derived from our exact byte counts, for clients that read those.
#pragma once

#include <boost/json/value.hpp>

#include "store/store.h"

namespace crawler::api {

boost::json::value to_json(const store::Keyword& k);
boost::json::value to_json(const store::Ranking& r, bool with_keyword);

}  // namespace crawler::api
