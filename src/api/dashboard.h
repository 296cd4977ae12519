// The web dashboard at `/` (web/dashboard, built by Vite during the CMake build and compiled
// into the binary by cmake/EmbedDashboard.cmake): index.html and the hashed assets under
// /assets/, each also gzip-compressed at build time and served compressed to clients that
// accept it. The dashboard talks only to the public REST API and Socket.IO events.
#pragma once

#include <string_view>
#include <vector>

#include "http/router.h"

namespace crawler::api {

struct DashboardAsset {
  std::string_view path;  // "index.html", "assets/index-1a2b3c.js"
  std::string_view content;
  std::string_view gzip;  // the same bytes gzip-compressed
};

// Generated at build time; empty when the dashboard could not be built (no npm packages).
const std::vector<DashboardAsset>& dashboard_assets();

void add_dashboard_routes(http::Router& router);

}  // namespace crawler::api
