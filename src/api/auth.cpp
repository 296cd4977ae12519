#include "api/auth.h"

#include <openssl/crypto.h>

namespace crawler::api {

bool ApiKeys::accepts(std::string_view candidate) const {
  if (candidate.empty()) return false;
  bool match = false;
  for (const auto& key : keys_) {
    // Length is not secret enough to hide (keys have fixed formats); contents are.
    if (key.size() == candidate.size() &&
        CRYPTO_memcmp(key.data(), candidate.data(), key.size()) == 0)
      match = true;
  }
  return match;
}

std::string_view ApiKeys::presented(const http::Request& req) {
  auto auth = req.header("authorization");
  if (auth.size() > 7 && (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer "))
    return auth.substr(7);
  return req.header("x-api-key");
}

http::Before require_api_key(ApiKeys keys) {
  return [keys = std::move(keys)](http::Request& req) -> std::optional<http::Response> {
    if (!keys.enabled() || req.method == "OPTIONS") return std::nullopt;
    bool guarded = req.path == "/api" || req.path.starts_with("/api/");
    if (!guarded || req.path.starts_with("/api-docs")) return std::nullopt;
    if (keys.accepts(ApiKeys::presented(req))) return std::nullopt;
    auto res = http::Response::error(401, "Missing or invalid API key");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return res;
  };
}

}  // namespace crawler::api
