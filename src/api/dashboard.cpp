#include "api/dashboard.h"

namespace crawler::api {
namespace {

const DashboardAsset* find_asset(std::string_view path) {
  for (const auto& a : dashboard_assets())
    if (a.path == path) return &a;
  return nullptr;
}

std::string content_type(std::string_view path) {
  auto ends = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "application/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".woff2")) return "font/woff2";
  if (ends(".png")) return "image/png";
  return "application/octet-stream";
}

bool accepts_gzip(const http::Request& req) {
  // Enough for browsers ("gzip, deflate, br"); a q=0 refusal of gzip is not worth parsing.
  auto accept = req.header("accept-encoding");
  return accept.find("gzip") != std::string_view::npos;
}

http::Response serve(const http::Request& req, const DashboardAsset& asset, bool immutable) {
  http::Response res;
  res.status = 200;
  res.content_type = content_type(asset.path);
  if (!asset.gzip.empty() && accepts_gzip(req)) {
    res.body = std::string(asset.gzip);
    res.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    res.body = std::string(asset.content);
  }
  res.headers.emplace_back("Vary", "Accept-Encoding");
  // Hashed asset names change with their contents; the page itself must be revalidated.
  res.headers.emplace_back("Cache-Control",
                           immutable ? "public, max-age=31536000, immutable" : "no-cache");
  res.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return res;
}

}  // namespace

void add_dashboard_routes(http::Router& router) {
  router.get("/", [](http::Request& req) {
    const auto* index = find_asset("index.html");
    if (!index)
      return http::Response::text(
          503, "The dashboard was not built into this binary (run scripts/install-deps, rebuild)");
    auto res = serve(req, *index, false);
    res.headers.emplace_back("Referrer-Policy", "no-referrer");
    // Everything the page loads is its own: scripts and styles from /assets/, the REST API and
    // Socket.IO on this origin. Inline style attributes are set by the chart library.
    res.headers.emplace_back("Content-Security-Policy",
                             "default-src 'self'; script-src 'self'; style-src 'self' "
                             "'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; "
                             "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    return res;
  });
  router.get("/assets/:file", [](http::Request& req) {
    const auto* asset = find_asset("assets/" + req.params["file"]);
    if (!asset) return http::Response::error(404, "Not found");
    return serve(req, *asset, true);
  });
}

}  // namespace crawler::api
