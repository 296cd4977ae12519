// Transport: the byte pipe under a Connection — TCP or TLS, with every wait bounded by a
// deadline. Internal to crawler_redis (Connection is the public face).
//
// Design:
//   - One private io_context per transport, driven only from the calling thread: each
//     call starts Asio async operations and runs the context until they finish or the
//     deadline passes (run_one_for). On timeout or error the socket is closed and the
//     aborted handlers are run before returning, so no handler outlives the stack frame
//     it refers to. The cost (an io_context per connection) is small next to a socket.
//   - exchange() writes the request while it reads replies, not write-then-read: a large
//     pipeline can then never deadlock on full socket buffers in both directions.
//   - Asio stays in transport.cpp; this header is plain C++.
//   - Known limit: name resolution uses getaddrinfo on Asio's helper thread, which cannot
//     be interrupted. A resolver that hangs is bounded by the system's own resolver
//     timeout (resolv.conf), not by the connect deadline.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "redis/url.h"

namespace crawler::redis {

// A point in time plus the budget it came from, so a timeout error can say "after 500 ms".
struct Deadline {
  std::chrono::steady_clock::time_point at;
  std::chrono::milliseconds budget;

  static Deadline in(std::chrono::milliseconds budget) {
    return Deadline{std::chrono::steady_clock::now() + budget, budget};
  }
};

struct TlsOptions {
  std::optional<std::string> ca_file;  // empty: system CA store
  bool verify = true;                  // chain + host name (or IP) verification
};

class Transport {
 public:
  // Resolves, connects and (for rediss://) performs the TLS handshake. Throws IoError.
  static std::unique_ptr<Transport> open(const Endpoint& endpoint, const TlsOptions& tls,
                                         Deadline deadline);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Called with each chunk of bytes read; returns true once it has all it expects.
  using Consumer = std::function<bool(std::string_view)>;

  // Writes `request` in full while feeding what the server sends to `consume`, until the
  // write is done and `consume` returned true. `what` names the operation in errors.
  // Throws IoError on failure, timeout or end of stream (the transport is then closed);
  // an exception thrown by `consume` closes the transport and is rethrown unchanged.
  void exchange(std::string_view request, const Consumer& consume, Deadline deadline,
                std::string_view what);

  bool is_open() const;

 private:
  struct Impl;
  explicit Transport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crawler::redis
