// A blocking HTTP GET for tests (libcurl): status and body, or status 0 when nothing answered.
#pragma once

#include <chrono>
#include <string>

namespace crawler::testing {

struct HttpResult {
  long status = 0;  // 0: connection failed or timed out
  std::string body;
};

HttpResult http_get(const std::string& url,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace crawler::testing
