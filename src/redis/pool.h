// Pool: a bounded, thread-safe set of Connections to one Redis, handed out as RAII leases.
//
//   redis::Pool pool(redis::PoolOptions{.endpoint = redis::parse_url(url)});
//   Reply r = pool.command({"INCR", "hits"});            // one leased connection, no retry
//   { auto lease = pool.acquire(); lease->pipeline(...); }  // several calls, one connection
//
// Design:
//   - A Connection is not thread-safe, so each thread borrows one for the duration of its
//     calls (a Lease) and gives it back. At most max_connections exist (idle + leased +
//     being opened); acquire() waits for one to come back, up to acquire_timeout, then
//     throws IoError: a stuck pool must surface as an error, not a hang.
//   - Connections are opened lazily and kept idle after use (LIFO: the most recently used,
//     warmest one goes out first). A lease whose connection is broken() (I/O failure,
//     timeout) or in push_mode() (send() was used) drops it on return; the next acquire()
//     opens a new one. An idle connection
//     the server has closed (restart, CLIENT KILL, idle timeout) is noticed without I/O
//     (Connection::peer_closed()) and replaced before it is handed out, so a Redis restart
//     costs callers nothing once Redis is back.
//   - Connect failures are gated by a Backoff: after a failed connect, acquire() throws
//     IoError AT ONCE until the backoff delay has passed (one caller then probes; the others
//     keep failing fast until the probe succeeds). Callers are never blocked by an outage
//     (only by their own connect attempt, bounded by connect_timeout), and a hundred threads
//     cannot hammer a dead Redis. Errors that retrying cannot fix (AuthError, a failing
//     SELECT) are rethrown as themselves during the gate, not disguised as IoError.
//   - No automatic retry: command() and pipeline() run once. A timed-out write may have
//     been applied by the server, and only the caller knows whether repeating it is safe.
//     Idempotent calls and loops use with_retry() (redis/retry.h).
//   - Blocking commands (BRPOPLPUSH, BLMOVE) would pin a pooled connection for seconds, so
//     they take a connect_dedicated() connection outside the pool's bound.
//   - Leases share ownership of the pool's state, so a Lease that outlives its Pool is
//     harmless (its connection is then closed on return).
//   - The leasing itself (bound, idle list, waiting, replacing) is core::LeasePool, shared
//     with the PostgreSQL pool; this file adds the connect gate and the Redis checks.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/lease_pool.h"
#include "core/backoff.h"
#include "redis/connection.h"
#include "redis/errors.h"
#include "redis/reply.h"
#include "redis/url.h"

namespace crawler::redis {

struct PoolOptions {
  Endpoint endpoint;
  Connection::Options connection{};
  std::size_t max_connections = 16;
  std::chrono::milliseconds acquire_timeout{5000};
  BackoffOptions reconnect{};
};

struct PoolStats {
  std::size_t open = 0;    // idle + leased + being opened; never above max_connections
  std::size_t idle = 0;    // ready to lease
  std::size_t leased = 0;  // held by Leases
  std::uint32_t consecutive_connect_failures = 0;  // 0 while Redis is reachable
};

// Exclusive use of one pooled connection until destruction (or discard(): closes the
// connection instead of returning it, for one left in a state the next user must not
// inherit, such as CLIENT REPLY OFF or a changed SELECT). Movable.
using Lease = core::LeasePool<Connection>::Lease;

class Pool {
 public:
  // Does not connect: the first acquire() does. Throws std::invalid_argument for
  // max_connections == 0 or invalid backoff options.
  explicit Pool(PoolOptions options);

  // An idle connection, or a new one if fewer than max_connections exist; otherwise waits
  // up to acquire_timeout for one to be returned. Throws IoError when Redis cannot be
  // reached (at once while the reconnect backoff runs), when no connection came free in
  // time; AuthError / Error when connecting fails for reasons retrying cannot cure.
  Lease acquire();

  // One command / one pipeline on one leased connection. Not retried (see above). Error
  // replies are returned; IoError is thrown and the connection is dropped.
  Reply command(std::initializer_list<std::string_view> args);
  Reply command(const std::vector<std::string>& args);
  std::vector<Reply> pipeline(const std::vector<std::vector<std::string>>& commands);

  // A new connection outside the pool (not counted in max_connections, never returned to
  // it): for blocking commands. Subject to the same connect backoff as acquire().
  std::unique_ptr<Connection> connect_dedicated();

  const Endpoint& endpoint() const;
  PoolStats stats() const;

 private:
  struct Gate;  // the connect gate (pool.cpp), shared with the lease pool's open hook
  std::shared_ptr<Gate> gate_;
  core::LeasePool<Connection> leases_;
};

}  // namespace crawler::redis
