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
//   - receive() is the one non-destructive wait: when its deadline passes (or interrupt()
//     is called) it cancels its pending read and returns false with the stream intact, so a
//     pub/sub reader can wait in slices. Cancelling a *read* is safe for TLS too: a cancelled
//     read of the underlying socket consumed no bytes and the TLS engine keeps any partial
//     record. Writes are never cancelled this way (a half-written command would desync the
//     stream): a failed or timed-out write closes the transport.
//   - interrupt() is the only member that may be called from another thread. It sets a
//     sticky flag and posts a no-op to the io_context, which wakes the thread blocked in
//     run_one_for(); that thread then sees the flag. Posting is thread-safe in Asio; nothing
//     else about the socket is touched from the other thread.
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

  // Writes `request` in full without reading. Throws IoError (transport closed) on failure,
  // timeout or interrupt.
  void send(std::string_view request, Deadline deadline, std::string_view what);

  // Feeds what the server sends to `consume` until it returns true (then returns true).
  // Returns false, with the transport still open and no byte lost, when the deadline passes
  // or interrupt() was called first. Throws IoError (transport closed) on failure or end of
  // stream; an exception thrown by `consume` closes the transport and is rethrown.
  bool receive(const Consumer& consume, Deadline deadline, std::string_view what);

  // Thread-safe. From now on every wait ends at once: receive() returns false, exchange()
  // and send() throw IoError ("interrupted") and close the transport. A wait blocked in
  // another thread wakes up promptly. Irreversible.
  void interrupt();

  bool is_open() const;

  // No I/O: true when the kernel has seen the peer close or reset the connection (or the
  // transport is closed). Lets a pool skip idle connections the server dropped.
  bool peer_closed() const;

 private:
  struct Impl;
  explicit Transport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crawler::redis
