// A local HTTP endpoint for the metrics tests (our http::Server on a free port): serves a
// route table and records every request it receives, so a test can look at what a client
// (ours or the AWS SDK in Node) actually sent.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "http/server.h"

namespace crawler::metrics::testing {

class CaptureServer {
 public:
  // `setup` adds routes; every request that reaches a route is recorded first.
  explicit CaptureServer(std::function<void(http::Router&, CaptureServer&)> setup) {
    auto router = std::make_shared<http::Router>();
    router->before([this](http::Request& req) -> std::optional<http::Response> {
      std::lock_guard lock(mutex_);
      requests_.push_back(req);
      return std::nullopt;
    });
    setup(*router, *this);
    http::ServerOptions o;
    o.name = "capture";
    o.bind_address = "127.0.0.1";
    o.handler_threads = 2;
    server_ = std::make_unique<http::Server>(o, router, log::Logger("capture"));
    server_->start();
  }
  ~CaptureServer() { server_->stop(std::chrono::steady_clock::now() + std::chrono::seconds(2)); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<http::Request> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    requests_.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<http::Request> requests_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace crawler::metrics::testing
