// API keys (API_KEYS, a comma list): when set, every /api route needs
// `Authorization: Bearer <key>` or `x-api-key: <key>`; /health, /ready, /metrics, /openapi.json
// and /api-docs stay open. Keys are compared in constant time so response timing does not
// reveal how much of a guess was right. The same check serves the WebSocket handshakes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/router.h"

namespace crawler::api {

class ApiKeys {
 public:
  explicit ApiKeys(std::vector<std::string> keys) : keys_(std::move(keys)) {}
  bool enabled() const { return !keys_.empty(); }
  bool accepts(std::string_view candidate) const;
  // The key a request presents (bearer token or x-api-key), or empty.
  static std::string_view presented(const http::Request& req);

 private:
  std::vector<std::string> keys_;
};

// A Router::before hook refusing /api requests without a valid key (401).
http::Before require_api_key(ApiKeys keys);

}  // namespace crawler::api
