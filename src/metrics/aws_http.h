// A minimal blocking HTTP client on libcurl for the AWS calls of this library (PutMetricData,
// the ECS credentials endpoint, IMDSv2). One easy handle per call: the calls happen once a
// minute or once per credential refresh, so connection reuse is not worth the shared state.
//
// Errors: a transport failure (connect, timeout, TLS) throws HttpError; any HTTP status is
// returned, and callers decide what a 4xx/5xx means. Nothing here logs: headers may carry
// tokens and bodies may carry credentials.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace crawler::metrics {

class HttpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpCall {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds timeout{5000};
  // false for link-local metadata endpoints: an HTTP(S)_PROXY must not see them.
  bool use_proxy = true;
};

struct HttpReply {
  long status = 0;
  std::string body;
};

HttpReply http_call(const HttpCall& call);

}  // namespace crawler::metrics
