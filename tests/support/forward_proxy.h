// A forward proxy for plain http, on loopback, that demands Basic authentication: the stand-in
// for a commercial proxy pool in the crawl tests (the libcurl fetcher and Chromium both go
// through it). A request without credentials gets 407 with Proxy-Authenticate; with the right
// password it is relayed to the origin named in its absolute-form request line, and the user
// name is recorded (the rotating "<user>-session-<hex>" names are what tests check).
// One thread per connection, each request answered once and the connection closed.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace crawler::testing {

// Raw-socket helpers for test servers: the request head up to "\r\n\r\n" (empty on EOF or
// error), and a blocking send of all of `data`.
std::string read_http_head(int fd);
void send_all(int fd, std::string_view data);

class ForwardProxy {
 public:
  explicit ForwardProxy(std::string password);  // throws std::runtime_error if it cannot listen
  ~ForwardProxy();
  ForwardProxy(const ForwardProxy&) = delete;
  ForwardProxy& operator=(const ForwardProxy&) = delete;

  int port() const { return port_; }
  // User names of the requests relayed, in order.
  std::vector<std::string> users() const;
  // Requests answered 407 (no credentials yet).
  int challenges() const;

 private:
  void accept_loop();
  void serve(int client);

  std::string password_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> users_;
  int challenges_ = 0;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace crawler::testing
