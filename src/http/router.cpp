#include "http/router.h"

#include <stdexcept>

namespace crawler::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(i, end - i));
    i = end;
  }
  return out;
}

bool match(const Router::Route& route, const std::vector<std::string_view>& parts,
           std::map<std::string, std::string>* params) {
  if (route.segments.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const auto& seg = route.segments[i];
    if (!seg.empty() && seg[0] == ':') {
      if (params) (*params)[seg.substr(1)] = std::string(parts[i]);
    } else if (seg != parts[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Router::add(std::string_view method, std::string_view pattern, Handler handler, RouteDoc doc) {
  if (pattern.empty() || pattern[0] != '/')
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  Route r{std::string(method), std::string(pattern), {}, std::move(handler), std::move(doc)};
  for (auto seg : split_path(pattern)) r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
}

Response Router::dispatch(Request& req) const {
  std::optional<Response> early;
  for (const auto& hook : before_)
    if ((early = hook(req))) break;
  Response res = early ? std::move(*early) : route(req);
  for (const auto& hook : after_) hook(req, res);
  return res;
}

Response Router::route(Request& req) const {
  auto parts = split_path(req.path);
  std::string allow;
  for (const auto& route : routes_) {
    if (!match(route, parts, nullptr)) continue;
    bool head_as_get = req.method == "HEAD" && route.method == "GET";
    if (route.method == req.method || head_as_get) {
      match(route, parts, &req.params);
      return route.handler(req);
    }
    if (!allow.empty()) allow += ", ";
    allow += route.method;
  }
  if (!allow.empty()) {
    auto res = Response::error(405, "Method " + req.method + " not allowed on " + req.path);
    res.headers.emplace_back("Allow", allow);
    return res;
  }
  return Response::error(404, "Not found: " + req.method + " " + req.path);
}

}  // namespace crawler::http
