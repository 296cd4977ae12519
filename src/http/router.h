// The route table: (method, pattern) → handler. Patterns are literal segments and ":name"
// captures ("/api/keywords/:id"); the first matching route wins, in registration order, so a
// reader finds every route of a server in the one place that registers them (see src/app).
//
// Handlers are synchronous functions run on the server's handler pool, not on its I/O thread:
// the services behind them (PostgreSQL through libpq, Redis) block, and a pool of a few threads
// per process is simpler and fast enough for an API whose heavy work happens in workers.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace crawler::http {

using Handler = std::function<Response(Request&)>;

class Router {
 public:
  void add(std::string_view method, std::string_view pattern, Handler handler);
  void get(std::string_view p, Handler h) { add("GET", p, std::move(h)); }
  void post(std::string_view p, Handler h) { add("POST", p, std::move(h)); }
  void put(std::string_view p, Handler h) { add("PUT", p, std::move(h)); }
  void del(std::string_view p, Handler h) { add("DELETE", p, std::move(h)); }

  // Finds the route, fills req.params and runs it. No route → 404; a path that exists for
  // other methods → 405 with Allow. A handler that throws → 500 (logged by the server).
  Response dispatch(Request& req) const;

  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace crawler::http
