// Blocking HTTP requests for tests (libcurl): status, headers and body; status 0 when nothing
// answered.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace crawler::testing {

struct HttpResult {
  long status = 0;  // 0: connection failed or timed out
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

HttpResult http_request(const std::string& method, const std::string& url,
                        const std::string& body = "", const std::vector<std::string>& headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

inline HttpResult http_get(const std::string& url,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  return http_request("GET", url, "", {}, timeout);
}

}  // namespace crawler::testing
