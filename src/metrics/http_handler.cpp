#include "metrics/http_handler.h"

namespace crawler::metrics {

http::Response metrics_response(const Registry& registry) {
  return http::Response::text(200, registry.render(), std::string(kContentType));
}

}  // namespace crawler::metrics
