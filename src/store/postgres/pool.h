// Pool: a bounded, thread-safe set of PostgreSQL connections, handed out as RAII leases.
//
//   postgres::Pool pool({.url = url, .size = 8});
//   { auto lease = pool.acquire(); lease->exec("SELECT 1"); }  // returned on scope exit
//
// Design:
//   - A libpq connection is not thread-safe, so a thread borrows one for the duration of its
//     work (a Lease). At most `size` exist (idle + leased + being opened); acquire() waits for
//     one to come back up to acquire_timeout and then throws PoolTimeout (a store::Unavailable):
//     an exhausted pool must surface as an error the API maps to 503, never as a hang.
//   - Connections open lazily and are kept idle after use, most recently used first (warm
//     caches, and surplus connections stay idle rather than being spread thin). Each new
//     connection sets its session time zone to UTC, so any timestamp text the server produces
//     is UTC whatever the server's or the database's default is.
//   - Broken connections are replaced, not repaired: a lease whose connection failed (status
//     bad, a transaction left open by an exception) is closed on return, and an idle
//     connection that the server has written to (the termination notice a restarting server
//     sends) is dropped before it is handed out (Connection::reusable(), no round trip). So
//     after PostgreSQL restarts, callers get fresh connections without ever seeing the dead
//     ones; only a call in flight at the moment of the outage fails (ConnectionLost).
//   - No automatic retry of statements: a statement whose connection died may have committed,
//     and only the caller knows whether repeating it is safe.
//   - Connect failures throw store::Unavailable at once (libpq's connect_timeout bounds the
//     wait); the slot is released, so the next acquire() tries again. No backoff: the pool
//     size already bounds how many threads can be connecting at the same time.
//   - TLS, user, password, host lists: all from the URL (sslmode=require / verify-full for RDS),
//     handled by libpq.
//   - Leases share ownership of the pool's state, so a Lease outliving its Pool is harmless
//     (its connection is closed on return).
//   - The leasing itself is core::LeasePool, shared with the Redis pool; this file adds how
//     to open and check a libpq connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/lease_pool.h"
#include "store/errors.h"
#include "store/postgres/connection.h"

namespace crawler::store::postgres {

struct PoolOptions {
  std::string url;
  std::size_t size = 8;
  std::chrono::milliseconds acquire_timeout{5000};
  std::chrono::seconds connect_timeout{5};
};

class PoolTimeout : public store::Unavailable {
 public:
  using store::Unavailable::Unavailable;
};

// open, idle, leased, opened_total (replacements included), dropped_total (closed as broken).
using PoolStats = core::LeasePoolStats;

// Exclusive use of one pooled connection until destruction. Movable.
using Lease = core::LeasePool<Connection>::Lease;

class Pool {
 public:
  // Does not connect; the first acquire() does. std::invalid_argument for size 0 or a URL
  // libpq cannot parse.
  explicit Pool(PoolOptions options);

  // A healthy idle connection, else a new one if fewer than `size` exist, else waits up to
  // acquire_timeout for one to come back. Throws PoolTimeout, or store::Unavailable when
  // connecting fails.
  Lease acquire() { return leases_.acquire(); }
  PoolStats stats() const { return leases_.stats(); }

 private:
  core::LeasePool<Connection> leases_;
};

}  // namespace crawler::store::postgres
