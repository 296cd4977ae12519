// The OpenAPI 3.1 document, generated from the router's route table (each route's RouteDoc) and
// the component schemas in openapi/schemas.json: the document cannot list a route the server
// does not have, nor miss one.
#pragma once

#include <string>

#include "http/router.h"

namespace crawler::api {

std::string openapi_document(const http::Router& router, bool api_keys_required);

// GET /openapi.json (and GET /api-docs, a Swagger UI page when its assets are built in).
void add_openapi_routes(http::Router& router, bool api_keys_required);

}  // namespace crawler::api
