// CORS for browser clients on other origins (the Electron client, a dashboard elsewhere):
// answers preflight OPTIONS requests and adds Access-Control-Allow-Origin to responses for
// allowed origins. `origins` is a list of exact origins, or {"*"} for any.
#pragma once

#include <string>
#include <vector>

#include "http/router.h"

namespace crawler::http {

void enable_cors(Router& router, std::vector<std::string> origins);

}  // namespace crawler::http
