#include "app/health.h"

#include <boost/json.hpp>
#include <future>

#include "redis/connection.h"
#include "store/postgres/connection.h"

namespace crawler::app {

void add_health_routes(http::Router& router, std::vector<DependencyCheck> checks,
                       HealthDetails details) {
  router.get("/health", [details = std::move(details)](http::Request&) {
    boost::json::object body{{"status", "ok"}};
    if (details)
      for (auto& [key, value] : details()) body[key] = value;
    return http::Response::json(200, boost::json::serialize(body));
  });
  router.get("/ready", [checks = std::move(checks)](http::Request&) {
    // Probe concurrently so /ready costs the slowest probe, not their sum.
    std::vector<std::future<std::optional<std::string>>> results;
    for (const auto& c : checks) results.push_back(std::async(std::launch::async, c.probe));
    boost::json::object deps;
    bool ready = true;
    for (size_t i = 0; i < checks.size(); ++i) {
      auto failure = results[i].get();
      boost::json::object o;
      o["status"] = failure ? "down" : "ok";
      if (failure) {
        o["error"] = *failure;
        ready = false;
      }
      deps[checks[i].name] = std::move(o);
    }
    boost::json::object body{{"status", ready ? "ready" : "unavailable"},
                             {"dependencies", std::move(deps)}};
    return http::Response::json(ready ? 200 : 503, boost::json::serialize(body));
  });
}

DependencyCheck redis_check(std::string redis_url, std::chrono::milliseconds timeout) {
  return {"redis", [url = std::move(redis_url), timeout]() -> std::optional<std::string> {
            try {
              redis::Connection::Options options;
              options.connect_timeout = timeout;
              options.io_timeout = timeout;
              auto conn = redis::Connection::connect(redis::parse_url(url), options);
              auto reply = conn->command({"PING"});
              if (reply.is_error()) return reply.str();
              return std::nullopt;
            } catch (const std::exception& e) {
              return std::string(e.what());
            }
          }};
}

DependencyCheck postgres_check(std::string database_url, std::chrono::milliseconds timeout) {
  return {"postgres", [url = std::move(database_url), timeout]() {
            return store::postgres::ping(url,
                                         std::chrono::duration_cast<std::chrono::seconds>(timeout) +
                                             std::chrono::seconds(timeout.count() % 1000 ? 1 : 0));
          }};
}

}  // namespace crawler::app
