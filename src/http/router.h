// The route table: (method, pattern) → handler. Patterns are literal segments and ":name"
// captures ("/api/keywords/:id"); the first matching route wins, in registration order, so a
// reader finds every route of a server in the one place that registers them (see src/app).
//
// Handlers are synchronous functions run on the server's handler pool, not on its I/O thread:
// the services behind them (PostgreSQL through libpq, Redis) block, and a pool of a few threads
// per process is simpler and fast enough for an API whose heavy work happens in workers.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace crawler::http {

using Handler = std::function<Response(Request&)>;
// Runs before routing; returning a Response ends the request there (auth, CORS preflight).
using Before = std::function<std::optional<Response>(Request&)>;
// Runs on every response, routed or not (CORS headers).
using After = std::function<void(const Request&, Response&)>;

// What the OpenAPI document says about a route. Kept beside the route so the two cannot drift.
struct Param {
  std::string name;
  std::string in = "query";     // "query" | "path"
  std::string type = "string";  // JSON Schema type of the value
  bool required = false;
  std::string description;
};
struct RouteDoc {
  std::string summary;
  std::string tag;
  std::vector<Param> params;
  std::string request_schema;   // components/schemas name of the JSON body, if any
  std::string request_media;    // another body type, e.g. "multipart/form-data"
  std::string response_schema;  // schema of `data` in {"success":true,"data":...}
  std::string response_media;   // a non-JSON answer, e.g. an .xlsx file or text
  std::vector<int> errors;      // 400, 404, 409...
  bool open = false;            // true: no API key needed
};

class Router {
 public:
  void add(std::string_view method, std::string_view pattern, Handler handler, RouteDoc doc = {});
  void get(std::string_view p, Handler h, RouteDoc d = {}) {
    add("GET", p, std::move(h), std::move(d));
  }
  void post(std::string_view p, Handler h, RouteDoc d = {}) {
    add("POST", p, std::move(h), std::move(d));
  }
  void put(std::string_view p, Handler h, RouteDoc d = {}) {
    add("PUT", p, std::move(h), std::move(d));
  }
  void del(std::string_view p, Handler h, RouteDoc d = {}) {
    add("DELETE", p, std::move(h), std::move(d));
  }
  void before(Before hook) { before_.push_back(std::move(hook)); }
  void after(After hook) { after_.push_back(std::move(hook)); }

  // Finds the route, fills req.params and runs it. No route → 404; a path that exists for
  // other methods → 405 with Allow. A handler that throws → 500 (logged by the server).
  Response dispatch(Request& req) const;

  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
    RouteDoc doc;
  };
  const std::vector<Route>& routes() const { return routes_; }

 private:
  Response route(Request& req) const;

  std::vector<Route> routes_;
  std::vector<Before> before_;
  std::vector<After> after_;
};

}  // namespace crawler::http
