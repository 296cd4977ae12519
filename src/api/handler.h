// Wraps a REST handler so that its ApiErrors (and the store's Conflict) become the error
// envelope existing clients parse. Anything else propagates to the server, which logs it and
// answers 500 — a bug, never a consequence of bad input.
#pragma once

#include "http/router.h"

namespace crawler::api {

http::Handler handle(http::Handler fn);

}  // namespace crawler::api
