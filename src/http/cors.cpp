#include "http/cors.h"

#include <algorithm>

namespace crawler::http {

void enable_cors(Router& router, std::vector<std::string> origins) {
  bool any = std::find(origins.begin(), origins.end(), "*") != origins.end();
  auto allowed = [origins, any](std::string_view origin) {
    return any || std::find(origins.begin(), origins.end(), origin) != origins.end();
  };
  router.before([allowed, any](Request& req) -> std::optional<Response> {
    if (req.method != "OPTIONS" || req.header("access-control-request-method").empty())
      return std::nullopt;
    Response res{204, "", "", {}};
    auto origin = req.header("origin");
    if (!origin.empty() && allowed(origin)) {
      res.headers.emplace_back("Access-Control-Allow-Origin", any ? "*" : std::string(origin));
      res.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
      auto requested = req.header("access-control-request-headers");
      res.headers.emplace_back(
          "Access-Control-Allow-Headers",
          requested.empty() ? "Content-Type, Authorization, X-Api-Key" : std::string(requested));
      res.headers.emplace_back("Access-Control-Max-Age", "600");
      res.headers.emplace_back("Vary", "Origin");
    }
    return res;
  });
  router.after([allowed, any](const Request& req, Response& res) {
    auto origin = req.header("origin");
    if (origin.empty() || !allowed(origin)) return;
    for (const auto& [name, value] : res.headers)
      if (name == "Access-Control-Allow-Origin") return;  // a preflight answer has it already
    res.headers.emplace_back("Access-Control-Allow-Origin", any ? "*" : std::string(origin));
    if (!any) res.headers.emplace_back("Vary", "Origin");
  });
}

}  // namespace crawler::http
