// Connection: one synchronous Redis connection (TCP or TLS), RESP2.
//
// Design:
//   - Synchronous on purpose: each caller (a worker, the queue code) owns its connection
//     and waits for its reply; there is no multiplexing and no background thread. A
//     Connection is NOT thread-safe; use one per thread, or a pool.
//   - Every wait is bounded. Internally each call runs Boost.Asio async operations on a
//     private io_context with run_for(deadline), so a dead peer, a half-open TCP
//     connection or a stuck TLS handshake ends in IoError after the timeout instead of a
//     hang. Blocking commands (BRPOPLPUSH, BLMOVE...) pass a longer per-call timeout.
//   - Failure model: a Redis error reply is data and comes back as a Reply of type error.
//     Anything that leaves the byte stream in an unknown state (socket error, timeout,
//     malformed reply) throws IoError and marks the connection broken(); every later call
//     throws IoError at once. A timed-out call may still be executed by the server: the
//     caller must treat its outcome as unknown.
//   - Server pushes (pub/sub) use the lower-level pair send() / read_reply(): send() writes
//     without waiting, read_reply() waits for whatever the server sends next. A read_reply()
//     that times out is NOT a failure (the connection stays usable), because "no message
//     yet" is the normal state of a subscriber. A connection that has used send() stays in
//     "push mode": command() and pipeline() then throw std::logic_error, because a reply
//     still in flight for send() would be taken as theirs (a Pool never reuses such a
//     connection).
//   - interrupt() is the one thread-safe member: another thread uses it to end a blocking
//     wait (a subscriber's read_reply, a worker's BRPOPLPUSH) promptly at shutdown.
//   - Asio stays out of this header (pimpl): including it costs <string>, <vector> and
//     <chrono>, not Boost.Asio and OpenSSL.
//   - Secrets: error messages name the endpoint via Endpoint::redacted(), never the
//     password.
#pragma once

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "redis/errors.h"
#include "redis/reply.h"
#include "redis/url.h"

namespace crawler::redis {

class Connection {
 public:
  struct Options {
    // Bounds all of connect(): name resolution, TCP connect, TLS handshake, AUTH, SELECT.
    std::chrono::milliseconds connect_timeout{5000};
    // Default bound for one command() or pipeline() call: writing it and reading replies.
    std::chrono::milliseconds io_timeout{5000};
    // PEM file of CA certificates to trust for rediss://; empty: the system's CA store.
    std::optional<std::string> tls_ca_file;
    // Verify the server certificate chain and that it names the host (or IP) we dialled.
    // Turning this off makes TLS an encryption-only channel open to man-in-the-middle.
    bool tls_verify = true;
  };

  // Connects, authenticates (AUTH password, or AUTH user password when the endpoint has a
  // user) and SELECTs the endpoint's db when non-zero. Throws IoError on network, timeout
  // or TLS failure, AuthError when the server rejects the credentials, Error when SELECT
  // fails.
  static std::unique_ptr<Connection> connect(const Endpoint& endpoint, const Options& options);
  static std::unique_ptr<Connection> connect(const Endpoint& endpoint);

  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends one command and returns its reply. `timeout` overrides Options::io_timeout for
  // this call. Throws IoError (and the connection becomes broken()) on I/O failure or
  // timeout; returns error replies.
  Reply command(std::initializer_list<std::string_view> args,
                std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  Reply command(const std::vector<std::string>& args,
                std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // Sends all commands in one write and reads all replies: one round trip. Returns one
  // reply per command, in order (error replies included). `timeout` bounds the whole
  // exchange. Not a transaction: wrap in MULTI/EXEC for atomicity.
  std::vector<Reply> pipeline(const std::vector<std::vector<std::string>>& commands,
                              std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // Writes commands without reading their replies (for pub/sub: SUBSCRIBE, PING...); read
  // them with read_reply(). Bounded by `timeout` (default io_timeout). Throws IoError (and
  // the connection becomes broken()) on failure. Puts the connection in push mode.
  void send(std::initializer_list<std::string_view> args,
            std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  void send(const std::vector<std::string>& args,
            std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  void send_pipeline(const std::vector<std::vector<std::string>>& commands,
                     std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  // The next reply the server sends (a reply to send(), or a pushed pub/sub message),
  // waiting up to `timeout`. std::nullopt when nothing complete arrived in time or after
  // interrupt(): the connection stays usable and a partly received reply is kept for the
  // next call. Throws IoError (connection broken()) on I/O failure or a malformed reply.
  std::optional<Reply> read_reply(std::chrono::milliseconds timeout);

  // Thread-safe (the Connection must outlive the call). Ends the current wait of the thread
  // using this connection promptly, and every later one at once: read_reply() returns
  // std::nullopt; command(), pipeline() and send() throw IoError and leave the connection
  // broken(). Irreversible: meant for shutting down a reader or a blocked worker.
  void interrupt();

  // True once an I/O failure, timeout or protocol error happened; drop the connection.
  bool broken() const;

  // True once send() was used: only send() / read_reply() are allowed from then on.
  bool push_mode() const;

  // No I/O, cheap: true when broken() or when the kernel has already seen the server close
  // the connection (restart, CLIENT KILL, idle timeout). A pool checks idle connections with
  // it before handing them out. False does not promise the next command will succeed.
  bool peer_closed() const;

  const Endpoint& endpoint() const;

 private:
  struct Impl;
  explicit Connection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crawler::redis
